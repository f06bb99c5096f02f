"""Files from Japan (Shift_JIS, Japanese headers, titles without spaces between words) and
Shopify's 2025 export are read as they come; a plain CSV with `handle` and `price` stays plain."""

from __future__ import annotations

from advisor_helpers import decided_rows

from advisor.catalog import open_catalog
from advisor.catalog.shopify import ShopifyReader
from advisor.rulebook.words import norm, written_as

AMAZON_JP = (
    "商品名\t商品の説明\t出品ID\t出品者SKU\t価格\t数量\t商品ID\tステータス\r\n"
    "Google Pixel 8a 128GB SIMフリー Obsidian 5G対応 国内版\t\t0323R2NBQKJ\tMZ-PIX8A\t72600\t\t"
    "B0NP3DJ6C8\tActive\r\n"
    "ロジクール K380 マルチデバイス Bluetooth キーボード オフホワイト\t\t0913GBPP\tMZ-K380\t4980\t3\t"
    "B0TW36P7RA\tActive\r\n"
    "オムロン 上腕式血圧計 HCR-7104\t\t0913GBPQ\tMZ-OMRON\t8980\t3\tB0TW36P7RB\tActive\r\n"
    "ウイルスバスター クラウド 3年版 オンラインコード版\t\t0913GBPR\tMZ-VB3\t9980\t\tB0TW36P7RC\t"
    "Active\r\n"
)


def test_a_shift_jis_report_with_japanese_headers_is_read_and_decided(tmp_path):
    path = tmp_path / "listings.txt"
    path.write_bytes(AMAZON_JP.encode("cp932"))
    with open_catalog(path) as reader:
        assert reader.encoding == "cp932"
        got = {r.sku: r for r in reader}
    assert got["MZ-K380"].title.startswith("ロジクール K380")
    assert got["MZ-K380"].price == 4980.0
    rows = decided_rows(path, "JPY")
    assert rows["MZ-PIX8A"]["vertical"] == "mobile_phones"
    assert rows["MZ-K380"]["vertical"] == "electronics"
    # the explanation quotes the row's own word, not its normalised characters
    assert 'title word "キーボード"' in rows["MZ-K380"]["vertical_source"]
    assert rows["MZ-OMRON"]["vertical"] == "medical_devices"
    assert rows["MZ-VB3"]["method"] == "none"


def test_kana_and_kanji_are_words_of_their_own():
    assert norm("急速充電器") == "急 速 充 電 器"
    assert norm("SIMフリー ＵＳＢ") == "sim フ リ ー usb"  # full width folded
    assert " 充 電 器 " in f" {norm('USB 急速充電器 PD対応')} "
    assert written_as("Anker 急速充電器 PD対応", ("充 電 器", "pd")) == ("充電器", "PD")


def test_shopify_s_2025_export_is_recognised_with_its_variants(tmp_path):
    path = tmp_path / "products_export.csv"
    path.write_text(
        "Title,URL handle,Description,Vendor,Product category,Type,Tags,SKU,Barcode,"
        "Option1 name,Option1 value,Price,Compare-at price,Requires shipping,Gift card\n"
        "Serum z witaminą C,serum-c,<p>Serum</p>,Sielska,,Serum,,SN-SER-30,,Pojemność,30 ml,"
        "89.00,99.00,TRUE,FALSE\n"
        ",serum-c,,,,,,SN-SER-50,,,50 ml,129.00,,TRUE,FALSE\n"
        "Karta podarunkowa,karta,,Sielska,Gift Cards,,,,,Wartość,100 zł,100.00,,FALSE,TRUE\n",
        encoding="utf-8",
    )
    with open_catalog(path) as reader:
        assert isinstance(reader, ShopifyReader)
        got = {r.sku: r for r in reader}
    assert got["SN-SER-50"].title == "Serum z witaminą C - 50 ml"
    assert (got["SN-SER-30"].price, got["SN-SER-30"].list_price) == (89.0, 99.0)
    card = next(r for r in got.values() if r.sku.startswith("karta"))
    assert "gift_card" in card.nature


def test_a_plain_csv_with_handle_and_price_is_not_taken_for_shopify(tmp_path):
    path = tmp_path / "pets.csv"
    path.write_text(
        "product_id,handle,title,name,category,price\n"
        "101,kibble,,Chicken Kibble for Puppies 3 kg,Dog Food,1299\n",
        encoding="utf-8",
    )
    with open_catalog(path) as reader:
        assert reader.format == "csv"
        (rec,) = list(reader)
    assert rec.title == "Chicken Kibble for Puppies 3 kg"  # the filled name, not the empty title
