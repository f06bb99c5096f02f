"""Decision tables: a `table:` in policy.yaml compiles to the same rules as the long form."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from advisor.authoring.diff import rule_changes
from advisor.authoring.lint import lint_rulebook
from advisor.cli.main import cli
from advisor.engine.decide import PolicyEngine
from advisor.errors import RulebookError
from advisor.rulebook.load import load_rulebook

LONG_FORM = """\
  - id: phones
    priority: 100
    when: {vertical: phones}
    then: {method: serial}
    reason: Every handset needs its IMEI
  - id: eyewear-low
    priority: 100
    when: {vertical: eyewear, value_band: [low, mid]}
    then: {method: batch, capture: [lot]}
    reason: Cheap frames are tracked by lot
  - id: eyewear-high
    priority: 100
    when: {vertical: eyewear, value_band: [high, premium]}
    then: {method: lpn}
    reason: An LPN proves the frame we shipped
  - id: food
    priority: 100
    when: {vertical: food}
    then: {method: batch, capture: [lot, expiry]}
    reason: Food is recalled by lot
  - id: general-low
    priority: 100
    when: {vertical: general, value_band: low}
    then: {method: batch, capture: [lot]}
    reason: Cheap goods by lot
  - id: general-up
    priority: 100
    when: {vertical: general, value_band: [mid, high, premium]}
    then: {method: lpn}
    reason: Dearer goods get an LPN
"""


def _as_long_form(root) -> None:
    path = root / "policy.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("  - table: vertical-defaults")
    end = text.index("  - id: warranty-serial")
    path.write_text(text[:start] + LONG_FORM + "\n" + text[end:], encoding="utf-8")


def _key(rule):
    return (rule.id, rule.priority, rule.kind, rule.condition.branches(), rule.outcome, rule.reason)


def _strip_lines(branches):
    return tuple(tuple((t.fact, t.op, t.value) for t in b) for b in branches)


def test_a_table_compiles_to_the_rules_of_the_long_form(minibook, tmp_path):
    """Same ids, priorities, conditions, outcomes and reasons; no rule change for `rules diff`."""
    table_book = load_rulebook(minibook.root)
    import shutil

    long_root = tmp_path / "long"
    shutil.copytree(minibook.root, long_root)
    _as_long_form(long_root)
    long_book = load_rulebook(long_root)
    a = {r.id: r for r in table_book.policy.rules}
    b = {r.id: r for r in long_book.policy.rules}
    assert a.keys() == b.keys()
    for rid in a:
        ra, rb = a[rid], b[rid]
        assert (ra.priority, ra.kind, ra.outcome, ra.reason) == (
            rb.priority,
            rb.kind,
            rb.outcome,
            rb.reason,
        )
        assert _strip_lines(ra.condition.branches()) == _strip_lines(rb.condition.branches())
    assert a["eyewear-low"].table == "vertical-defaults" and b["eyewear-low"].table == ""
    assert rule_changes(long_book, table_book) == []
    # the engine, its profile cache included, decides alike
    ea, eb = PolicyEngine(table_book.policy, "t"), PolicyEngine(long_book.policy, "l")
    try:
        for vertical in ("phones", "eyewear", "food", "general"):
            for band in ("low", "mid", "high", "premium"):
                facts = {
                    "vertical": vertical,
                    "value_band": band,
                    "warranty": False,
                    "customised": False,
                    "regulation": frozenset(),
                    "regulated": False,
                }
                da, db = ea.decide(facts), eb.decide(facts)
                assert (da.method, da.rule, da.capture) == (db.method, db.rule, db.capture)
                assert ea.decide(facts, cached=False).rule == da.rule
    finally:
        ea.close()
        eb.close()


def test_every_tool_works_on_a_table(minibook):
    """check, test, lint and explain run on a rulebook whose defaults are a table; rows show their line."""
    runner = CliRunner()
    root = str(minibook.root)
    check = runner.invoke(cli, ["rules", "check", root])
    assert check.exit_code == 0 and "rows of 1 table included" in check.stdout
    assert runner.invoke(cli, ["rules", "test", root]).exit_code == 0
    lint = lint_rulebook(load_rulebook(minibook.root))
    assert not [f for f in lint if f.severity == "error"]
    ex = runner.invoke(
        cli,
        [
            "rules",
            "explain",
            "--rules",
            root,
            "--title",
            "Frames",
            "--category",
            "Eyewear",
            "--price",
            "999",
            "--format",
            "json",
        ],
    )
    data = json.loads(ex.stdout)
    won = next(r for r in data["rules"] if r["role"] == "won")
    assert won["rule"] == "eyewear-low" and won["line"] == 17


def test_first_hit_policy_lets_earlier_rows_win(minibook):
    """Under `first`, overlapping rows are fine and the upper one wins; `unique` refuses them."""
    minibook.edit(
        "policy.yaml",
        "general,  low,                 batch",
        "general,  [low, mid],          batch",
    )
    with pytest.raises(RulebookError) as info:
        load_rulebook(minibook.root)
    assert "hit policy unique" in str(info.value)
    minibook.edit("policy.yaml", "    hit_policy: unique", "    hit_policy: first")
    book = load_rulebook(minibook.root)
    engine = PolicyEngine(book.policy, "first")
    try:
        d = engine.decide(
            {
                "vertical": "general",
                "value_band": "mid",
                "warranty": False,
                "customised": False,
                "regulation": frozenset(),
                "regulated": False,
            }
        )
    finally:
        engine.close()
    assert d.rule == "general-low"


def test_cell_errors_point_at_the_cell(minibook):
    """A bad cell is reported as file:line:column of that cell."""
    line = minibook.edit(
        "policy.yaml",
        "      - [food,                food,  ",
        "      - [food,                fod,   ",
    )
    with pytest.raises(RulebookError) as info:
        load_rulebook(minibook.root)
    (p,) = info.value.problems
    text = (minibook.root / "policy.yaml").read_text().splitlines()[line - 1]
    assert (p.line, p.column) == (line, text.index("fod") + 1)
    assert "did you mean 'food'" in p.message
