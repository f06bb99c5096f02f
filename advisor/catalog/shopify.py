"""Shopify's product export: one row per variant, product fields only on a product's first row.

Recognised by its ``Handle`` and ``Variant Price`` (or ``Variant SKU``) columns, or, in the
2025 export, ``URL handle`` and ``Price`` (or ``SKU``); trimmed exports with a dozen columns
read the same. A variant row inherits Title, Vendor, Type, Tags, Product
Category (``Product Category`` in newer exports, ``Google Shopping / Google Product Category``
in older ones) and ``Gift Card`` from the first row of its Handle. Rows that only add an image
to a product (no option value, price or SKU, and no title of a product of their own) are not
data: they are counted in ``skipped_rows``, though they still count towards later rows' numbers
so a user can find a row. A row that starts a new Handle with its Title but no price or SKU is a
product (a draft, a title-only listing): it is decided on its title and flagged for its price.
An empty ``Variant SKU`` becomes the Handle plus the option values, joined with ``-``
(``ocean-blue-shirt-small``; the ``Default Title`` option is ignored). ``Variant Price`` is the
price and ``Variant Compare At Price`` the list price; ``Gift Card`` = true and
``Variant Requires Shipping`` = false go into the record's nature. Shopify exports carry no
currency: the evaluation resolves it and says so.
"""

from __future__ import annotations

import re

from advisor.catalog.platforms import PlatformReader, join_raw
from advisor.catalog.readers import Item

__all__ = ["ShopifyReader"]

_DEFAULT_OPTION = "default title"
_INHERITED = ("title", "vendor", "type", "tags", "product_category", "gift_card")
_SPACES = re.compile(r"\s+")


class ShopifyReader(PlatformReader):
    """Streams variants from a Shopify product export, one product's fields kept at a time."""

    format = "shopify"
    label = "Shopify product"

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self._handle = ""
        self._product: dict[str, str] = {}
        self._options = [
            (self._index.get(f"option{n}name"), self._index.get(f"option{n}value"))
            for n in (1, 2, 3)
        ]

    def _row(self, row: int, fields: list[str]) -> Item | None:
        n = len(fields)
        cell = self.cell

        def at(i: int | None) -> str:
            return fields[i].strip() if i is not None and i < n else ""

        def either(role: str) -> str:  # the classic export's column, else the 2025 one's
            return cell(fields, role) or cell(fields, f"{role}_2025")

        handle = cell(fields, "handle") or cell(fields, "url_handle")
        options = [(at(name), at(value)) for name, value in self._options]
        sku, price = either("sku"), either("price")
        if not options[0][1] and not price and not sku:
            if handle == self._handle or not cell(fields, "title"):
                return None  # an image-only row
            # a product row with a title but nothing else (a draft, a title-only listing): data
        if handle != self._handle:
            self._handle = handle
            self._product = {key: cell(fields, key) for key in _INHERITED}
        own = {key: cell(fields, key) or self._product.get(key, "") for key in _INHERITED}
        values = [v for _, v in options if v and v.lower() != _DEFAULT_OPTION]
        if not sku and handle:
            sku = "-".join([handle, *(_SPACES.sub("-", v.lower()) for v in values)])
        title = own["title"]
        if values and title:
            title = f"{title} - {' / '.join(values)}"
        extra = [("handle", handle)] if handle else []
        extra += [(name or "option", value) for name, value in options if value]
        return self._builder.build(
            row,
            {
                "sku": sku,
                "title": title,
                "brand": own["vendor"],
                "category": own["type"],
                "product_type": own["type"],
                "tags": own["tags"],
                "product_category": own["product_category"],
                "price": price,
                "list_price": either("list_price"),
                "currency": cell(fields, "currency"),
                "gtin": either("gtin"),
                "hsn": cell(fields, "hsn"),
                "gift_card": own["gift_card"],
                "requires_shipping": either("requires_shipping"),
            },
            tuple(extra),
            join_raw(fields, self.delimiter),
        )
