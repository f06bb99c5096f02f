"""Classification from evidence: traps, the row's own words, non-stock, markets, and rule checks."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from advisor.advice.classify import Classifier
from advisor.advice.evaluate import Evaluator, Summary
from advisor.advice.profile import BrandProfile
from advisor.catalog import open_catalog
from advisor.catalog.records import SkuRecord
from advisor.errors import RulebookError
from advisor.rulebook.load import load_rulebook

CATALOGS = Path(__file__).parents[1] / "data" / "catalogs"


@pytest.fixture(scope="module")
def classifier(book):
    return Classifier(book)


def sku(**fields) -> SkuRecord:
    return SkuRecord(1, "X", **fields)


TRAPS = [
    # (fields, vertical, a word of the row the evidence must cite)
    (
        {"title": "Stand Mixer 4.8L", "category": "Home & Kitchen > Food Mixers & Blenders"},
        "appliances",
        "Food Mixers & Blenders",
    ),
    ({"title": "Fields of Gold - Kodo Millet 1 kg"}, "food", "millet"),
    ({"title": "Kookaburra Players Edition Cricket Bat"}, "sports_fitness", "cricket bat"),
    ({"title": "LED Ring Light 10 inch with tripod"}, "electronics", "ring light"),
    ({"title": "16 x WS2812B LED Ring"}, "electronic_components", "ws2812b"),
    ({"title": "CD4027 Dual J-K Flip-Flop"}, "electronic_components", "Flip-Flop"),
    ({"title": "Dolo 650 Tablet 15's"}, "otc_medicines", "dolo"),
    ({"title": "Cefixime 200 mg Tablets IP"}, "prescription_medicines", "cefixime"),
    (
        {
            "title": "Thing",
            "product_category": "Health & Beauty > Health Care > Biometric Monitors",
        },
        "medical_devices",
        "Biometric Monitors",
    ),
    (
        {"title": "Seccionador", "category": "Material Eléctrico > Media Tensión"},
        "tools_hardware",
        "Media Tensión",
    ),
    ({"title": "Oppo A79 5G 8GB/128GB Glowing Green"}, "mobile_phones", "oppo"),
    ({"title": "Cold pressed groundnut oil 1 L"}, "food", "groundnut oil"),
    ({"title": "Sterling silver 925 toe rings"}, "fine_jewellery", "sterling silver"),
    ({"title": "Gold plated brass bangle"}, "fashion_jewellery", "gold plated"),
    ({"title": "Stand Mixer", "product_category": "505666"}, "appliances", "505666"),
]


@pytest.mark.parametrize("fields,vertical,word", TRAPS, ids=[t[0]["title"] for t in TRAPS])
def test_traps_a_keyword_matcher_falls_into(classifier, fields, vertical, word):
    """Each trap of the issue is decided by the evidence, and the explanation cites the row's words."""
    got, source, confidence = classifier.vertical_of(sku(**fields))
    assert got == vertical, source
    assert word.lower() in source.lower() and confidence in ("high", "medium", "low")


def test_title_only_rows_still_classified(classifier):
    """Phones by model and specs, medicines by strength and form, food by its words."""
    cases = {
        "Vivo Y28 5G 6GB RAM 128GB": "mobile_phones",
        "Metformin 500 mg Tablets": "prescription_medicines",
        "Ceftriaxone 1 g Injection Vial": "prescription_medicines",
        "Amul Butter 500 g": "food",
        "Fresh Chicken Breast Boneless 500 g": "food",
    }
    for title, vertical in cases.items():
        assert classifier.vertical_of(sku(title=title))[0] == vertical, title


@pytest.mark.parametrize(
    "nature,title,vertical",
    [
        (("gift_card",), "Store Voucher", "gift_cards"),
        (("no_shipping",), "Millet Masterclass - Online Course", "digital_goods"),
        (("virtual",), "Ayurvedic Consultation (30 min)", "services"),
        (("downloadable",), "Recipe Book", "digital_goods"),
        (("no_shipping",), "Shipping Protection", "services"),
    ],
)
def test_what_the_file_says_of_the_item_decides_non_stock(book, nature, title, vertical):
    """Gift card / no shipping / virtual / downloadable make the row not stock: method none."""
    ev = Evaluator(book)
    row = ev.decide(sku(title=title, price=500.0, currency="INR", nature=nature))
    assert row.facts.vertical == vertical and row.decision.method == "none"
    assert row.decision.capture == () and "not stock" in row.decision.reason


def test_not_stock_is_counted_apart_and_left_out_of_costs(book):
    """The summary counts none apart; the cost model's stock figures never include it."""
    ev = Evaluator(book, BrandProfile(monthly_orders=1000))
    rows = [
        sku(title="E-Gift Card", price=1000.0, nature=("gift_card",)),
        SkuRecord(2, "Y", title="Cotton kurta", category="Apparel > Kurtas", price=999.0),
    ]
    summary = Summary()
    out = list(ev.run(rows, summary))
    assert [r.decision.method for r in out] == ["none", "lpn"]
    assert summary.not_stock == 1 and summary.by_method["none"] == 1
    report = ev.cost_report()
    assert [g.vertical for g in report.groups] == ["fashion"]


def test_explanation_cites_each_rows_own_words_when_rows_share_a_category(book):
    """Two titles under one category never share an explanation (the 32-inch monitor bug)."""
    ev = Evaluator(book)
    rows = [
        SkuRecord(
            1, "A", title="Samsung 10 inch Android Tablet", category="Electronics", price=9999.0
        ),
        SkuRecord(2, "B", title="LG 32-Inch Monitor", category="Electronics", price=9999.0),
        SkuRecord(3, "C", title="Dell 27-Inch Monitor", category="Electronics", price=9999.0),
    ]
    out = list(ev.run(rows, Summary()))
    assert "Android Tablet" in out[0].facts.vertical_source  # as the row writes it
    for row in out[1:]:
        assert "Monitor" in row.facts.vertical_source
        assert "ablet" not in row.facts.vertical_source


def test_india_only_rules_are_not_attached_outside_india(book):
    """FSSAI and IMEI registration reach an Indian store only; DSCSA a US prescription drug."""
    honey = sku(title="Raw forest honey 500 g", category="Grocery > Honey", price=400.0)
    phone = sku(title="Galaxy S24", category="Mobile Phones", price=70000.0)
    rx = sku(title="Atorvastatin 20 mg Tablets", category="Prescription Medicines", price=90.0)
    india, uk, us = (Classifier(book, BrandProfile(markets=(m,))) for m in ("IN", "GB", "US"))
    assert "in-fssai-labelling" in india.classify(honey).regulations
    assert uk.classify(honey).regulations == () and uk.classify(phone).regulations == ()
    assert us.classify(rx).regulations == ("us-dscsa",)


def test_a_store_with_no_profile_sells_in_india_and_says_so(book):
    """No profile: the default market is India, stated in the summary."""
    summary = Summary()
    list(Evaluator(book).run([sku(title="Tea", price=100.0)], summary))
    assert summary.markets == ("IN",) and summary.markets_assumed


OWN_CATALOGS = sorted(p.name.replace(".expected", "") for p in CATALOGS.glob("*.expected.csv"))


@pytest.mark.parametrize("name", OWN_CATALOGS)
def test_own_catalogs_decide_as_the_expert_expects(book, name):
    """Small realistic catalogs of the traps, read as files: vertical, method and captures per row.

    Every `<name>.expected.csv` beside a catalog in tests/data/catalogs is one case: a new
    class of trap is guarded by adding the pair.
    """
    path = CATALOGS / name
    ev = Evaluator(book)
    got = {r.record.row: r for r in ev.run(open_catalog(path), Summary())}
    expected = list(csv.DictReader((CATALOGS / f"{path.stem}.expected.csv").open()))
    wrong = []
    for e in expected:
        r = got[int(e["row"])]
        want = (e["vertical"], e["method"], e["capture"])
        have = (r.facts.vertical, r.decision.method, ";".join(r.decision.capture))
        if want != have:
            wrong.append(f"row {e['row']} {r.record.title!r}: want {want}, got {have}")
    assert len(wrong) <= len(expected) // 20, "\n".join(wrong)  # at most 1 in 20 may differ


def test_output_is_identical_whatever_the_jobs(cli, tmp_path):
    """One process and two give byte-identical decisions, explanations included."""
    src = tmp_path / "c.csv"
    titles = [
        "Samsung 10 inch Android Tablet",
        "LG 32-Inch Monitor",
        "Dolo 650 Tablet",
        "Fields of Gold Millet 1 kg",
        "Gold plated brass ring",
        "18K gold ring",
        "Stand mixer",
        "Personalised name mug",
    ]
    with src.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["sku", "title", "category", "price"])
        for i in range(6000):
            t = titles[(i * 7) % len(titles)]
            cat = ["Electronics", "", "Grocery", "Jewellery"][i % 4]
            w.writerow([f"S{i}", f"{t} {i % 13}", cat, f"{100 + (i * 37) % 20000}.00"])
    env = {"TRACKRIGHT_PARALLEL_MIN_BYTES": "1000"}
    one = cli(
        "evaluate",
        str(src),
        "--format",
        "csv",
        "-o",
        str(tmp_path / "1.csv"),
        "--jobs",
        "1",
        env=env,
    )
    two = cli(
        "evaluate",
        str(src),
        "--format",
        "csv",
        "-o",
        str(tmp_path / "2.csv"),
        "--jobs",
        "2",
        env=env,
    )
    assert one.returncode == two.returncode == 0, one.stderr + two.stderr
    assert (tmp_path / "1.csv").read_bytes() == (tmp_path / "2.csv").read_bytes()
    header = (tmp_path / "1.csv").read_text(encoding="utf-8").splitlines()[0]
    assert "vertical_source" in header and "confidence" in header


# ------------------------------------------------------------------ rule data is checked


def test_a_word_under_two_verticals_is_an_error_naming_both_places(rules_copy):
    """`sunglasses` added to mobile phones: refused, with both file:line places and the fix."""
    line = rules_copy.edit(
        "classification.yaml",
        "    keywords: [mobile phone, android phone,",
        "    keywords: [sunglasses, mobile phone, android phone,",
    )
    with pytest.raises(RulebookError) as err:
        load_rulebook(rules_copy.root)
    text = str(err.value)
    assert "keyword 'sunglasses' is also listed under mobile_phones.keywords" in text
    assert f"classification.yaml:{line})" in text  # the first place, named in the message
    assert (
        "verticals.fashion.keywords" in text and "remove it here" in text
    )  # the second, and the fix


def test_a_taxonomy_path_under_two_verticals_is_an_error(rules_copy):
    """A path listed for two verticals names the other place."""
    rules_copy.edit("taxonomies.yaml", "  books:\n", '  books:\n    - "Media > DVDs & Videos"\n')
    with pytest.raises(RulebookError) as err:
        load_rulebook(rules_copy.root)
    assert "'Media > DVDs & Videos' is also listed under" in str(err.value)


def test_a_google_id_under_either_lets_the_row_choose_and_is_listed_once(rules_copy):
    """Google id 518 (Medicine & Drugs) counts for Rx or OTC as the row says; listed twice, an error."""
    book = load_rulebook(rules_copy.root)
    rx = sku(title="Finasteride 1 mg Tablets", product_category="518", price=900.0)
    otc = sku(title="Ibuprofen 200 mg Caplets", product_category="518", price=300.0)
    assert Classifier(book).vertical_of(rx)[0] == "prescription_medicines"
    assert Classifier(book).vertical_of(otc)[0] == "otc_medicines"
    rules_copy.edit("taxonomies.yaml", "    5086, 6248,", "    518, 5086, 6248,")
    with pytest.raises(RulebookError) as err:
        load_rulebook(rules_copy.root)
    assert "google_ids.otc_medicines: id 518 is also listed under either" in str(err.value)


def test_none_is_only_for_verticals_that_are_not_stock(rules_copy):
    """`method: none` for a stock vertical is refused at its line, with the fix."""
    row = rules_copy.row("policy.yaml", "books")
    line = rules_copy.edit("policy.yaml", row, row.replace(" batch,  [lot],", " none,   -,    "))
    with pytest.raises(RulebookError) as err:
        load_rulebook(rules_copy.root)
    text = str(err.value)
    assert f"policy.yaml:{line}:" in text and "only for verticals marked `stock: false`" in text


def test_a_broken_classification_file_is_the_only_problem_reported(rules_copy):
    """Which verticals are stock is unknown while classification.yaml is broken: policy.yaml's
    `none` rules are not reported as wrong on top of the real problem."""
    line = rules_copy.edit(
        "classification.yaml", "    label: Mobile phones", "    label: [Mobile phones"
    )
    with pytest.raises(RulebookError) as err:
        load_rulebook(rules_copy.root)
    text = str(err.value)
    assert f"classification.yaml:{line}" in text
    assert "policy.yaml" not in text and "stock: false" not in text


def test_evidence_weights_are_rule_data(rules_copy):
    """Raising the title's weight above the category's lets the title decide."""
    rec = sku(title="Coffee mug", category="Kitchen Appliances", price=300.0)
    assert Classifier(load_rulebook(rules_copy.root)).vertical_of(rec)[0] == "appliances"
    rules_copy.edit("evidence.yaml", "  title: 30 ", "  title: 90 ")
    assert Classifier(load_rulebook(rules_copy.root)).vertical_of(rec)[0] == "home"


def test_summary_json_counts_not_stock(cli, tmp_path):
    """The summary file has the not-stock count, confidence and the markets applied."""
    src = tmp_path / "c.csv"
    src.write_text(
        "sku,title,category,price\nA,E-Gift Card 500,Gift Cards,500\nB,Tea 250 g,Grocery,200\n"
    )
    out = tmp_path / "s.json"
    r = cli(
        "evaluate",
        str(src),
        "--format",
        "csv",
        "-o",
        str(tmp_path / "d.csv"),
        "--summary",
        str(out),
    )
    assert r.returncode == 0, r.stderr
    data = json.loads(out.read_text())
    assert data["not_stock"] == 1 and data["markets"] == ["IN"] and data["markets_assumed"]


# ------------------------------------------------------------------ a row with no price


def test_a_row_with_no_price_is_decided_as_a_typical_item_of_its_vertical(book):
    """No price: the vertical's typical band (never the cheapest), said in the reason and summary."""
    ev = Evaluator(book)
    rows = [
        SkuRecord(1, "A", title="Sheesham 3-Seater Sofa", category="Furniture > Sofas"),
        SkuRecord(2, "B", title="Oak side table", category="Furniture > Tables", price=2500.0),
        SkuRecord(3, "C", title="Wireless earbuds", category="Electronics > Audio"),
        SkuRecord(4, "D", title="Cold pressed groundnut oil 1 L", category="Grocery"),
    ]
    summary = Summary()
    out = list(ev.run(rows, summary))
    sofa, table, buds, oil = out
    assert (sofa.facts.value_band, sofa.decision.method) == ("mid", "lpn")
    assert sofa.decision.reason.startswith(
        "no price: decided as a typical furniture item (mid band); give a price for an exact"
    )
    assert (table.decision.method, table.decision.reason) == (
        "batch",
        "Small furniture — track by lot",
    )
    assert (buds.facts.value_band, buds.decision.method) == ("mid", "serial")
    # a vertical whose method does not depend on value says nothing more
    assert oil.decision.method == "batch" and not oil.decision.reason.startswith("no price")
    assert summary.price_missing == 3 and summary.price_typical == 2


def test_every_vertical_with_value_bands_names_its_typical_band(book):
    """The expert's typical item is rule data for every vertical whose bands decide differently."""
    for v in book.classification.verticals.values():
        if len(v.bands) > 1:
            assert v.typical_band in dict(v.bands), v.id


def test_a_typical_band_the_vertical_does_not_have_is_an_error(rules_copy):
    """`typical_band` must name one of the vertical's own bands: refused at its line."""
    old = "value_bands: {low: 0, mid: 3000}\n    typical_band: low"  # fashion jewellery
    line = rules_copy.edit("classification.yaml", old, old[: -len("low")] + "premium")
    with pytest.raises(RulebookError) as err:
        load_rulebook(rules_copy.root)
    msg = str(err.value)
    assert "verticals.fashion_jewellery.typical_band: 'premium' is not one of" in msg
    assert f"classification.yaml:{line + 1}:" in msg


def test_a_segment_that_qualifies_the_one_above_leaves_it_the_deepest(rules_copy):
    """ "Watches > Sport" is a sport watch, "Furniture > Garden" garden furniture, "Jewellery >
    Fashion" fashion jewellery: the segment above decides, and the list is rulebook data."""
    book = load_rulebook(rules_copy.root)
    watch = sku(title="G-Shock GA-2100", category="WATCHES > SPORT", price=9000.0)
    table = sku(title="Outdoor dining set 6 seats", category="FURNITURE > GARDEN", price=60000.0)
    sport = sku(title="Training cones set of 20", category="Outdoor > Sport", price=900.0)
    assert Classifier(book).vertical_of(watch)[0] == "watches"
    assert Classifier(book).vertical_of(table)[0] == "furniture"
    assert Classifier(book).vertical_of(sport)[0] == "sports_fitness"  # the qualifier is its own
    rules_copy.edit("evidence.yaml", "qualifier_segments: [sport, sports,", "qualifier_segments: [")
    book = load_rulebook(rules_copy.root)
    assert Classifier(book).vertical_of(watch)[0] == "sports_fitness"
