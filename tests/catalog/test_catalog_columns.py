"""Which column feeds which field: ID columns, data over alias order, --column, header errors."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from advisor.catalog import open_catalog
from advisor.catalog.columns import map_columns, normalise, parse_column_options
from advisor.catalog.records import RejectedRow, SkuRecord
from advisor.cli.main import cli
from advisor.errors import CatalogError
from advisor.rulebook.columns import bundled_columns

TABLE = bundled_columns()


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8", newline="")
    return path


def records(path: Path, **kw) -> list[SkuRecord | RejectedRow]:
    with open_catalog(path, **kw) as reader:
        return list(reader)


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


@pytest.mark.parametrize(
    "header", ["index", "id", "pid", "uniq_id", "item_key", "ItemKey", "code", "product_id",
               "item_id", "style_code", "asin", "fsn"],
)  # fmt: skip
def test_id_columns_are_skus(tmp_path, header):
    """A list keyed by an ID column (BigBasket's index, Flipkart's pid, ItemKey …) is read."""
    items = records(write(tmp_path, "ids.csv", f"{header},product,price\n7,Tea,120\n8,Ghee,450\n"))
    assert [(i.sku, i.title) for i in items] == [("7", "Tea"), ("8", "Ghee")]


def test_a_real_sku_column_beats_an_id_column(tmp_path):
    """WooCommerce-style files with ID and SKU read the SKU."""
    items = records(write(tmp_path, "w.csv", "id,sku,name,price\n1201,AO-1,Ghee,699\n"))
    assert items[0].sku == "AO-1"


def test_a_marketplace_flat_file_is_read_by_its_own_names(tmp_path):
    """Amazon-style: asin (not the often blank part_number) is the SKU, standard_price the price,
    list_price the MSRP, item_type_keyword the product type."""
    text = (
        "asin,item_name,item_type_keyword,standard_price,list_price,part_number\n"
        "B01,Fluke 101 Digital Multimeter,multimeters,49.00,,FLU-1\n"
        "B02,CD4027BE Dual J-K Flip-Flop IC,,5.49,,\n"
        "B03,Hakko FX-888D Soldering Station,soldering-stations,109.00,129.00,HAK-9\n"
    )
    items = records(write(tmp_path, "amz.csv", text))
    assert [(i.sku, i.price, i.list_price) for i in items] == [
        ("B01", 49.0, None),
        ("B02", 5.49, None),
        ("B03", 109.0, 129.0),
    ]
    assert items[0].product_type == "multimeters"


def test_a_placeholder_id_column_loses_to_a_distinct_one(tmp_path):
    """style_code NA on every row is not a SKU when product_id is distinct."""
    text = "product_id,style_code,product_name,mrp\n" + "".join(
        f"KTS{i},NA,Phone {i},999\n" for i in range(5)
    )
    assert [i.sku for i in records(write(tmp_path, "k.csv", text))] == [f"KTS{i}" for i in range(5)]


def test_the_column_holding_data_wins_over_the_first_alias(tmp_path):
    """An empty `title` column does not beat a filled `name` column."""
    items = records(write(tmp_path, "p.csv", "id,title,name,price\n1,,Nail Trim,299\n2,,Bowl,99\n"))
    assert [i.title for i in items] == ["Nail Trim", "Bowl"]


def test_no_sku_column_is_one_header_error_naming_the_columns_and_the_fix(tmp_path):
    """No SKU column at all: one CatalogError (not a row error per row) with the mapping hint."""
    path = write(tmp_path, "n.csv", "Artikel,Bezeichnung,Preis\n" + "A,B,1\n" * 20000)
    with pytest.raises(CatalogError) as err:
        open_catalog(path)
    text = str(err.value)
    assert "no SKU column" in text and "Artikel, Bezeichnung, Preis" in text
    assert "--column sku=" in text and "columns: {sku:" in text


def test_cli_no_sku_column_exits_2_with_one_message(tmp_path):
    """`evaluate` on such a file exits 2 with one error line and its hint, no rows written."""
    path = write(tmp_path, "n.csv", "Artikel,Bezeichnung,Preis\n" + "A,B,1\n" * 500)
    result = run("evaluate", str(path), "--format", "csv")
    assert result.exit_code == 2
    assert result.stdout == "" and result.stderr.count("Error:") == 1
    assert "--column sku=<header>" in result.stderr


def test_cli_column_option_maps_any_field(tmp_path):
    """--column sku=Artikel --column title=Bezeichnung --column price=Preis reads the file."""
    path = write(tmp_path, "n.csv", "Artikel,Bezeichnung,Preis\nA1,Kettle,2500\n")
    result = run(
        "evaluate", str(path), "--format", "jsonl", "--currency", "INR",
        "--column", "sku=Artikel", "--column", "title=Bezeichnung", "--column", "price=Preis",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    row = json.loads(result.stdout)
    assert (row["sku"], row["title"], row["unit_value"]) == ("A1", "Kettle", 2500.0)


def test_cli_no_price_column_is_said_once_and_the_rows_still_decided(tmp_path):
    """A generic file with no price column: one loud line on stderr naming the columns and the
    fix, every row decided as a typical item (none lost, none thought the cheapest)."""
    path = write(tmp_path, "p.csv", "sku,title,Preis-Spalte X\nA1,Kettle,2500\nA2,Mug,300\n")
    result = run("evaluate", str(path), "--format", "jsonl", "--currency", "INR")
    assert result.exit_code == 0, result.stderr
    assert result.stderr.count("no column of this file is a price") == 1
    assert "Preis-Spalte X" in result.stderr and "--column price=<header>" in result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(r["sku"], r["price_status"]) for r in rows] == [("A1", "missing"), ("A2", "missing")]
    mapped = run(
        "evaluate", str(path), "--format", "jsonl", "--currency", "INR",
        "--column", "price=Preis-Spalte X",
    )  # fmt: skip
    assert "no column of this file is a price" not in mapped.stderr
    assert json.loads(mapped.stdout.splitlines()[0])["unit_value"] == 2500.0


@pytest.mark.parametrize(
    ("header", "other"),
    [
        ("Price tax excluded", "Price tax included"),
        ("Precio sin impuestos", "Precio con impuestos"),
    ],
)
def test_a_price_named_with_its_tax_is_the_price(tmp_path, header, other):
    """PrestaShop's "Price tax excluded" is the price; beside the taxed one, the taxed one wins."""
    alone = write(tmp_path, "a.csv", f"sku;name;{header}\nA1;Kettle;2066.12\n")
    assert records(alone)[0].price == 2066.12
    both = write(tmp_path, "b.csv", f"sku;name;{header};{other}\nA1;Kettle;2066.12;2500.00\n")
    assert records(both)[0].price == 2500.0


def test_profile_columns_map_too_and_the_option_wins(tmp_path):
    """`columns:` in the brand profile maps a column; --column overrides it."""
    path = write(tmp_path, "n.csv", "Code1,Code2,Name,Price\nX,Y,Kettle,2500\n")
    profile = tmp_path / "brand.yaml"
    profile.write_text("currency: INR\ncolumns: {sku: Code1}\n", encoding="utf-8")
    r1 = run("evaluate", str(path), "--format", "jsonl", "--profile", str(profile))
    r2 = run(
        "evaluate",
        str(path),
        "--format",
        "jsonl",
        "--profile",
        str(profile),
        "--column",
        "sku=Code2",
    )
    assert json.loads(r1.stdout)["sku"] == "X" and json.loads(r2.stdout)["sku"] == "Y"


def test_mapping_an_unknown_header_or_field_is_a_clear_error(tmp_path):
    """A header the file lacks is named with the file's columns; an unknown field lists fields."""
    path = write(tmp_path, "n.csv", "sku,name,price\nA,B,1\n")
    with pytest.raises(CatalogError, match="no column named 'Nmae'.*did you mean 'name'"):
        open_catalog(path, columns={"title": "Nmae"})
    with pytest.raises(CatalogError, match="unknown field 'titel'.*did you mean 'title'"):
        parse_column_options(["titel=name"])
    with pytest.raises(CatalogError, match="expected FIELD=HEADER"):
        parse_column_options(["sku"])


def test_a_file_without_a_header_row_is_one_clear_error(tmp_path):
    """A product list whose first line is data says so, instead of rejecting every row."""
    path = write(
        tmp_path, "nohead.csv", '1,"Disinfectant Floor Cleaner - Citrus, 975 ml",199.0,219.0\n' * 3
    )
    with pytest.raises(CatalogError, match="no header row"):
        open_catalog(path)


def test_excel_apostrophes_trailing_empty_rows_and_padded_cells(tmp_path):
    """'100 reads as 100, thousands of ,,,, rows are skipped, padded cells are trimmed."""
    text = "sku , title , price , barcode \n'100 , Jar , 6.50 , '5011088656136\n" + ",,,\n" * 3000
    with open_catalog(write(tmp_path, "x.csv", text)) as reader:
        items = list(reader)
    assert [(i.sku, i.title, i.gtin) for i in items] == [("100", "Jar", "5011088656136")]
    assert reader.skipped_rows == 3000


def test_an_embedded_newline_in_a_header_cell(tmp_path):
    """A header cell like "\\r\\nHSNCode" still names its column."""
    items = records(write(tmp_path, "h.csv", 'sku,price,"\r\nHSNCode"\nA,10,3004\n'))
    assert items[0].hsn == "3004"


def test_row_numbers_count_records_after_the_header(tmp_path):
    """Record 1 is the first record after the header, blank lines and quoted newlines counted."""
    text = 'sku,title,price\nA,"two\nlines",1\n\nB,b,2\n'
    items = records(write(tmp_path, "r.csv", text))
    assert [(i.row, i.sku) for i in items] == [(1, "A"), (3, "B")]


def test_price_zero_or_blank_is_none_and_a_bad_price_still_rejects(tmp_path):
    """0 and blank mean no price (decided, flagged); a typo is rejected with its row."""
    items = records(write(tmp_path, "z.csv", "sku,price\nA,0\nB,\nC,0.00\nD,ten\n"))
    assert [getattr(i, "price", "rej") for i in items] == [None, None, None, "rej"]
    assert items[3].reason == 'price "ten" is not a number'


# ------------------------------------------------------------------ properties


_FIELD_NAMES = st.sampled_from(
    [(f, a) for f, aliases in TABLE.aliases.items() for a in aliases if f not in ("title_detail",)]
)


def _spell(alias: str, style: int) -> str:
    if style == 0:
        return alias.upper()
    if style == 1:
        return alias.replace(" ", "_")
    if style == 2:
        return f"  {alias.title()}  "
    return alias.replace(" ", "-")


@given(pair=_FIELD_NAMES, style=st.integers(0, 3))
def test_any_spelling_of_an_alias_maps_to_its_field(pair, style):
    """Case, spaces, underscores and dashes do not change which field a header feeds."""
    fld, alias = pair
    header = [_spell(alias, style)]
    if fld != "sku":
        header.append("sku")
    cmap = map_columns(header, TABLE)
    assert cmap.get(fld) == 0 and normalise(header[0]) == normalise(alias)


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(order=st.permutations(["sku", "title", "category", "price", "mrp", "hsn"]))
def test_column_order_never_changes_what_is_read(tmp_path, order):
    """Shuffling the columns of a file gives the same records."""
    row = {"sku": "A1", "title": "Tea", "category": "Food > Tea", "price": "120", "mrp": "150",
           "hsn": "0902"}  # fmt: skip
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(order)
    w.writerow([row[c] for c in order])
    path = tmp_path / "perm.csv"
    path.write_text(buf.getvalue(), encoding="utf-8")
    (rec,) = records(path)
    assert (rec.sku, rec.title, rec.category, rec.price, rec.list_price, rec.hsn) == (
        "A1", "Tea", "Food > Tea", 120.0, 150.0, "0902",
    )  # fmt: skip


@pytest.mark.parametrize(
    ("text", "value", "currency"),
    [
        ("650.000₫", 650000.0, "VND"),
        ("₱1,890.00", 1890.0, "PHP"),
        ("R$ 49,90", 49.9, "BRL"),
        ("RM 25", 25.0, "MYR"),
        ("HK$ 99", 99.0, "HKD"),
        ("Rp 150.000", 150000.0, "IDR"),
        ("12,50 zł", 12.5, "PLN"),
        ("64.999,00 TL", 64999.0, "TRY"),
        ("650.000đ", 650000.0, "VND"),
        ("1.250.000 VNĐ", 1250000.0, "VND"),
    ],
)
def test_more_currency_symbols(text, value, currency):
    """Symbols of the currencies real exports use are read as their ISO codes."""
    from advisor.catalog import parse_price

    assert parse_price(text) == (value, currency)


def _group(digits: str, style: str) -> str:
    if style == "indian" and len(digits) > 3:
        head, tail = digits[:-3], digits[-3:]
        pairs = []
        while len(head) > 2:
            pairs.insert(0, head[-2:])
            head = head[:-2]
        return ",".join([head, *pairs, tail]) if head else ",".join([*pairs, tail])
    sep = "." if style == "european" else ","
    groups = []
    while len(digits) > 3:
        groups.insert(0, digits[-3:])
        digits = digits[:-3]
    return sep.join([digits, *groups])


@given(
    rupees=st.integers(min_value=1, max_value=10**9),
    paise=st.integers(min_value=0, max_value=99),
    style=st.sampled_from(["western", "indian", "european"]),
    symbol=st.sampled_from(["", "₹", "Rs. ", "INR "]),
)
def test_grouped_prices_read_back_their_value(rupees, paise, style, symbol):
    """1,23,456.78 / 123,456.78 / 123.456,78 with any rupee marker parse to the same number."""
    from advisor.catalog import parse_price

    point = "," if style == "european" else "."
    text = f"{symbol}{_group(str(rupees), style)}{point}{paise:02d}"
    value, currency = parse_price(text)
    assert value == pytest.approx(rupees + paise / 100)
    assert currency == ("INR" if symbol else None)


def test_a_profile_column_mapping_with_an_unknown_field_names_the_profile(tmp_path):
    """`columns: {skew: ItemKey}` in a profile is refused with the file and a suggestion."""
    from advisor.advice.profile import load_profile
    from advisor.errors import ProfileError

    path = tmp_path / "brand.yaml"
    path.write_text("columns: {skew: ItemKey}\n", encoding="utf-8")
    with pytest.raises(ProfileError, match=r"brand.yaml:1: columns: unknown field 'skew'.*'sku'"):
        load_profile(path)


_SEGMENT = (
    st.text(
        alphabet=st.characters(
            whitelist_categories=("Lu", "Ll", "Nd"), whitelist_characters=" &'-"
        ),
        min_size=1,
        max_size=12,
    )
    .map(str.strip)
    .filter(bool)
)
_PATHS = st.lists(
    st.lists(_SEGMENT, min_size=1, max_size=4), min_size=1, max_size=3, unique_by=tuple
)


@given(paths=_PATHS)
def test_every_platforms_category_spelling_becomes_the_same_paths(paths):
    """WooCommerce, Magento and Flipkart spellings of the same paths read as `A > B`, one a line."""
    from advisor.catalog import categories

    want = "\n".join(" > ".join(p) for p in paths)
    woo = ", ".join(" > ".join(p) for p in paths)
    mag = ",".join("Default Category/" + "/".join(p) for p in paths)
    flip = json.dumps([" >> ".join(p) for p in paths])
    assert categories.woocommerce(woo) == want
    assert categories.magento(mag) == want
    assert categories.flipkart(flip) == want


def test_a_point_of_sale_stock_list_is_read_whole(tmp_path):
    """`Item #` is the item number, Dept > Class the category path, Retail the regular price
    before Promo, Curr the currency: a hardware store's POS export loses no row to its names."""
    path = write(
        tmp_path,
        "stock.csv",
        "Item #,Description,Dept,Class,Vendor,UOM,Retail,Promo,Curr,Qty On Hand\n"
        'HW-1,CLAW HAMMER 16OZ,HARDWARE,HAND TOOLS,Stanley,EA,"2,650.00",,JMD,12\n'
        'HW-2,CORDLESS DRILL 20V,HARDWARE,POWER TOOLS,DeWalt,EA,"32,500.00","28,900.00",JMD,3\n',
    )
    with open_catalog(path) as reader:
        items = list(reader)
    assert [i.sku for i in items] == ["HW-1", "HW-2"] and not reader.columns.sku_is_id
    drill = items[1]
    assert (drill.title, drill.category) == ("CORDLESS DRILL 20V", "HARDWARE > POWER TOOLS")
    assert (drill.list_price, drill.price, drill.currency) == (32500.0, 28900.0, "JMD")
    assert normalise("Item #") == normalise("Item No.") == "itemno"


def test_a_price_header_that_names_its_currency(tmp_path):
    """`List Price EUR` / `Special Price EUR`: the list and sale prices, in euros (the file
    names its currency, so none is assumed); a word that only spells a code is left alone."""
    path = write(
        tmp_path,
        "sheet.csv",
        "Item No,Description,List Price EUR,Special Price EUR,Retail Fee\n"
        '10021,Cordless drill-driver 18V,"189,00","159,00",5\n'
        '10022,Angle grinder 125mm,"79,90",,5\n',
    )
    with open_catalog(path) as reader:
        items = list(reader)
    assert reader.columns.currency == "EUR" and "Retail Fee" in dict(reader.columns.extra).values()
    assert [(i.list_price, i.price, i.currency) for i in items] == [
        (189.0, 159.0, "EUR"),
        (79.9, 79.9, "EUR"),
    ]
    runner = CliRunner()
    r = runner.invoke(cli, ["evaluate", str(path), "--format", "csv"])
    assert r.exit_code == 0, r.output
    assert "read as INR" not in r.stderr  # the file named its currency: none was assumed
    row = next(csv.DictReader(io.StringIO(r.stdout)))
    rate = 106.08  # rules/currencies.yaml: 1 EUR in INR
    assert row["sku"] == "10021" and float(row["unit_value"]) == pytest.approx(189 * rate, abs=0.01)


def _one_record(tmp_path: Path, name: str, text: str):
    """The one record of a one-row file."""
    with open_catalog(write(tmp_path, name, text)) as reader:
        (item,) = list(reader)
    return item


def test_a_pharmacy_stock_master_and_a_hardware_sheet_are_read_whole(tmp_path):
    """`STOCK_CODE` is the SKU and `SELLING_PRICE_USD` the price in dollars; a Latin American
    sheet's `Línea` is its category and `P.V.P.` its regular price before `Precio Oferta`."""
    item = _one_record(
        tmp_path,
        "stock.csv",
        "STOCK_CODE,DESCRIPTION,DEPT,SUB_DEPT,SELLING_PRICE_USD,PROMO_PRICE_USD\n"
        "RX1,AMOXICILLIN 500MG CAPS X 21,PHARMACY,PRESCRIPTION,3.80,\n",
    )
    assert (item.sku, item.price, item.currency) == ("RX1", 3.8, "USD")
    assert item.category == "PHARMACY > PRESCRIPTION"
    item = _one_record(
        tmp_path,
        "hoja.csv",
        "Código,Descripción,Línea,Marca,P.V.P.,Precio Oferta\n"
        "FE-1,TALADRO PERCUTOR 1/2 710W,HERRAMIENTA ELECTRICA,DEWALT,89.90,79.90\n",
    )
    assert (item.category, item.list_price, item.price) == ("HERRAMIENTA ELECTRICA", 89.9, 79.9)


def test_a_title_filled_on_few_rows_loses_to_a_short_description_filled_on_all():
    """An item master's GENERIC_NAME names its medicines only; DESCRIPTION names every item.
    A store's long description never takes the title's place that way."""
    header = ["ITEM_NO", "DESCRIPTION", "GENERIC_NAME", "RETAIL"]
    rows = [[f"I{i}", f"ITEM {i} 500MG TABS", "PARACETAMOL" if i < 3 else "", "2.00"]
            for i in range(10)]  # fmt: skip
    cols = map_columns(header, TABLE, rows)
    assert header[cols.get("title")] == "DESCRIPTION"
    store = [["S1", "<p>" + "A long description of the product. " * 5 + "</p>", "Mug", "5"]]
    store_header = ["sku", "description", "title", "price"]
    assert store_header[map_columns(store_header, TABLE, store * 10).get("title")] == "title"
    partial = [[f"S{i}", "<p>" + "Long text. " * 12 + "</p>", "Mug" if i < 2 else "", "5"]
               for i in range(10)]  # fmt: skip
    assert store_header[map_columns(store_header, TABLE, partial).get("title")] == "title"


def test_a_pos_list_s_precio_venta_is_its_price_and_an_offer_ranks_after_it():
    """`PRECIO_VENTA` (written without "de") is the selling price; `PRECIO_OFERTA`, filled on
    a few rows, does not take its place."""
    header = ["CODIGO", "DESCRIPCION", "PRECIO_VENTA", "PRECIO_OFERTA"]
    rows = [["A1", "ROTOMARTILLO", "189.00", ""], ["A2", "TALADRO", "54.95", "49.95"]]
    cols = map_columns(header, TABLE, rows)
    assert header[cols.get("price")] == "PRECIO_VENTA"


@pytest.mark.parametrize(
    ("header", "want"),
    [
        # Meesho's supplier sheet: a header that names two alternatives
        (["Sr. No.", "Catalog Name", "Product Name", "Meesho Price", "MRP", "Product ID / Style ID"],
         {"sku": "Product ID / Style ID", "title": "Product Name", "price": "Meesho Price",
          "list_price": "MRP"}),
        # Tally / Busy stock summary: the item's alias is its code
        (["Item Name", "Alias", "Group", "Unit", "Rate", "MRP", "HSN/SAC", "GST %"],
         {"sku": "Alias", "title": "Item Name", "category": "Group", "price": "Rate",
          "list_price": "MRP", "hsn": "HSN/SAC"}),
        # Myntra's style list
        (["styleId", "vendorSkuCode", "brand", "productDisplayName", "masterCategory",
          "subCategory", "articleType", "mrp", "discountedPrice"],
         {"sku": "vendorSkuCode", "title": "productDisplayName", "category": "masterCategory",
          "sub_category": "subCategory", "product_type": "articleType", "list_price": "mrp",
          "price": "discountedPrice"}),
    ],
)  # fmt: skip
def test_indian_marketplace_and_accounting_sheets_are_read_by_their_own_headers(header, want):
    """Three Indian exports that were refused whole for their SKU header (holdout18)."""
    cols = map_columns(header, TABLE, [])
    assert {f: header[cols.get(f)] for f in want if cols.get(f) is not None} == want


def test_a_blank_sku_is_read_from_the_row_s_other_sku_column(tmp_path):
    """Shopee writes a product without variations with a blank `SKU` and its code in
    `Parent SKU`: that row's SKU is the parent's, else its product ID (an ID column is a SKU
    where nothing better is there); a variation keeps its own."""
    path = tmp_path / "shopee.csv"
    path.write_text(
        "Product ID,Parent SKU,Product Name,SKU,Original Price\n"
        "248,ZF11U,ASUS Zenfone 11 Ultra,ZF11U-BK,25990\n"
        "248,ZF11U,ASUS Zenfone 11 Ultra,ZF11U-BL,25990\n"
        "249,SM-A166P,Samsung Galaxy A16 5G,,6490\n"
        "250,,Xiaomi Redmi Buds 6,,790\n",
        encoding="utf-8",
    )
    got = list(open_catalog(path))
    assert [r.sku for r in got] == ["ZF11U-BK", "ZF11U-BL", "SM-A166P", "250"]  # then its ID
