"""Floors (#14.4, #14.9): what the undercut check accepts, its hint, and regulations scoped by policy facts."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from advisor.cli.main import cli
from advisor.errors import RulebookError
from advisor.rulebook.load import load_rulebook

CHEAP_PHONES = (
    "  - id: cheap-phones\n    priority: 500\n"
    "    when: {{vertical: phones, value_band: low{extra}}}\n"
    "    then: {{method: batch}}\n    reason: save money\n"
)


def problems(root) -> list[str]:
    with pytest.raises(RulebookError) as info:
        load_rulebook(root)
    return [str(p) for p in info.value.problems]


def test_undercut_hint_shows_the_exact_edit(minibook):
    """The floor problem names the regulation and shows the `regulation: {excludes: …}` line to add."""
    line = minibook.append("policy.yaml", CHEAP_PHONES.format(extra=""))
    (p,) = problems(minibook.root)
    assert f"policy.yaml:{line}:" in p and "rule cheap-phones" in p
    assert "in-imei" in p and "raise the method to serial" in p
    assert "        regulation: {excludes: in-imei}" in p  # a YAML line to paste into `when:`
    assert "regulated: false" in p


@pytest.mark.parametrize(
    "extra",
    [", regulated: false", ", regulation: {excludes: in-imei}"],
    ids=["regulated", "excludes"],
)
def test_a_rule_that_leaves_out_the_regulated_skus_is_accepted(minibook, extra):
    """`regulated: false` and `regulation: {excludes: ID}` both keep a cheaper rule off the floor's SKUs."""
    minibook.append("policy.yaml", CHEAP_PHONES.format(extra=extra))
    book = load_rulebook(minibook.root)
    assert "cheap-phones" in {r.id for r in book.policy.rules}


def test_excludes_takes_a_list_of_regulations(minibook):
    """`excludes: [a, b]` leaves out SKUs under either regulation (one test each)."""
    minibook.append(
        "policy.yaml",
        CHEAP_PHONES.format(extra=", regulation: {excludes: [in-imei, in-food-lots]}"),
    )
    rule = next(r for r in load_rulebook(minibook.root).policy.rules if r.id == "cheap-phones")
    assert [t.value for t in rule.condition.tests() if t.fact == "regulation"] == [
        "in-imei",
        "in-food-lots",
    ]


def test_a_higher_priority_rule_that_always_wins_satisfies_the_floor(minibook):
    """A cheap rule is fine where a higher-priority rule meeting the floor matches every regulated SKU."""
    minibook.append(
        "policy.yaml",
        CHEAP_PHONES.format(extra="").replace("priority: 500", "priority: 250")
        + "  - id: phones-always-serial\n    priority: 600\n    when: {vertical: phones}\n"
        "    then: {method: serial}\n    reason: every phone is serial\n",
    )
    assert "cheap-phones" in {r.id for r in load_rulebook(minibook.root).policy.rules}


def test_a_higher_priority_rule_that_only_sometimes_wins_does_not(minibook):
    """Covering only the SKUs with a warranty leaves the others under the floor: still an error."""
    minibook.append(
        "policy.yaml",
        CHEAP_PHONES.format(extra="").replace("priority: 500", "priority: 250")
        + "  - id: warranty-phones\n    priority: 600\n    when: {vertical: phones, warranty: true}\n"
        "    then: {method: serial}\n    reason: warranty\n",
    )
    assert any("cheap-phones" in p and "in-imei" in p for p in problems(minibook.root))


def _decide(root, *args: str) -> dict:
    import json

    result = CliRunner().invoke(
        cli, ["decide", "--rules", str(root), "--format", "json", *args], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_regulation_scoped_by_title_words_applies_only_to_those_skus(minibook, tmp_path):
    """`applies_to.when` narrows a regulation by title words: contact lenses get it, frames do not."""
    profile = tmp_path / "p.yaml"
    profile.write_text("markets: [EU]\n", encoding="utf-8")
    common = ["--category", "Eyewear", "--price", "900", "--profile", str(profile)]
    lens = _decide(minibook.root, "--title", "Daily contact lenses", *common)
    frames = _decide(minibook.root, "--title", "Round frames", *common)
    assert lens["regulations"] == ["eu-lens-lots"] and set(lens["capture"]) == {"lot", "expiry"}
    assert frames["regulations"] == [] and frames["capture"] == ["lot"]


def test_the_floor_analysis_reads_the_scope(minibook):
    """A scoped serial floor: a rule that excludes the scope by a flag is fine, one that overlaps is not."""
    minibook.edit(
        "regulations.yaml",
        '      when: {title: {matches: "contact lens|lenses"}}\n    floor: batch',
        "      when: {warranty: true}\n    floor: serial",
    )
    minibook.edit("regulations.yaml", "      verticals: [eyewear]", "      verticals: [general]")
    msgs = problems(minibook.root)
    assert any("rule general-up" in p and "eu-lens-lots" in p for p in msgs)
    minibook.edit(
        "policy.yaml",
        "  - id: customised-lpn\n    priority: 400\n    when: {customised: true, vertical: general}",
        "  - id: customised-lpn\n    priority: 400\n    when: {customised: true, vertical: general, warranty: false}",
    )
    assert not any("customised-lpn" in p for p in problems(minibook.root))
