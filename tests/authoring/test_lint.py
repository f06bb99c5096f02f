"""`trackright rules lint`: shadowed, contradictory and redundant rules, gaps, catalog findings."""

from __future__ import annotations

import json
import math
from pathlib import Path

from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from advisor.authoring.lint import implies, lint_rulebook, negate
from advisor.cli.main import cli as root_cli
from advisor.rulebook.conditions import FactSpec
from advisor.rulebook.conditions import Test as RuleTest
from advisor.rulebook.load import load_rulebook

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "sample_catalogs"
NUM = {"x": FactSpec("x", "number", minimum=0)}
ENUM = {"v": FactSpec("v", "enum", values=("a", "b", "c"))}


def run(*args: str):
    return CliRunner().invoke(root_cli, list(args), catch_exceptions=False)


def warnings_and_errors(findings):
    return [str(f) for f in findings if f.severity != "info"]


def test_bundled_rules_have_no_errors_or_warnings(book):
    """The bundled rulebook lints clean at warning level; overlaps are only informational."""
    findings = lint_rulebook(book)
    assert warnings_and_errors(findings) == []
    assert any(f.code == "overlap" for f in findings)


def test_cli_exit_codes_follow_fail_on(rules_copy):
    """Exit 0 when clean, 1 on a warning, 0 again with --fail-on error."""
    assert run("rules", "lint", str(ROOT / "rules")).exit_code == 0
    rules_copy.append(
        "policy.yaml",
        "  - id: cheap-phones\n    priority: 50\n    when: {vertical: mobile_phones, value_band: low}\n"
        "    then: {method: serial}\n    reason: x\n",
    )
    assert run("rules", "lint", str(rules_copy.root)).exit_code == 1
    assert run("rules", "lint", str(rules_copy.root), "--fail-on", "error").exit_code == 0


def test_shadowed_rule_is_a_warning_at_its_line(rules_copy):
    """A lower-priority rule whose every SKU a higher rule also matches never wins."""
    line = rules_copy.append(
        "policy.yaml",
        "  - id: premium-gadgets\n    priority: 90\n"
        "    when: {vertical: electronics, value_band: premium, unit_value: {gte: 60000}}\n"
        "    then: {method: lpn}\n    reason: x\n",
    )
    book = load_rulebook(rules_copy.root)
    findings = lint_rulebook(book)
    (f,) = [f for f in findings if f.code == "shadowed"]
    assert (f.line, f.subject, f.severity) == (line, "rule premium-gadgets", "warning")
    at = next(r.line for r in book.policy.rules if r.id == "electronics-serial")
    assert f"electronics-serial (priority 100, line {at})" in f.message


def test_contradiction_is_an_error_and_tautology_a_warning(rules_copy):
    """Tests that cannot hold together make an error; a test always true in range a warning."""
    line = rules_copy.append(
        "policy.yaml",
        "  - id: impossible\n    priority: 90\n"
        "    when: {vertical: toys, unit_value: {lt: 100, gte: 200}}\n"
        "    then: {method: lpn}\n    reason: x\n"
        "  - id: redundant-test\n    priority: 95\n"
        "    when: {vertical: books, return_rate: {lte: 1}}\n"
        "    then: {method: batch}\n    reason: x\n",
    )
    found = {(f.code, f.subject): f for f in lint_rulebook(load_rulebook(rules_copy.root))}
    assert found["never-matches", "rule impossible"].severity == "error"
    assert found["never-matches", "rule impossible"].line == line
    tautology = found["always-true", "rule redundant-test"]
    assert (tautology.severity, tautology.line) == ("warning", line + 7)
    assert "return_rate ≤ 1 always holds" in tautology.message


def test_gap_only_the_fallback_decides_is_found(rules_copy):
    """Taking the furniture-high rule away leaves that band to the fallback (regulated or not)."""
    rules_copy.edit("policy.yaml", rules_copy.row("policy.yaml", "furniture-high"), "")
    gaps = [f for f in lint_rulebook(load_rulebook(rules_copy.root)) if f.code == "gap"]
    assert [f.message.split(":")[0] for f in gaps] == [
        "vertical furniture, band high",
        "vertical furniture, band high (regulated)",
    ]
    assert gaps[0].subject == "fallback"
    text = (rules_copy.root / "policy.yaml").read_text(encoding="utf-8").splitlines()
    assert gaps[0].file.endswith("policy.yaml")
    assert text[gaps[0].line - 1].startswith("fallback:")


def test_catalog_findings_list_unused_rules_and_fallback_skus(rules_copy):
    """With a catalog: rules no SKU triggers are info, SKUs only the fallback decides warnings."""
    rules_copy.edit("policy.yaml", rules_copy.row("policy.yaml", "electronics-accessories-low"), "")
    result = run(
        "rules",
        "lint",
        str(rules_copy.root),
        "--catalog",
        str(SAMPLES / "electronics_brand.csv"),
        "--format",
        "json",
    )
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    fallback = [f for f in data["findings"] if f["code"] == "fallback-sku"]
    assert fallback and all(f["file"].endswith("electronics_brand.csv") for f in fallback)
    assert all(f["subject"].startswith("sku ") and f["line"] > 1 for f in fallback)
    unused = {f["subject"] for f in data["findings"] if f["code"] == "unused"}
    assert "rule food" in unused and "rule electronics-serial" not in unused


def test_numeric_and_enum_implication():
    """Interval containment and set inclusion are recognised; anything looser is not."""
    b = (RuleTest("x", "gte", 10.0, 1), RuleTest("x", "lt", 20.0, 1))
    assert implies(b, RuleTest("x", "gte", 5.0, 1), NUM)
    assert implies(b, RuleTest("x", "between", (10.0, 20.0), 1), NUM)
    assert not implies(b, RuleTest("x", "gt", 10.0, 1), NUM)
    assert not implies(b, RuleTest("x", "lt", 19.0, 1), NUM)
    e = (RuleTest("v", "in", ("a", "b"), 1),)
    assert implies(e, RuleTest("v", "not_in", ("c",), 1), ENUM)
    assert implies(e, RuleTest("v", "in", ("a", "b", "c"), 1), ENUM)
    assert not implies(e, RuleTest("v", "eq", "a", 1), ENUM)


_OPS = st.sampled_from(["gt", "gte", "lt", "lte", "eq", "ne"])
_VALS = st.sampled_from([0.0, 5.0, 10.0, 10.01, 20.0])


def _holds(t: RuleTest, x: float) -> bool:
    return {
        "gt": x > t.value,
        "gte": x >= t.value,
        "lt": x < t.value,
        "lte": x <= t.value,
        "eq": x == t.value,
        "ne": x != t.value,
    }[t.op]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.tuples(_OPS, _VALS), min_size=1, max_size=3),
    st.tuples(_OPS, _VALS),
    st.sampled_from([0.0, 4.99, 5.0, 7.5, 10.0, 10.005, 10.01, 15.0, 20.0, 25.0, math.inf]),
)
def test_implies_is_sound_for_numbers(branch, target, x):
    """Whenever `implies` says yes, every number passing the branch passes the target test."""
    b = tuple(RuleTest("x", op, v, 1) for op, v in branch)
    t = RuleTest("x", *target, 1)
    if implies(b, t, NUM) and all(_holds(bt, x) for bt in b):
        assert _holds(t, x)


def test_negation_covers_the_complement():
    """A test and its negation never hold together and one of them always holds."""
    t = RuleTest("x", "between", (10.0, 20.0), 1)
    for x in (0.0, 9.99, 10.0, 19.99, 20.0, 50.0):
        inside = 10.0 <= x < 20.0
        outside = any(all(_holds(n, x) for n in branch) for branch in negate(t))
        assert inside != outside
