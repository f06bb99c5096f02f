"""Exports that write a product's row, then its variants' rows under the same product key with
the product's columns left blank: Wix Stores (``handleId``, ``fieldType`` Product / Variant),
Squarespace Commerce (``Product ID [Non Editable]``) and Tiendanube / Nuvemshop (``Identificador
de URL``).

A variant row inherits its product's name, categories, brand and tags, and its title is the
product's name with its option values (``Merino Crew Sweater - M``). Wix prices a variant as the
product's ``price`` plus its ``surcharge``; Squarespace writes each variant's own ``Price`` (and
``Sale Price`` when ``On Sale`` is Yes). Squarespace's ``Product Type [Non Editable]`` says what
is not stock: DIGITAL is a download, SERVICE a service, GIFT_CARD a gift card. Neither export
carries a currency: the evaluation resolves it and says so.
"""

from __future__ import annotations

from typing import ClassVar

from advisor.catalog import categories
from advisor.catalog.columns import normalise
from advisor.catalog.platforms import PlatformReader, join_raw
from advisor.catalog.readers import Item
from advisor.catalog.rows import truth

__all__ = ["SquarespaceReader", "TiendanubeReader", "WixReader"]

_INHERITED = ("title", "categories", "brand", "tags", "kind", "price", "list_price")


class _GroupedReader(PlatformReader):
    """A product row, then variant rows of the same `group` key with a blank title."""

    #: normalised prefixes of the columns that hold a variant's option values
    OPTION_PREFIXES: ClassVar[tuple[str, ...]] = ()
    #: how the export separates several category paths in one cell
    CATEGORY_SEP: ClassVar[str] = ","

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self._product: dict[str, str] = {}
        self._options = [
            i for i, n in enumerate(self.header) if normalise(n).startswith(self.OPTION_PREFIXES)
        ]

    def _prices(self, fields: list[str], variant: bool) -> tuple[str, str]:
        return self.cell(fields, "price"), self.cell(fields, "list_price")

    def _nature(self, kind: str) -> tuple[str, ...]:
        return ()

    def _row(self, row: int, fields: list[str]) -> Item | None:
        cell = self.cell
        group = cell(fields, "group")
        variant = bool(group) and group == self._product.get("group") and not cell(fields, "title")
        if not variant:
            self._product = {key: cell(fields, key) for key in _INHERITED}
            self._product["group"] = group
        product = self._product
        options = [
            fields[i].strip() for i in self._options if i < len(fields) and fields[i].strip()
        ]
        title = product["title"]
        if variant and options and title:
            title = f"{title} - {' / '.join(options)}"
        price, list_price = self._prices(fields, variant)
        paths = [p.strip() for p in product["categories"].split(self.CATEGORY_SEP) if p.strip()]
        return self._builder.build(
            row,
            {
                "sku": cell(fields, "sku") or "-".join([group, *options]),
                "title": title,
                "category": "\n".join(categories.generic(p.replace(" / ", " > ")) for p in paths),
                "brand": product["brand"],
                "tags": product["tags"],
                "price": price,
                "list_price": list_price,
                "gtin": cell(fields, "gtin"),
                "currency": cell(fields, "currency"),
                "nature": self._nature(product["kind"]),
            },
            (("product key", group),),
            join_raw(fields, self.delimiter),
        )


class WixReader(_GroupedReader):
    """Wix Stores' product CSV: ``Variant`` rows priced as the product plus their surcharge."""

    format = "wix"
    label = "Wix Stores product"
    OPTION_PREFIXES = (normalise("productOptionDescription"),)
    CATEGORY_SEP = ";"

    def _row(self, row: int, fields: list[str]) -> Item | None:
        if self.cell(fields, "kind").lower() == "choice":  # an option's choices, not an item
            return None
        return super()._row(row, fields)

    def _prices(self, fields: list[str], variant: bool) -> tuple[str, str]:
        base = self._product.get("price", "")
        if not variant:
            return base, ""
        try:
            total = float(base) + float(self.cell(fields, "surcharge") or 0)
        except ValueError:
            return base, ""
        return (f"{total:.2f}" if total > 0 else base), ""


class SquarespaceReader(_GroupedReader):
    """Squarespace Commerce's product export: each variant row has its own price."""

    format = "squarespace"
    label = "Squarespace product"
    OPTION_PREFIXES = (normalise("Option Value"),)
    _NATURE: ClassVar[dict[str, tuple[str, ...]]] = {
        "digital": ("downloadable",),
        "service": ("service",),
        "gift_card": ("gift_card",),
        "giftcard": ("gift_card",),
    }

    def _prices(self, fields: list[str], variant: bool) -> tuple[str, str]:
        regular = self.cell(fields, "list_price")
        sale = self.cell(fields, "price")
        on_sale = truth(self.cell(fields, "on_sale"))
        return (sale if on_sale and sale else regular), regular

    def _nature(self, kind: str) -> tuple[str, ...]:
        return self._NATURE.get(kind.strip().lower(), ())


class TiendanubeReader(_GroupedReader):
    """Tiendanube's (Nuvemshop's) export, in Spanish or Portuguese, often `;`-separated.

    ``Precio promocional`` / ``Preço promocional`` (when set) is the price and ``Precio`` /
    ``Preço`` the regular price; ``Categorías`` holds comma-separated ``A > B`` paths;
    ``Producto Físico`` / ``Produto Físico`` = NO (a workshop, a delivery, a gift card) says
    nothing is shipped.
    """

    format = "tiendanube"
    label = "Tiendanube / Nuvemshop product"
    ROLE_OF: ClassVar[dict[str, str]] = {"category": "categories", "price": "list_price"}
    OPTION_PREFIXES = tuple(normalise(p) for p in ("valor de propiedad", "valor da variacao"))

    def _prices(self, fields: list[str], variant: bool) -> tuple[str, str]:
        regular = self.cell(fields, "list_price")
        return (self.cell(fields, "price") or regular), regular

    def _nature(self, kind: str) -> tuple[str, ...]:
        return ("no_shipping",) if truth(kind) is False else ()
