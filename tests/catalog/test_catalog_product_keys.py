"""Rows that name their product only by a shared key (Shopee's `Parent SKU`), an accounting
package's item master (Tally's `Name of Item` under its stock group `Under`), and PrestaShop's
comma-separated category list from the shop's root."""

from __future__ import annotations

from advisor_helpers import decided_rows

from advisor.catalog import open_catalog

SHOPEE = (
    "Category,Product Name,Product Description,Parent SKU,Variation Name1,"
    "Option for Variation 1,Price,Stock,SKU\n"
    '100073,Samsung Galaxy A16 5G 8GB+256GB Smartphone,"Official\nwarranty",SAM-A16,Color,'
    "Black,11990.00,12,SAM-A16-BLK\n"
    ",,,SAM-A16,Color,Light Green,11990.00,7,SAM-A16-GRN\n"
    "100017,Oversized Plain Cotton T-Shirt Unisex,Heavy tee,TEE-OVR,Size,S,199.00,60,TEE-OVR-S\n"
    ",,,TEE-OVR,Size,M,199.00,80,TEE-OVR-M\n"
    # a blank title under another product's key takes nothing: it is its own (unnamed) row
    ",,,OTHER,Size,L,199.00,70,OTHER-L\n"
    "100040,Retractable Dog Leash 5m,One-button lock,LEASH-5M,,,259.00,70,\n"
)


def _evaluate(tmp_path, name: str, text: str, currency: str = "PHP") -> list[dict[str, str]]:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return list(decided_rows(path, currency).values())


def test_variant_rows_with_a_blank_title_take_their_product_s(tmp_path):
    rows = {r["sku"]: r for r in _evaluate(tmp_path, "shopee.csv", SHOPEE)}
    green, black = rows["SAM-A16-GRN"], rows["SAM-A16-BLK"]
    assert green["title"] == black["title"].strip() != ""
    assert green["vertical"] == black["vertical"] == "mobile_phones"
    assert green["method"] == "serial"
    assert rows["TEE-OVR-M"]["vertical"] == rows["TEE-OVR-S"]["vertical"] == "fashion"
    assert rows["OTHER-L"]["title"] == "" and rows["OTHER-L"]["vertical"] == "general"
    # a product without variations is keyed by its Parent SKU
    assert rows["LEASH-5M"]["vertical"] == "pet_supplies"


def test_inheritance_takes_only_what_the_variant_leaves_blank(tmp_path):
    path = tmp_path / "sheet.csv"
    path.write_text(
        "parent_sku,sku,title,category,price\n"
        "P1,P1-A,Cotton Kurta,Apparel > Kurtas,899\n"
        "P1,P1-B,,,899\n"
        "P1,P1-C,,Apparel > Dupattas,499\n",
        encoding="utf-8",
    )
    got = {r.sku: r for r in open_catalog(path)}
    assert got["P1-B"].title == "Cotton Kurta" and got["P1-B"].category == "Apparel > Kurtas"
    assert got["P1-C"].title == "Cotton Kurta" and got["P1-C"].category == "Apparel > Dupattas"


TALLY = (
    '\ufeffName of Item,Alias,Part No.,Under,Category,Units,GST Applicability,"\nHSN/SAC",'
    "MRP,Standard Selling Price,Description\n"
    "Anchor Roma 6A 1 Way Switch White,ANC-ROMA-6A1W,30001,Wiring Accessories,Anchor,Nos,"
    'Applicable,85365090,42.00,36.00,"Modular switch, 1 module"\n'
    "Polycab 2.5 sq mm FR PVC Wire 90 m Black,PC-2.5-FR-BLK,PCW25FRB90,Wires & Cables,Polycab,"
    'Coil,Applicable,85444999,"2,750.00","2,365.00","Single core copper, 90 metre coil"\n'
)


def test_an_accounting_item_master_names_its_item_and_its_stock_group(tmp_path):
    path = tmp_path / "tally.csv"
    path.write_text(TALLY, encoding="utf-8")
    got = {r.sku: r for r in open_catalog(path)}
    switch = got["ANC-ROMA-6A1W"]
    assert switch.title == "Anchor Roma 6A 1 Way Switch White"  # not the description
    assert switch.category == "Wiring Accessories"  # `Under`, not the stock category (a brand)
    rows = {r["sku"]: r for r in _evaluate(tmp_path, "tally2.csv", TALLY, "INR")}
    assert rows["ANC-ROMA-6A1W"]["vertical"] == "tools_hardware"
    wire = rows["PC-2.5-FR-BLK"]
    assert wire["vertical"] == "tools_hardware", wire["vertical_source"]
    assert wire["method"] == "lpn"  # INR 2,750: the 2,000–9,999 band of tools


def test_a_comma_list_from_the_shop_s_root_is_read_as_a_path(tmp_path):
    records = [
        ("Référence #", "Nom *", "Catégories (x,y,z...)", "Prix TTC"),
        ("LRP-CICA", "La Roche-Posay Cicaplast Baume B5+, 100 ml",
         "Accueil,Parapharmacie,Visage,Soins réparateurs", "15,90"),
        ("VOI-COUSSIN", "Coussins de Lyon – boîte 250 g",
         "Accueil,Épicerie sucrée,Spécialités lyonnaises,Idées cadeaux", "16,90"),
        # a list that does not start at a root is one category, as before
        ("BAG-1", "Canvas Tote", "Bags, Wallets & Belts", "12,00"),
    ]  # fmt: skip
    # PrestaShop quotes every cell and separates them with semicolons
    text = "".join(";".join(f'"{c}"' for c in rec) + "\n" for rec in records)
    rows = {r["sku"]: r for r in _evaluate(tmp_path, "presta.csv", text, "EUR")}
    cica = rows["LRP-CICA"]
    assert cica["vertical"] == "beauty", cica["vertical_source"]
    assert 'category "Visage"' in cica["vertical_source"]
    # the most specific category that names a vertical counts as the deepest one
    assert rows["VOI-COUSSIN"]["vertical"] == "food", rows["VOI-COUSSIN"]["vertical_source"]
    assert rows["BAG-1"]["vertical"] == "fashion"
