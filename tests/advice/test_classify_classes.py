"""Classes of classification error fixed in the rulebook, each guarded by rows as real exports hold them.

Each test writes a few rows the way a store's export has them (a Flipkart product list, a
pharmacy item master, a Dutch pharmacy list, a BigBasket list, a WooCommerce or Shopify row) and
checks the decision an expert would make (tests/data/corpus/LABELLING.md). None of these rows
is taken from the labelled corpus: they are written for the class, so the corpus stays a test
of rows the rules were not fitted to.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from advisor.advice.classify import Classifier
from advisor.advice.evaluate import Evaluator, Summary
from advisor.advice.profile import BrandProfile
from advisor.catalog import categories, open_catalog
from advisor.catalog.records import SkuRecord
from advisor.rulebook.markets import covered


def decide_file(book, path: Path, currency: str, markets: tuple[str, ...]) -> dict[str, tuple]:
    """SKU → (vertical, method, captures) for every decided row of a catalog file."""
    profile = BrandProfile(markets=markets, currency=currency)
    ev = Evaluator(book, profile, None, currency)
    out = {}
    for item in ev.run(open_catalog(path, default_currency=currency), Summary()):
        if hasattr(item, "record"):
            out[item.record.sku] = (
                item.facts.vertical,
                item.decision.method,
                tuple(sorted(item.decision.capture)),
            )
    ev.close()
    return out


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def classifier(book):
    return Classifier(book)


def vertical(classifier, **fields) -> str:
    return classifier.vertical(SkuRecord(1, "X", **fields))[0]


# ------------------------------------------------------------------ markets


def test_a_member_country_is_covered_by_its_union():
    """NL sells in the EU (and the EEA); IN belongs to no union listed."""
    assert {"NL", "EU", "EEA"} <= covered(("NL",))
    assert covered(("IN",)) == {"IN"}
    assert "GCC" in covered(("SA", "AE"))


DUTCH_PHARMACY = """item_key;product_name;generic_name;dosage_strength;unit_code;selling_price;legal_status
RX-1001;Lisinopril 10 mg tabletten;lisinopril;10 mg;TABLET;3,10;RX
RX-1002;Enoxaparine 40 mg/0,4 ml voorgevulde spuit;enoxaparine;40 mg;PFS;18,40;RX
"""


def test_rx_medicines_sold_in_an_eu_country_are_serialised_under_eu_fmd(book, tmp_path):
    """A pharmacy selling in NL and BE serialises Rx packs (EU FMD) without listing `EU`."""
    path = write(tmp_path, "apotheek.csv", DUTCH_PHARMACY)
    eu = decide_file(book, path, "EUR", ("NL", "BE"))
    assert eu["RX-1001"][:2] == ("prescription_medicines", "serial")
    assert {"lot", "expiry"} <= set(eu["RX-1001"][2])
    assert eu["RX-1002"][1] == "serial"
    india = decide_file(book, path, "EUR", ("IN",))
    assert india["RX-1001"][1] == "batch"


# ------------------------------------------------------------------ reading the category tree

FLIPKART = """uniq_id,product_name,product_category_tree,pid,retail_price,discounted_price,brand
a1,"SanDisk Cruzer Blade 32 GB Pen Drive (Black)","[""Computers >> Storage >> Pen Drives >> SanDisk Cruzer Blade 32 GB Pen Drive (Black)""]",PDR1,699,349,SanDisk
a2,"Funskool Scrabble Original Word Board Game","[""Toys & School Supplies >> Board Games >> Funskool Scrabble Original Word Board Ga...""]",TOY1,1299,999,Funskool
a3,"Exide Matrix 12V 40Ah Car Battery","[""Automotive >> Accessories & Spare parts >> Batteries >> Exide Matrix 12V 40Ah Car Battery""]",CAR1,6500,5900,Exide
"""


def test_a_marketplace_tree_ending_with_the_title_is_read_without_it(book, tmp_path):
    """Flipkart's tree ends with the product's name (often cut with "..."): the real category decides."""
    got = decide_file(book, write(tmp_path, "flipkart.csv", FLIPKART), "INR", ("IN",))
    assert got["PDR1"][0] == "electronics"
    assert got["TOY1"][0] == "toys"
    assert got["CAR1"][0] == "automotive"


def test_without_title_keeps_a_tree_that_does_not_repeat_the_title():
    """Only a last segment that is the title (or its start) is dropped."""
    tree = "Footwear > Men's Footwear > Bata Formal Lace Up Shoes For Men (Black)"
    title = "Bata Formal Lace Up Shoes For Men (Black)"
    assert categories.without_title(tree, title) == "Footwear > Men's Footwear"
    cut = "Toys > Board Games > Funskool Scrabble Original Wo..."
    assert (
        categories.without_title(cut, "Funskool Scrabble Original Word Game")
        == "Toys > Board Games"
    )
    assert categories.without_title("Home > Kitchen > Cookware", "Cookware set") == (
        "Home > Kitchen > Cookware"
    )


# ------------------------------------------------------------------ pharmacy item masters

ITEM_MASTER = """ItemKey,ItemName,generic_name,dosage_strength,SoldPer,selling_price
CETI10T,CETIRIZINE 10MG TAB (ZYRTEC),Cetirizine,10 mg,TABLET,12.00
LOPE2C,LOPERAMIDE 2MG CAP (IMODIUM),Loperamide,2 mg,CAPSULE,8.50
KETO30A,KETOROLAC 30MG/ML AMPULE,Ketorolac,30 mg/mL,AMPULE,45.00
PARA1G,PARACETAMOL 1G/100ML VIAL,Paracetamol,10 mg/mL,VIAL,95.00
CEFU500,CEFUROXIME 500MG TAB,Cefuroxime,500 mg,TABLET,38.00
MICRO20,IV INFUSION SET MICRODRIP,,,PIECE,60.00
"""


def test_dosage_forms_and_otc_actives_in_an_item_master(book, tmp_path):
    """CAP is a capsule, an OTC active in an ampule or vial is Rx, an infusion set a consumable."""
    got = decide_file(book, write(tmp_path, "items.csv", ITEM_MASTER), "PHP", ("PH",))
    assert got["CETI10T"][0] == "otc_medicines"
    assert got["LOPE2C"][0] == "otc_medicines"  # not fashion: "CAP" beside a strength
    assert got["KETO30A"][0] == "prescription_medicines"
    assert got["PARA1G"][0] == "prescription_medicines"  # paracetamol, but injectable
    assert got["CEFU500"][0] == "prescription_medicines"
    assert got["MICRO20"][0] == "medical_consumables"
    for sku in ("CETI10T", "KETO30A", "MICRO20"):
        assert "expiry" in got[sku][2]


@pytest.mark.parametrize(
    "title,want",
    [
        ("Cefalexin 500 mg capsules", "prescription_medicines"),
        ("Ashwagandha 500 mg capsules", "supplements"),
        ("Melatonine 1 mg tabletten", "supplements"),
        ("Fluarix Tetra suspensie voor injectie 0,5 ml", "vaccines_biologics"),
        ("Humira 40 mg voorgevulde pen", "vaccines_biologics"),
        ("Wegovy 0,25 mg oplossing voor injectie in voorgevulde pen", "prescription_medicines"),
        ("Omron M3 bloeddrukmeter bovenarm", "medical_devices"),
        ("Contour Next teststrips 50 stuks", "medical_consumables"),
        ("BD Viva pennaalden 5 mm", "medical_consumables"),
        ("Aptamil 1 zuigelingenvoeding 800 g", "baby_food"),
        ("Ibuprofen 400 mg tabletten (zelfzorg)", "otc_medicines"),
    ],
)
def test_european_pharmacy_words(classifier, title, want):
    """Dutch dosage forms, devices, vaccines and self-care words; a prefilled pen is not a pen."""
    assert vertical(classifier, title=title) == want


# ------------------------------------------------------------------ context and neutral phrases


@pytest.mark.parametrize(
    "fields,want",
    [
        (
            {"title": "Stainless Steel Dog Bowl", "category": "Dogs > Bowls & Feeders"},
            "pet_supplies",
        ),
        (
            {
                "title": "Anti Tick & Flea Shampoo for Dogs, 200 ml",
                "category": "Kitchen, Garden & Pets > Pet Food & Accessories > Pet Grooming",
            },
            "otc_medicines",
        ),
        (
            {
                "title": "Hybrid Chilli Seeds, 100 Seeds",
                "category": "Kitchen, Garden & Pets > Gardening > Seeds",
            },
            "home",
        ),
        ({"title": "Flax Seeds Roasted, 200 g", "category": "Foodgrains > Seeds"}, "food"),
        (
            {
                "title": "Masti Dahi - Cup, 200 g",
                "category": "Bakery, Cakes & Dairy > Dairy > Curd",
            },
            "food",
        ),
        (
            {"title": "SS Cricket Helmet - Large", "category": "Sports > Cricket > Helmets"},
            "sports_fitness",
        ),
        ({"title": "Steelbird Full Face Helmet", "category": "Automotive > Helmets"}, "automotive"),
        ({"title": "Badminton Laws Handbook", "category": "Books > Sports"}, "books"),
        (
            {"title": "NCERT Physics Class 11 Part 1", "category": "Books > School Textbooks"},
            "books",
        ),
        ({"title": "Yoga Class - 4 Sessions"}, "services"),
        ({"title": "Kids 12V Battery Operated Ride-on Car", "category": "Toys > Ride-ons"}, "toys"),
        (
            {"title": "Arduino UNO R3 Compatible Board", "category": "Electronics > Maker & DIY"},
            "electronic_components",
        ),
        ({"title": "UNO Card Game"}, "toys"),
    ],
)
def test_context_decides_what_a_word_means(classifier, fields, want):
    """Pet, garden, sport and book context move a vertical's words; "Class 12" and "battery operated" point nowhere."""
    assert vertical(classifier, **fields) == want


def test_hand_engraved_decoration_is_not_personalisation(classifier):
    """A hand-engraved burner is decorated, not made for one buyer; "engraved with your name" is."""
    rec = SkuRecord(1, "X", title="Brass Incense Burner, Hand-engraved", category="Home Decor")
    assert classifier.vertical(rec)[0] == "home"
    named = SkuRecord(
        1, "X", title="Brass Photo Frame Engraved with Your Name", category="Home Decor"
    )
    assert classifier.vertical(named)[0] == "customised_gifts"


# ------------------------------------------------------------------ vertical words by class


@pytest.mark.parametrize(
    "fields,want",
    [
        ({"title": "Lyre's Italian Orange Non-Alcoholic Spirit 70cl"}, "food"),
        ({"title": "Tanqueray London Dry Gin 70cl"}, "alcohol"),
        ({"title": "Walkers Cheese & Onion Crisps 6 x 25g"}, "food"),
        (
            {
                "title": "Fresh Deodorant Body Spray for Men, 150 ml",
                "category": "Beauty & Hygiene > Fragrances & Deos > Men's Deodorants",
            },
            "fragrance",
        ),
        (
            {
                "title": "Invisible Roll On Deodorant for Women, 50 ml",
                "category": "Beauty & Hygiene > Fragrances & Deos > Women's Deodorants",
            },
            "beauty",
        ),
        (
            {"title": "Yamaha C40 Classical Guitar", "category": "Musical Instruments > Guitars"},
            "general",
        ),
        (
            {
                "title": "Student Watercolour Half Pans Set of 24",
                "category": "Art Supplies > Paints",
            },
            "general",
        ),
        ({"title": "Kindle Paperwhite (16 GB)"}, "electronics"),
        ({"title": "Clip-on LED Book Light"}, "electronics"),
        ({"title": "Gold Plated Sterling Silver Hoop Earrings"}, "fine_jewellery"),
        ({"title": "Gold Plated Brass Hoop Earrings"}, "fashion_jewellery"),
        ({"title": "Engraved 9ct Gold Signet Ring"}, "fine_jewellery"),
        (
            {"title": "Giant Bean Bag with Filling", "category": "Furniture > Bean Bags"},
            "furniture",
        ),
        ({"title": "Graco Baby Bouncer", "category": "Baby > Bouncers"}, "baby_gear"),
        ({"title": "Philips Avent Electric Steam Steriliser"}, "appliances"),
        ({"title": "Hakko FX-951 Soldering Station"}, "tools_hardware"),
        (
            {
                "title": "Malted Health Drink Refill, 500 g",
                "category": "Beverages > Health Drink, Supplement > Kids",
            },
            "food",
        ),
        (
            {
                "title": "Whey Protein Powder - Chocolate, 1 kg",
                "category": "Beverages > Health Drink, Supplement > Adults",
            },
            "supplements",
        ),
        (
            {
                "title": "Organic Vermicompost 2 kg",
                "category": "Gardening > Fertilisers & Pesticides",
            },
            "home",
        ),
        (
            {
                "title": "Made-to-Order Teak Bookshelf – Custom Size",
                "category": "Furniture > Storage",
            },
            "customised_gifts",
        ),
    ],
)
def test_vertical_words_added_by_class(classifier, fields, want):
    """Non-alcoholic drinks, deodorant sprays, instruments, e-readers, plated silver, baby gear, garden care."""
    assert vertical(classifier, **fields) == want


def test_home_fragrance_taxonomy_lets_the_row_choose(classifier):
    """Shopify's Home Fragrances holds bakhoor (a fragrance) and candles (home): the row's words choose."""
    path = "Home & Garden > Decor > Home Fragrances > Incense"
    assert vertical(classifier, title="Bakhoor Al Oud, 50 g", product_category=path) == "fragrance"
    candle = "Home & Garden > Decor > Home Fragrances > Candles"
    assert vertical(classifier, title="Soy Wax Scented Candle", product_category=candle) == "home"


# ------------------------------------------------------------------ standard taxonomies

GOOGLE_LEVEL2 = Path(__file__).parents[1] / "data" / "google_taxonomy_level2.tsv"


def google_level2() -> list[tuple[int, str]]:
    rows = []
    for line in GOOGLE_LEVEL2.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            gid, path = line.split("\t")
            rows.append((int(gid), path))
    return rows


def test_every_google_category_to_the_second_level_names_a_vertical(classifier):
    """Each of Google's first- and second-level categories, by path and by numeric id, maps to a vertical."""
    rows = google_level2()
    assert len(rows) > 200
    for gid, path in rows:
        by_path = classifier.vertical_of(SkuRecord(1, "X", product_category=path))
        by_id = classifier.vertical_of(SkuRecord(1, "X", product_category=str(gid)))
        assert by_path[1].startswith(("taxonomy", "personalised")), (path, by_path)
        assert by_id[1].startswith("Google category"), (gid, path, by_id)


@pytest.mark.parametrize(
    "category,want",
    [
        ("Health & Beauty > Health Care > Light Therapy Lamps", "medical_devices"),
        ("Health & Beauty > Health Care > Surgical Lubricants", "medical_consumables"),
        ("Baby & Toddler > Nursing & Feeding > Bottle Warmers & Sterilizers", "appliances"),
        ("Baby & Toddler > Baby Safety > Baby Monitors", "electronics"),
        ("Business & Industrial > Retail > Display Mannequins", "general"),
        ("Business & Industrial > Dentistry > Dental Tools", "medical_devices"),
        ("Business & Industrial > Food Service > Disposable Tableware", "home"),
        (
            "Animals & Pet Supplies > Pet Supplies > Pet Biometric Monitors > Pet Thermometers",
            "medical_devices",
        ),
        ("5296", "appliances"),  # Google's id for Bottle Warmers & Sterilizers
        ("541", "electronics"),  # Baby Monitors
    ],
)
def test_taxonomy_subtrees_that_decide_differently_from_their_parent(classifier, category, want):
    """A subtree whose decision differs from its parent's is listed, by path and by Google id."""
    assert vertical(classifier, title="Item", product_category=category) == want


@pytest.mark.parametrize(
    "title,want",
    [
        ("Licuadora Oster 600 W", "appliances"),
        ("Ventilador portátil de mesa", "appliances"),
        ("Taladro percutor inalámbrico 20 V", "tools_hardware"),
        ("Audífonos inalámbricos Bluetooth", "electronics"),
        ("Reloj inteligente deportivo", "electronics"),
        ("Reloj de pared de madera", "home"),
        ("Café molido tostado 500 g", "food"),
        ("Tableta de chocolate amargo 100 g", "food"),
        ("Zapatillas de running para hombre", "footwear"),
        ("Tarjeta de regalo 50.000", "gift_cards"),
        ("Servicio de instalación de aire acondicionado", "services"),
        ("Abaya bordada negra", "fashion"),
    ],
)
def test_spanish_and_arabic_store_words(classifier, title, want):
    """Title-only rows of a Latin American or Gulf store are read in their own language."""
    assert vertical(classifier, title=title) == want


# ------------------------------------------------------------------ printed books


BOOKSHOP = """sku,title,barcode,price,currency
B-1,The Overstory,9780143127741,550,INR
B-2,La Peste,9782070360420,8.10,EUR
B-4,Ceramic Coffee Mug 300 ml,8901234567891,299,INR
B-5,Sapiens (Kindle eBook),9780062316103,299,INR
"""


def test_an_isbn_barcode_makes_a_book_unless_the_row_says_e_book(book, tmp_path):
    """A 978/979 EAN-13 is an ISBN: a printed book; an e-book's ISBN stays a digital good."""
    got = decide_file(book, write(tmp_path, "shop.csv", BOOKSHOP), "INR", ("IN",))
    assert got["B-1"][:2] == ("books", "batch") and got["B-2"][0] == "books"
    assert got["B-4"][0] == "home"  # an ordinary EAN says nothing
    assert got["B-5"][:2] == ("digital_goods", "none")


ISBN_SKUS = """sku,title,price,currency
9781473635302,Born a Crime - Trevor Noah,299,ZAR
978-0-06-088328-7,Cien años de soledad - Gabriel García Márquez,18,USD
9780000000001X,Steel water bottle 1 l,12,USD
97812,Ceramic mug,5,USD
"""


def test_a_sku_that_is_the_isbn_makes_a_book(book, tmp_path):
    """A bookshop's SKU is often the ISBN itself (hyphens allowed): a printed book, as an ISBN
    barcode column would say; a SKU that only starts with 97 says nothing."""
    got = decide_file(book, write(tmp_path, "books.csv", ISBN_SKUS), "USD", ("IN",))
    assert got["9781473635302"][:2] == ("books", "batch")
    assert got["978-0-06-088328-7"][:2] == ("books", "batch")
    assert got["9780000000001X"][0] != "books" and got["97812"][0] != "books"


def test_decide_reads_an_isbn_given_as_the_gtin(cli):
    """`trackright decide --gtin 978…` weighs the barcode as a file row does."""
    ran = cli(
        "decide",
        "--title",
        "L'Anomalie",
        "--gtin",
        "9782072895097",
        "--price",
        "9.5",
        "--currency",
        "EUR",
        "--format",
        "json",
    )
    assert ran.returncode == 0, ran.stderr
    assert '"vertical": "books"' in ran.stdout and "isbn barcode" in ran.stdout


# ------------------------------------------------------------------ merchandising buckets


@pytest.mark.parametrize(
    "title,category,want",
    [
        ("Organic Darjeeling Green Tea 100 g", "Gifts", "food"),
        ("AirPods Pro (2nd generation)", "Apple", "electronics"),
        ("Aceite de oliva virgen extra 1 L", "Ofertas", "food"),
        ("Handmade Tote", "Handbags > Sale", "fashion"),
        ("Wooden Photo Frame 8x10", "Ofertas > Hogar", "home"),
    ],
)
def test_a_merchandising_bucket_says_nothing_and_the_segment_above_it_counts(
    classifier, title, category, want
):
    """ "Gifts", "Ofertas", a brand named like a fruit: the title, or the segment above, decides."""
    assert vertical(classifier, title=title, category=category) == want


def test_a_vague_segment_promotes_its_parent_to_the_deepest_weight(classifier):
    """ "Kitchen Appliances > Sale" weighs as "Kitchen Appliances" (60), beating a title word.

    Read as a parent (25) it would lose to the title's "Chocolate" (30).
    """
    rec = SkuRecord(1, "X", title="Chocolate Fountain", category="Kitchen Appliances > Sale")
    assert classifier.vertical(rec)[0] == "appliances"
    rec = SkuRecord(1, "X", title="Chocolate Fountain", category="Kitchen Appliances > Fondue")
    assert (
        classifier.vertical(rec)[0] == "food"
    )  # a segment neither vague nor a qualifier stays deepest
