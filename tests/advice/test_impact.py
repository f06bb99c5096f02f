"""`trackright rules diff`: flip matrix, the rule change behind each flip, captures, cost, CI gate."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from advisor.advice.profile import BrandProfile
from advisor.authoring.diff import diff_rulebooks, rule_changes
from advisor.catalog import open_catalog
from advisor.cli.main import cli as root_cli
from advisor.rulebook.load import load_rulebook

ROOT = Path(__file__).resolve().parents[2]
CATALOG = ROOT / "sample_catalogs" / "electronics_brand.csv"


def run(*args: str):
    return CliRunner().invoke(root_cli, list(args), catch_exceptions=False)


def diff(old, new, catalog=CATALOG, orders=5000):
    with open_catalog(catalog) as reader:
        return diff_rulebooks(old, new, reader, BrandProfile(monthly_orders=orders))


def test_same_rulebook_changes_nothing(book):
    """Diffing a rulebook with itself finds no flips, no changes and no cost change."""
    impact = diff(book, book)
    assert (impact.flip_count, impact.capture_count, impact.changes) == (0, 0, [])
    assert impact.unchanged == impact.rows == 30
    assert impact.cost_change == 0


def test_band_edit_flips_skus_and_names_the_cause(book, rules_copy):
    """Raising the electronics mid bound flips SKUs serial → lpn, citing the band change."""
    rules_copy.edit(
        "classification.yaml",
        "{low: 0, mid: 1000, high: 10000, premium: 50000}",
        "{low: 0, mid: 1500, high: 10000, premium: 50000}",
    )
    impact = diff(book, load_rulebook(rules_copy.root))
    assert {k: g.count for k, g in impact.flips.items()} == {("serial", "lpn"): 2}
    group = impact.flips["serial", "lpn"]
    assert [e["sku"] for e in group.examples] == ["VLT-SP-MINI", "VLT-PB-10K"]
    (((old_rule, new_rule, why), n),) = group.causes.items()
    assert (old_rule, new_rule, n) == ("warranty-service", "warranty-low-value", 2)
    assert why == "value band mid → low (mid 1000 → 1500)"
    assert [c.text() for c in impact.changes] == [
        "value bands of electronics changed (mid 1000 → 1500)"
    ]
    assert impact.cost_change < 0  # an LPN label costs less than a serial label


def test_rule_changes_ignore_moves_and_equivalent_spellings(book, rules_copy):
    """A rule written `[high]` instead of `high` is unchanged; a new `then` and a new rule show."""
    row = rules_copy.row("policy.yaml", "home-premium")
    rules_copy.edit("policy.yaml", row, row.replace(" high, ", " [high],"))
    row = rules_copy.row("policy.yaml", "books")
    rules_copy.edit("policy.yaml", row, row.replace(" [lot],        ", " [lot, expiry],"))
    rules_copy.append(
        "policy.yaml",
        "  - id: rare-books\n    priority: 150\n    when: {vertical: books, value_band: premium}\n"
        "    then: {method: serial}\n    reason: x\n",
    )
    changes = {c.rule: c for c in rule_changes(book, load_rulebook(rules_copy.root))}
    assert set(changes) == {"books", "rare-books"}
    assert (changes["books"].status, changes["books"].what) == ("changed", ("then",))
    assert changes["rare-books"].status == "added"


def test_capture_only_changes_are_counted_apart_from_flips(book, rules_copy):
    """Adding a capture keeps the method, so it is a capture change, not a flip."""
    rules_copy.edit(
        "policy.yaml",
        "value_band: [mid, high, premium]}\n    then: {method: serial}\n    reason: A warranty",
        "value_band: [mid, high, premium]}\n    then: {method: serial, capture: [lot]}\n"
        "    reason: A warranty",
    )
    impact = diff(book, load_rulebook(rules_copy.root))
    assert impact.flip_count == 0
    assert impact.capture_count > 0
    assert ("serial", "serial [lot]") in impact.capture_changes


def test_cli_max_flips_gate_and_json(book, rules_copy):
    """--max-flips exits 1 when more SKUs flip, 0 otherwise; JSON carries the flip matrix and cost."""
    rules_copy.edit(
        "classification.yaml",
        "{low: 0, mid: 1000, high: 10000, premium: 50000}",
        "{low: 0, mid: 1500, high: 10000, premium: 50000}",
    )
    args = ["rules", "diff", str(ROOT / "rules"), str(rules_copy.root), "--catalog", str(CATALOG)]
    assert run(*args, "--max-flips", "1").exit_code == 1
    result = run(*args, "--max-flips", "2", "--format", "json", "--monthly-orders", "5000")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["flips"] == 2
    assert data["flip_matrix"][0]["from"] == "serial" and data["flip_matrix"][0]["to"] == "lpn"
    assert data["cost"]["change"] == round(data["cost"]["new"] - data["cost"]["old"], 2)
    text = run(*args).stdout
    assert "serial → lpn" in text and "VLT-PB-10K" in text and "Monthly cost" in text


def test_cli_requires_a_catalog():
    """Without --catalog the command is a usage error (exit 2)."""
    assert run("rules", "diff", str(ROOT / "rules"), str(ROOT / "rules")).exit_code == 2
