"""Currencies: where a price's currency comes from, the loud check, rates, costs converted."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from advisor.advice.money import (
    CurrencyError,
    check_prices,
    resolve_currency,
    unit_amount,
)
from advisor.catalog.records import SkuRecord
from advisor.cli.main import cli
from advisor.errors import RulebookError
from advisor.rulebook.load import load_rulebook

ISSUE_CODES = (
    "USD EUR JPY GBP CNY AUD CAD CHF HKD SGD SEK KRW NOK NZD INR MXN TWD ZAR BRL DKK PLN THB ILS "
    "IDR CZK AED TRY HUF CLP SAR PHP MYR COP RUB RON PEN BHD ARS KWD QAR "
    "VND EGP BDT PKR LKR NPR NGN KES"
).split()


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_every_currency_in_common_use_has_a_dated_sourced_rate(book):
    """The 40 most traded currencies and the issue's list all have a rate, an as_of and a source."""
    rates = book.currencies.rates
    missing = [c for c in ISSUE_CODES if c not in rates]
    assert not missing
    for code in ISSUE_CODES:
        r = rates[code]
        assert r.rate > 0 and r.as_of[:2] == "20" and r.source.strip(), code
    assert rates["INR"].rate == 1 and book.currencies.base == "INR"
    assert rates["JPY"].decimals == 0 and rates["KWD"].decimals == 3 and rates["USD"].decimals == 2


def test_currency_comes_from_the_option_then_the_profile_then_is_assumed(book):
    """--currency beats the profile; with neither, the base currency is assumed (and says so)."""
    money = book.currencies
    assert resolve_currency(money, "usd", "GBP").code == "USD"
    assert resolve_currency(money, None, "GBP", "brand.yaml").source == "profile"
    choice = resolve_currency(money)
    assert (choice.code, choice.source, choice.assumed) == ("INR", "assumed", True)


def test_an_unknown_code_says_how_to_add_a_rate(book):
    """XYZ is one clear error naming currencies.yaml and the line to add."""
    with pytest.raises(CurrencyError) as err:
        resolve_currency(book.currencies, "XYZ")
    text = str(err.value)
    assert "--currency: unknown currency XYZ" in text and "currencies.yaml" in text
    assert "XYZ: {rate:" in text


def test_vnd_amounts_read_as_inr_are_implausible_and_vnd_fits(book):
    """A silver ring at 650,000 'INR' is flagged loudly, naming VND among the currencies that fit."""
    check = check_prices(book.currencies, resolve_currency(book.currencies), [650000.0] * 50)
    assert check.plausible is False and check.fits[0] == "VND"
    assert check.message().startswith("WARNING:") and "VND" in check.message()


def test_cop_amounts_read_as_inr_are_implausible(book):
    """A COP tools store (clamp meters at 2,659,900) read as INR is flagged; COP fits."""
    amounts = [2659900.0, 450000.0, 189900.0, 1250000.0, 329900.0]
    check = check_prices(book.currencies, resolve_currency(book.currencies), amounts)
    assert check.plausible is False and "COP" in check.fits


def test_plausible_prices_assumed_are_stated_not_shouted(book):
    """INR-looking prices with no currency: the run states its assumption, without a warning."""
    check = check_prices(book.currencies, resolve_currency(book.currencies), [299.0, 1299.0, 699.0])
    assert check.plausible is True and check.needs_saying
    assert not check.message().startswith("WARNING") and "read as INR" in check.message()


def test_nothing_to_say_when_the_file_gives_every_currency(book):
    """Rows that carry their own currency are not judged, and nothing is stated."""
    check = check_prices(book.currencies, resolve_currency(book.currencies), [], labelled=30)
    assert check.plausible is None and not check.needs_saying and check.message() == ""


@given(
    median=st.floats(min_value=0.5, max_value=5e8, allow_nan=False),
    code=st.sampled_from(["INR", "USD", "VND", "KWD", "JPY", "COP"]),
)
def test_the_check_is_the_median_range_in_base_currency(book, median, code):
    """Plausible exactly when the median, converted, lies in the rulebook's range; fits are fits."""
    money = book.currencies
    choice = resolve_currency(money, code)
    check = check_prices(money, choice, [median] * 3)
    base = median * money.rate(code)
    assert check.plausible == (money.plausible_low <= base <= money.plausible_high)
    for fit in check.fits:
        assert money.plausible_low <= median * money.rate(fit) <= money.plausible_high


@given(
    price=st.one_of(st.none(), st.floats(min_value=0.01, max_value=1e7)),
    list_price=st.one_of(st.none(), st.floats(min_value=0.01, max_value=1e7)),
)
def test_unit_value_is_the_list_price_before_the_price(price, list_price):
    """The default rule values a row at its regular price / MRP, else what it sells for."""
    rec = SkuRecord(row=1, sku="A", price=price, list_price=list_price)
    assert unit_amount(("list_price", "price"))(rec) == (
        list_price if list_price is not None else price
    )
    assert unit_amount(("price",))(rec) == price


def test_unit_value_setting_changes_the_value_used(rules_copy, tmp_path):
    """`unit_value: [price]` values a discounted row at its sale price instead of its MRP."""
    cat = tmp_path / "c.csv"
    cat.write_text(
        "sku,title,category,price,mrp,currency\nA,Earbuds,Electronics > Audio,800,1200,INR\n"
    )
    first = run("evaluate", str(cat), "--format", "jsonl", "--rules", str(rules_copy.root))
    rules_copy.edit("currencies.yaml", "unit_value: [list_price, price]", "unit_value: [price]")
    second = run("evaluate", str(cat), "--format", "jsonl", "--rules", str(rules_copy.root))
    assert json.loads(first.stdout)["unit_value"] == 1200.0
    assert json.loads(second.stdout)["unit_value"] == 800.0


# ------------------------------------------------------------------ the rulebook


def _problems(root: Path) -> list[str]:
    with pytest.raises(RulebookError) as err:
        load_rulebook(root)
    return [str(p) for p in err.value.problems]


def test_costs_are_converted_not_relabelled(rules_copy):
    """costs.yaml in USD: INR figures are the USD ones times the USD rate."""
    book = load_rulebook(rules_copy.root)
    rules_copy.edit("costs.yaml", "currency: INR", "currency: USD")
    usd = load_rulebook(rules_copy.root)
    k = usd.currencies.rate("USD")
    assert usd.costs.currency == "INR" and usd.costs.written_in == "USD"
    assert usd.costs.per_unit["serial"] == pytest.approx(book.costs.per_unit["serial"] * k)
    assert usd.costs.return_loop_cost == pytest.approx(book.costs.return_loop_cost * k)


def test_a_cost_currency_without_a_rate_is_a_check_error_at_its_line(rules_copy):
    """costs.yaml in a currency currencies.yaml lacks: rules check names costs.yaml:line."""
    line = rules_copy.edit("costs.yaml", "currency: INR", "currency: XAU")
    (p,) = [p for p in _problems(rules_copy.root) if "XAU" in p]
    assert p.startswith(f"{rules_copy.root / 'costs.yaml'}:{line}:") or f"costs.yaml:{line}:" in p
    assert "XAU has no rate in" in p and "currencies.yaml" in p
    result = run("rules", "check", str(rules_copy.root))
    assert result.exit_code == 1 and "XAU has no rate" in result.stderr


def test_the_base_currency_must_be_listed_at_rate_1(rules_copy):
    """A base rate other than 1 is reported at its line."""
    line = rules_copy.edit("currencies.yaml", "  INR: {rate: 1,", "  INR: {rate: 2,")
    assert any(
        f"currencies.yaml:{line}:" in p and "must be 1" in p for p in _problems(rules_copy.root)
    )


def test_an_old_rules_copy_is_told_where_the_currency_keys_went(rules_copy):
    """base_currency / currencies left in classification.yaml point at currencies.yaml."""
    rules_copy.edit(
        "classification.yaml", "value_bands: [low, mid, high, premium]",
        "base_currency: INR\nvalue_bands: [low, mid, high, premium]",
    )  # fmt: skip
    problems = _problems(rules_copy.root)
    assert any("'base_currency' moved to currencies.yaml" in p for p in problems)
    assert not any("unknown key 'base_currency'" in p for p in problems)  # said once, usefully


def test_a_rules_copy_without_currencies_yaml_is_told_where_to_get_it(rules_copy):
    """A copy made before currencies.yaml existed names the file and the bundled one to copy."""
    (rules_copy.root / "currencies.yaml").unlink()
    (p,) = [p for p in _problems(rules_copy.root) if "currencies.yaml" in p]
    assert "missing rules file" in p and "copy it from the bundled rules" in p


# ------------------------------------------------------------------ as a user meets it


def _catalog(tmp_path: Path, prices: list[str]) -> Path:
    path = tmp_path / "products_export.csv"
    rows = "".join(f"ring-{i},Silver Ring {i},Rings,Size,{i},,{p}\n" for i, p in enumerate(prices))
    path.write_text(
        "Handle,Title,Type,Option1 Name,Option1 Value,Variant SKU,Variant Price\n" + rows,
        encoding="utf-8",
    )
    return path


def test_cli_states_the_assumed_currency_on_stderr_and_in_the_summary(tmp_path):
    """A Shopify export with INR-like prices: stderr says INR was assumed; the summary too."""
    summary = tmp_path / "s.json"
    result = run(
        "evaluate", str(_catalog(tmp_path, ["499", "1299", "899"])), "--format", "csv",
        "--summary", str(summary),
    )  # fmt: skip
    assert result.exit_code == 0
    assert "read as INR (assumed" in result.stderr and "WARNING" not in result.stderr
    data = json.loads(summary.read_text())["currency"]
    assert (data["currency"], data["source"], data["assumed"], data["plausible"]) == (
        "INR", "assumed", True, True,
    )  # fmt: skip


def test_cli_warns_loudly_when_vnd_prices_are_read_as_inr(tmp_path):
    """650,000 per ring read as INR: a WARNING naming VND, in stderr and the summary JSON."""
    summary = tmp_path / "s.json"
    result = run(
        "evaluate", str(_catalog(tmp_path, ["650000", "720000", "1250000"])), "--format", "csv",
        "--summary", str(summary),
    )  # fmt: skip
    assert "WARNING" in result.stderr and "VND" in result.stderr
    data = json.loads(summary.read_text())["currency"]
    assert data["plausible"] is False and data["would_fit"][0] == "VND"
    quiet = run(
        "evaluate", str(_catalog(tmp_path, ["650000", "720000"])), "--format", "csv",
        "--currency", "VND",
    )  # fmt: skip
    assert quiet.stderr == ""


def test_cli_unknown_currency_option_or_profile_exit_2(tmp_path):
    """--currency XYZ and a profile with currency XYZ are refused up front with the hint."""
    cat = _catalog(tmp_path, ["499"])
    r1 = run("evaluate", str(cat), "--currency", "XYZ")
    profile = tmp_path / "brand.yaml"
    profile.write_text("currency: XYZ\n", encoding="utf-8")
    r2 = run("evaluate", str(cat), "--profile", str(profile))
    assert r1.exit_code == r2.exit_code == 2
    assert "unknown currency XYZ" in r1.stderr and "currencies.yaml" in r1.stderr
    assert "brand.yaml: currency: unknown currency XYZ" in r2.stderr
