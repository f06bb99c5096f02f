"""Shopify's product export: one row per variant, product fields only on a product's first row.

Recognised by its ``Handle`` and ``Variant Price`` columns. A variant row inherits Title, Vendor,
Type, Tags and Product Category (``Product Category`` in newer exports, ``Google Shopping / Google
Product Category`` in older ones) from the first row of its Handle. Rows that only add an image
to a product (no option value, price or SKU) are not data: they are counted in
``skipped_rows``, though they still count towards later rows' numbers so a user can find a row.
An empty ``Variant SKU`` becomes the Handle plus the option values, joined with ``-``
(``ocean-blue-shirt-small``; the ``Default Title`` option is ignored). Shopify exports carry no
currency, so prices are in the reader's default currency.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO

from advisor.catalog.columns import normalise
from advisor.catalog.readers import CatalogReader, Item, _read_header
from advisor.catalog.records import RejectedRow
from advisor.catalog.rows import RowBuilder

__all__ = ["ShopifyReader", "is_shopify_header"]

_DEFAULT_OPTION = "default title"
_INHERITED = ("title", "vendor", "type", "tags", "product_category")
_SPACES = re.compile(r"\s+")


def is_shopify_header(header: Sequence[str]) -> bool:
    """True for a Shopify product export header (it has Handle and Variant Price)."""
    names = {normalise(h) for h in header}
    return "handle" in names and "variantprice" in names


class ShopifyReader(CatalogReader):
    """Streams variants from a Shopify product export, one product's fields kept at a time."""

    format = "shopify"

    def __init__(
        self, path: Path, stream: IO[str], builder: RowBuilder, encoding: str, delimiter: str
    ) -> None:
        super().__init__(path, stream, builder, encoding)
        self._reader = csv.reader(stream, delimiter=delimiter)
        self.header = _read_header(self._reader, path)
        pos = {}
        for i, name in enumerate(self.header):
            pos.setdefault(normalise(name), i)
        category = pos.get("productcategory", pos.get("googleshoppinggoogleproductcategory"))
        self._pos = {
            "handle": pos["handle"],
            "title": pos.get("title"),
            "vendor": pos.get("vendor"),
            "type": pos.get("type"),
            "tags": pos.get("tags"),
            "product_category": category,
            "sku": pos.get("variantsku"),
            "price": pos.get("variantprice"),
            "gtin": pos.get("variantbarcode"),
            "hsn": pos.get("hsn", pos.get("hsncode")),
        }
        self._handle = ""
        self._product: dict[str, str] = {}
        self._options = [(pos.get(f"option{n}name"), pos.get(f"option{n}value")) for n in (1, 2, 3)]

    def _items(self) -> Iterator[Item]:
        row = 0
        while True:
            try:
                for fields in self._reader:
                    row += 1
                    item = self._variant(row, fields)
                    if item is None:
                        self.skipped_rows += 1
                    else:
                        self.rows_read += 1
                        yield item
                return
            except csv.Error as exc:  # the csv module gives up on one record, then goes on
                row += 1
                self.rows_read += 1
                yield RejectedRow(row, f"row cannot be read as CSV ({exc})")

    def _variant(self, row: int, fields: list[str]) -> Item | None:
        n = len(fields)

        def cell(key: str) -> str:
            i = self._pos[key]
            return fields[i].strip() if i is not None and i < n else ""

        def at(i: int | None) -> str:
            return fields[i].strip() if i is not None and i < n else ""

        handle = cell("handle")
        options = [(at(name), at(value)) for name, value in self._options]
        sku, price = cell("sku"), cell("price")
        if not options[0][1] and not price and not sku:
            return None  # an image-only row, or a blank line
        if handle != self._handle:
            self._handle = handle
            self._product = {key: cell(key) for key in _INHERITED}
        own = {key: cell(key) or self._product.get(key, "") for key in _INHERITED}
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
                "gtin": cell("gtin"),
                "hsn": cell("hsn"),
            },
            tuple(extra),
            ",".join(fields),
        )
