"""Measuring trackright against the labelled corpus: every manifest's files, agreement per class.

`measure(split_dir)` evaluates each file a manifest lists through the real evaluation path
(`open_catalog` → `Evaluator.run`, the manifest's currency and markets as the brand profile,
no other profile) and compares each labelled row with the decision made for it. It needs to
know nothing of the files' contents: new files and new splits are picked up from the manifests.
"""

from __future__ import annotations

import csv
import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import yaml

CORPUS = Path(__file__).parent / "data" / "corpus"
TARGETS = {"method": 0.95, "vertical": 0.90, "expiry": 0.98, "not_stock": 1.0}


@dataclass
class Tally:
    """Agreement counts: class → [agreed, labelled]."""

    classes: dict[str, list[int]] = field(default_factory=dict)
    per_vertical: dict[str, list[int]] = field(default_factory=dict)
    misses: list[str] = field(default_factory=list)
    unread: Counter = field(default_factory=Counter)

    def add(self, name: str, ok: bool, store: dict | None = None) -> None:
        slot = (self.classes if store is None else store).setdefault(name, [0, 0])
        slot[0] += bool(ok)
        slot[1] += 1

    def share(self, name: str) -> float:
        agreed, total = self.classes.get(name, [0, 0])
        return agreed / total if total else 1.0

    def report(self, title: str) -> str:
        lines = [f"corpus agreement — {title}"]
        for name in (
            "method",
            "vertical",
            "expiry",
            "not_stock",
            "capture",
            "method (rows read)",
            "vertical (rows read)",
        ):
            a, n = self.classes.get(name, [0, 0])
            target = TARGETS.get(name)
            aim = f"  (target {target:.0%})" if target else ""
            lines.append(f"  {name:<20} {a:>4}/{n:<4} {a / n if n else 1:.1%}{aim}")
        lines.append("  per vertical (method agreement):")
        for v, (a, n) in sorted(self.per_vertical.items()):
            lines.append(f"    {v:<24} {a:>3}/{n:<3} {a / n:.0%}")
        if self.unread:
            lines.append(
                "  labelled rows not decided: "
                + ", ".join(f"{k}: {n}" for k, n in self.unread.most_common())
            )
        return "\n".join(lines)


def manifests() -> list[Path]:
    """Every split's manifest; `TRACKRIGHT_CORPUS_SPLITS=dev,holdout` keeps only those named.

    Tuning reads the splits it may see and nothing else: set the variable so that a split kept
    unseen (say holdout2) is neither evaluated nor printed.
    """
    found = sorted(CORPUS.glob("*/manifest.yaml"))
    wanted = os.environ.get("TRACKRIGHT_CORPUS_SPLITS", "").strip()
    if not wanted:
        return found
    names = {w.strip() for w in wanted.split(",") if w.strip()}
    return [m for m in found if m.parent.name in names]


def measure(split: Path, rules_dir: str | Path | None = None, tally: Tally | None = None) -> Tally:
    """Evaluate every file of one split's manifest and tally agreement with its labels."""
    from advisor.advice.evaluate import Evaluator, Summary
    from advisor.advice.profile import BrandProfile
    from advisor.catalog import open_catalog
    from advisor.catalog.records import RejectedRow
    from advisor.errors import TrackrightError
    from advisor.rulebook.load import load_rulebook

    t = tally or Tally()
    book = load_rulebook(rules_dir)
    manifest = yaml.safe_load((split / "manifest.yaml").read_text(encoding="utf-8"))
    for entry in manifest.get("files", ()):
        path = split / entry["file"]
        labels_path = path.with_name(path.stem + ".labels.csv")
        if not labels_path.is_file():
            continue
        currency = str(entry.get("currency") or book.classification.base_currency).upper()
        markets = tuple(str(m).upper() for m in entry.get("markets") or ("IN",))
        profile = BrandProfile(markets=markets, currency=currency)
        decided: dict[int, object] = {}
        try:
            reader = open_catalog(
                path,
                default_currency=currency,
                decimals={code: r.decimals for code, r in book.currencies.rates.items()},
                table=book.columns,
            )
            ev = Evaluator(book, profile, None, currency)
            for item in ev.run(reader, Summary()):
                decided[getattr(item, "row", None) or item.record.row] = item
            ev.close()
        except TrackrightError as exc:
            t.unread[f"{entry['file']}: {str(exc)[:60]}"] += 1
        with labels_path.open(encoding="utf-8", newline="") as fh:
            for lab in csv.DictReader(fh):
                row = int(lab["row"])
                want_v, want_m = lab["vertical"].strip(), lab["method"].strip()
                want_c = {c for c in lab.get("capture", "").split(";") if c.strip()}
                got = decided.get(row)
                if got is None or isinstance(got, RejectedRow):
                    why = got.reason.split(":")[0][:40] if got is not None else "no such row"
                    t.unread[why] += 1
                    got_v = got_m = ""
                    got_c: set[str] = set()
                else:
                    got_v, got_m = got.facts.vertical, got.decision.method
                    got_c = set(got.decision.capture)
                if got_m:
                    t.add("method (rows read)", got_m == want_m)
                    t.add("vertical (rows read)", got_v == want_v)
                t.add("method", got_m == want_m)
                t.add("vertical", got_v == want_v)
                t.add("capture", got_m == want_m and got_c == want_c)
                if "expiry" in want_c:
                    t.add("expiry", "expiry" in got_c)
                if want_m == "none":
                    t.add("not_stock", got_m == "none")
                t.add(want_v, got_m == want_m, t.per_vertical)
                if got_m != want_m or got_v != want_v:
                    title = getattr(getattr(got, "record", None), "title", "")
                    src = got.facts.vertical_source if got_v else ""
                    t.misses.append(
                        f"{entry['file']}:{row} want {want_v}/{want_m} got "
                        f"{got_v or '-'}/{got_m or '-'} | {title[:50]} | {src[:120]}"
                    )
    return t


__all__ = ["CORPUS", "TARGETS", "Tally", "manifests", "measure"]
