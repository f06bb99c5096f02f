"""Agreement with the labelled corpus: every manifest's files, per class, against the issue's targets.

Each split under tests/data/corpus/ with a manifest.yaml is evaluated through the real path
(`open_catalog` → `Evaluator.run`) with the manifest's currency and markets, and compared row by
row with its expert labels (tests/data/corpus/LABELLING.md). The agreement per class — method,
vertical, expiry captured where needed, non-stock decided `none`, per vertical — is printed for
every split; the dev split must reach the targets of issue #9. The test knows nothing of the
files' contents: a new file or split is picked up from its manifest.
"""

from __future__ import annotations

import pytest
from corpus_helpers import TARGETS, manifests, measure

SPLITS = manifests()
# A labelled row the readers cannot yet turn into a decided record (an export format they do not
# read, a missing currency rate) is a reading gap, not a classification one: above this share the
# targets are reported but expected to fail, naming what was not read.
READ_GAP = 0.05


@pytest.mark.skipif(not SPLITS, reason="no labelled corpus (tests/data/corpus/*/manifest.yaml)")
@pytest.mark.parametrize("manifest", SPLITS, ids=[m.parent.name for m in SPLITS])
def test_corpus_agreement_per_class(manifest, capsys):
    """Method ≥ 95%, vertical ≥ 90%, expiry ≥ 98% where needed, every non-stock row none (dev)."""
    tally = measure(manifest.parent)
    with capsys.disabled():
        print("\n" + tally.report(manifest.parent.name))
    if manifest.parent.name != "dev":
        return  # other splits are reported, never tuned on
    labelled = tally.classes["method"][1]
    unread = sum(tally.unread.values())
    short = {
        name: tally.share(name) for name, target in TARGETS.items() if tally.share(name) < target
    }
    if short and unread > READ_GAP * labelled:
        pytest.xfail(
            f"{unread} of {labelled} labelled rows were not read into decisions "
            f"({', '.join(f'{k}: {n}' for k, n in tally.unread.most_common(4))}); "
            "the targets need every export format read"
        )
    assert not short, "below target: " + ", ".join(f"{k} {v:.1%}" for k, v in short.items())
