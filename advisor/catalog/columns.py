"""Which catalog column (or JSON key) feeds which `SkuRecord` field: the one alias table.

Names are compared after lower-casing and dropping everything but letters and digits, so
``Item Code``, ``item_code`` and ``ITEM-CODE`` are the same column. When several columns match
one field, the alias listed first wins (``price`` beats ``mrp``); the others go to ``extra``.

=================  ================================================================================
field              column names accepted
=================  ================================================================================
sku                sku, item code, sku code, product code, variant sku, seller sku, sku id
title              title, name, product name, product title, item name
category           category, product type, category path
brand              brand, vendor, manufacturer
price              price, mrp, unit price, selling price, sale price, variant price
currency           currency, currency code
hsn                hsn, hsn code, hsn sac
gtin               gtin, ean, barcode, upc, variant barcode
tags               tags
product_category   product category, google product category,
                   google shopping / google product category
customised         customised, customized, personalised, personalized, custom
warranty_months    warranty months, warranty
=================  ================================================================================
"""

from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = ["ALIASES", "FIELDS", "match_columns", "normalise"]

ALIASES: dict[str, tuple[str, ...]] = {
    "sku": ("sku", "item code", "sku code", "product code", "variant sku", "seller sku", "sku id"),
    "title": ("title", "name", "product name", "product title", "item name"),
    "category": ("category", "product type", "category path"),
    "brand": ("brand", "vendor", "manufacturer"),
    "price": ("price", "mrp", "unit price", "selling price", "sale price", "variant price"),
    "currency": ("currency", "currency code"),
    "hsn": ("hsn", "hsn code", "hsn sac"),
    "gtin": ("gtin", "ean", "barcode", "upc", "variant barcode"),
    "tags": ("tags",),
    "product_category": (
        "product category",
        "google product category",
        "google shopping / google product category",
    ),
    "customised": ("customised", "customized", "personalised", "personalized", "custom"),
    "warranty_months": ("warranty months", "warranty"),
}
FIELDS: tuple[str, ...] = tuple(ALIASES)

_NOT_ALNUM = re.compile(r"[^0-9a-z]+")


def normalise(name: str) -> str:
    """The comparable form of a column name: lower case, letters and digits only."""
    return _NOT_ALNUM.sub("", name.lstrip("\ufeff").lower())


_RANK: dict[str, tuple[str, int]] = {
    normalise(alias): (field, rank)
    for field, aliases in ALIASES.items()
    for rank, alias in enumerate(aliases)
}


def match_columns(names: Iterable[str]) -> tuple[dict[str, int], list[tuple[int, str]]]:
    """Map each field to the position of its best column; return the unmatched columns too.

    The second value lists ``(position, name)`` for columns no field took, in file order, so a
    reader can carry them in ``SkuRecord.extra``.
    """
    best: dict[str, tuple[int, int]] = {}
    names = list(names)
    for pos, name in enumerate(names):
        hit = _RANK.get(normalise(name))
        if hit is None:
            continue
        field, rank = hit
        if field not in best or rank < best[field][0]:
            best[field] = (rank, pos)
    taken = {pos for _, pos in best.values()}
    extra = [(pos, name.strip()) for pos, name in enumerate(names) if pos not in taken]
    return {field: pos for field, (_, pos) in best.items()}, extra
