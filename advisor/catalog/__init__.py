"""Catalog readers: stream a brand's catalog file as typed rows, whatever its format.

    >>> from advisor.catalog import open_catalog
    >>> from advisor.catalog.records import SkuRecord
    >>> with open_catalog("sample_catalogs/electronics_brand.csv") as reader:
    ...     records = [item for item in reader if isinstance(item, SkuRecord)]
    >>> reader.format, reader.rows_read, records[0].currency
    ('csv', 30, 'INR')

Formats: a generic CSV (any of ``,`` ``;`` tab ``|``; column names from the rulebook's
``columns.yaml``, matched by `advisor.catalog.columns`, overridable per field), the product exports of Shopify,
WooCommerce, Magento / Adobe Commerce, Vendure, BigCommerce, Ecwid, Tiendanube / Nuvemshop, Wix
Stores and Squarespace (`advisor.catalog.platforms`), a JSON list
of objects, JSON Lines (nested Saleor / Medusa products read per variant). Readers never guess a
currency: a record's ``currency`` is "" where the file names none.
`open_catalog` raises `advisor.errors.CatalogError` when the file as a whole cannot be read;
each bad row is yielded as an `advisor.catalog.records.RejectedRow` saying why, never raised.
"""

from __future__ import annotations

from advisor.catalog.columns import FIELDS, ColumnTable
from advisor.catalog.prices import PriceError, parse_price
from advisor.catalog.readers import FORMATS, CatalogReader, open_catalog

__all__ = [
    "CatalogReader",
    "ColumnTable",
    "FIELDS",
    "FORMATS",
    "PriceError",
    "open_catalog",
    "parse_price",
]
