"""BigCommerce's product export: ``Product`` rows, each followed by its ``SKU`` (variant) rows.

Recognised by ``Item Type``, ``Product ID``, ``Product Name`` and ``Product Code/SKU``
(``columns.yaml``, ``platforms.bigcommerce``). The SKU is ``Product Code/SKU`` — ``Product
ID`` is the product's number, which every variant row repeats. A ``SKU`` row is a variant of
the ``Product`` row above it with the same ``Product ID``: its ``Product Name`` holds only its
options (``[S]Size=2.5kg``, ``[RB]Colour=Red,[S]Size=Large``), so it inherits the product's
name, category, brand, type and taxonomy, and its title is the product's name with the option
values (``Dog Food - 2.5kg``). A variant without a price of its own is valued at its product's.
``Rule`` rows (price and image rules of older exports) are not items. ``Sale Price`` (when set)
is the price, ``Price`` the regular price and ``Retail Price`` (RRP) the list price.
``Category`` holds ``;``-separated ``A/B`` paths. ``Product Type`` ``D`` (digital: nothing is
shipped) goes into the record's nature as ``no_shipping``. BigCommerce exports carry no
currency: the evaluation resolves it and says so.
"""

from __future__ import annotations

from typing import ClassVar

from advisor.catalog import categories
from advisor.catalog.platforms import PlatformReader, join_raw
from advisor.catalog.readers import Item

__all__ = ["BigCommerceReader", "option_values"]

_INHERITED = ("title", "categories", "brand", "type", "product_category", "tags")
#: the v3 export's column for a role the classic export names otherwise
_V3 = {"item_type": "item_v3", "product_id": "id_v3", "title": "name_v3", "type": "type_v3"}
_PRICES = ("price", "regular", "list_price")


def _set(amount: str) -> str:
    """A price cell as given, or "" where BigCommerce wrote 0.00 for a price that is not set
    (an unset Sale or Retail Price must not take the place of the Price)."""
    try:
        return "" if float(amount.replace(",", "")) == 0 else amount
    except ValueError:
        return amount


def _rule(amount: str, base: str) -> str:
    """A SKU row's price as older exports write it: `[FIXED]64.99` is 64.99, `[ADD]5` the
    product's price plus 5, `[REMOVE]2` (or `[SUBTRACT]`) minus 2; a plain amount as it is."""
    if not amount.startswith("["):
        return amount
    kind, _, value = amount[1:].partition("]")
    kind = kind.strip().upper()
    if kind == "FIXED":
        return _set(value.strip())
    try:
        delta, start = float(value.replace(",", "")), float(base.replace(",", ""))
    except ValueError:
        return amount  # read as written: the row is rejected with the cell quoted
    if kind == "ADD":
        return f"{start + delta:.2f}"
    if kind in ("REMOVE", "SUBTRACT"):
        return f"{max(start - delta, 0):.2f}"
    return amount


def option_values(name: str) -> list[str]:
    """The option values of a variant row's name: ``[RB]Colour=Red,[S]Size=L`` → Red, L."""
    out = []
    for part in name.split(","):
        part = part.strip()
        if part.startswith("[") and "]" in part:
            part = part[part.index("]") + 1 :]
        _, sep, value = part.partition("=")
        value = (value if sep else part).strip()
        if value:
            out.append(value)
    return out


def _v3_options(text: str) -> list[str]:
    """A v3 variant's option values: ``Type=Rectangle|Name=Length|Value=Long`` → Long (several
    options are ``;``-separated)."""
    out = []
    for option in text.split(";"):
        for part in option.split("|"):
            key, sep, value = part.partition("=")
            if sep and key.strip().lower() == "value" and value.strip():
                out.append(value.strip())
    return out


class BigCommerceReader(PlatformReader):
    """Streams a BigCommerce export, variant rows completed from their product row."""

    format = "bigcommerce"
    label = "BigCommerce product"

    ROLE_OF: ClassVar[dict[str, str]] = {"category": "categories", "price": "regular"}

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self._product: dict[str, str] = {}

    def _row(self, row: int, fields: list[str]) -> Item | None:
        base_cell = self.cell

        def cell(fields: list[str], role: str) -> str:  # the classic column, else the v3 one's
            got = base_cell(fields, role)
            if got or role not in _V3:
                return got
            return base_cell(fields, _V3[role])

        kind = cell(fields, "item_type").lower()
        if kind in ("rule", "image"):  # a price rule or an image: not an item
            return None
        own_id = cell(fields, "product_id")
        # a SKU row repeats its product's ID, or (older exports) leaves it blank under its
        # product; a v3 Variant row has an ID of its own and follows its Product row
        v3 = kind == "variant"
        variant = bool(self._product) and (
            v3 or (kind == "sku" and own_id in ("", self._product.get("product_id")))
        )
        if not variant:
            self._product = {key: cell(fields, key) for key in _INHERITED}
            self._product.update({key: _set(cell(fields, key)) for key in _PRICES})
            self._product["product_id"] = cell(fields, "product_id")
        product = self._product
        own = {key: cell(fields, key) or product.get(key, "") for key in _INHERITED}
        prices = {key: _set(cell(fields, key)) for key in _PRICES}
        if variant:  # an older export's price rule: [FIXED]64.99, [ADD]5.00, [REMOVE]2.00
            base = product.get("regular", "")
            prices = {key: _rule(value, base) for key, value in prices.items()}
        sku = cell(fields, "sku")
        if variant:
            values = option_values(cell(fields, "title")) or _v3_options(
                base_cell(fields, "options_v3")
            )
            base = product.get("title", "")
            own["title"] = f"{base} - {' / '.join(values)}" if values and base else base
            if not any(prices.values()):
                prices = {key: product.get(key, "") for key in _PRICES}
            if not sku and values:
                sku = "-".join([product.get("product_id", ""), *values])
        elif not sku:
            sku = cell(fields, "product_id")  # a product without a code: its BigCommerce ID
        regular = prices["regular"]
        nature = ("no_shipping",) if own["type"].strip().upper() in ("D", "DIGITAL") else ()
        extra = [("item type", cell(fields, "item_type")), ("product id", product["product_id"])]
        return self._builder.build(
            row,
            {
                "sku": sku,
                "title": own["title"],
                "category": categories.bigcommerce(
                    ";".join(p for p in own["categories"].split(";") if not p.strip().isdigit())
                ),
                "brand": own["brand"],
                "tags": own["tags"],
                "product_category": own["product_category"],
                "price": prices["price"] or regular,
                "list_price": prices["list_price"] or regular,
                "currency": cell(fields, "currency"),
                "gtin": cell(fields, "gtin"),
                "hsn": cell(fields, "hsn"),
                "nature": nature,
            },
            tuple(extra),
            join_raw(fields, self.delimiter),
        )
