"""`trackright rules explain`: per-test truth with actual values, winners and losers, boundaries."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from advisor.advice.profile import BrandProfile
from advisor.authoring.explain import (
    Explainer,
    SkuFieldError,
    condition_holds,
    explain_sku,
    sku_from_fields,
)
from advisor.catalog import open_catalog
from advisor.catalog.records import SkuRecord
from advisor.cli.main import cli as root_cli
from advisor.engine.decide import PolicyEngine

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "sample_catalogs"


def run(*args: str):
    return CliRunner().invoke(root_cli, list(args), catch_exceptions=False)


def earbuds(price):
    return sku_from_fields({"title": "Earbuds", "category": "Electronics > Audio", "price": price})


def test_boundary_up_names_threshold_and_current_value(book):
    """A low-band accessory just under the mid bound would be serial at the bound."""
    ex = explain_sku(book, earbuds(999))
    assert ex.decision.method == "batch"
    assert ex.boundaries[0].text == "would be serial if unit value ≥ INR 1,000 (now INR 999)"
    assert ex.boundaries[0].rule == "electronics-serial"


def test_boundary_down_uses_strictly_below(book):
    """A serialised item at the bound would be batch strictly below it."""
    ex = explain_sku(book, earbuds(1000))
    down = [b for b in ex.boundaries if b.fact == "unit_value" and b.op == "<"]
    assert down[0].text == "would be batch if unit value < INR 1,000 (now INR 1,000)"


def test_boundary_in_foreign_currency_also_gives_the_price(book):
    """For a USD price the boundary is stated in INR and as a USD price."""
    rec = sku_from_fields(
        {"title": "Earbuds", "category": "Electronics > Audio", "price": 10, "currency": "USD"}
    )
    ex = explain_sku(book, rec)
    usd = book.currencies.rate("USD")
    assert ex.boundaries[0].text.endswith(f"— a price ≥ USD {1000 / usd:,.2f}")


def test_profile_number_boundaries_and_flag_what_ifs(book):
    """Fakes seen give a counterfeit boundary; a warranty flag flip shows as a what-if."""
    rec = sku_from_fields(
        {"title": "Leather handbag", "category": "Bags > Handbags", "price": 8999}
    )
    ex = explain_sku(book, rec, BrandProfile())
    assert ex.decision.rule == "fashion-mid"
    assert any(
        b.text == "would be serial if counterfeit incidents ≥ 1 (now 0)" for b in ex.boundaries
    ), [b.text for b in ex.boundaries]
    ex2 = explain_sku(book, earbuds(999))
    assert [(w.change, w.method) for w in ex2.what_ifs] == [("warranty were true", "lpn")]


def test_each_test_shows_actual_value_and_truth(book):
    """Every test of every rule carries the SKU's value and whether it held."""
    ex = explain_sku(book, earbuds(999))
    trace = {t.rule.id: t for t in ex.traces}
    serial = trace["electronics-serial"]
    assert [(c.text, c.held) for c in serial.all_of] == [
        ("vertical = electronics (is electronics)", True),
        ("value_band in [mid, high, premium] (is low)", False),
    ]
    assert serial.role == "no match"
    assert trace["electronics-accessories-low"].role == "won"
    assert trace["in-imei-registration"].why == (
        "does not apply: only for mobile_phones; this SKU is electronics"
    )


def test_losers_are_told_why(book):
    """A matching rule beaten on priority names the winner and both priorities."""
    rec = sku_from_fields({"title": "Power bank", "category": "Power Banks", "price": 1299})
    ex = explain_sku(book, rec, BrandProfile(warranty_offered=True))
    trace = {t.rule.id: t for t in ex.traces}
    assert trace["warranty-service"].role == "won"
    assert trace["electronics-serial"].role == "lost"
    assert trace["electronics-serial"].why == (
        "matched, but warranty-service has higher priority (350 > 100)"
    )


def test_python_reading_agrees_with_the_engine(book):
    """The explanation's per-rule truth equals the rules durable-rules matched, on every sample row."""
    engine = PolicyEngine(book.policy, "explain-agree")
    try:
        for name in ("electronics_brand.csv", "supplements_otc.csv", "marketplace_mixed.json"):
            for profile in (BrandProfile(), BrandProfile(markets=("IN", "US", "EU"))):
                with (
                    Explainer(book, profile, engine=engine) as ex,
                    open_catalog(SAMPLES / name) as r,
                ):
                    for rec in r:
                        if not isinstance(rec, SkuRecord):
                            continue
                        e = ex.explain(rec)
                        held = {
                            t.rule.id
                            for t in e.traces
                            if condition_holds(t.rule.condition, book.policy.facts, e.facts)
                        }
                        assert held == {m.rule for m in e.decision.matched}, rec.sku
                        assert {t.rule.id for t in e.traces if t.matched} == held
    finally:
        engine.close()


def test_sku_from_fields_accepts_aliases_and_rejects_bad_values():
    """Aliases map to catalog fields; unknown fields and bad prices are SkuFieldErrors."""
    rec = sku_from_fields({"name": "Tea", "MRP": "Rs. 1,299", "ean": "890"})
    assert (rec.title, rec.price, rec.currency, rec.gtin) == ("Tea", 1299.0, "INR", "890")
    with pytest.raises(SkuFieldError, match="unknown SKU field"):
        sku_from_fields({"colour": "red"})
    with pytest.raises(SkuFieldError, match="^--price: "):
        sku_from_fields({"price": "abc"}, option_prefix="--")
    with pytest.raises(SkuFieldError, match="customised: expects true or false"):
        sku_from_fields({"customised": "yes"})


def test_cli_from_catalog_by_sku_and_json():
    """`--catalog FILE --sku CODE` explains that row; --format json gives tests and boundaries."""
    result = run(
        "rules",
        "explain",
        "--catalog",
        str(SAMPLES / "electronics_brand.csv"),
        "--sku",
        "VLT-PB-10K",
        "--format",
        "json",
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["sku"] == "VLT-PB-10K"
    rules = {r["rule"]: r for r in data["rules"]}
    assert rules[data["decision"]["rule"]]["role"] == "won"
    assert all("actual" in t and "held" in t for r in data["rules"] for t in r["tests"])
    assert data["boundaries"] and data["boundaries"][0]["fact"] == "unit_value"


def test_cli_text_and_unknown_sku():
    """The text view shows the decision and nearest boundary; an unknown SKU exits 2."""
    result = run(
        "rules",
        "explain",
        "--title",
        "Earbuds",
        "--category",
        "Electronics > Audio",
        "--price",
        "999",
        "--brief",
    )
    assert result.exit_code == 0
    assert "Decision: BATCH capture lot — by electronics-accessories-low" in result.stdout
    assert "would be serial if unit value ≥ INR 1,000 (now INR 999)" in result.stdout
    missing = run(
        "rules", "explain", "--catalog", str(SAMPLES / "electronics_brand.csv"), "--sku", "NOPE"
    )
    assert missing.exit_code == 2
    assert "no SKU 'NOPE'" in missing.stderr


def test_decide_json_aliases_unchanged():
    """`decide --json` still maps name/mrp/hsn_code and lets options override JSON keys."""
    result = run(
        "decide",
        "--json",
        '{"name": "Whey protein 1kg", "hsn_code": "21069099", "mrp": 100}',
        "--price",
        "2499",
        "--format",
        "json",
    )
    data = json.loads(result.stdout)
    assert (data["title"], data["vertical"], data["unit_value"]) == (
        "Whey protein 1kg",
        "supplements",
        2499.0,
    )
