"""Exports whose headers a platform translated (Odoo's field labels in its thirty languages):
every file is read, its SKU found by a listed name or, failing that, by a word of its header,
and the run says which column it took when it guessed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from advisor.catalog import open_catalog
from advisor.catalog.records import SkuRecord
from advisor.cli.main import cli


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def write(tmp_path: Path, text: str, name: str = "export.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8", newline="")
    return path


#: Odoo 17's product export (non-import-compatible) with its labels as each translation writes
#: them: Internal Reference, Name, Product Category, Product Type, Sales Price.
ODOO_HEADERS = {
    "pl": ("Odnośnik wewnętrzny", "Nazwa", "Kategoria produktu", "Typ produktu", "Cena sprzedaży"),
    "pt": (
        "Referência Interna",
        "Nome",
        "Categoria de Produto",
        "Tipo de Produto",
        "Preço de Venda",
    ),
    "es": (
        "Referencia interna",
        "Nombre",
        "Categoría de producto",
        "Tipo de producto",
        "Precio de venta",
    ),
    "fr": ("Référence interne", "Nom", "Catégorie de produit", "Type de produit", "Prix de vente"),
    "de": ("Interne Referenz", "Name", "Produktkategorie", "Produkttyp", "Verkaufspreis"),
    "it": (
        "Riferimento interno",
        "Nome",
        "Categoria prodotto",
        "Tipo prodotto",
        "Prezzo di vendita",
    ),
    "nl": ("Interne referentie", "Naam", "Productcategorie", "Producttype", "Verkoopprijs"),
    "tr": ("Dahili Referans", "Ad", "Ürün Kategorisi", "Ürün Türü", "Satış Fiyatı"),
    "ro": ("Referință internă", "Nume", "Categorie produs", "Tip produs", "Preț de vânzare"),
    "cs": ("Interní reference", "Název", "Kategorie produktu", "Typ produktu", "Prodejní cena"),
    "sv": ("Intern referens", "Namn", "Produktkategori", "Produkttyp", "Försäljningspris"),
    "ar": ("المرجع الداخلي", "الاسم", "فئة المنتج", "نوع المنتج", "سعر البيع"),
}


@pytest.mark.parametrize("lang", sorted(ODOO_HEADERS))
def test_odoo_labels_in_each_translation_are_read(tmp_path, lang):
    """The SKU, the category path and the price of a translated Odoo export are read by name."""
    head = ",".join(f'"{h}"' for h in ODOO_HEADERS[lang])
    text = (
        f"{head}\r\n"
        '"OD-KET-1","Kettle 1.7 l","All / Saleable / Kitchen Appliances","Storable Product","1999.0"\r\n'
        '"OD-MUG-2","Coffee mug","All / Saleable / Kitchen","Consumable","7.5"\r\n'
    )
    with open_catalog(write(tmp_path, text)) as reader:
        items = [i for i in reader if isinstance(i, SkuRecord)]
        assert not reader.columns.sku_by_word
    assert [(i.sku, i.price) for i in items] == [("OD-KET-1", 1999.0), ("OD-MUG-2", 7.5)]
    assert "Kitchen Appliances" in items[0].category


def test_a_header_with_an_identifier_word_is_the_sku_and_the_run_says_so(tmp_path):
    """No listed SKU name, but `Código Interno` holds distinct codes: the file is read (none of
    its rows lost), and stderr and the summary name the column and how to choose another."""
    path = write(
        tmp_path,
        "Código Interno,Nome,Preço\nPT-001,Garrafa térmica 500 ml,12.5\n"
        "PT-002,Auriculares Bluetooth,40\nPT-003,Vinho tinto Douro 75cl,9\n",
    )
    result = run("evaluate", str(path), "--format", "jsonl", "--currency", "EUR")
    assert result.exit_code == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["sku"] for r in rows] == ["PT-001", "PT-002", "PT-003"]
    assert result.stderr.count("column 'Código Interno' is read as the SKU") == 1
    assert "--column sku=<header>" in result.stderr
    table = run("evaluate", str(path), "--format", "table", "--currency", "EUR")
    assert "SKU column" in table.stdout and "Código Interno" in table.stdout


def test_a_mapped_or_named_sku_column_is_not_called_a_guess(tmp_path):
    """`--column sku=…` (or a listed name) is no guess: nothing is said."""
    path = write(tmp_path, "Código Interno,Nome,Preço\nPT-001,Garrafa térmica,12.5\n")
    result = run(
        "evaluate", str(path), "--format", "jsonl", "--currency", "EUR",
        "--column", "sku=Código Interno",
    )  # fmt: skip
    assert result.exit_code == 0 and "read as the SKU" not in result.stderr


@pytest.mark.parametrize(
    "text",
    [
        # the word is there but the values repeat: a colour code, not the item's key
        "Código Color,Nome,Preço\nAZ,Garrafa,12\nAZ,Caneca,8\nAZ,Prato,5\nVM,Copo,3\n",
        # distinct values, but no identifier word in the header
        "Cor,Nome,Preço\nazul,Garrafa,12\nverde,Caneca,8\n",
    ],
)
def test_without_a_distinct_identifier_column_the_file_is_still_one_header_error(tmp_path, text):
    result = run("evaluate", str(write(tmp_path, text)), "--format", "csv", "--currency", "EUR")
    assert result.exit_code == 2 and result.stderr.count("Error:") == 1
    assert "no SKU column" in result.stderr


def test_a_line_typed_service_is_chosen_among_not_stock_by_its_own_words(tmp_path):
    """Odoo types every line it does not stock `Usługa` (Service): an e-book subscription so
    typed is a digital good, an installation so typed a service; both are not stock."""
    path = write(
        tmp_path,
        '"Odnośnik wewnętrzny","Nazwa","Typ produktu","Cena sprzedaży"\r\n'
        '"NP-EBK","Legimi - kod na abonament e-booków na 1 miesiąc","Usługa","49.99"\r\n'
        '"NP-MNT","Montaż pralki z podłączeniem","Usługa","149.0"\r\n',
    )
    result = run("evaluate", str(path), "--format", "jsonl", "--currency", "PLN")
    assert result.exit_code == 0, result.stderr
    rows = {r["sku"]: r for r in map(json.loads, result.stdout.splitlines())}
    assert (rows["NP-EBK"]["vertical"], rows["NP-EBK"]["method"]) == ("digital_goods", "none")
    assert (rows["NP-MNT"]["vertical"], rows["NP-MNT"]["method"]) == ("services", "none")
