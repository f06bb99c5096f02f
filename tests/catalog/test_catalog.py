"""Catalog readers: format quirks, bad rows, Shopify exports, JSON, and the counting invariant."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import advisor.catalog
from advisor.catalog import open_catalog, parse_price
from advisor.catalog.records import RejectedRow, SkuRecord
from advisor.catalog.rows import new_record
from advisor.errors import CatalogError

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "sample_catalogs"
SHOPIFY_SAMPLES = Path("/work/shared/data/shopify-samples")


def read(path: Path, **kw) -> tuple[list[SkuRecord], list[RejectedRow], object]:
    reader = open_catalog(path, **kw)
    items = list(reader)
    assert len(items) == reader.rows_read
    records = [i for i in items if isinstance(i, SkuRecord)]
    rejected = [i for i in items if isinstance(i, RejectedRow)]
    return records, rejected, reader


def write(tmp_path: Path, name: str, data: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(data, str):
        data = data.encode("utf-8")
    path.write_bytes(data)
    return path


def test_all_is_complete_and_sorted() -> None:
    """The package's __all__ names the public API, sorted, and every name exists."""
    assert advisor.catalog.__all__ == sorted(advisor.catalog.__all__)
    for name in advisor.catalog.__all__:
        assert hasattr(advisor.catalog, name)


@pytest.mark.parametrize(
    ("text", "value", "currency"),
    [
        ("1299", 1299.0, None),
        ("₹1,299.00", 1299.0, "INR"),
        ("Rs. 399", 399.0, "INR"),
        ("Rs 399", 399.0, "INR"),
        ("Rs. 399/-", 399.0, "INR"),
        ("INR 1,299", 1299.0, "INR"),
        ("1.299,00", 1299.0, None),
        ("1 299,50", 1299.5, None),
        ("$12.50", 12.5, "$"),
        ("€1.299,00", 1299.0, "EUR"),
        ("£8", 8.0, "GBP"),
        ("1,23,456.00", 123456.0, None),
        ("₹1,29,999.00", 129999.0, "INR"),
        ("120 AED", 120.0, "AED"),
    ],
)
def test_parse_price_formats(text: str, value: float, currency: str | None) -> None:
    """Every documented price spelling parses to the right number and currency."""
    assert parse_price(text) == (value, currency)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("ninety thousand", 'price "ninety thousand" is not a number'),
        ("-5", 'price "-5" is negative'),
        ("", "no price"),
        ("nan", 'price "nan" is not a number'),
        ("1,2,3", 'price "1,2,3" is not a number'),
    ],
)
def test_parse_price_rejects(text: str, message: str) -> None:
    """Unusable prices raise a ValueError whose message a catalog manager understands."""
    with pytest.raises(ValueError, match="^" + message.replace("$", r"\$") + "$"):
        parse_price(text)


def test_fast_record_equals_constructor() -> None:
    """The fast record builder makes exactly what SkuRecord's constructor makes."""
    args = (3, "A", "t", "c", "b", 1.5, "INR", "8517", "123", "pc", "pt", ("x",), True, 12, ())
    assert new_record(*args) == SkuRecord(*args)


def test_plain_csv_reads_all_fields(tmp_path: Path) -> None:
    """A clean comma CSV yields typed records with row numbers and digits, and no invented currency."""
    path = write(
        tmp_path,
        "c.csv",
        "sku,title,category,price,hsn,gtin\nA1,Phone,Electronics > Mobile Phones,14999,08517,"
        "8901234567890\nA2, Case ,Accessories,199.50,3926,\n",
    )
    records, rejected, reader = read(path)
    assert not rejected and reader.format == "csv"
    assert records[0] == SkuRecord(
        row=1, sku="A1", title="Phone", category="Electronics > Mobile Phones", price=14999.0,
        currency="", hsn="08517", gtin="8901234567890",
    )  # fmt: skip
    assert (records[1].row, records[1].title, records[1].price) == (2, "Case", 199.5)


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_delimiters_detected(tmp_path: Path, delimiter: str) -> None:
    """Comma, semicolon, tab and pipe files are all recognised from their header."""
    text = delimiter.join(["SKU", "Name", "MRP"]) + "\n" + delimiter.join(["X", "Y", "1299"]) + "\n"
    records, rejected, _ = read(write(tmp_path, "d.csv", text))
    assert [(r.sku, r.title, r.price) for r in records] == [("X", "Y", 1299.0)] and not rejected


def test_bom_crlf_and_quoted_newline(tmp_path: Path) -> None:
    """A BOM, CRLF endings and a newline inside quotes do not disturb columns or row numbers."""
    text = '\ufeffsku;title;price\r\nA;"two\r\nlines";10\r\nB;plain;20\r\n'
    records, _, _ = read(write(tmp_path, "b.csv", text))
    assert [(r.row, r.sku, r.title) for r in records] == [
        (1, "A", "two\r\nlines"),
        (2, "B", "plain"),
    ]


def test_latin1_fallback(tmp_path: Path) -> None:
    """A file that is not UTF-8 is read as Windows-1252/latin-1 rather than failing."""
    path = write(tmp_path, "l.csv", "sku,title,price\nC1,Café crème,250\n".encode("latin-1"))
    records, _, reader = read(path)
    assert records[0].title == "Café crème" and reader.encoding in ("cp1252", "latin-1")


def test_aliases_and_extra_columns(tmp_path: Path) -> None:
    """Alias headers map to fields ignoring case and punctuation; unknown columns go to extra."""
    text = (
        "Item_Code,Product Name,Vendor,Selling Price,Currency,HSN_SAC,EAN,Tags,Personalised,"
        'Warranty,Colour\nP-1,Mug,Yaadein,449,inr,6912,8901234567890," Gift , Mug ",yes,'
        "1 year,Blue\n"
    )
    records, rejected, _ = read(write(tmp_path, "a.csv", text))
    assert not rejected
    r = records[0]
    assert (r.sku, r.title, r.brand, r.price, r.currency, r.hsn, r.gtin) == (
        "P-1", "Mug", "Yaadein", 449.0, "INR", "6912", "8901234567890",
    )  # fmt: skip
    assert (r.tags, r.customised, r.warranty_months, r.extra) == (
        ("gift", "mug"), True, 12, (("Colour", "Blue"),),
    )  # fmt: skip


def test_price_and_mrp_fill_price_and_list_price(tmp_path: Path) -> None:
    """A price column is what the unit sells for, an MRP column its list price; MRP alone is both."""
    records, _, _ = read(write(tmp_path, "p.csv", "sku,mrp,price\nA,999,799\nB,500,\n"))
    assert (records[0].price, records[0].list_price, records[0].extra) == (799.0, 999.0, ())
    assert (records[1].price, records[1].list_price) == (500.0, 500.0)


def test_currency_from_symbol_and_column(tmp_path: Path) -> None:
    """Currency comes from the column, else the price's symbol, else the default currency."""
    text = "sku,price,currency\nA,$12.50,\nB,10,eur\nC,10,\n"
    records, _, _ = read(write(tmp_path, "c.csv", text), default_currency="GBP")
    assert [r.currency for r in records] == ["USD", "EUR", "GBP"]


def test_bad_rows_are_rejected_with_row_numbers(tmp_path: Path) -> None:
    """Each kind of bad row becomes a RejectedRow naming its row and the problem."""
    text = (
        "sku,price,currency\n"
        "A,100,INR\n"  # 1 ok
        ",100,INR\n"  # 2 blank SKU
        "B,ninety thousand,INR\n"  # 3
        "C,-5,INR\n"  # 4
        "D,,INR\n"  # 5 no price: still a record (decided on its other signals, flagged)
        "A,200,INR\n"  # 6 duplicate
        "E,100,Rupees\n"  # 7
        "F,₹100,USD\n"  # 8 symbol disagrees with the column
        "G,100,XYZ\n"  # 9 three letters: classification judges it
    )
    records, rejected, reader = read(write(tmp_path, "bad.csv", text))
    assert [(r.row, r.reason) for r in rejected] == [
        (2, "missing SKU"),
        (3, 'price "ninety thousand" is not a number'),
        (4, 'price "-5" is negative'),
        (6, 'duplicate SKU "A" (first seen on row 1)'),
        (7, 'currency "Rupees" is not a 3-letter code such as INR or USD'),
        (8, "price is written in INR but the currency column says USD"),
    ]
    assert [(r.row, r.price, r.currency) for r in records] == [
        (1, 100.0, "INR"), (5, None, "INR"), (9, 100.0, "XYZ"),
    ]  # fmt: skip
    assert reader.rows_read == 9


def test_short_and_long_rows_still_read(tmp_path: Path) -> None:
    """A row with too few or too many fields is read; one without a price has price None."""
    text = "sku,price,title,hsn\nA,10\nB,20,t,1234,extra,more\nC\n"
    records, rejected, _ = read(write(tmp_path, "s.csv", text))
    assert [(r.sku, r.price) for r in records] == [("A", 10.0), ("B", 20.0), ("C", None)]
    assert not rejected


def test_blank_lines_are_skipped_but_numbered(tmp_path: Path) -> None:
    """Blank rows are not data: skipped and counted apart, yet later rows keep their numbers."""
    records, _, reader = read(write(tmp_path, "b.csv", "sku,price\nA,1\n\n,,\nB,2\n"))
    assert [r.row for r in records] == [1, 4] and reader.skipped_rows == 2


def test_bad_warranty_and_customised_cells(tmp_path: Path) -> None:
    """Unreadable warranty or customised cells reject the row with the cell named."""
    text = "sku,price,warranty,customised\nA,1,lifetime,\nB,1,,maybe\nC,1,24 months,no\n"
    records, rejected, _ = read(write(tmp_path, "w.csv", text))
    assert [(r.row, r.reason) for r in rejected] == [
        (1, 'warranty "lifetime" is not a number of months'),
        (2, 'customised "maybe" should be yes or no'),
    ]
    assert (records[0].warranty_months, records[0].customised) == (24, False)


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("empty.csv", b"", "empty"),
        ("blank.csv", b"\xef\xbb\xbf \r\n\n", "empty"),
        ("bin.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00", "binary"),
        ("book.xlsx", b"PK\x03\x04rest-of-zip", "binary"),
        ("cols.csv", b"colour,size\nred,M\n", "no SKU column"),
        ("obj.json", b'{"sku": "A"}', "JSON list"),
        ("nums.json", b"[1, 2, 3]", "JSON list of product objects"),
        ("broken.json", b'[{"sku": "A",', "not valid JSON"),
        ("lines.jsonl", b"sku,price\n", "JSON Lines"),
    ],
)
def test_catalog_errors(tmp_path: Path, name: str, data: bytes, message: str) -> None:
    """Files that cannot be catalogs raise CatalogError with a sentence naming the expectation."""
    with pytest.raises(CatalogError, match=message):
        open_catalog(write(tmp_path, name, data))


def test_missing_file_and_unknown_format(tmp_path: Path) -> None:
    """A missing file and an unknown format name are CatalogErrors, not tracebacks."""
    with pytest.raises(CatalogError, match="cannot read"):
        open_catalog(tmp_path / "nope.csv")
    with pytest.raises(CatalogError, match="unknown catalog format"):
        open_catalog(write(tmp_path, "a.csv", "sku,price\nA,1\n"), format="xlsx")


def test_json_list_streams_elements(tmp_path: Path) -> None:
    """A JSON list is read element by element, with JSON types mapped and bad items rejected."""
    items = [
        {"SKU": "J1", "Name": "Pen", "price": 899, "hsn_code": "9608", "customised": True},
        {"sku": "J2", "price": "₹1,299.00", "tags": ["Gift", " Pen "], "colour": "red"},
        "not an object",
        {"sku": "J3", "price": True},
        {"sku": "J4", "price": 10.5, "currency": "USD", "warranty_months": 6, "meta": {"a": 1}},
    ]
    path = write(tmp_path, "m.json", json.dumps(items, indent=2))
    records, rejected, reader = read(path)
    assert reader.format == "json"
    assert [(r.row, r.sku, r.price, r.currency) for r in records] == [
        (1, "J1", 899.0, ""), (2, "J2", 1299.0, "INR"), (5, "J4", 10.5, "USD"),
    ]  # fmt: skip
    assert records[0].customised is True and records[0].hsn == "9608"
    assert records[1].tags == ("gift", "pen") and records[1].extra == (("colour", "red"),)
    assert records[2].extra == (("meta", '{"a": 1}'),) and records[2].warranty_months == 6
    assert [(r.row, r.reason) for r in rejected] == [
        (3, "item 3 is not a JSON object"),
        (4, "price True is not a number"),
    ]


def test_json_elements_across_read_chunks(tmp_path: Path) -> None:
    """Elements split across buffered reads (including a number at a chunk edge) decode whole."""
    items = [{"sku": f"S{i}", "title": "x" * (i % 997), "price": 12345.678} for i in range(600)]
    records, rejected, _ = read(write(tmp_path, "big.json", json.dumps(items)))
    assert len(records) == 600 and not rejected
    assert all(r.price == 12345.678 for r in records)


def test_json_broken_midway_rejects_the_rest(tmp_path: Path) -> None:
    """JSON that breaks after good elements keeps them and rejects the rest as one row."""
    path = write(tmp_path, "b.json", '[{"sku": "A", "price": 1}, {"sku": "B", "price": }]')
    records, rejected, _ = read(path)
    assert [r.sku for r in records] == ["A"]
    assert rejected[0].row == 2 and rejected[0].reason.startswith(
        "the rest of the file is not valid"
    )


def test_jsonl_bad_line_rejected_with_line_number(tmp_path: Path) -> None:
    """A JSON Lines line that is not valid JSON is rejected with its line number."""
    text = (
        '{"sku": "A", "price": 1}\n{"sku": "B", price: 2}\n\n[1]\n{"sku": "C", "price": "Rs 5"}\n'
    )
    records, rejected, reader = read(write(tmp_path, "f.jsonl", text))
    assert reader.format == "jsonl" and reader.skipped_rows == 1
    assert [(r.row, r.sku) for r in records] == [(1, "A"), (5, "C")]
    assert rejected[0].row == 2 and rejected[0].reason.startswith("line 2 is not valid JSON")
    assert (rejected[1].row, rejected[1].reason) == (4, "item 4 is not a JSON object")


def test_format_detected_from_content(tmp_path: Path) -> None:
    """Without a telling extension, the first byte picks JSON ('[') or JSON Lines ('{')."""
    assert open_catalog(write(tmp_path, "a.txt", '[{"sku": "A", "price": 1}]')).format == "json"
    assert open_catalog(write(tmp_path, "b.txt", '{"sku": "A", "price": 1}\n')).format == "jsonl"


SHOPIFY_HEADER = (
    "Handle,Title,Body (HTML),Vendor,Type,Tags,Option1 Name,Option1 Value,Option2 Name,"
    "Option2 Value,Variant SKU,Variant Price,Variant Barcode,Image Src,Image Position,"
    "Google Shopping / Google Product Category\n"
)


def test_shopify_inheritance_image_rows_and_sku_fallback(tmp_path: Path) -> None:
    """Variants inherit product fields, image-only rows are skipped, empty SKUs are derived."""
    text = SHOPIFY_HEADER + (
        'ocean-blue-shirt,Ocean Blue Shirt,<p>x</p>,Nayi,Shirts,"Men, Cotton",Size,Small,'
        "Colour,Navy Blue,,499.00,8901234567890,img1.jpg,1,Apparel > Shirts\n"
        "ocean-blue-shirt,,,,,,,Large,,Navy Blue,,549.00,,img2.jpg,2,\n"
        "ocean-blue-shirt,,,,,,,,,,,,,img3.jpg,3,\n"
        "tote,Canvas Tote,,Nayi,Bags,bags,Title,Default Title,,,TOTE-1,399,,,,\n"
    )
    records, rejected, reader = read(write(tmp_path, "products_export.csv", text))
    assert reader.format == "shopify" and not rejected
    assert reader.rows_read == 3 and reader.skipped_rows == 1
    first, second, tote = records
    assert (first.sku, first.title) == (
        "ocean-blue-shirt-small-navy-blue",
        "Ocean Blue Shirt - Small / Navy Blue",
    )
    assert (second.row, second.sku, second.brand, second.product_type, second.category) == (
        2, "ocean-blue-shirt-large-navy-blue", "Nayi", "Shirts", "Shirts",
    )  # fmt: skip
    assert second.tags == ("men", "cotton") and second.product_category == "Apparel > Shirts"
    assert first.gtin == "8901234567890" and first.currency == ""  # Shopify names none
    assert (tote.row, tote.sku, tote.title, tote.price) == (4, "TOTE-1", "Canvas Tote", 399.0)


def test_shopify_title_only_product_is_data_not_an_image_row(tmp_path: Path) -> None:
    """A new Handle with only its Title (a draft, a title-only listing) is a product: kept, no price."""
    text = SHOPIFY_HEADER + (
        "shirt,Shirt,,V,Shirts,,Title,Default Title,,,SH-1,499,,img1.jpg,1,\n"
        "shirt,,,,,,,,,,,,,img2.jpg,2,\n"
        "magnesium-powder,Magnesium Glycinate Powder 200g,,,,,,,,,,,,,,\n"
        ",,,,,,,,,,,,,img9.jpg,3,\n"
    )
    records, rejected, reader = read(write(tmp_path, "products_export.csv", text))
    assert not rejected and reader.skipped_rows == 2
    assert [(r.row, r.sku, r.title, r.price) for r in records] == [
        (1, "SH-1", "Shirt", 499.0),
        (3, "magnesium-powder", "Magnesium Glycinate Powder 200g", None),
    ]


def test_shopify_default_title_fallback_and_duplicates(tmp_path: Path) -> None:
    """A Default Title product's SKU is its handle; a repeated variant SKU is a duplicate."""
    text = SHOPIFY_HEADER + (
        "cap,Cap,,V,Hats,,Title,Default Title,,,,299,,,,\n"
        "mug,Mug,,V,Home,,Title,Default Title,,,CAP-X,199,,,,\n"
        "mug2,Mug 2,,V,Home,,Title,Default Title,,,CAP-X,199,,,,\n"
    )
    records, rejected, _ = read(write(tmp_path, "s.csv", text), default_currency="USD")
    assert [(r.sku, r.currency) for r in records] == [("cap", "USD"), ("CAP-X", "USD")]
    assert rejected[0].reason == 'duplicate SKU "CAP-X" (first seen on row 2)'


def test_forcing_shopify_on_other_csv_fails(tmp_path: Path) -> None:
    """Asking for the Shopify format on a file without its columns is a CatalogError."""
    with pytest.raises(CatalogError, match="Shopify"):
        open_catalog(write(tmp_path, "a.csv", "sku,price\nA,1\n"), format="shopify")


@pytest.mark.skipif(not SHOPIFY_SAMPLES.is_dir(), reason="real Shopify samples not present")
@pytest.mark.parametrize(
    ("name", "variants", "images"),
    [("apparel.csv", 22, 0), ("home-and-garden.csv", 21, 0), ("jewelery.csv", 23, 18)],
)
def test_real_shopify_samples(name: str, variants: int, images: int) -> None:
    """Shopify's own sample exports read with every variant kept and image rows skipped."""
    records, rejected, reader = read(SHOPIFY_SAMPLES / name, default_currency="USD")
    assert not rejected and reader.format == "shopify"
    assert (len(records), reader.skipped_rows) == (variants, images)
    assert all(r.title and r.currency == "USD" for r in records)


def test_real_shopify_variant_inherits_title() -> None:
    """In the real jewellery export, the Black chain bracelet inherits its product's fields."""
    path = SHOPIFY_SAMPLES / "jewelery.csv"
    if not path.exists():
        pytest.skip("real Shopify samples not present")
    records, _, _ = read(path)
    black = next(r for r in records if r.sku == "chain-bracelet-black")
    assert (black.row, black.title, black.product_type, black.brand, black.price) == (
        2, "7 Shakra Bracelet - Black", "Bracelet", "Company 123", 42.99,
    )  # fmt: skip


SAMPLE_FILES = sorted(p for p in SAMPLES.iterdir() if p.suffix in (".csv", ".json", ".jsonl"))


@pytest.mark.parametrize("path", SAMPLE_FILES, ids=lambda p: p.name)
def test_sample_catalogs_read_cleanly(path: Path) -> None:
    """Every bundled sample reads without rejections, apart from the documented messy one."""
    records, rejected, reader = read(path)
    if path.name == "messy_catalog.csv":
        assert [(r.row, r.reason) for r in rejected] == [
            (5, 'price "ninety thousand" is not a number'),
            (6, 'price "-250.00" is negative'),
            (7, "missing SKU"),
            (8, 'duplicate SKU "MSY-002" (first seen on row 2)'),
            (10, 'currency "Rupees" is not a 3-letter code such as INR or USD'),
        ]
        assert [(r.row, r.price, r.currency) for r in records] == [
            (1, 1299.0, "INR"), (2, 399.0, "INR"), (3, 1299.0, "EUR"), (4, 2499.0, "INR"),
            (9, 120.0, "XYZ"), (11, 1299.5, "INR"), (12, None, "INR"), (13, 123456.0, "INR"),
        ]  # fmt: skip
        return
    assert not rejected and len(records) >= 20
    for r in records:
        assert r.price is not None and r.price > 0 and r.currency in ("INR", "") and r.title
        assert r.hsn or reader.format == "shopify"  # Shopify exports carry no HSN
        assert _gs1_ok(r.gtin), f"{path.name} row {r.row}: bad GTIN {r.gtin}"


def _gs1_ok(gtin: str) -> bool:
    digits = [int(d) for d in gtin]
    total = sum(d * (3 if i % 2 else 1) for i, d in enumerate(reversed(digits[:-1]), 1))
    return len(gtin) in (8, 12, 13, 14) and (10 - total % 10) % 10 == digits[-1]


def test_sample_brand_profile_loads() -> None:
    """The example brand profile loads with the profile loader."""
    from advisor.advice.profile import load_profile

    assert load_profile(SAMPLES / "brand_profile.yaml").brand == "Volta"


# --- the counting invariant, over generated messy files -------------------------------------

GOOD_PRICES = ["1299", "₹1,299.00", "Rs. 399", "1.299,00", "$12.50", "1,23,456.00", "0"]
BAD_PRICES = ["ninety thousand", "-5", "", "abc", "1,2,3"]
cell_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\r"), max_size=12
)


@st.composite
def messy_rows(draw: st.DrawFn) -> tuple[list[str], bool]:
    kind = draw(st.sampled_from(["good", "bad_price", "blank_sku", "dup", "short", "long"]))
    sku = (
        "" if kind == "blank_sku" else "DUP" if kind == "dup" else f"S{draw(st.integers(0, 10**6))}"
    )
    price = draw(st.sampled_from(BAD_PRICES if kind == "bad_price" else GOOD_PRICES))
    currency = draw(st.sampled_from(["", "INR", "usd"])) if price[:1].isdigit() else ""
    row = [sku or " ", draw(cell_text) or "t", price, currency]
    if kind == "short":
        row = row[:2]
    if kind == "long":
        row += ["x", "y"]
    return row, kind == "good"


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rows=st.lists(messy_rows(), min_size=1, max_size=25),
    delimiter=st.sampled_from([",", ";", "\t", "|"]),
    bom=st.booleans(),
    crlf=st.booleans(),
)
def test_records_plus_rejections_equal_rows_written(
    tmp_path: Path, rows: list[tuple[list[str], bool]], delimiter: str, bom: bool, crlf: bool
) -> None:
    """For any messy CSV, yielded records + rejections == rows_read == data rows written."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n" if crlf else "\n")
    writer.writerow(["SKU", "Title", "Price", "Currency"])
    writer.writerows(row for row, _ in rows)
    path = tmp_path / "gen.csv"
    path.write_bytes(("\ufeff" if bom else "").encode() + out.getvalue().encode("utf-8"))
    reader = open_catalog(path)
    items = list(reader)
    assert len(items) == reader.rows_read == len(rows)
    assert [i.row for i in items] == list(range(1, len(rows) + 1))
    seen: set[str] = set()
    for item, (row, good) in zip(items, rows, strict=True):
        if good and row[0] not in seen:
            assert isinstance(item, SkuRecord) and item.sku == row[0]
        seen.add(row[0])


def test_unparseable_csv_record_is_rejected_and_reading_goes_on(tmp_path: Path) -> None:
    """A record the csv module cannot read (a field over its size limit) is one rejection."""
    good = b"".join(b"A%d,1\n" % i for i in range(12000))
    path = write(tmp_path, "huge.csv", b"sku,price\n" + good + b"B," + b"9" * 200_000 + b"\nC,3\n")
    records, rejected, reader = read(path)
    assert [(r.row, r.reason.split(" (")[0]) for r in rejected] == [
        (12001, "row cannot be read as CSV")
    ]
    assert records[-1].sku == "C" and records[-1].row == 12002 and reader.rows_read == 12002


def test_seen_skus_names_first_rows_across_growth():
    """The duplicate index names each SKU's first row, also after its table has grown."""
    from advisor.catalog.rows import SeenSkus

    seen = SeenSkus()
    n = 150_000  # the table grows several times
    assert all(seen.first_row(f"SKU-{i}", i + 1) == 0 for i in range(n))
    assert len(seen) == n
    assert [seen.first_row(f"SKU-{i}", n + 1) for i in (0, 4242, n - 1)] == [1, 4243, n]
    assert len(seen) == n


def test_a_bare_dollar_sign_is_the_run_s_dollar_or_peso(tmp_path):
    """ "$" is written by the US and by Mexico, Canada, Argentina… alike: in a run told MXN a
    `$3,499` price or a `Moneda` column saying `$` is pesos; told nothing, US dollars; `€` in a
    currency column is the euro."""
    from advisor.catalog import open_catalog

    src = tmp_path / "ml.csv"
    src.write_text(
        "SKU,Título,Precio,Moneda\nA1,Galaxy A16,3499,$\nA2,Funda,$199,\nA3,Cable,9,€\n",
        encoding="utf-8",
    )
    pesos = {r.sku: r.currency for r in open_catalog(src, default_currency="MXN")}
    assert pesos == {"A1": "MXN", "A2": "MXN", "A3": "EUR"}
    told_nothing = {r.sku: r.currency for r in open_catalog(src)}
    assert told_nothing["A1"] == "USD" and told_nothing["A2"] == "USD"


def test_html_entities_in_titles_and_categories_are_read_as_text(tmp_path):
    """OpenCart escapes its text: `3&#x27;lü Kadife Koltuk` is `3'lü Kadife Koltuk`."""
    from advisor.catalog import open_catalog

    src = tmp_path / "opencart.csv"
    src.write_text(
        "sku,title,category,price\nK1,3&#x27;lü Kadife Koltuk,Ev &amp; Yaşam,15000\n"
        "K2,Black & Decker Drill,Tools,4000\n",
        encoding="utf-8",
    )
    got = {r.sku: r for r in open_catalog(src)}
    assert got["K1"].title == "3'lü Kadife Koltuk" and got["K1"].category == "Ev & Yaşam"
    assert got["K2"].title == "Black & Decker Drill"
