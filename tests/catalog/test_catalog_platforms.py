"""Platform exports read as they are: WooCommerce, Magento, Vendure, Shopify's newer columns,
marketplace lists (BigBasket, Flipkart), a pharmacy item master, a pet store, nested JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from advisor.catalog import open_catalog
from advisor.catalog.records import RejectedRow, SkuRecord


def write(tmp_path: Path, name: str, text: str, *, bom: bool = False, crlf: bool = False) -> Path:
    if crlf:
        text = text.replace("\r\n", "\n").replace("\n", "\r\n")
    data = text.encode("utf-8")
    path = tmp_path / name
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)
    return path


def read(path: Path, **kw) -> tuple[dict[str, SkuRecord], list[RejectedRow], object]:
    with open_catalog(path, **kw) as reader:
        items = list(reader)
    assert len(items) == reader.rows_read
    records = {i.sku: i for i in items if isinstance(i, SkuRecord)}
    return records, [i for i in items if isinstance(i, RejectedRow)], reader


WOO_HEADER = (
    'ID,Type,SKU,"GTIN, UPC, EAN, or ISBN",Name,Published,Short description,Description,'
    "Sale price,Regular price,Categories,Tags,Images,Parent,Brands,Attribute 1 name,"
    "Attribute 1 value(s)\n"
)


def test_woocommerce_variations_inherit_and_the_parent_takes_its_dearest_price(tmp_path):
    """Variations get the parent's name, categories and brand; the priceless parent is flagged.

    A blank or attribute-only variation name becomes the parent's name and the attribute.
    """
    text = WOO_HEADER + (
        '1201,variable,AO-GHEE,,Organic A2 Ghee,1,,"<p>Slow\ncooked</p>",,,'
        '"Pantry > Ghee & Oils, Bestsellers","a2, ghee",img.jpg,,Annapurna,Size,"250 ml, 1 L"\n'
        "1202,variation,AO-GHEE-250,'8901234567890,Organic A2 Ghee - 250 ml,1,,,,699,,,,id:1201,,Size,250 ml\n"
        "1203,variation,AO-GHEE-1L,,,1,,,2199,2450,,,,AO-GHEE,,Size,1 L\n"
        '1204,"simple, downloadable, virtual",AO-EBOOK,,Millet Recipes eBook,1,,,,299,Books,,,,,,\n'
        "1205,simple,AO-HONEY,,Wild Honey,1,,,,0,Pantry,,,,,,\n"
        "1206,variation,,,Spare,1,,,,99,,,,id:1201,,,\n"
        "1207,variation,AO-GHEE-500,,500 ml,1,,,,1299,,,,id:1201,,Size,500 ml\n"
    )
    records, rejected, reader = read(write(tmp_path, "wc-product-export.csv", text, bom=True))
    assert reader.format == "woocommerce" and not rejected
    parent, small, big = records["AO-GHEE"], records["AO-GHEE-250"], records["AO-GHEE-1L"]
    assert parent.category == "Pantry > Ghee & Oils\nBestsellers" and parent.brand == "Annapurna"
    assert (parent.list_price, parent.price, parent.price_from) == (2450.0, 2199.0, "variants")
    assert (small.category, small.brand, small.gtin) == (
        parent.category, "Annapurna", "8901234567890",
    )  # fmt: skip
    assert (small.price, small.list_price, small.price_from) == (699.0, 699.0, "")
    assert big.title == "Organic A2 Ghee - 1 L" and (big.price, big.list_price) == (2199.0, 2450.0)
    assert records["AO-EBOOK"].nature == ("downloadable", "virtual")
    assert records["AO-HONEY"].price is None  # 0 is no price, never the cheapest item
    assert records["1206"].category == parent.category  # no SKU: its WooCommerce ID
    assert records["AO-GHEE-500"].title == "Organic A2 Ghee - 500 ml"


MAGENTO_HEADER = (
    "sku,store_view_code,attribute_set_code,product_type,categories,product_websites,name,"
    "description,price,special_price,msrp_price,configurable_variations,bundle_price_type,"
    "bundle_values\n"
)


def test_magento_children_read_before_their_parent_inherit_from_it(tmp_path):
    """Children listed before their configurable parent get its name and categories."""
    text = MAGENTO_HEADER + (
        "SNY-XM5-B,,Default,simple,,base,Black,,399.99,328.00,,,,\n"
        "SNY-XM5-S,,Default,simple,,base,,,399.99,,,,,\n"
        'SNY-XM5,,Default,configurable,"Default Category/Electronics/Audio,Default Category/'
        'Collections/New",base,Sony WH-1000XM5 Headphones,"<p>Two\nlines</p>",,,,'
        '"sku=SNY-XM5-B,color=Black|sku=SNY-XM5-S,color=Silver",,\n'
        "MAT,,Default,simple,Default Category/Fitness,base,Yoga Mat,,129.00,,,,,\n"
        "BLK,,Default,simple,Default Category/Fitness,base,Yoga Block,,14.99,,,,,\n"
        "BNDL,,Default,bundle,Default Category/Fitness/Bundles,base,Home Gym Bundle,,,,,,dynamic,"
        '"name=Mat,sku=MAT,default=1,default_qty=1.0000|name=Blocks,sku=BLK,default=1,default_qty=2"\n'
        "GC-1,,Default,giftcard,Default Category/Gift Cards,base,Gift Card,,,,,,,\n"
        "SVC-1,,Default,virtual,Default Category/Services,base,Stringing Service,,25,,,,,\n"
        "MAT,es_us,,,,,Esterilla de yoga,,,,,,,\n"
    )
    records, rejected, reader = read(write(tmp_path, "export_catalog_product.csv", text))
    assert reader.format == "magento" and not rejected
    black, silver, parent = records["SNY-XM5-B"], records["SNY-XM5-S"], records["SNY-XM5"]
    assert black.title == "Sony WH-1000XM5 Headphones - Black"
    assert silver.title == "Sony WH-1000XM5 Headphones"
    assert black.category == silver.category == "Electronics > Audio\nCollections > New"
    assert (black.price, black.list_price) == (328.0, 399.99)
    assert (parent.price_from, parent.list_price) == ("variants", 399.99)
    bundle = records["BNDL"]
    assert (bundle.price_from, bundle.list_price) == ("parts", pytest.approx(129.0 + 2 * 14.99))
    assert records["GC-1"].nature == ("gift_card",) and records["SVC-1"].nature == ("virtual",)


def test_magento_store_view_row_is_a_translation_not_a_duplicate(tmp_path):
    """A store-view row keeps its SKU, takes the default row's price, and is flagged."""
    text = MAGENTO_HEADER + (
        "MAT,,Default,simple,Default Category/Fitness,base,Yoga Mat,,129.00,,,,,\n"
        "MAT,es_us,,,,,Esterilla de yoga,,,,,,,\n"
    )
    with open_catalog(write(tmp_path, "m.csv", text)) as reader:
        items = list(reader)
    assert [type(i).__name__ for i in items] == ["SkuRecord", "SkuRecord"]
    es = items[1]
    assert (es.row, es.title, es.price, es.price_from) == (
        2,
        "Esterilla de yoga",
        129.0,
        "default row",
    )
    assert es.category == "Fitness"


def test_vendure_padded_cells_variant_rows_and_facets(tmp_path):
    """Space-padded headers and cells read clean; blank-name rows are the product's variants."""
    text = (
        " name , slug , description , assets , facets , optionGroups , optionValues , sku , "
        "price , taxCategory , stockOnHand , trackInventory , variantAssets , variantFacets \n"
        " Laptop , laptop , Fast , , category:Electronics|category:Computers|brand:Apple , "
        "screen size|RAM , 13 inch|8GB , L2201308 , 1299.00 , standard , 100 , false , , \n"
        " , , , , , , 15 inch|16GB , L2201516 , 2199.00 , standard , 100 , false , , \n"
    )
    records, rejected, reader = read(write(tmp_path, "products.csv", text))
    assert reader.format == "vendure" and not rejected
    small, big = records["L2201308"], records["L2201516"]
    assert (small.title, big.title) == ("Laptop - 13 inch / 8GB", "Laptop - 15 inch / 16GB")
    assert small.category == big.category == "Electronics > Computers"
    assert big.brand == "Apple" and big.price == 2199.0


SHOPIFY_NEW = (
    "Handle,Title,Vendor,Product Category,Type,Tags,Option1 Name,Option1 Value,Variant SKU,"
    "Variant Price,Variant Compare At Price,Variant Requires Shipping,Variant Barcode,Gift Card,"
    "Image Src\n"
)


def test_shopify_gift_cards_services_compare_at_and_apostrophes(tmp_path):
    """Gift Card and Requires Shipping go into nature; compare-at is the list price."""
    text = SHOPIFY_NEW + (
        "kurta,Silk Kurta,Zariya,Apparel & Accessories > Clothing,Kurta,,Size,S,ZR-K-S,1890.00,"
        "2490.00,true,'8908792174218,false,a.jpg\n"
        "kurta,,,,,,,M,ZR-K-M,1890.00,2490.00,true,'8908792174219,,\n"
        "kurta,,,,,,,,,,,,,,b.jpg\n"
        "gift,E-Gift Card,Zariya,Gift Cards,Gift Card,,Denomination,₹500,,500.00,,false,,true,\n"
        "gift,,,,,,,₹1000,,1000.00,,false,,,\n"
        "fit,Styling Session,Zariya,,Services,,Title,Default Title,ZR-SVC,0.00,,FALSE,,false,\n"
        "stool,Oak Stool,Zariya,,Stools,,Title,Default Title,'100,4500,,true,,false,\n"
    )
    records, rejected, reader = read(write(tmp_path, "products_export_1.csv", text, crlf=True))
    assert reader.format == "shopify" and not rejected and reader.skipped_rows == 1
    small, medium = records["ZR-K-S"], records["ZR-K-M"]
    assert (small.price, small.list_price, small.gtin) == (1890.0, 2490.0, "8908792174218")
    assert medium.product_category == "Apparel & Accessories > Clothing"
    assert records["gift-₹1000"].nature == ("gift_card", "no_shipping")
    assert records["ZR-SVC"].price is None and records["ZR-SVC"].nature == (
        "no_shipping",
        "service",
    )
    assert "100" in records  # the Excel apostrophe is not part of the SKU


def test_bigbasket_levels_read_as_one_path_and_mrp_as_list_price(tmp_path):
    """category, sub_category and type are one path; market_price is the MRP; index the SKU."""
    text = (
        "index,product,category,sub_category,brand,sale_price,market_price,type,rating,description\n"
        '1,"Paracetamol 650 mg Tablet, 15 pcs",Beauty & Hygiene,Health & Medicine,Dolo,30.0,'
        "33.6,Everyday Medicine,4.2,Relief\n"
        '2,"Pulse Oximeter, 1 pc",Beauty & Hygiene,Health & Medicine,Dr Morepen,0,0,Health Devices,,\n'
    )
    records, rejected, _ = read(write(tmp_path, "BigBasket.csv", text))
    tab = records["1"]
    assert tab.category == "Beauty & Hygiene > Health & Medicine > Everyday Medicine"
    assert (tab.title, tab.brand, tab.price, tab.list_price) == (
        "Paracetamol 650 mg Tablet, 15 pcs", "Dolo", 30.0, 33.6,
    )  # fmt: skip
    assert records["2"].price is None and records["2"].list_price is None and not rejected


def test_flipkart_category_tree_pid_and_prices(tmp_path):
    """The JSON-ish category tree becomes a path; pid is the SKU; retail_price the MRP."""
    text = (
        "uniq_id,crawl_timestamp,product_url,product_name,product_category_tree,pid,"
        "retail_price,discounted_price,brand\n"
        'c2d766ca,2024-01-22,http://x,Bata Lace Up Shoes,"[""Footwear >> Men\'s Footwear >> '
        'Formal Shoes""]",SHO9D7BH,1999,1799,Bata\n'
    )
    records, _, _ = read(write(tmp_path, "flipkart_com-ecommerce_sample.csv", text))
    shoe = records["SHO9D7BH"]
    assert shoe.category == "Footwear > Men's Footwear > Formal Shoes"
    assert (shoe.price, shoe.list_price, shoe.title) == (1799.0, 1999.0, "Bata Lace Up Shoes")


def test_pharmacy_item_master_title_carries_strength_and_form(tmp_path):
    """item_key is the SKU; the generic name, strength and form make the title; 1,890.00 reads."""
    text = (
        'item_key,generic_name,brand_name,dosage_strength,unit_code,SoldPer,selling_price,"Reorder\n'
        'Level"\nAMLO5-N23F3130,Amlodipine besilate,Norvasc,5 mg,TAB,TABLET,"1,890.00",200\n'
    )
    records, _, _ = read(write(tmp_path, "item_master.csv", text))
    rec = records["AMLO5-N23F3130"]
    assert (rec.title, rec.brand, rec.price) == ("Amlodipine besilate 5 mg", "Norvasc", 1890.0)


def test_pet_store_filled_name_beats_empty_title_and_service_is_nature(tmp_path):
    """The empty `title` column loses to the filled `name`; product_type service is nature."""
    text = (
        "id,title,name,category,subcategory,product_type,price,compare_at_price,brand\n"
        "7326958530,,Nail Trim (Walk-in),Services,Grooming,service,299.00,,\n"
        "7317491723,,Whiskas Dry Cat Food 1.2 kg,Cats,Dry Food,physical,429.00,459.00,Whiskas\n"
    )
    records, _, _ = read(write(tmp_path, "pets.csv", text))
    trim, food = records["7326958530"], records["7317491723"]
    assert (trim.title, trim.category, trim.nature) == (
        "Nail Trim (Walk-in)", "Services > Grooming", ("service",),
    )  # fmt: skip
    assert (food.list_price, food.product_type, food.nature) == (459.0, "physical", ())


def test_medusa_minor_units_and_saleor_channel_prices(tmp_path):
    """Medusa's 1950 is 19.50 EUR (and 1950 JPY is 1950); Saleor's price_amount is major units."""
    medusa = [
        {
            "title": "Medusa T-Shirt",
            "handle": "t-shirt",
            "is_giftcard": False,
            "variants": [
                {"title": "S", "prices": [{"currency_code": "eur", "amount": 1950}]},
                {"title": "M", "prices": [{"currency_code": "jpy", "amount": 1950}]},
            ],
        },
        {"title": "Gift Card", "handle": "gift-card", "is_giftcard": True,
         "variants": [{"title": "10", "prices": [{"currency_code": "eur", "amount": 1000}]}]},
    ]  # fmt: skip
    path = write(tmp_path, "seed.json", json.dumps(medusa))
    records, rejected, _ = read(path, decimals={"EUR": 2, "JPY": 0})
    assert not rejected
    small, medium = records["t-shirt-s"], records["t-shirt-m"]
    assert (small.title, small.price, small.currency) == ("Medusa T-Shirt - S", 19.5, "EUR")
    assert (medium.price, medium.currency, medium.row) == (1950.0, "JPY", 1)
    assert records["gift-card-10"].nature == ("gift_card",)
    saleor = [
        {
            "name": "Juice",
            "category": {"name": "Groceries"},
            "product_type": {"name": "Beverage", "is_shipping_required": True},
            "variants": [
                {
                    "sku": "JUICE-1L",
                    "channel_listings": [{"price_amount": "3.99", "currency": "USD"}],
                }
            ],
        }
    ]
    records, _, _ = read(write(tmp_path, "populatedb.json", json.dumps(saleor)))
    juice = records["JUICE-1L"]
    assert (juice.title, juice.category, juice.price, juice.currency) == (
        "Juice", "Groceries", 3.99, "USD",
    )  # fmt: skip


def test_column_mappings_work_on_platform_exports_too(tmp_path):
    """--column overrides a platform's own column: a Magento file's category from another column."""
    text = MAGENTO_HEADER.replace("bundle_values\n", "bundle_values,range\n") + (
        "MAT,,Default,simple,Default Category/Fitness,base,Yoga Mat,,129.00,,,,,,Yoga > Mats\n"
    )
    records, _, _ = read(write(tmp_path, "m.csv", text), columns={"category": "range"})
    assert records["MAT"].category == "Yoga > Mats"
    shop = SHOPIFY_NEW + "tote,Tote,V,,Bags,,Title,Default Title,,399,,true,,false,\n"
    records, _, _ = read(write(tmp_path, "s.csv", shop), columns={"sku": "Handle"})
    assert list(records) == ["tote"]


def test_saleor_fixture_variants_are_joined_with_products_types_and_prices(tmp_path):
    """populatedb-style fixture rows: each variant gets its product's name, category, type, price."""
    fixture = [
        {"model": "product.category", "pk": 3, "fields": {"name": "Juices", "slug": "juices"}},
        {"model": "product.producttype", "pk": 5,
         "fields": {"name": "Gift card", "is_shipping_required": False}},
        {"model": "product.producttype", "pk": 6,
         "fields": {"name": "Juice", "is_shipping_required": True}},
        {"model": "product.product", "pk": 72,
         "fields": {"name": "Apple Juice", "slug": "apple-juice", "category": 3, "product_type": 6}},
        {"model": "product.product", "pk": 73,
         "fields": {"name": "Gift Card", "slug": "gift-card", "category": 3, "product_type": 5}},
        {"model": "product.productvariant", "pk": 1,
         "fields": {"sku": "APL-1L", "name": "1l", "product": 72}},
        {"model": "product.productvariant", "pk": 2,
         "fields": {"sku": None, "name": "50", "product": 73}},
        {"model": "product.productvariantchannellisting", "pk": 9,
         "fields": {"variant": 1, "channel": 1, "currency": "USD", "price_amount": "3.99"}},
        {"model": "product.productvariantchannellisting", "pk": 10,
         "fields": {"variant": 2, "channel": 1, "currency": "USD", "price_amount": "50.00"}},
    ]  # fmt: skip
    records, rejected, reader = read(write(tmp_path, "populatedb_data.json", json.dumps(fixture)))
    assert not rejected and reader.skipped_rows == 7
    juice, card = records["APL-1L"], records["gift-card-50"]
    assert (juice.row, juice.title, juice.category, juice.price, juice.currency) == (
        6, "Apple Juice - 1l", "Juices", 3.99, "USD",
    )  # fmt: skip
    assert juice.nature == () and card.nature == ("no_shipping", "gift_card")
