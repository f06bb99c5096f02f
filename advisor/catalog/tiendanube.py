"""Tiendanube's (Nuvemshop's) product export: a row per variant under an ``Identificador de
URL`` (``Identificador URL`` in Portuguese), the product's columns on its first row only.

Recognised by the URL identifier, ``Nombre`` / ``Nome``, ``Precio`` / ``Preço`` and ``SKU``
(``columns.yaml``, ``platforms.tiendanube``). A row with the same identifier as the row above
and no name of its own is a variant of that product: it inherits the name, categories, brand,
tags and the physical / non-physical flag, and its title is the product's name with its
property values (``Remera Algodón - M``). ``Precio promocional`` (when set) is the price and
``Precio`` the regular price. ``Categorías`` holds comma-separated ``A > B`` paths.
``Producto Físico`` = NO (a workshop, a delivery, a gift card) says nothing is shipped. The
export carries no currency: the evaluation resolves it and says so. It is written with ``;``
between the columns in Spanish and Portuguese stores; the delimiter is found as for any CSV.
"""

from __future__ import annotations

from advisor.catalog import categories
from advisor.catalog.columns import normalise
from advisor.catalog.platforms import PlatformReader, join_raw
from advisor.catalog.readers import Item
from advisor.catalog.rows import truth

__all__ = ["TiendanubeReader"]

_INHERITED = ("title", "categories", "brand", "tags", "physical", "gtin")
# "Valor de propiedad 1", "Valor da variação 1": the variant's option values
_VALUE_PREFIXES = tuple(normalise(p) for p in ("valor de propiedad", "valor da variacao"))


class TiendanubeReader(PlatformReader):
    """Streams a Tiendanube / Nuvemshop export, variant rows completed from their product."""

    format = "tiendanube"
    label = "Tiendanube / Nuvemshop product"

    ROLE_OF = {"category": "categories", "price": "regular"}

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self._product: dict[str, str] = {}
        self._values = [
            i for i, n in enumerate(self.header) if normalise(n).startswith(_VALUE_PREFIXES)
        ]

    def _row(self, row: int, fields: list[str]) -> Item | None:
        cell = self.cell
        handle = cell(fields, "handle")
        variant = (
            bool(handle) and handle == self._product.get("handle") and not cell(fields, "title")
        )
        if not variant:
            self._product = {key: cell(fields, key) for key in _INHERITED}
            self._product["handle"] = handle
        product = self._product
        options = [fields[i].strip() for i in self._values if i < len(fields) and fields[i].strip()]
        title = product["title"]
        if variant and options and title:
            title = f"{title} - {' / '.join(options)}"
        regular = cell(fields, "regular")
        physical = truth(product["physical"])
        return self._builder.build(
            row,
            {
                "sku": cell(fields, "sku") or "-".join([handle, *options]),
                "title": title,
                "category": categories.woocommerce(product["categories"]),
                "brand": product["brand"],
                "tags": product["tags"],
                "price": cell(fields, "price") or regular,
                "list_price": regular,
                "gtin": cell(fields, "gtin") or (product["gtin"] if variant else ""),
                "currency": cell(fields, "currency"),
                "hsn": cell(fields, "hsn"),
                "nature": ("no_shipping",) if physical is False else (),
            },
            (("identificador de url", handle),),
            join_raw(fields, self.delimiter),
        )
