"""#14.10: messages at the line, sensible did-you-means, brief explanations, one wording for costs."""

from __future__ import annotations

import pytest
from advisor_helpers import SAMPLES
from click.testing import CliRunner

from advisor.advice.costs import NO_VOLUME
from advisor.authoring.diff import rule_changes
from advisor.cli.main import cli
from advisor.rulebook.load import load_rulebook
from advisor.rulebook.suggest import nearest


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


@pytest.mark.parametrize(
    "word, options, meant",
    [
        ("medium", ["low", "mid", "high", "premium"], "mid"),
        ("UE", ["EU", "US", "UA", "IN"], "EU"),
        ("prority", ["id", "priority", "when"], "priority"),
        ("serialise", ["serial", "lpn", "batch"], "serial"),
        ("xyz", ["low", "mid"], None),
        ("greater", ["eq", "gt", "gte"], None),
    ],
)
def test_did_you_mean_is_sensible(word, options, meant):
    """Aliases and an edit-distance threshold: medium is mid (not premium), far guesses are dropped."""
    assert nearest(word, options) == meant


def test_a_test_price_that_is_not_a_price_is_a_broken_file(minibook):
    """`price: 80k` is exit 2 with the line of the price, not a failing case."""
    line = minibook.edit("tests/basics.yaml", "price: 20000}", "price: 80k}")
    result = run("rules", "test", str(minibook.root))
    assert result.exit_code == 2
    assert f"tests/basics.yaml:{line}:" in result.stderr and "sku.price" in result.stderr


def test_expected_and_got_lists_are_sorted_alike(minibook):
    """A capture mismatch shows both lists in one order, so the difference is visible."""
    minibook.edit(
        "tests/basics.yaml",
        "regulations: [eu-lens-lots], capture: [expiry, lot]}",
        "regulations: [eu-lens-lots], capture: [lot, mfg_date]}",
    )
    result = run("rules", "test", str(minibook.root))
    assert result.exit_code == 1
    assert "capture: expected [lot, mfg_date], got [expiry, lot]" in result.stdout


def test_explain_brief_is_brief():
    """--brief: the decision, the rules that matched, near misses, the boundary — a handful of lines."""
    args = [
        "rules",
        "explain",
        "--title",
        "Earbuds",
        "--category",
        "Electronics > Audio",
        "--price",
        "999",
    ]
    full, brief = run(*args), run(*args, "--brief")
    assert brief.exit_code == 0
    lines = brief.stdout.strip().splitlines()
    assert len(lines) <= 8 < len(full.stdout.splitlines())
    assert "won" in brief.stdout and "nearest boundary" in brief.stdout
    assert "mobile-phones" not in brief.stdout  # another vertical's rule is noise here


def test_band_changes_in_diff_point_at_the_band(minibook, tmp_path):
    """A moved band bound is reported at the line of that bound, not of the vertical."""
    import shutil

    old = tmp_path / "old"
    shutil.copytree(minibook.root, old)
    line = minibook.edit(
        "classification.yaml",
        "{low: 0, mid: 200, high: 1000, premium: 5000}",
        "{low: 0,\n      mid: 250, high: 1000, premium: 5000}",
    )
    (change,) = [
        c
        for c in rule_changes(load_rulebook(old), load_rulebook(minibook.root))
        if "bands" in c.rule
    ]
    assert change.line == line + 1 and change.what == ("mid 200 → 250",)


def test_diff_and_evaluate_say_the_same_without_a_volume(rules_copy):
    """With no monthly volume, `rules diff` and `evaluate` use one sentence."""
    catalog = str(SAMPLES / "electronics_brand.csv")
    diff = run("rules", "diff", str(rules_copy.root), str(rules_copy.root), "--catalog", catalog)
    ev = CliRunner().invoke(cli, ["evaluate", catalog, "--format", "table"], terminal_width=200)
    squash = lambda s: " ".join(s.replace("│", " ").split())  # noqa: E731
    assert squash(NO_VOLUME) in squash(diff.stdout)
    assert squash(NO_VOLUME) in squash(ev.stdout)
