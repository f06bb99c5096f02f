"""Ecwid's product export: ``product`` rows, their ``product_option`` and ``product_variation``
rows after them.

Recognised by ``type``, ``product_internal_id``, ``product_sku`` and ``product_name``
(``columns.yaml``, ``platforms.ecwid``). A ``product`` row is an item, priced by
``product_price`` with ``product_compare_to_price`` its regular price. A ``product_option``
row only describes a choice (its values, whether it is required): it is not an item. A
``product_variation`` row is a variant of the product of the same ``product_internal_id``:
its SKU is ``product_variation_sku`` (else the product's SKU and its option values), its price
``product_variation_price`` (else the product's), and it inherits the product's name,
categories, brand and barcode; its title is the product's name with the values of its
``product_variation_option_<Name>`` columns. ``product_category_1`` … are several category
paths (``A / B``). ``product_is_shipping_required`` false says nothing is shipped. Ecwid
exports carry no currency: the evaluation resolves it and says so.
"""

from __future__ import annotations

from advisor.catalog import categories
from advisor.catalog.columns import normalise
from advisor.catalog.platforms import PlatformReader, join_raw
from advisor.catalog.readers import Item

__all__ = ["EcwidReader"]

_INHERITED = ("title", "brand", "gtin", "list_price", "price", "requires_shipping", "sku")
_OPTION_PREFIX = normalise("product_variation_option_")


class EcwidReader(PlatformReader):
    """Streams an Ecwid export, variation rows completed from their product row."""

    format = "ecwid"
    label = "Ecwid product"

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self._product: dict[str, str] = {}
        # every product_category_N column, in order, and each variation option column's name
        self._categories = [
            i for i, name in enumerate(self.header) if normalise(name).startswith("productcategory")
        ]
        self._options = [
            i for i, name in enumerate(self.header) if normalise(name).startswith(_OPTION_PREFIX)
        ]

    def _paths(self, fields: list[str]) -> str:
        paths = [fields[i].strip() for i in self._categories if i < len(fields)]
        return "\n".join(categories.bigcommerce(p.replace(" / ", "/")) for p in paths if p)

    def _row(self, row: int, fields: list[str]) -> Item | None:
        cell = self.cell
        kind = cell(fields, "type").lower()
        if kind == "product_option":
            return None
        pid = cell(fields, "product_id")
        variation = kind == "product_variation" and self._product.get("product_id") == pid
        if not variation:
            self._product = {key: cell(fields, key) for key in _INHERITED}
            self._product["product_id"] = pid
            self._product["categories"] = self._paths(fields)
        product = self._product
        values = {
            "title": product["title"],
            "category": product["categories"],
            "brand": product["brand"],
            "gtin": product["gtin"],
            "requires_shipping": product["requires_shipping"],
            "sku": product["sku"],
            "price": product["price"],
            "list_price": product["list_price"],
        }
        if variation:
            options = [fields[i].strip() for i in self._options if i < len(fields)]
            options = [o for o in options if o]
            if options and product["title"]:
                values["title"] = f"{product['title']} - {' / '.join(options)}"
            own = cell(fields, "variation_sku")
            values["sku"] = own or "-".join([product["sku"], *options])
            price = cell(fields, "variation_price")
            if price:
                values["price"] = price
                values["list_price"] = ""  # the product's compare-to price is not this variant's
        extra = [("type", cell(fields, "type")), ("product internal id", pid)]
        return self._builder.build(
            row,
            {**values, "currency": cell(fields, "currency"), "hsn": cell(fields, "hsn")},
            tuple(extra),
            join_raw(fields, self.delimiter),
        )
