"""BigCommerce's product export read as it is, through `trackright evaluate`: codes, variants, types."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from advisor.catalog.bigcommerce import option_values
from advisor.catalog.categories import bigcommerce

EXPORT = Path(__file__).parents[1] / "data" / "catalogs" / "bigcommerce_kauri_and_co.csv"


def evaluate(cli) -> dict[str, dict[str, str]]:
    ran = cli("evaluate", str(EXPORT), "--currency", "NZD", "--format", "csv", "--no-summary")
    assert ran.returncode == 0, ran.stderr
    return {r["row"]: r for r in csv.DictReader(io.StringIO(ran.stdout))}


def test_the_sku_is_the_product_code_and_every_variant_row_is_decided(cli):
    """`Product Code/SKU` is the SKU, not the `Product ID` every variant repeats: no duplicates."""
    rows = evaluate(cli)
    assert all(r["status"] == "decided" for r in rows.values()), [
        (r["row"], r["error"]) for r in rows.values() if r["status"] != "decided"
    ]
    assert [rows[n]["sku"] for n in ("1", "2", "3", "4")] == [
        "KC-BEAN-FW1",
        "KC-BEAN-FW1-WB",
        "KC-BEAN-FW1-PL",
        "KC-BEAN-FW1-ES",
    ]
    assert rows["19"]["sku"] == "211"  # a product with no code is known by its BigCommerce ID


def test_variants_inherit_name_category_and_price_from_their_product(cli):
    """A `SKU` row names only its options; it reads as its product, priced by its own cell."""
    rows = evaluate(cli)
    beans = [rows[n] for n in ("1", "2", "3", "4")]
    assert rows["2"]["title"] == "Flat White Espresso Beans 1kg – Medium Roast - Whole Bean"
    assert {(r["vertical"], r["method"], r["capture"]) for r in beans} == {
        ("food", "batch", "lot;expiry")
    }
    assert rows["3"]["unit_value"] == rows["1"]["unit_value"]  # no price of its own: the product's
    assert float(rows["4"]["unit_value"]) > float(rows["1"]["unit_value"])
    sizes = [rows[n] for n in ("14", "15", "16")]
    assert {(r["vertical"], r["method"]) for r in sizes} == {("fashion", "lpn")}


def test_a_rule_row_is_not_an_item_and_the_rrp_is_the_unit_value(cli):
    """`Rule` rows are skipped; `Retail Price` (RRP) values the unit before a `Sale Price`."""
    rows = evaluate(cli)
    assert "10" not in rows and len(rows) == 24
    machine = rows["6"]
    assert (machine["vertical"], machine["method"]) == ("appliances", "serial")
    assert round(float(machine["unit_value"])) == round(1299.00 * 53.5156)


def test_digital_products_are_not_stock(cli):
    """Product Type D (nothing shipped): a workshop, an e-gift card and an e-book are `none`."""
    rows = evaluate(cli)
    got = {n: (rows[n]["vertical"], rows[n]["method"]) for n in ("20", "21", "22")}
    assert got == {
        "20": ("services", "none"),
        "21": ("gift_cards", "none"),
        "22": ("digital_goods", "none"),
    }
    assert rows["23"]["method"] != "none"  # a physical coffee subscription (type P) is stock


def test_option_names_and_category_paths_as_bigcommerce_writes_them():
    """``[RB]Colour=Red,[S]Size=L`` gives its values; ``;`` separates ``A/B`` paths."""
    assert option_values("[RB]Colour=Red,[S]Size=Large") == ["Red", "Large"]
    assert option_values("[S]Size=S/M") == ["S/M"]
    assert bigcommerce("Coffee/Beans;Best Sellers") == "Coffee > Beans\nBest Sellers"


def test_a_sale_or_retail_price_of_zero_is_not_set(cli):
    """BigCommerce writes 0.00 in Sale Price and Retail Price when they are not set: the row
    is valued at its Price, not decided as a row with no price."""
    zero = EXPORT.with_name("bigcommerce_zero_prices_cn.csv")
    ran = cli("evaluate", str(zero), "--format", "csv", "--no-summary")
    assert ran.returncode == 0, ran.stderr
    rows = {r["row"]: r for r in csv.DictReader(io.StringIO(ran.stdout))}
    assert all(r["price_status"] == "ok" for r in rows.values())
    assert round(float(rows["1"]["unit_value"])) == round(3200 * 14.2728)  # Seiko: Price
    assert round(float(rows["5"]["unit_value"])) == round(3490 * 14.2728)  # Retail Price set
    assert round(float(rows["6"]["unit_value"])) == round(1099 * 14.2728)  # Price before Sale


def test_an_older_export_s_sku_rows_and_price_rules(tmp_path):
    """Older exports leave a SKU row's Product ID blank under its product and price it by a
    rule: `[FIXED]64.99` is that price, `[ADD]5.00` the product's plus 5; no price of its own
    is the product's."""
    header = EXPORT.read_text(encoding="utf-8").splitlines()[0].split(",")
    at = {name: i for i, name in enumerate(header)}

    def line(**cells: str) -> str:
        row = [""] * len(header)
        for name, value in cells.items():
            row[at[name]] = value
        return ",".join(row)

    rows = [
        line(**{"Item Type": "Product", "Product ID": "104", "Product Name": "Grain Free Dog Food",
                "Product Code/SKU": "GF", "Price": "29.9900", "Retail Price": "0.0000",
                "Sale Price": "0.0000", "Category": "Dogs/Food"}),
        line(**{"Item Type": "SKU", "Product Name": "[RB]Bag Size=12 lb",
                "Product Code/SKU": "GF-12", "Price": "[FIXED]64.99"}),
        line(**{"Item Type": "SKU", "Product Name": "[RB]Bag Size=24 lb",
                "Product Code/SKU": "GF-24", "Price": "[ADD]50.00"}),
        line(**{"Item Type": "SKU", "Product Name": "[RB]Bag Size=4 lb",
                "Product Code/SKU": "GF-4"}),
    ]  # fmt: skip
    path = tmp_path / "older.csv"
    path.write_text("\n".join([",".join(header), *rows]) + "\n", encoding="utf-8")
    from advisor.catalog import open_catalog

    got = {r.sku: r for r in open_catalog(path)}
    assert got["GF-12"].title == "Grain Free Dog Food - 12 lb" and got["GF-12"].price == 64.99
    assert got["GF-24"].price == 79.99 and got["GF-4"].price == 29.99
    assert got["GF-4"].category == got["GF"].category == "Dogs > Food"
