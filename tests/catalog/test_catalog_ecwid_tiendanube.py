"""Ecwid's and Tiendanube's product exports: their variant rows read as variants of their product."""

from __future__ import annotations

from pathlib import Path

from advisor.catalog import open_catalog
from advisor.catalog.ecwid import EcwidReader
from advisor.catalog.grouped import TiendanubeReader

CATALOGS = Path(__file__).parents[1] / "data" / "catalogs"


def test_an_ecwid_export_reads_variations_and_skips_option_rows():
    """`product_option` rows describe a choice and are no items; a `product_variation` row is
    its product's variant: its own SKU and price, the product's name with its option value."""
    reader = open_catalog(CATALOGS / "ecwid_apotheke_de.csv")
    assert isinstance(reader, EcwidReader)
    got = {r.row: r for r in reader}
    assert 4 not in got and 8 not in got  # the option rows
    assert got[5].sku == "FFP2-10" and got[5].title == "FFP2 Atemschutzmasken weiß - 10 Stück"
    assert got[6].price == 8.99 and got[6].category == got[3].category
    assert got[2].price == 8.49 and got[2].list_price == 9.99  # the compare-to price
    assert "no_shipping" in got[7].nature and "no_shipping" in got[9].nature  # a voucher
    assert got[2].category == "Rezeptfreie Arzneimittel > Haut"


def test_a_tiendanube_export_gives_each_variant_its_product_s_name_and_categories():
    """Variant rows repeat only the URL identifier, the property, the price and the SKU."""
    reader = open_catalog(CATALOGS / "tiendanube_almacen_ar.csv")
    assert isinstance(reader, TiendanubeReader)
    got = {r.row: r for r in reader}
    assert got[3].title == "Remera Algodón Peinado Pampa - M"
    assert got[3].category == got[2].category == "Indumentaria > Remeras"
    assert got[4].price == 16500.0 and got[4].list_price == 18000.0  # Precio promocional
    assert got[1].category == "Almacén > Yerbas\nNovedades"
    assert "no_shipping" in got[7].nature and got[7].title == "Gift Card Pampa Gaucha - $50.000"
    assert all(r.currency == "ARS" for r in got.values())


def test_mercado_libre_and_zoho_headers_are_read_as_written():
    """A header with its explanation after a colon, and a Zoho custom field (`CF.MRP`)."""
    from advisor.rulebook.columns import bundled_columns

    table = bundled_columns()
    title = "Título: incluye producto, marca, modelo y destaca sus características principales"
    assert table.lookup(title)[0] == "title"
    assert table.lookup("CF.MRP")[0] == "list_price"
    assert table.lookup("Primary Category")[0] == "category"
