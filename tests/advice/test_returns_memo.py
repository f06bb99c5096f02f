"""The returns desk's verdict memo: the same verdict as the rules, forgotten when a rule changes."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from advisor.advice import returns

ROOT = Path(__file__).resolve().parents[2]
FACTS = {
    "id_known": True,
    "ever_shipped": True,
    "shipped_on_this_order": True,
    "already_returned_on_this_order": False,
    "lot_recalled": False,
    "lot_expired": False,
    "return_requires_qc": False,
    "return_count": 1,
    "reason": "fit",
    "method": "serial",
}


def test_the_memo_finds_its_folder_without_loading_the_rulebook_machinery():
    """Checking the memo's folder (rules files, $TRACKRIGHT_RULES, the bundled copy) imports the
    light `advisor.rulebook.locate` only, never the loader: a returns desk starts fast."""
    code = (
        "import sys, advisor.advice.returns as r; r.resolve_rules_dir(None); "
        "assert 'advisor.rulebook.load' not in sys.modules, 'loader imported'; "
        "assert 'yaml' not in sys.modules, 'yaml imported'"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_a_remembered_verdict_is_the_rules_verdict_and_costs_no_load(tmp_path, monkeypatch):
    """A second process gets the verdict from the memo without loading the rulebook."""
    monkeypatch.setenv("TRACKRIGHT_CACHE", str(tmp_path / "cache"))
    expected = returns.load_return_rules().verdict(FACTS)
    assert returns.memoised_verdicts()(FACTS) == expected
    monkeypatch.setattr(
        returns, "load_return_rules", lambda *a: (_ for _ in ()).throw(AssertionError)
    )
    assert returns.memoised_verdicts()(FACTS) == expected


def test_editing_a_rule_starts_a_fresh_memo(tmp_path, monkeypatch):
    """A changed returns.yaml is a different rulebook: its verdicts are decided, not remembered."""
    monkeypatch.setenv("TRACKRIGHT_CACHE", str(tmp_path / "cache"))
    rules = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", rules)
    assert returns.memoised_verdicts(rules)(FACTS).verdict == "restock"
    text = (rules / "returns.yaml").read_text(encoding="utf-8")
    (rules / "returns.yaml").write_text(
        text.replace("fallback:\n  verdict: restock", "fallback:\n  verdict: inspect"),
        encoding="utf-8",
    )
    assert returns.memoised_verdicts(rules)(FACTS).verdict == "inspect"
