"""The cost model (advisor.advice.costs): worked examples with their numbers, and its invariants."""

from __future__ import annotations

from dataclasses import replace

import pytest
from advisor_helpers import ROOT
from hypothesis import given, settings
from hypothesis import strategies as st

from advisor.advice.amounts import format_money
from advisor.advice.costs import (
    CostAccumulator,
    assumptions,
    lot_lines,
    one_in,
    price,
    reprice,
    units_by_rank,
)
from advisor.advice.profile import BrandProfile
from advisor.advice.run import Collect, evaluate_file

SAMPLES = ROOT / "sample_catalogs"


def priced(book, groups, monthly_units, profile=None, **overrides):
    acc = CostAccumulator(book.costs)
    for vertical, n, value, rate, method, band in groups:
        acc.add_many(vertical, n, n * value, n * rate, method, band)
    a = assumptions(book.costs, profile, monthly_units=monthly_units, overrides=overrides or None)
    return price(acc.tally(), a)


# ------------------------------------------------------------------------ worked examples


def test_the_articles_electronics_brand(book):
    """5,000 orders × INR 2 = INR 10,000 a month to serialise; §7(d)'s benefits, to the rupee.

    One SKU selling 5,000 units a month at INR 2,500 with 6% returns, 2% of them fakes or swaps:
    fakes caught 5,000 × 0.06 × 0.02 × 2,500 = 15,000; repeat loops 5,000 × 0.06 × 0.05 × 120
    = 1,800. Batch receives it in lots of 50 (electronics' lot size; 3 months of sales is more):
    100 lot lines × INR 30 = 3,000. Serial pays once (10,000 − 3,000 − 1,800) / (300 returns ×
    2,500) = 0.69% of returns are fakes or swaps: about 1 in 140.
    """
    r = priced(book, [("electronics", 1, 2500.0, 0.06, "serial", "mid")], 5000)
    g = r.groups[0]
    assert r.serialise_all == pytest.approx(10_000)
    assert g.plans["serial"].fraud == pytest.approx(15_000)
    assert g.plans["serial"].repeat == pytest.approx(1_800)
    assert g.plans["batch"].lot_lines == pytest.approx(100)
    assert r.batch_all == pytest.approx(3_000)
    assert r.lpn_all == pytest.approx(3_750)
    assert g.serial.share == pytest.approx(5_200 / 750_000)
    assert g.serial.words("electronics") == (
        "serialising electronics pays once more than 1 in 140 returns is a fake or swap"
    )
    assert g.serial.pays  # 2% > 0.69%
    assert r.plans["serial"].net == pytest.approx(15_000 + 1_800 - 10_000)


def test_a_20000_sku_long_tail_catalog_batches_for_less_than_serial(book):
    """20,000 home SKUs at 5,000 units a month: batch INR 6,710, not the INR 6,00,000 of a lot a SKU.

    On the long tail the best seller sells 5,000 / H(20,000) = 477 a month and the median SKU
    0.048. A lot holds 3 months of sales within 15–60 units (home's lot size): the first 28
    SKUs get full lots of 60, ranks 29–63 a lot every 3 months, the rest lots of 15 — 223.67 lot
    lines a month (× INR 30 = 6,710). Serial is 5,000 × 2 = 10,000, LPN 5,000 × 0.75 = 3,750.
    """
    r = priced(book, [("home", 20_000, 600.0, 0.08, "batch", "mid")], 5000)
    assert r.best_seller_units == pytest.approx(477.066, abs=1e-3)
    assert r.median_units == pytest.approx(0.0477, abs=1e-4)
    assert r.plans["batch"].lot_lines == pytest.approx(223.667, abs=1e-3)
    assert r.batch_all == pytest.approx(6_710.0, abs=0.5)
    assert r.serialise_all == pytest.approx(10_000)
    assert r.lpn_all == pytest.approx(3_750)
    assert r.batch_all < r.serialise_all
    harmonic = sum(1 / k for k in range(1, 20_001))  # the same sum, term by term
    brute = 0.0
    for k in range(1, 20_001):
        units = 5000 / (k * harmonic)
        brute += units / min(60, max(15, 3 * units))
    assert r.plans["batch"].lot_lines == pytest.approx(brute, rel=1e-6)
    even = priced(book, [("home", 20_000, 600.0, 0.08, "batch", "mid")], 5000, long_tail=0)
    # 0.25 units a SKU, each in a lot of 15: 333.3 lines, exactly serial's 10,000 (15 = 30 ÷ 2)
    assert even.batch_all == pytest.approx(10_000)


def test_a_30_sku_electronics_brand_from_its_catalog(book):
    """The sample electronics brand at 5,000 orders: policy INR 7,975 beside serial INR 10,000.

    30 SKUs (24 electronics, 6 phones) share 5,000 units by their share of SKUs: 4,000 and
    1,000. Every SKU sells over 16.7 a month, so all are received in full lots of 50: 100 lot
    lines, INR 3,000 for batch everywhere. The rules chose 21 serial, 3 LPN, 6 batch: 21 × ...
    = INR 7,975. Phones (avg INR 41,832, 5% returns) pay to serialise from 1 in 1,900 returns.
    """
    keep = Collect()
    run = evaluate_file(
        SAMPLES / "electronics_brand.csv",
        book,
        BrandProfile(monthly_orders=5000),
        outputs=[keep],
        jobs=1,
    )
    r = run.costs
    assert r.skus == 30 and r.monthly_units == 5000
    assert r.serialise_all == pytest.approx(10_000)
    assert r.lpn_all == pytest.approx(3_750)
    assert r.batch_all == pytest.approx(3_000)
    assert r.recommended == pytest.approx(7_975)
    assert r.batch_all < r.recommended < r.serialise_all
    phones = next(v for v in r.verticals if v.vertical == "mobile_phones")
    assert phones.skus == 6 and phones.monthly_units == pytest.approx(1_000)
    assert phones.avg_unit_value == pytest.approx(41_832.33, abs=0.01)
    assert phones.serial.share == pytest.approx(0.000526, abs=1e-6)
    assert "pays once more than 1 in 1,900 returns" in phones.serial.words("phones")
    assert r.bad_share_source.startswith("costs.yaml:")


# ---------------------------------------------------------------------------- invariants

_GROUP = st.tuples(
    st.sampled_from(["fashion", "electronics", "home", "food", "books"]),
    st.integers(1, 3000),
    st.floats(0, 200_000),
    st.floats(0, 0.6),
    st.sampled_from(["serial", "lpn", "batch"]),
    st.sampled_from(["low", "mid", "high"]),
)


@settings(max_examples=60, deadline=None)
@given(
    groups=st.lists(_GROUP, min_size=1, max_size=5),
    units=st.floats(0, 2_000_000),
    tail=st.floats(0, 2),
    low=st.floats(0, 1),
    more=st.floats(0, 1),
)
def test_more_fakes_never_lower_what_serial_earns_back(book, groups, units, tail, low, more):
    """Raising the share of fakes and swaps never lowers serial's (or LPN's) benefit."""
    a = priced(book, groups, units, long_tail=tail, bad_return_share=low)
    b = priced(book, groups, units, long_tail=tail, bad_return_share=min(low + more, 1.0))
    assert b.plans["serial"].benefit >= a.plans["serial"].benefit - 1e-6
    assert b.plans["lpn"].benefit >= a.plans["lpn"].benefit - 1e-6


@settings(max_examples=60, deadline=None)
@given(
    groups=st.lists(_GROUP, min_size=1, max_size=5),
    units=st.floats(0, 2_000_000),
    tail=st.floats(0, 2),
    size=st.floats(1, 500),
    low=st.floats(1, 100),
    cover=st.floats(0.1, 12),
)
def test_costs_are_never_negative_and_lots_never_outnumber_units(
    book, groups, units, tail, size, low, cover
):
    """Every plan's cost is ≥ 0, and no group receives more lot lines than it sells units."""
    r = priced(
        book,
        groups,
        units,
        long_tail=tail,
        lot_size=size,
        lot_min_units=low,
        lot_cover_months=cover,
    )
    for g in r.groups:
        for p in g.plans.values():
            assert p.cost >= 0 and p.benefit >= 0 and p.lot_lines >= 0
        assert g.plans["batch"].lot_lines <= g.monthly_units * (1 + 1e-9)
    assert all(p.cost >= 0 for p in r.plans.values())


@settings(max_examples=80, deadline=None)
@given(
    groups=st.lists(_GROUP, min_size=1, max_size=5),
    units=st.floats(0, 2_000_000),
    tail=st.floats(0, 2),
    serial=st.floats(0.01, 20),
    per_lot=st.floats(0, 500),
    extra=st.floats(0, 200),
    cover=st.floats(0.1, 12),
)
def test_all_batch_costs_no_more_than_all_serial_when_lots_hold_enough(
    book, groups, units, tail, serial, per_lot, extra, cover
):
    """All-batch ≤ all-serial whenever every lot holds at least per_lot ÷ serial per_unit units."""
    smallest = per_lot / serial + extra  # the fewest units any lot holds
    r = priced(
        book,
        groups,
        units,
        long_tail=tail,
        serial_per_unit=serial,
        batch_per_lot=per_lot,
        lot_min_units=max(smallest, 1),
        lot_size=max(smallest, 1) + extra,
        lot_cover_months=cover,
    )
    assert r.batch_all <= r.serialise_all * (1 + 1e-9) + 1e-6


@settings(max_examples=40, deadline=None)
@given(
    units=st.floats(1, 1e7),
    skus=st.integers(1, 200_000),
    tail=st.floats(0, 2),
    size=st.floats(1, 400),
    low=st.floats(1, 60),
    cover=st.floats(0.1, 12),
)
def test_lot_lines_match_a_sum_over_every_sku(units, skus, tail, size, low, cover):
    """The closed form equals Σ over ranks of units ÷ lot (checked term by term up to 3,000)."""
    skus = min(skus, 3000)
    small = min(low, size)
    brute = 0.0
    for k in range(1, skus + 1):
        u = units_by_rank(units, skus, tail, k)
        brute += u / min(size, max(small, u * cover))
    assert lot_lines(units, skus, tail, size, low, cover) == pytest.approx(brute, rel=1e-6)


# --------------------------------------------------------------- the brand's evidence moves


def _catalog_rows():
    """Mid-value fashion (a rule reads counterfeit_incidents) and low-value fashion (channels)."""
    from advisor.catalog.records import SkuRecord

    return [
        SkuRecord(
            row=i + 1,
            sku=f"KURTA-{i}",
            title="Cotton kurta",
            category="Apparel > Kurtas",
            price=1499.0,
        )
        for i in range(6)
    ] + [
        SkuRecord(
            row=10 + i,
            sku=f"TEE-{i}",
            title="Basic cotton t-shirt",
            category="Apparel > T-Shirts",
            price=299.0,
        )
        for i in range(6)
    ]


def _run(book, profile):
    from advisor.advice.evaluate import Evaluator, Summary

    ev = Evaluator(book, profile)
    try:
        rows = list(ev.run(_catalog_rows(), Summary()))
        return rows, ev.cost_report()
    finally:
        ev.close()


BASE = BrandProfile(monthly_orders=5000, units_per_order=1.0)


def test_counterfeit_incidents_move_the_share_the_benefit_and_decisions(book):
    """0, 50 and 200 fakes a month: different shares and benefits; any at all serialises.

    1,500 returns a month at the rulebook's assumed 2% share is 30 fakes: 50 and 200 are above it."""
    runs = {n: _run(book, replace(BASE, counterfeit_incidents=n)) for n in (0, 50, 200)}
    share = {n: r.bad_return_share for n, (_, r) in runs.items()}
    returns = runs[50][1].returns
    assert share[0] == book.costs.bad_return_share  # no evidence: the assumption
    assert share[50] == pytest.approx(50 / returns) and share[200] == pytest.approx(
        min(200 / returns, 1)
    )
    assert "50 fakes or swaps a month" in runs[50][1].bad_share_source
    benefit = {n: r.plans["serial"].benefit for n, (_, r) in runs.items()}
    assert benefit[0] < benefit[50] < benefit[200]
    methods = {
        n: {row.record.sku: row.decision.method for row in rows} for n, (rows, _) in runs.items()
    }
    assert methods[0]["KURTA-0"] != "serial" and methods[50]["KURTA-0"] == "serial"


def test_bad_return_share_beats_counterfeit_incidents_and_moves_the_benefit(book):
    """The profile's own share is used over the count; a higher share earns serial more."""
    _, low = _run(book, replace(BASE, bad_return_share=0.01, counterfeit_incidents=200))
    _, high = _run(book, replace(BASE, bad_return_share=0.10, counterfeit_incidents=200))
    assert low.bad_return_share == 0.01 and "bad_return_share" in low.bad_share_source
    assert high.plans["serial"].benefit > low.plans["serial"].benefit


def test_the_break_even_lines_say_whose_share_of_fakes_they_used(book):
    """With no figure of the brand's (it said it has seen none) the share is the rulebook's
    assumption and the line says so; the brand's own share is "You:"."""
    from advisor.render.report import break_even_lines

    _, assumed = _run(book, replace(BASE, counterfeit_incidents=0))
    _, own = _run(book, replace(BASE, bad_return_share=0.10))
    assumed_line, own_line = break_even_lines(assumed)[-1], break_even_lines(own)[-1]
    assert assumed_line.startswith("Assumed: 1 in 50 returns are fakes or swaps (costs.yaml")
    assert "the rulebook's typical share" in assumed_line
    assert own_line.startswith("You: 1 in 10 returns") and "bad_return_share" in own_line


def test_return_rate_moves_every_benefit(book):
    """More returns: more fakes caught and more repeat loops broken, at the same label cost."""
    _, few = _run(book, replace(BASE, return_rate=0.05))
    _, many = _run(book, replace(BASE, return_rate=0.40))
    assert many.plans["lpn"].repeat == pytest.approx(8 * few.plans["lpn"].repeat)
    assert many.plans["serial"].fraud == pytest.approx(8 * few.plans["serial"].fraud)
    assert many.serialise_all == few.serialise_all


def test_units_per_order_moves_the_labels(book):
    """Two units an order: twice the labels, twice the benefits."""
    _, one = _run(book, BASE)
    _, two = _run(book, replace(BASE, units_per_order=2.0))
    assert two.serialise_all == pytest.approx(2 * one.serialise_all)
    assert two.plans["serial"].benefit == pytest.approx(2 * one.plans["serial"].benefit)


def test_channels_and_warehouses_move_the_benefit_and_low_value_decisions(book):
    """Each channel or warehouse beyond the first adds mix-ups an LPN avoids; T-shirts get one."""
    rows1, one = _run(book, BASE)
    rows3, three = _run(book, replace(BASE, channels=("website", "amazon", "flipkart")))
    _, sheds = _run(book, replace(BASE, warehouses=3))
    assert one.plans["lpn"].mismatch == 0
    assert three.plans["lpn"].mismatch == pytest.approx(5000 * 0.002 * 2 * 120)
    assert sheds.plans["lpn"].mismatch == pytest.approx(three.plans["lpn"].mismatch)
    tee1 = next(r for r in rows1 if r.record.sku == "TEE-0").decision.method
    tee3 = next(r for r in rows3 if r.record.sku == "TEE-0").decision.method
    assert (tee1, tee3) == ("batch", "lpn")


def test_warranty_offered_moves_decisions(book):
    """A brand's warranty serialises valuable appliances (the warranty rules read it)."""
    from advisor.advice.evaluate import Evaluator, Summary
    from advisor.catalog.records import SkuRecord

    rec = SkuRecord(
        row=1, sku="MIX", title="Mixer grinder 750W", category="Home > Appliances", price=6999.0
    )
    methods = []
    for offered in (False, True):
        ev = Evaluator(book, replace(BASE, warranty_offered=offered))
        methods.append(next(iter(ev.run([rec], Summary()))).decision.method)
        ev.close()
    assert methods[0] != methods[1] == "serial"


def test_customised_goods_and_regulated_products_show_in_a_recommendation_without_catalog(book):
    """Without a catalog these answers add what the brand sells: personalised goods, supplements."""
    from advisor.advice.recommend import recommend_from_profile

    plain = recommend_from_profile(book, replace(BASE, verticals=("fashion",)))
    more = recommend_from_profile(
        book,
        replace(
            BASE, verticals=("fashion",), customised_goods=True, regulated_products=("supplements",)
        ),
    )
    assert {g.vertical for g in plain.costs.verticals} == {"fashion"}
    assert {g.vertical for g in more.costs.verticals} == {
        "fashion",
        "customised_gifts",
        "supplements",
    }
    assert more.costs.recommended != plain.costs.recommended


# --------------------------------------------------------------------- what-if and money


def test_reprice_changes_only_what_it_is_told(book):
    """A re-priced report is the same tally with the assumption changed (no catalog needed)."""
    r = priced(book, [("fashion", 100, 1200.0, 0.3, "lpn", "mid")], 5000)
    cheaper = reprice(r, {"lpn_per_unit": 0.5})
    assert cheaper.lpn_all == pytest.approx(2500) and cheaper.tally == r.tally
    assert cheaper.plans["serial"].cost == r.plans["serial"].cost
    assert dict(cheaper.assumptions.sources)["lpn_per_unit"] == "--what-if"


def test_one_in_reads_like_a_founder_would_say_it():
    """Shares become '1 in N', rounded as people round them."""
    assert one_in(1 / 160) == "1 in 160"
    assert one_in(0.0011) == "1 in 910"
    assert one_in(0.000526) == "1 in 1,900"
    assert one_in(0.1) == "1 in 10"
    assert one_in(0.6) == "6 in 10"


@pytest.mark.parametrize(
    "amount,code,text",
    [
        (123456, "INR", "₹1,23,456"),
        (12345678.9, "INR", "₹1,23,45,679"),
        (0.75, "INR", "₹0.75"),
        (-2500, "USD", "-$2,500"),
        (123456, "VND", "123.456 ₫"),
        (123456, "EUR", "€123,456"),
        (123456, "GBP", "£123,456"),
        (123456, "AED", "AED 123,456"),
    ],
)
def test_money_is_written_as_its_readers_write_it(amount, code, text):
    """INR in lakh and crore grouping; other currencies in their own convention."""
    assert format_money(amount, code) == text


def test_costs_written_in_usd_are_priced_in_the_base_currency(rules_copy):
    """costs.yaml in USD: every amount (labels, lots, loops, mix-ups) reaches a report in INR."""
    from advisor.rulebook.load import load_rulebook

    base = load_rulebook(rules_copy.root)
    rules_copy.edit("costs.yaml", "currency: INR", "currency: USD")
    usd = load_rulebook(rules_copy.root)
    k = usd.currencies.rate("USD")
    groups = [("fashion", 10, 1200.0, 0.3, "lpn", "mid")]
    a = priced(base, groups, 5000, channels=3)
    b = priced(usd, groups, 5000, channels=3)
    assert b.currency == "INR"
    assert b.serialise_all == pytest.approx(a.serialise_all * k)
    assert b.plans["lpn"].repeat == pytest.approx(a.plans["lpn"].repeat * k)
    assert b.plans["lpn"].mismatch == pytest.approx(a.plans["lpn"].mismatch * k)
    assert b.plans["batch"].lots == pytest.approx(a.plans["batch"].lots * k)
