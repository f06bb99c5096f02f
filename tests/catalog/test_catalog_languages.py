"""Catalogs whose headers are in the merchant's language: every row read, platforms recognised."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from advisor.catalog import open_catalog
from advisor.catalog.columns import normalise
from advisor.catalog.records import SkuRecord
from tests.conftest import run_cli

DATA = Path(__file__).resolve().parent.parent / "data" / "catalogs"


def read(path: Path, **kw):
    """(reader, records) of a whole file; every row must be a record."""
    with open_catalog(path, **kw) as reader:
        items = list(reader)
    assert all(isinstance(i, SkuRecord) for i in items), [
        i for i in items if not isinstance(i, SkuRecord)
    ]
    return reader, {i.sku: i for i in items}


def evaluated(path: Path, *args: str) -> dict[str, dict[str, str]]:
    """`trackright evaluate FILE --format csv` as a user runs it: SKU → its output row."""
    ran = run_cli("evaluate", str(path), "--format", "csv", "--no-summary", *args)
    assert ran.returncode == 0, ran.stderr
    return {r["sku"]: r for r in csv.DictReader(io.StringIO(ran.stdout))}


def test_header_names_fold_accents_and_dotless_i():
    """Accented, Turkish and Vietnamese headers compare as their plain letters."""
    assert normalise("Categorías") == normalise("categorias") == "categorias"
    assert normalise("Ürün Adı") == normalise("URUN ADI") == "urunadi"
    assert normalise("Kategori İsmi") == "kategoriismi"
    assert normalise("Tên sản phẩm") == "tensanpham"
    assert normalise("Cena przed obniżką") == "cenaprzedobnizka"
    assert normalise("Mã SKU") == "masku"


def test_spanish_woocommerce_export_is_woocommerce_with_its_variations():
    """An es_ES WooCommerce export: parents, variations by id:NNN and by SKU, prices, categories."""
    reader, rec = read(DATA / "es_woocommerce_tienda.csv")
    assert reader.format == "woocommerce" and len(rec) == 17
    parent = rec["CAM-ORG"]
    assert parent.title == "Camiseta de algodón orgánico" and parent.price_from == "variants"
    assert parent.list_price == 21.90  # its dearest variation
    blank = rec["CAM-ORG-M-BL"]  # a variation with no name of its own: parent's name + attributes
    assert blank.title == "Camiseta de algodón orgánico - M / Blanco"
    assert blank.category == "Ropa > Camisetas" and blank.brand == "Olivo Textil"
    assert dict(blank.extra)["parent"] == "id:1201"
    on_sale = rec["CAM-ORG-S-BL"]
    assert (on_sale.price, on_sale.list_price, on_sale.gtin) == (15.90, 19.90, "8437001120021")
    by_sku = rec["ZAP-TRAIL-40"]  # Superior names the parent's SKU
    assert by_sku.category.startswith("Deporte > Calzado > Trail running")
    assert (by_sku.price, by_sku.list_price) == (74.95, 89.95)
    assert rec["ACE-OVE-500"].category == "Alimentación > Aceites y vinagres"
    assert "virtual" in rec["CUR-COC-ONL"].nature
    assert {"virtual", "downloadable"} <= set(rec["EBK-REC-MED"].nature)


def test_spanish_woocommerce_virtual_and_downloadable_rows_are_not_stock():
    """`simple, virtual` and `simple, downloadable, virtual` rows get `none`; goods get a method."""
    rows = evaluated(DATA / "es_woocommerce_tienda.csv", "--currency", "EUR")
    assert len(rows) == 17
    for sku in ("CUR-COC-ONL", "EBK-REC-MED", "TAR-REG-50"):
        assert rows[sku]["method"] == "none", rows[sku]
    assert all(
        rows[s]["method"] != "none"
        for s in rows
        if s not in ("CUR-COC-ONL", "EBK-REC-MED", "TAR-REG-50")
    )
    # the regular price is the unit's value, before a sale price: 15.90 on sale, 19.90 regular
    assert rows["CAM-ORG-S-BL"]["unit_value"] == rows["CAM-ORG-M-BL"]["unit_value"]
    assert rows["CAM-ORG-S-BL"]["unit_value"] != rows["CAM-ORG-L-NE"]["unit_value"]


def test_turkish_marketplace_sheet_reads_every_row():
    """A Trendyol sheet saved from Excel (BOM, `;`, `64.999,00`, `(KDV Dahil)` headers)."""
    reader, rec = read(DATA / "tr_trendyol_urunler.csv")
    assert reader.format == "csv" and reader.delimiter == ";" and len(rec) == 12
    phone = rec["TRX-IPH15-128-SYH"]
    assert phone.title == "Apple iPhone 15 128 GB Siyah" and phone.brand == "Apple"
    assert (phone.list_price, phone.price) == (64999.0, 59999.0)
    assert phone.category == "Cep Telefonu" and phone.gtin == "8690000000011"
    dress = rec["TRX-ELB-KTN-L"]
    assert (dress.list_price, dress.price, dress.category) == (1299.99, 949.99, "Elbise")
    assert rec["TRX-KLK-22A-45"].title == "22 Ayar Altın Halka Küpe 4,5 g"
    assert dict(phone.extra)["Model Kodu"] == "IPH15-128"  # the group code is kept, not the SKU


def test_turkish_sheet_values_the_unit_at_its_market_price():
    """The VAT-inclusive market price (Piyasa Satış Fiyatı) is the unit's value, as MRP is."""
    rows = evaluated(DATA / "tr_trendyol_urunler.csv", "--currency", "TRY")
    assert len(rows) == 12
    same_list_price = rows["TRX-IPH15-128-MAV"], rows["TRX-IPH15-128-SYH"]  # 61.499 / 59.999 sold
    assert same_list_price[0]["unit_value"] == same_list_price[1]["unit_value"]
    assert rows["TRX-IPH15-128-MAV"]["method"] == "serial"


def test_indonesian_marketplace_sheet_reads_sku_price_and_strike_price():
    """A Tokopedia export: `SKU Name` over the product id, `Harga (Rp)*`, `Harga Coret`, dots."""
    reader, rec = read(DATA / "id_tokopedia_produk.csv")
    assert len(rec) == 12 and not reader.columns.sku_is_id
    coffee = rec["KPG-250"]
    assert coffee.title == "Kopi Arabika Gayo 250 gr" and coffee.brand == "Kopi Nusantara"
    assert (coffee.price, coffee.list_price) == (85000.0, 99000.0)
    assert coffee.category == "Makanan & Minuman > Kopi > Kopi Bubuk"
    phone = rec["SMG-A15-128"]
    assert (phone.price, phone.list_price) == (2699000.0, 2999000.0)
    assert rec["MDH-SMB-500"].list_price is None and rec["MDH-SMB-500"].price == 120000.0
    assert dict(coffee.extra)["Product ID"] == "2201001"


def test_german_shop_export_reads_uvp_warranty_and_services():
    """A German shop's `;` export: Artikelnummer, Bezeichnung, Preis vs UVP, Garantie, Versand."""
    reader, rec = read(DATA / "de_shop_artikel.csv")
    assert reader.delimiter == ";" and len(rec) == 12
    coffee = rec["10-4711"]
    assert coffee.title == "Kaffeevollautomat Barista Pro 2000" and coffee.brand == "Brühwerk"
    assert (coffee.price, coffee.list_price, coffee.warranty_months) == (649.0, 799.0, 24)
    assert coffee.category == "Haushalt > Küchengeräte > Kaffeemaschinen"
    assert (rec["30-5550"].price, rec["30-5550"].list_price) == (1099.0, 1299.0)
    assert rec["30-5550"].warranty_months == 24 and rec["70-3300"].warranty_months == 36
    assert "no_shipping" in rec["60-9001"].nature and "no_shipping" not in coffee.nature
    rows = evaluated(DATA / "de_shop_artikel.csv", "--currency", "EUR")
    assert rows["60-9001"]["method"] == rows["60-9002"]["method"] == "none"
    # UVP, the list price, is the unit's value: the two jackets sell at 189,95 under UVP 249,95
    assert rows["40-2001"]["unit_value"] == rows["40-2002"]["unit_value"]
    assert float(rows["10-4711"]["unit_value"]) / float(
        rows["40-2001"]["unit_value"]
    ) == pytest.approx(799.00 / 249.95, rel=1e-3)


def test_polish_marketplace_sheet_reads_sygnatura_and_prices():
    """An Allegro offers sheet: Sygnatura is the SKU (over the offer id), `1 299,00` amounts."""
    reader, rec = read(DATA / "pl_allegro_oferty.csv")
    assert len(rec) == 11 and not reader.columns.sku_is_id
    phone = rec["PL-TEL-X12"]
    assert phone.title == "Smartfon Xeno 12 128 GB czarny" and phone.brand == "Xeno"
    assert (phone.price, phone.list_price) == (1299.0, 1499.0)
    assert phone.category == "Elektronika > Telefony i Akcesoria > Smartfony"
    assert rec["PL-MIO-LIP"].title == "Miód lipowy 1,2 kg" and rec["PL-KAW-1KG"].list_price is None


# WooCommerce's own header names for ID, Type, SKU, Name, Sale price, Regular price, Categories,
# Parent and the first attribute's values, as its exporter writes them in each admin language.
WOO_HEADERS = {
    "pt_BR": ("ID", "Tipo", "SKU", "Nome", "Preço promocional", "Preço", "Categorias", "Ascendente", "Valor(es) do atributo 1"),
    "fr_FR": ("ID", "Type", "UGS", "Nom", "Tarif promo", "Tarif régulier", "Catégories", "Parent", "Valeur(s) de l'attribut 1"),
    "de_DE": ("ID", "Typ", "Artikelnummer", "Name", "Angebotspreis", "Regulärer Preis", "Kategorien", "Übergeordnetes Produkt", "Attribut 1 Wert(e)"),
    "it_IT": ("ID", "Tipo", "SKU", "Nome", "Prezzo in offerta", "Prezzo di listino", "Categorie", "Genitore", "Valore(i) dell'attributo 1"),
    "nl_NL": ("ID", "Type", "SKU", "Naam", "Actieprijs", "Reguliere prijs", "Categorieën", "Hoofdproduct", "Attribuut 1 waarde(n)"),
    "pl_PL": ("ID", "Typ", "SKU", "Nazwa", "Cena promocyjna", "Cena regularna", "Kategorie", "Nadrzędny", "Wartość(ci) atrybutu 1"),
    "cs_CZ": ("ID", "Typ", "Katalogové číslo", "Název", "Akční cena", "Běžná cena", "Kategorie", "Nadřazený", "Hodnota(y) vlastnosti 1"),
    "sk_SK": ("ID", "Typ", "Katalógové číslo", "Názov", "Akciová cena", "Bežná cena", "Kategórie", "Nadradený", "Hodnota(y) vlastnosti 1"),
}  # fmt: skip


@pytest.mark.parametrize("locale", sorted(WOO_HEADERS))
def test_woocommerce_exports_in_other_languages_keep_their_variations(tmp_path, locale):
    """A variable product and its variations, exported from a non-English admin, read as WooCommerce."""
    rows = [
        ["501", "variable", "MUG-C", "Caneca cerâmica", "", "", "Casa > Cozinha", "", ""],
        ["502", "variation", "MUG-C-AZ", "", "12.50", "14.00", "", "id:501", "Azul"],
        ["503", "variation", "MUG-C-VR", "", "", "14.00", "", "id:501", "Verde"],
        [
            "510",
            "simple, downloadable, virtual",
            "EBOOK-1",
            "Guia de receitas",
            "",
            "9.00",
            "Livros",
            "",
            "",
        ],
    ]
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(WOO_HEADERS[locale])
    writer.writerows(rows)
    path = tmp_path / f"woo_{locale}.csv"
    path.write_bytes(b"\xef\xbb\xbf" + buf.getvalue().encode())
    reader, rec = read(path)
    assert reader.format == "woocommerce"
    assert rec["MUG-C-AZ"].title == "Caneca cerâmica - Azul"
    assert rec["MUG-C-AZ"].category == "Casa > Cozinha"
    assert (rec["MUG-C-AZ"].price, rec["MUG-C-AZ"].list_price) == (12.5, 14.0)
    assert rec["MUG-C"].price_from == "variants" and rec["MUG-C"].list_price == 14.0
    assert {"virtual", "downloadable"} <= set(rec["EBOOK-1"].nature)


def test_a_non_english_header_with_no_sku_is_one_header_error(tmp_path):
    """No SKU-like column in a Spanish sheet: exit 2, the columns found and how to map one."""
    path = tmp_path / "hoja.csv"
    path.write_text(
        "Nombre;Precio;Categoría;Marca\nAceite de oliva 1 l;9,50;Alimentación;Olivar\n"
        "Miel 500 g;6,90;Alimentación;Colmenar\n",
        encoding="utf-8",
    )
    ran = run_cli("evaluate", str(path), "--format", "csv")
    assert ran.returncode == 2 and "Traceback" not in ran.stderr
    assert "no SKU column" in ran.stderr and "Nombre, Precio, Categoría, Marca" in ran.stderr
    assert "--column sku=" in ran.stderr and ran.stderr.count("no SKU column") == 1
    mapped = run_cli("evaluate", str(path), "--format", "csv", "--column", "sku=Nombre")
    assert mapped.returncode == 0, mapped.stderr
    assert "Aceite de oliva 1 l" in mapped.stdout


def test_a_header_written_with_its_part_beats_one_matched_without(tmp_path):
    """`Fiyat (KDV Dahil)` is listed as written, so it wins over `Fiyat (KDV Hariç)` read as `fiyat`."""
    path = tmp_path / "fiyat.csv"
    path.write_text(
        "Stok Kodu;Ürün Adı;Fiyat (KDV Hariç);Fiyat (KDV Dahil)\nA-1;Çay 500 g;100,00;120,00\n",
        encoding="utf-8",
    )
    _, rec = read(path)
    assert rec["A-1"].price == 120.0


def test_a_price_header_with_a_tax_ending_is_the_price_and_tax_included_wins(tmp_path):
    """`Verkoopprijs excl. btw` and `… incl. btw` are both the selling price: the price with tax
    is read wherever it stands; `Prix HT` alone, `Preis inkl. MwSt.` and `Price inc GST` are read."""
    nl = tmp_path / "artikelen.csv"
    nl.write_text(
        "Artikelcode;Omschrijving;Verkoopprijs excl. btw;Verkoopprijs incl. btw;Valuta\n"
        "A-1;Paracetamol 500 mg 20 tabletten;3,30;4,00;EUR\n",
        encoding="utf-8",
    )
    _, rec = read(nl)
    assert rec["A-1"].price == 4.0 and rec["A-1"].currency == "EUR"
    for header, cell in (
        ("Prix HT", "12,50"),
        ("Preis inkl. MwSt.", "12,50"),
        ("Price inc GST", "12.50"),
    ):
        path = tmp_path / "one.csv"
        path.write_text(
            f"SKU;Titre;{header}\nB-1;Tisane camomille 20 sachets;{cell}\n", encoding="utf-8"
        )
        _, rec = read(path)
        assert rec["B-1"].price == 12.5, header
    # in parentheses the ending is a part: `Prijs (excl. btw)` loses to `Prijs (incl. btw)` too
    path = tmp_path / "paren.csv"
    path.write_text(
        "SKU;Naam;Prijs (excl. btw);Prijs (incl. btw)\nD-1;Thee;10,00;12,10\n", encoding="utf-8"
    )
    _, rec = read(path)
    assert rec["D-1"].price == 12.1
    # the ending is only dropped where what is left is a name: `Weight` is not `Weig` + `ht`
    path = tmp_path / "w.csv"
    path.write_text("SKU,Title,Price,Weight\nC-1,Mug,300,0.4\n", encoding="utf-8")
    reader, rec = read(path)
    assert rec["C-1"].price == 300.0 and "Weight" in dict(reader.columns.extra).values()


def test_vietnamese_marketplace_sheet_prefers_the_sku_to_shopee_ids(tmp_path):
    """A Shopee VN sheet: `SKU` over `Mã sản phẩm` (the listing id shared by its variations)."""
    path = tmp_path / "shopee_vn.csv"
    path.write_text(
        "Mã sản phẩm,Tên sản phẩm,Mã phân loại,Tên phân loại,SKU,Giá,Giá gốc,Danh mục,Thương hiệu\n"
        "24001,Nhẫn bạc 925 đính đá,88001,Size 6,NB925-6,650000,790000,Trang sức > Nhẫn,Mộc Lan\n"
        "24001,Nhẫn bạc 925 đính đá,88002,Size 7,NB925-7,650000,790000,Trang sức > Nhẫn,Mộc Lan\n"
        "24002,Dây chuyền bạc mạ vàng,88003,,DC-MV-01,420000,,Trang sức > Dây chuyền,Mộc Lan\n",
        encoding="utf-8",
    )
    reader, rec = read(path)
    assert set(rec) == {"NB925-6", "NB925-7", "DC-MV-01"} and not reader.columns.sku_is_id
    ring = rec["NB925-7"]
    assert ring.title == "Nhẫn bạc 925 đính đá" and ring.brand == "Mộc Lan"
    assert (ring.price, ring.list_price, ring.category) == (650000.0, 790000.0, "Trang sức > Nhẫn")


def test_brazilian_store_sheet_reads_prices_barcodes_and_digital_products(tmp_path):
    """A Nuvemshop export (read by the Tiendanube reader): `Preço` is the regular price and
    `Preço promocional` the price it sells for, `Código de barras` the GTIN, `Produto Físico:
    Não` is not stock."""
    path = tmp_path / "nuvemshop.csv"
    path.write_text(
        "Identificador URL;Nome;Categorias;Preço;Preço promocional;SKU;Código de barras;Marca;Produto Físico\n"
        "cafe-especial;Café especial torrado 500 g;Alimentos > Café;49,90;44,90;CAF-500;7891234567895;Fazenda Boa Vista;Sim\n"
        "curso-barista;Curso online de barista;Cursos;199,00;;CUR-BAR;;Fazenda Boa Vista;Não\n",
        encoding="utf-8",
    )
    _, rec = read(path)
    coffee = rec["CAF-500"]
    assert (coffee.title, coffee.price, coffee.list_price, coffee.gtin) == (
        "Café especial torrado 500 g",
        44.9,
        49.9,
        "7891234567895",
    )
    assert coffee.category == "Alimentos > Café" and "no_shipping" not in coffee.nature
    assert "no_shipping" in rec["CUR-BAR"].nature
    rows = evaluated(path, "--currency", "BRL")
    assert rows["CUR-BAR"]["method"] == "none" and rows["CAF-500"]["method"] != "none"


@pytest.mark.parametrize(
    ("name", "code_page", "sku", "title"),
    [
        ("tr_trendyol_urunler.csv", "cp1254", "TRX-ELB-KTN-S", "Kadın Keten Midi Elbise"),
        ("pl_allegro_oferty.csv", "cp1250", "PL-MIO-LIP", "Miód lipowy 1,2 kg"),
    ],
)
def test_a_sheet_excel_saved_in_its_windows_code_page_is_read_in_it(
    tmp_path, name, code_page, sku, title
):
    """A Turkish (cp1254) or Polish (cp1250) "CSV" from Excel: the header says which code page fits."""
    text = (DATA / name).read_bytes().decode("utf-8-sig")
    path = tmp_path / name
    path.write_bytes(text.encode(code_page))
    reader, rec = read(path)
    assert reader.encoding == code_page
    assert rec[sku].title == title and len(rec) == len(read(DATA / name)[1])


def test_a_western_european_sheet_stays_cp1252(tmp_path):
    """German headers in Windows-1252 read as cp1252, umlauts and all."""
    text = (DATA / "de_shop_artikel.csv").read_text(encoding="utf-8")
    path = tmp_path / "artikel.csv"
    path.write_bytes(text.encode("cp1252"))
    reader, rec = read(path)
    assert reader.encoding == "cp1252" and rec["10-4711"].brand == "Brühwerk"


def test_an_item_master_is_read_by_its_description_family_and_list_price(tmp_path):
    """An ERP item master names its products in a description column and files them in
    families: every row is read with its title, category, list price and barcode."""
    path = tmp_path / "maestro.csv"
    path.write_text(
        "Código;Descripción;Familia;Subfamilia;Precio Lista;Precio Oferta;Cód. Barra\n"
        "A1;PARACETAMOL 500 MG X 16 COMPRIMIDOS;MEDICAMENTOS;ANALGESICOS;1290;990;7802000100137\n"
        "A2;SHAMPOO ANTICASPA 400 ML;CUIDADO PERSONAL;CABELLO;3490;;7802000100274\n",
        encoding="utf-8",
    )
    with open_catalog(path) as reader:
        rec = {r.sku: r for r in reader}
    assert rec["A1"].title == "PARACETAMOL 500 MG X 16 COMPRIMIDOS"
    assert rec["A1"].category == "MEDICAMENTOS > ANALGESICOS"
    assert (rec["A1"].price, rec["A1"].list_price, rec["A1"].gtin) == (
        990.0,
        1290.0,
        "7802000100137",
    )
    assert rec["A2"].price == 3490.0 and rec["A2"].category == "CUIDADO PERSONAL > CABELLO"


def test_a_file_whose_product_columns_are_all_unknown_is_one_header_error(tmp_path):
    """SKUs and prices found but no column saying what the products are, beside columns
    trackright cannot name: exit 2 naming them, never every row decided as "general"."""
    path = tmp_path / "export.csv"
    path.write_text(
        "Código;Descripzione articolo;Gruppo;Precio\n1;PARACETAMOL 500 MG;FARMACI;1290\n"
        "2;SHAMPOO 400 ML;IGIENE;890\n",
        encoding="utf-8",
    )
    ran = run_cli("evaluate", str(path), "--format", "csv")
    assert ran.returncode == 2 and "Traceback" not in ran.stderr
    assert "no column says what the products are" in ran.stderr
    assert "columns not read: Descripzione articolo, Gruppo" in ran.stderr
    assert "--column title=" in ran.stderr
    mapped = run_cli(
        "evaluate", str(path), "--format", "csv", "--column", "title=Descripzione articolo"
    )
    assert mapped.returncode == 0, mapped.stderr
    assert "otc_medicines" in mapped.stdout
    # a file of nothing but SKUs and prices says nothing more, and is decided as it is
    bare = tmp_path / "bare.csv"
    bare.write_text("sku,price\nS1,100\n", encoding="utf-8")
    assert run_cli("evaluate", str(bare), "--format", "csv").returncode == 0


def test_a_prescription_column_says_the_item_is_sold_on_prescription(tmp_path):
    """A Belgian pharmacy's `Voorschrift` (Ja / Nee): Ja proves a prescription medicine over a
    generic `Geneesmiddelen` group; Nee proves nothing, the row's own words decide."""
    path = tmp_path / "artikelen.csv"
    path.write_text(
        "Artikelcode;Omschrijving;Artikelgroep;Verkoopprijs incl. btw;Voorschrift\n"
        "X-1;Zolpidem 10 mg 20 tabletten;Geneesmiddelen;8,50;Ja\n"
        "X-2;Paracetamol 500 mg 20 tabletten;Geneesmiddelen;3,20;Nee\n",
        encoding="utf-8",
    )
    rows = evaluated(path, "--currency", "EUR")
    assert rows["X-1"]["vertical"] == "prescription_medicines"
    assert rows["X-2"]["vertical"] == "otc_medicines"
    assert rows["X-1"]["unit_value"] and rows["X-2"]["unit_value"]


def test_scandinavian_item_lists_and_a_promo_column_are_read(tmp_path):
    """A Danish shop system's list (Varenummer, Varenavn, Mærke, Vejl. udsalgspris before
    Tilbudspris) and a Swedish one are read whole; a sheet's `Promo Price`, blank on most rows,
    does not take the place of its `Sell Price`."""
    da = tmp_path / "varer.csv"
    da.write_text(
        "Varenummer;Varenavn;Kategori;Underkategori;Mærke;Vejl. udsalgspris;Tilbudspris;Valuta\n"
        "V-1;Rugbrød 1 kg;Mad & drikke;Brød;Bageriet;24,95;19,95;DKK\n"
        "V-2;Remoulade 375 g;Mad & drikke;Kolonial;Beauvais;19,95;;DKK\n",
        encoding="utf-8",
    )
    _, rec = read(da)
    assert rec["V-1"].title == "Rugbrød 1 kg" and rec["V-1"].brand == "Bageriet"
    assert (rec["V-1"].list_price, rec["V-1"].price) == (24.95, 19.95)
    assert rec["V-2"].category == "Mad & drikke > Kolonial" and rec["V-2"].list_price == 19.95
    sv = tmp_path / "artiklar.csv"
    sv.write_text(
        "Artikelnr;Benämning;Varugrupp;Märke;Pris;Valuta\nS-1;Knäckebröd 520 g;Skafferi;Wasa;32,90;SEK\n",
        encoding="utf-8",
    )
    _, rec = read(sv)
    assert (rec["S-1"].title, rec["S-1"].category, rec["S-1"].price) == (
        "Knäckebröd 520 g",
        "Skafferi",
        32.9,
    )
    kh = tmp_path / "stock.csv"
    kh.write_text(
        "No.,Item Code,Item Name,Category,Sell Price,Promo Price,Currency\n"
        '1,T-1,Claw Hammer 16oz,TOOLS,"28,000",,KHR\n'
        "2,T-2,Cordless Drill 18V,TOOLS,89.00,75.00,USD\n"
        '3,T-3,Tape Measure 5m,TOOLS,"12,000",,KHR\n',
        encoding="utf-8",
    )
    _, rec = read(kh)
    assert [rec[s].price for s in ("T-1", "T-2", "T-3")] == [28000.0, 89.0, 12000.0]
