"""Deciding: each vertical as design.md expects, band edges, floors, fallback, exact caching."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from advisor.advice.classify import Classifier
from advisor.advice.evaluate import Evaluator
from advisor.advice.profile import BrandProfile
from advisor.catalog.records import SkuRecord
from advisor.engine.decide import PolicyEngine
from advisor.rulebook.load import load_rulebook


@pytest.fixture(scope="module")
def engine(book):
    eng = PolicyEngine(book.policy, "test")
    yield eng
    eng.close()


def decide(book, engine, profile=None, as_of=None, **fields):
    c = Classifier(book, profile or BrandProfile(), as_of)
    rec = SkuRecord(
        row=1, sku=fields.pop("sku", "T-1"), currency=fields.pop("currency", "INR"), **fields
    )
    facts = c.classify(rec)
    return facts, engine.decide(c.facts(facts), cached=False)


VERTICAL_CASES = [
    # (title, category, price, hsn, vertical, method, must-capture)
    (
        "Galaxy S24 Ultra 256GB",
        "Electronics > Mobile Phones",
        89999,
        "851713",
        "mobile_phones",
        "serial",
        (),
    ),
    (
        "Noise-cancelling headphones",
        "Electronics > Audio > Headphones",
        7999,
        "851830",
        "electronics",
        "serial",
        (),
    ),
    (
        "Silicone phone case",
        "Electronics > Accessories > Phone Cases",
        199,
        "392690",
        "electronics",
        "batch",
        ("lot",),
    ),
    (
        "Solitaire diamond ring 18K",
        "Jewellery > Rings",
        129999,
        "711319",
        "fine_jewellery",
        "serial",
        (),
    ),
    ("Automatic watch 40mm", "Watches", 58000, "910211", "watches", "serial", ()),
    (
        "Whey protein isolate 1kg",
        "Health > Supplements",
        2899,
        "210690",
        "supplements",
        "batch",
        ("lot", "expiry"),
    ),
    (
        "Paracetamol 650mg strip",
        "Pharmacy > OTC Medicines",
        33,
        "300490",
        "otc_medicines",
        "batch",
        ("lot", "expiry"),
    ),
    ("Assam CTC tea 500g", "Grocery > Tea", 285, "090230", "food", "batch", ("lot", "expiry")),
    (
        "Automatic BP monitor",
        "Health > Medical Devices",
        2499,
        "901890",
        "medical_devices",
        "serial",
        ("lot",),
    ),
    (
        "Glucometer test strips 50",
        "Health > Test Strips",
        899,
        "382200",
        "medical_consumables",
        "batch",
        ("lot", "expiry"),
    ),
    ("Basic cotton tee", "Fashion > Men > T-Shirts", 299, "610910", "fashion", "batch", ()),
    ("Floral midi dress", "Fashion > Women > Dresses", 1499, "620442", "fashion", "lpn", ()),
    ("Godaan paperback", "Books > Fiction", 199, "490199", "books", "batch", ()),
    ("Ceramic mugs set of 2", "Home > Kitchen", 349, "691200", "home", "batch", ()),
    ("Three-seater teak sofa", "Home > Furniture", 45000, "940360", "furniture", "serial", ()),
    ("Jigsaw puzzle 500 pieces", "Toys > Puzzles", 399, "950390", "toys", "batch", ("lot",)),
    (
        "Numbered collectible figure 1/500",
        "Toys > Collectibles",
        35000,
        "",
        "collectibles",
        "serial",
        (),
    ),
    ("Matte lipstick", "Beauty > Makeup", 499, "330410", "beauty", "batch", ("lot", "expiry")),
    (
        "Oud eau de parfum 100ml",
        "Beauty > Fragrance",
        12000,
        "330300",
        "fragrance",
        "serial",
        ("lot", "expiry"),
    ),
    (
        "Citrus eau de toilette 50ml",
        "Beauty > Fragrance",
        1499,
        "330300",
        "fragrance",
        "batch",
        ("lot", "expiry"),
    ),
]


@pytest.mark.parametrize(
    "title,category,price,hsn,vertical,method,capture",
    VERTICAL_CASES,
    ids=[c[0] for c in VERTICAL_CASES],
)
def test_each_vertical_decides_as_design_expects(
    book, engine, title, category, price, hsn, vertical, method, capture
):
    """Every row of design.md's vertical table gets the method a practitioner expects."""
    facts, d = decide(book, engine, title=title, category=category, price=float(price), hsn=hsn)
    assert facts.vertical == vertical
    assert d.method == method, d
    assert set(capture) <= set(d.capture)


def test_customised_goods_get_an_lpn(book, engine):
    """A personalised gift is one of a kind: a customised gift, LPN per unit, from the title alone."""
    facts, d = decide(
        book,
        engine,
        title="Engraved metal pen with name",
        category="Gifts > Stationery",
        price=899.0,
    )
    assert facts.customised and facts.vertical == "customised_gifts"
    assert d.method == "lpn" and d.rule == "customised-gifts"


def test_warranty_electronics_use_serial(book, engine):
    """A product under warranty needs the unit's serial and delivery date."""
    _, d = decide(
        book,
        engine,
        title="Mixer grinder 750W",
        category="Home > Appliances",
        price=3499.0,
        warranty_months=24,
    )
    assert d.method == "serial" and d.rule == "warranty-service"


def test_supplements_and_cosmetics_differ_only_in_return_qc(book, engine):
    """Both are batch + expiry, but returned supplements go to QC and cosmetics do not."""
    _, supp = decide(
        book, engine, title="Multivitamin 60 tablets", category="Health > Supplements", price=649.0
    )
    _, cosm = decide(book, engine, title="Kajal", category="Beauty > Makeup", price=249.0)
    assert supp.method == cosm.method == "batch"
    assert "expiry" in supp.capture and "expiry" in cosm.capture
    assert supp.return_qc and not cosm.return_qc


@pytest.mark.parametrize(
    "price,band,method",
    [
        (999.99, "low", "batch"),
        (1000.0, "mid", "serial"),
        (9999.0, "mid", "serial"),
        (10000.0, "high", "serial"),
    ],
)
def test_electronics_value_band_edges(book, engine, price, band, method):
    """Band lower bounds are inclusive: INR 1,000 is mid, 999.99 is low."""
    facts, d = decide(book, engine, title="Earbuds", category="Electronics > Audio", price=price)
    assert (facts.value_band, d.method) == (band, method)


def test_multichannel_raises_low_value_fashion_to_an_lpn(book, engine):
    """Low-value fashion is batch in one warehouse and an LPN once stock sits in two."""
    one = BrandProfile(warehouses=1)
    two = BrandProfile(warehouses=2)
    _, d1 = decide(book, engine, profile=one, title="Tee", category="Fashion > Tees", price=499.0)
    _, d2 = decide(book, engine, profile=two, title="Tee", category="Fashion > Tees", price=499.0)
    assert (d1.method, d2.method) == ("batch", "lpn")


def test_foreign_currency_is_converted_before_banding(book, engine):
    """USD 20 is 20 × the rulebook's USD rate in INR (about 1,900): a mid-value electronics item."""
    facts, d = decide(
        book, engine, title="Earbuds", category="Electronics > Audio", price=20.0, currency="USD"
    )
    usd = book.currencies.rate("USD")
    assert facts.unit_value == pytest.approx(20.0 * usd) and facts.value_band == "mid"


def test_regulation_applies_only_in_its_market_and_from_its_date(book, engine):
    """The IMEI floor is Indian and from 2023: not for a US seller, not in 2022."""
    f_in, _ = decide(book, engine, title="Phone", category="Mobile Phones", price=9999.0)
    f_us, _ = decide(
        book,
        engine,
        profile=BrandProfile(markets=("US",)),
        title="Phone",
        category="Mobile Phones",
        price=9999.0,
    )
    f_old, _ = decide(
        book,
        engine,
        as_of=dt.date(2022, 6, 1),
        title="Phone",
        category="Mobile Phones",
        price=9999.0,
    )
    assert "in-imei-registration" in f_in.regulations
    assert "in-imei-registration" not in f_us.regulations + f_old.regulations


def test_regulatory_floor_raises_the_fallback(rules_copy):
    """With no business rule for phones, the fallback's batch is raised to serial by the IMEI floor."""
    rules_copy.edit("policy.yaml", rules_copy.row("policy.yaml", "mobile-phones"), "")
    book = load_rulebook(rules_copy.root)
    eng = PolicyEngine(book.policy, "floor")
    try:
        _, d = decide(book, eng, title="Phone", category="Mobile Phones", price=9999.0)
    finally:
        eng.close()
    assert d.method == "serial"
    assert d.rule == "in-imei-registration" and d.raised_by == ("in-imei-registration",)
    assert not d.fallback  # the regulation decided, not the fallback


def test_regulatory_captures_are_added_to_the_winner(book, engine):
    """Luxury fragrance wins with serial, and the cosmetics rules still add lot and expiry."""
    _, d = decide(book, engine, title="Oud parfum", category="Beauty > Fragrance", price=12000.0)
    assert d.method == "serial" and {"lot", "expiry"} <= set(d.capture)
    assert any(m.kind == "regulatory" for m in d.matched)


def test_unmatched_sku_gets_the_declared_fallback(rules_copy):
    """A SKU no rule matches gets the rulebook's fallback, marked as such."""
    rules_copy.edit("policy.yaml", rules_copy.row("policy.yaml", "general-low"), "")
    book = load_rulebook(rules_copy.root)
    eng = PolicyEngine(book.policy, "fb")
    try:
        _, d = decide(book, eng, title="Mystery object", category="", price=100.0)
    finally:
        eng.close()
    assert d.fallback and d.rule == "fallback" and d.method == "batch" and d.capture == ("lot",)
    assert d.reason.startswith("No rule covers this SKU")


def test_every_match_is_reported_winner_first(book, engine):
    """The decision lists every matching rule; the winner is the highest-priority business rule."""
    _, d = decide(
        book,
        engine,
        profile=BrandProfile(channels=("website", "myntra")),
        title="Dress",
        category="Fashion > Dresses",
        price=500.0,
    )
    business = [m for m in d.matched if m.kind == "business"]
    assert [m.rule for m in business] == ["multichannel-low-value", "fashion-low"]
    assert d.rule == "multichannel-low-value" and business[0].priority > business[1].priority


# ------------------------------------------------------------------ the cache is exact

VERTICALS_ST = st.sampled_from(
    [
        "electronics",
        "mobile_phones",
        "fashion",
        "footwear",
        "supplements",
        "food",
        "toys",
        "home",
        "beauty",
        "fragrance",
        "general",
        "medical_devices",
        "fine_jewellery",
        "fashion_jewellery",
        "watches",
        "prescription_medicines",
        "gift_cards",
        "books",
    ]
)


@st.composite
def fact_sets(draw, book):
    thresholds = sorted(
        {b for v in book.classification.verticals.values() for _, b in v.bands} | {500.0}
    )
    value = draw(
        st.one_of(
            st.sampled_from(thresholds),
            st.sampled_from(thresholds).map(lambda t: max(t - 0.01, 0.0)),
            st.sampled_from(thresholds).map(lambda t: t + 0.01),
            st.floats(min_value=0, max_value=500_000, allow_nan=False),
        )
    )
    vertical = draw(VERTICALS_ST)
    c = Classifier(book)
    facts = c.profile_facts()
    facts.update(
        vertical=vertical,
        value_band=c.band(vertical, value),
        unit_value=value,
        regulation=frozenset(
            draw(st.sets(st.sampled_from([r.id for r in book.regulations]), max_size=3))
        ),
        customised=draw(st.booleans()),
        warranty=draw(st.booleans()),
        has_gtin=draw(st.booleans()),
        category=draw(st.sampled_from(["", "electronics > audio", "fashion"])),
        title="x",
        brand="b",
        return_rate=draw(st.sampled_from([0.0, 0.1499, 0.15, 0.3])),
        counterfeit_incidents=float(draw(st.sampled_from([0, 1, 5]))),
        multi_channel=draw(st.booleans()),
        multi_warehouse=draw(st.booleans()),
    )
    facts["regulated"] = bool(facts["regulation"])
    return facts


@settings(
    max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_cached_and_uncached_decisions_agree(book, engine, data):
    """For any facts, including values on and either side of every threshold, the cache changes nothing."""
    facts = data.draw(fact_sets(book))
    cached = engine.decide(facts)
    fresh = engine.decide(facts, cached=False)
    assert (cached.outcome, cached.rule, [m.rule for m in cached.matched]) == (
        fresh.outcome,
        fresh.rule,
        [m.rule for m in fresh.matched],
    )


CATEGORIES = [
    "Electronics > Mobile Phones",
    "Electronics > Audio",
    "Fashion > Dresses",
    "Health > Supplements",
    "Grocery > Tea",
    "Toys",
    "",
    "Home > Furniture",
    "Beauty > Fragrance",
    "Gifts",
]


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rows=st.lists(
        st.tuples(
            st.sampled_from(CATEGORIES),
            st.sampled_from(
                ["Phone", "Engraved pen", "Personalised mug", "Tea", "Laptop", "Dress", "Widget"]
            ),
            st.one_of(
                st.sampled_from([499.99, 500.0, 999.99, 1000.0, 4999.99, 5000.0, 15000.0]),
                st.floats(min_value=0, max_value=200000, allow_nan=False),
            ),
            st.sampled_from(["INR", "USD", ""]),
            st.sampled_from(["", "8517", "2106", "6109"]),
            st.sampled_from([None, 0, 12]),
        ),
        min_size=1,
        max_size=30,
    )
)
def test_row_memo_agrees_with_exact_decisions(book, rows):
    """The evaluator's per-row memo gives the same decision as classifying every row from scratch."""
    ev, exact_ev = Evaluator(book), Evaluator(book)
    try:
        records = [
            SkuRecord(
                row=i + 1,
                sku=f"S{i}",
                title=title,
                category=cat,
                price=price,
                currency=cur,
                hsn=hsn,
                warranty_months=warranty,
            )
            for i, (cat, title, price, cur, hsn, warranty) in enumerate(rows)
        ]
        # twice through the stream: the second pass is all memo hits on the inlined fast path
        for rec, fast in zip(
            records + records, list(ev.run(records)) + list(ev.run(records)), strict=True
        ):
            exact = exact_ev.decide(rec)
            assert (
                fast.decision.outcome == exact.decision.outcome
                and fast.decision.rule == exact.decision.rule
            )
            assert fast.facts.vertical == exact.facts.vertical and fast.unit_value == pytest.approx(
                exact.unit_value
            )
            one = ev.evaluate(rec)
            assert one.decision.outcome == exact.decision.outcome
    finally:
        ev.close()
        exact_ev.close()


def test_unmatched_facts_do_not_exhaust_durable_states(book):
    """Thousands of decisions that match few rules keep durable-rules within its state limit."""
    from advisor.engine.decide import RuleEngine

    eng = RuleEngine(book.returns, "leak")
    base = {
        "id_known": True,
        "ever_shipped": True,
        "shipped_on_this_order": True,
        "already_returned_on_this_order": False,
        "lot_recalled": False,
        "lot_expired": False,
        "return_requires_qc": False,
        "reason": "fit",
        "method": "serial",
    }
    try:
        for i in range(3000):
            d = eng.decide({**base, "return_count": float(i % 2 + 1)}, cached=False)
            assert d.fallback and d.verdict == "restock"
    finally:
        eng.close()


def test_decide_command_prints_facts_decision_and_matches(cli):
    """`trackright decide` shows the vertical, the method and every matched rule."""
    r = cli(
        "decide",
        "--title",
        "Galaxy S24",
        "--category",
        "Electronics > Mobile Phones",
        "--price",
        "₹79,999",
    )
    assert r.returncode == 0, r.stderr
    assert (
        "mobile_phones" in r.stdout and "SERIAL" in r.stdout and "in-imei-registration" in r.stdout
    )


def test_decide_command_json(cli):
    """`trackright decide --json ... --format json` is machine-readable and complete."""
    r = cli(
        "decide",
        "--json",
        json.dumps({"title": "Whey protein 1kg", "hsn": "21069099", "price": 2499}),
        "--format",
        "json",
    )
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert (
        out["vertical"] == "supplements" and out["method"] == "batch" and out["return_qc"] is True
    )
    assert {"lot", "expiry"} <= set(out["capture"]) and out["rulebook_version"]


def test_decide_command_rejects_bad_price_clearly(cli):
    """An unreadable price is one clear sentence, exit 2, no traceback."""
    r = cli("decide", "--title", "x", "--price", "ninety thousand")
    assert r.returncode == 2 and "not a number" in r.stderr and "Traceback" not in r.stderr


def test_durable_host_runs_no_background_threads(book):
    """The wrapped host never starts durable's timer threads, which race synchronous calls."""
    import threading

    before = {t.name for t in threading.enumerate()}
    eng = PolicyEngine(book.policy, "threads")
    try:
        c = Classifier(book)
        rec = SkuRecord(
            row=1, sku="A", title="Phone", category="Mobile Phones", price=9999.0, currency="INR"
        )
        eng.decide(c.facts(c.classify(rec)), cached=False)
    finally:
        eng.close()
    assert {t.name for t in threading.enumerate()} == before


def test_released_rulesets_can_be_reloaded_many_times(book):
    """Hot reload registers a new ruleset each time and frees the old one: no name clash, no error."""
    for _ in range(50):
        eng = PolicyEngine(book.policy, "reload")
        eng.close()
    eng = PolicyEngine(book.policy, "reload")
    try:
        assert (
            eng.matches({"vertical": "books", "value_band": "low", "unit_value": 100.0})[0].id
            == "books"
        )
    finally:
        eng.close()
