"""BigCommerce's v3 product export: `Item` Product / Variant / Image rows, `Options` holding a
variant's values, `Type` physical / digital, categories as numeric ids (which say nothing)."""

from __future__ import annotations

from advisor.catalog import open_catalog
from advisor.catalog.bigcommerce import BigCommerceReader

HEADER = (
    "Item,ID,Name,Type,SKU,Options,Inventory Tracking,Current Stock,Price,Retail Price,"
    "Sale Price,Brand ID,Categories,UPC/EAN\n"
)
ROWS = (
    "Product,213,NEMO Disco 15 Down Sleeping Bag,physical,NEMO-DISCO15,,variant,0,299.95,,,44,"
    "23;59,\n"
    "Image,2131,,,,,,,,,,,,\n"
    "Variant,541,,,NEMO-DISCO15-REG,Type=Rectangle|Name=Length|Value=Regular,,4,299.95,,,,,\n"
    "Variant,542,,,NEMO-DISCO15-LNG,Type=Rectangle|Name=Length|Value=Long,,2,319.95,,,,,\n"
    "Product,258,Ridgeline e-Gift Card,digital,RLO-EGIFT,,none,0,25.00,,,,40,\n"
)


def test_v3_variants_take_their_product_and_images_are_not_items(tmp_path):
    path = tmp_path / "products-2026-11-30.csv"
    path.write_text(HEADER + ROWS, encoding="utf-8")
    with open_catalog(path) as reader:
        assert isinstance(reader, BigCommerceReader)
        got = {r.sku: r for r in reader}
        assert reader.skipped_rows == 1  # the Image row
    assert got["NEMO-DISCO15-LNG"].title == "NEMO Disco 15 Down Sleeping Bag - Long"
    assert got["NEMO-DISCO15-LNG"].price == 319.95
    assert got["NEMO-DISCO15-REG"].category == got["NEMO-DISCO15"].category == ""  # ids only
    assert "no_shipping" in got["RLO-EGIFT"].nature


def test_a_plain_sheet_with_item_id_and_name_is_not_taken_for_bigcommerce(tmp_path):
    path = tmp_path / "stock.csv"
    path.write_text("Item,ID,Name,SKU,Price\nWidget,7,Steel Bottle 1L,SB-1,499\n", encoding="utf-8")
    with open_catalog(path) as reader:
        assert reader.format == "csv"
