"""Magento / Adobe Commerce's product import-export CSV.

Recognised by ``sku``, ``attribute_set_code``, ``product_type`` and ``name``. A configurable
parent lists its children in ``configurable_variations`` (``sku=X,size=S|sku=Y,size=M``),
usually *after* them; a child inherits the parent's name (its own is often just the option,
``Black`` or ``4 1/4``), categories and brand, and keeps its option as part of its title. A parent
has no price of its own and is valued at its dearest child; a dynamic-price bundle at the sum of
its default parts (``bundle_values``); both flagged (`SkuRecord.price_from`). A row with a
``store_view_code`` is a translation of the SKU's default row: it takes that row's price and
categories (and is not a duplicate). ``special_price`` (when set) is the price, ``price`` the
list price (``msrp_price`` when given); ``categories`` holds ``Default Category/A/B`` paths,
comma-separated, root dropped; ``product_type`` virtual / downloadable / giftcard is the nature.
The file is read three times (twice to look ahead), keeping one small entry per parent, child, bundle part and translated SKU.
"""

from __future__ import annotations

from typing import ClassVar

from advisor.catalog import categories
from advisor.catalog.platforms import PlatformReader, join_raw
from advisor.catalog.prices import PriceError, parse_price
from advisor.catalog.readers import Item

__all__ = ["MagentoReader"]

_NATURE = {"virtual": "virtual", "downloadable": "downloadable", "giftcard": "gift_card"}
_PARENT_TYPES = ("configurable", "grouped")


def _amount(text: str) -> float | None:
    try:
        value, _ = parse_price(text)
    except PriceError:
        return None
    return value or None


def _pairs(text: str) -> list[dict[str, str]]:
    """``sku=X,size=S|sku=Y,size=M`` → [{"sku": "X", "size": "S"}, …]."""
    out = []
    for item in text.split("|"):
        entry = {}
        for part in item.split(","):
            key, sep, value = part.partition("=")
            if sep:
                entry[key.strip()] = value.strip()
        if entry:
            out.append(entry)
    return out


class MagentoReader(PlatformReader):
    """Streams a Magento export, children completed from their configurable parents."""

    format = "magento"
    label = "Magento / Adobe Commerce product"

    ROLE_OF: ClassVar[dict[str, str]] = {"category": "categories", "price": "regular"}

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self._parent_of: dict[str, dict[str, str]] = {}  # child sku → parent fields
        self._values: dict[str, tuple[float | None, float | None]] = {}  # sku → (list, price)
        self._wanted: set[str] = set()  # SKUs whose value another row needs
        self._default: dict[str, dict[str, str]] = {}  # translated sku → default row fields
        self._prescan()

    def _prices(self, fields: list[str]) -> tuple[float | None, float | None]:
        regular = _amount(self.cell(fields, "regular"))
        special = _amount(self.cell(fields, "special"))
        msrp = _amount(self.cell(fields, "list_price"))
        return (msrp or regular), (special or regular or msrp)

    def _prescan(self) -> None:
        cell = self.cell
        translated: set[str] = set()
        for fields in self.all_rows():
            sku = cell(fields, "sku")
            kind = cell(fields, "type").lower()
            if cell(fields, "store_view"):
                translated.add(sku)
                continue
            if kind in _PARENT_TYPES and cell(fields, "variations"):
                parent = {
                    "title": cell(fields, "title"),
                    "categories": cell(fields, "categories"),
                    "brand": cell(fields, "brand"),
                    "sku": sku,
                }
                for child in _pairs(cell(fields, "variations")):
                    if child.get("sku"):
                        self._parent_of[child["sku"]] = parent
                        self._wanted.add(child["sku"])
            if kind == "bundle":
                self._wanted.update(p["sku"] for p in _pairs(cell(fields, "bundle")) if "sku" in p)
        for fields in self.all_rows():  # a second look, for the rows other rows need
            sku = cell(fields, "sku")
            if cell(fields, "store_view"):
                continue
            if sku in self._wanted:
                self._values[sku] = self._prices(fields)
            if sku in translated:
                self._default[sku] = {
                    "categories": cell(fields, "categories"),
                    "brand": cell(fields, "brand"),
                    "regular": cell(fields, "regular"),
                    "special": cell(fields, "special"),
                    "list_price": cell(fields, "list_price"),
                    "type": cell(fields, "type"),
                }
        self._children: dict[str, list[str]] = {}
        for child, parent in self._parent_of.items():
            self._children.setdefault(parent["sku"], []).append(child)

    def _row(self, row: int, fields: list[str]) -> Item | None:
        cell = self.cell
        sku = cell(fields, "sku")
        store_view = cell(fields, "store_view")
        default = self._default.get(sku, {}) if store_view else {}
        kind = (cell(fields, "type") or default.get("type", "")).lower()
        parent = self._parent_of.get(sku, {})
        own_title = cell(fields, "title")
        title = own_title
        if parent.get("title"):
            option = (
                own_title if own_title and own_title.lower() not in parent["title"].lower() else ""
            )
            title = parent["title"] + (f" - {option}" if option else "")
        cats = (
            cell(fields, "categories") or default.get("categories") or parent.get("categories", "")
        )
        regular = cell(fields, "regular") or default.get("regular", "")
        special = cell(fields, "special") or default.get("special", "")
        msrp = cell(fields, "list_price") or default.get("list_price", "")
        price_from = "default row" if store_view and not _amount(cell(fields, "regular")) else ""
        list_price, price = msrp or regular, special or regular
        if not _amount(list_price) and not _amount(price):
            value = self._derived(sku, kind, fields)
            if value is not None:
                (lp, p), price_from = value
                list_price = "" if lp is None else repr(lp)
                price = "" if p is None else repr(p)
        extra = [("product_type", kind)] if kind else []
        if store_view:
            extra.append(("store_view_code", store_view))
        if parent:
            extra.append(("parent", parent["sku"]))
        return self._builder.build(
            row,
            {
                "sku": sku,
                "title": title,
                "category": categories.magento(cats),
                "brand": cell(fields, "brand") or default.get("brand") or parent.get("brand", ""),
                "price": price,
                "list_price": list_price,
                "currency": cell(fields, "currency"),
                "gtin": cell(fields, "gtin"),
                "hsn": cell(fields, "hsn"),
                "nature": (_NATURE[kind],) if kind in _NATURE else (),
                "price_from": price_from,
            },
            tuple(extra),
            join_raw(fields, self.delimiter),
            check_duplicate=not store_view,
        )

    def _derived(
        self, sku: str, kind: str, fields: list[str]
    ) -> tuple[tuple[float | None, float | None], str] | None:
        """A priceless parent's dearest child, or a dynamic bundle's parts added up."""
        if kind in _PARENT_TYPES:
            values = [self._values[c] for c in self._children.get(sku, ()) if c in self._values]
            values = [v for v in values if v[0] or v[1]]
            if values:
                return max(values, key=lambda v: v[0] or v[1] or 0), "variants"
        if kind == "bundle":
            total_list = total = 0.0
            found = False
            for part in _pairs(self.cell(fields, "bundle")):
                if part.get("default", "1") in ("0", "") or part.get("sku") not in self._values:
                    continue
                lp, p = self._values[part["sku"]]
                qty = _amount(part.get("default_qty", "1")) or 1.0
                total_list += (lp or p or 0.0) * qty
                total += (p or lp or 0.0) * qty
                found = True
            if found and total_list:
                return (total_list, total or None), "parts"
        return None
