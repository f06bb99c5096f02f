"""Wix Stores and Squarespace exports (variant rows under their product key), Square's
"Variable" price, eBay's seller SKU beside its listing number."""

from __future__ import annotations

from pathlib import Path

from advisor.catalog import open_catalog
from advisor.catalog.grouped import SquarespaceReader, WixReader
from advisor.catalog.records import RejectedRow

CATALOGS = Path(__file__).parents[1] / "data" / "catalogs"


def test_wix_variants_are_their_product_priced_with_their_surcharge():
    reader = open_catalog(CATALOGS / "wix_store_ca.csv")
    assert isinstance(reader, WixReader)
    got = {r.row: r for r in reader}
    assert got[2].title == "Merino Crew Sweater - Unisex - S" and got[2].price == 129.0
    assert got[3].price == 139.0 and got[3].category == got[1].category == "Apparel\nFall Edit"
    assert got[6].price == 25.0 and got[6].title.endswith("- $25")


def test_squarespace_variants_and_product_types():
    """DIGITAL, SERVICE and GIFT_CARD say what is not stock; On Sale picks the sale price."""
    reader = open_catalog(CATALOGS / "squarespace_shop_ie.csv")
    assert isinstance(reader, SquarespaceReader)
    got = {r.row: r for r in reader}
    assert (got[2].price, got[2].list_price) == (12.0, 14.0)
    assert got[3].title == "House Espresso Blend - Whole Bean - 1kg" and got[3].price == 44.0
    assert "gift_card" in got[5].nature and "downloadable" in got[6].nature
    assert "service" in got[7].nature


def test_square_variable_price_is_no_price_and_ebay_s_custom_label_is_the_sku(tmp_path):
    square = tmp_path / "square.csv"
    square.write_text(
        "Token,Item Name,Variation Name,SKU,Categories,Price\n"
        "T1,Flat White,Regular,FW-R,Coffee,5.20\nT2,Birthday Cake,Custom,CAKE-C,Cakes,Variable\n",
        encoding="utf-8",
    )
    rows = {r.sku: r for r in open_catalog(square) if not isinstance(r, RejectedRow)}
    assert rows["CAKE-C"].price is None and rows["FW-R"].price == 5.2
    ebay = tmp_path / "ebay.csv"
    ebay.write_text(
        "Item number,Title,Variation details,Custom label (SKU),Currency,Start price\n"
        "2769,Apple iPhone 13 128GB,,SR-IP13,GBP,399.00\n"
        "2770,Barbour Jacket,Size=M,SR-BAR-M,GBP,289.00\n"
        "2770,Barbour Jacket,Size=L,SR-BAR-L,GBP,289.00\n",
        encoding="utf-8",
    )
    skus = [r.sku for r in open_catalog(ebay)]
    assert skus == ["SR-IP13", "SR-BAR-M", "SR-BAR-L"]


def test_square_item_library_keys_made_to_order_items_by_their_token(tmp_path):
    """A café's blank SKUs are keyed by Token (and variation), not refused; Item Type says what
    is not stock; several Categories are several paths."""
    from advisor.catalog.square import SquareReader

    square = tmp_path / "items.csv"
    square.write_text(
        "\ufeffToken,Item Name,Variation Name,SKU,Categories,Reporting Category,Item Type,Price\n"
        "PIX6,Flat White,Regular,,Coffee,Coffee,Prepared food and beverage,5.20\n"
        "PIX6,Flat White,Large,,Coffee,Coffee,Prepared food and beverage,6.00\n"
        'M3DA,Free Range Eggs Dozen,Regular,WC-EGG-12,"Pantry,Dairy & Eggs",Pantry,Physical good,9.00\n'
        "7CAP,Catering - Wait Staff (per hour),Regular,,,Catering,Service,55.00\n"
        "MD2L,Sourdough at Home - e-book,Regular,CC-EBOOK,Digital,Digital,Digital,19.00\n",
        encoding="utf-8",
    )
    reader = open_catalog(square)
    assert isinstance(reader, SquareReader)
    got = list(reader)
    assert not [r for r in got if isinstance(r, RejectedRow)]
    assert [(r.sku, r.title) for r in got[:2]] == [
        ("PIX6", "Flat White"),
        ("PIX6-large", "Flat White - Large"),
    ]
    assert got[2].category == "Pantry\nDairy & Eggs" and got[2].price == 9.0
    assert got[3].category == "Catering" and "service" in got[3].nature
    assert "downloadable" in got[4].nature


def test_ebay_variation_rows_take_their_listing_s_title(tmp_path):
    """eBay's active-listings report writes a variation row with only its Item number, details,
    SKU and price: it is its listing's item, not an untitled one."""
    ebay = tmp_path / "ebay.csv"
    ebay.write_text(
        "Item number,Title,Variation details,Custom label (SKU),Currency,Start price,"
        "eBay category 1 name\n"
        "2769,Apple iPhone 13 128GB Unlocked,,SR-IP13,GBP,,Mobile & Smart Phones\n"
        "2769,,Colour=Midnight,SR-IP13-MID,GBP,329.00,\n"
        "2780,Nike Air Max 90 Trainers,,SR-AM90,GBP,,Trainers\n"
        "2780,,UK Shoe Size=8,SR-AM90-8,GBP,99.99,\n",
        encoding="utf-8",
    )
    got = {r.sku: r for r in open_catalog(ebay)}
    assert got["SR-IP13-MID"].title == "Apple iPhone 13 128GB Unlocked"
    assert got["SR-IP13-MID"].category == got["SR-IP13"].category
    assert got["SR-AM90-8"].title == "Nike Air Max 90 Trainers" and got["SR-AM90-8"].price == 99.99
