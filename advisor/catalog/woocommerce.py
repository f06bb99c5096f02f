"""WooCommerce's product CSV export: simple products, variable parents and their variations.

Recognised by ``ID``, ``Type``, ``SKU``, ``Name`` and ``Regular price`` — or the same columns as
WooCommerce writes them in the admin's language (``Tipo``, ``Nombre``, ``Precio normal``,
``Superior`` …: ``columns.yaml``, ``platforms.woocommerce``); the values (``variable``,
``variation``, ``simple, downloadable, virtual``, ``id:1201``) stay English. A variation names its
parent in ``Parent`` (``id:1201`` or the parent's SKU) and inherits what it leaves blank (name,
categories, tags, brand) from it, so every variation of one product reads as that product. A
variable parent has no price of its own: it is valued at its dearest variation and flagged
(`SkuRecord.price_from` = ``variants``). ``Sale price`` (when set) is the price, ``Regular price``
the list price. ``Categories`` holds comma-separated ``A > B`` paths. ``Type`` words such as
``virtual``, ``downloadable``, ``external`` or a gift-card type go into the record's nature, as
do yes in ``virtual`` / ``downloadable`` columns that some exporters write apart.
The file is read twice — once to find parents and their variations' prices, once to emit rows —
keeping one small entry per parent in memory.
"""

from __future__ import annotations

from typing import ClassVar

from advisor.catalog import categories
from advisor.catalog.platforms import PlatformReader, join_raw
from advisor.catalog.prices import PriceError, parse_price
from advisor.catalog.readers import Item
from advisor.catalog.rows import truth

__all__ = ["WooCommerceReader", "type_nature"]

_INHERITED = ("title", "categories", "tags", "brand")


def type_nature(kind: str) -> tuple[str, ...]:
    """Nature words from a WooCommerce ``Type`` cell (``simple, downloadable, virtual``)."""
    words = []
    for token in (t.strip().lower() for t in kind.split(",")):
        if token in ("virtual", "downloadable", "external", "subscription"):
            words.append(token)
        elif "gift" in token and "card" in token.replace("-", " ").replace("_", " "):
            words.append("gift_card")
        elif token in ("variable-subscription", "subscription_variation"):
            words.append("subscription")
    return tuple(words)


def _yes(cell: str) -> bool:
    """A yes/no cell of an exporter that writes the virtual and downloadable flags apart."""
    return truth(cell) is True


def _value(*cells: str) -> float | None:
    for c in cells:
        try:
            v, _ = parse_price(c)
        except PriceError:
            continue
        if v > 0:
            return v
    return None


class WooCommerceReader(PlatformReader):
    """Streams a WooCommerce export, variations completed from their parents."""

    format = "woocommerce"
    label = "WooCommerce product"

    ROLE_OF: ClassVar[dict[str, str]] = {"category": "categories"}

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        patterns = self.roles.get("attribute_values", ())
        found = (
            next(
                (
                    self._index[k]
                    for p in patterns
                    if (k := p.replace("{n}", str(n))) in self._index
                ),
                None,
            )
            for n in range(1, 6)
        )
        self._attribute_columns = tuple(i for i in found if i is not None)
        self._parents: dict[str, dict[str, str]] = {}
        self._dearest: dict[str, tuple[float | None, float | None]] = {}
        self._prescan()

    def _keys(self, fields: list[str]) -> list[str]:
        keys = []
        if pid := self.cell(fields, "id"):
            keys.append(f"id:{pid}")
        if sku := self.cell(fields, "sku"):
            keys.append(sku)
        return keys

    def _attributes(self, fields: list[str]) -> list[str]:
        """A variation's attribute values (``Attribute 1 value(s)`` …), in column order."""
        out = []
        for i in self._attribute_columns:
            if i < len(fields) and fields[i].strip():
                out.append(fields[i].strip())
        return out

    def _nature(self, fields: list[str]) -> tuple[str, ...]:
        """Nature words of a row: its ``Type`` words, then virtual / downloadable columns."""
        words = type_nature(self.cell(fields, "type"))
        flags = tuple(f for f in ("virtual", "downloadable") if _yes(self.cell(fields, f)))
        return tuple(dict.fromkeys(words + flags)) if flags else words

    def _prescan(self) -> None:
        """Parents (rows of a variable type) and the dearest price of each one's variations."""
        cell = self.cell
        for fields in self.all_rows():
            kind = cell(fields, "type").lower()
            if "variable" in kind:
                entry = {key: cell(fields, key) for key in _INHERITED}
                entry["nature"] = ",".join(self._nature(fields))
                for key in self._keys(fields):
                    self._parents[key] = entry
            parent = cell(fields, "parent")
            if parent:
                lp = _value(cell(fields, "list_price"), cell(fields, "price"))
                p = _value(cell(fields, "price"), cell(fields, "list_price"))
                old = self._dearest.get(parent)
                if old is None or (lp or 0) > (old[0] or 0):
                    self._dearest[parent] = (lp, p)

    def _row(self, row: int, fields: list[str]) -> Item | None:
        cell = self.cell
        kind = cell(fields, "type")
        parent_key = cell(fields, "parent")
        parent = self._parents.get(parent_key, {}) if parent_key else {}
        own = {key: cell(fields, key) or parent.get(key, "") for key in _INHERITED}
        if parent.get("title"):  # a variation: the product's name, then what tells it apart
            name, base = cell(fields, "title"), parent["title"]
            if not name:
                name = " / ".join(self._attributes(fields))
            if base.lower() not in name.lower():
                own["title"] = f"{base} - {name}" if name else base
        nature = list(self._nature(fields))
        if parent.get("nature"):
            nature += parent["nature"].split(",")
        price, list_price = cell(fields, "price"), cell(fields, "list_price")
        price_from = ""
        if not _value(price, list_price):
            found = [self._dearest[k] for k in self._keys(fields) if k in self._dearest]
            dearest = max(found, key=lambda v: v[0] or v[1] or 0) if found else None
            if dearest is not None and (dearest[0] or dearest[1]):
                list_price = "" if dearest[0] is None else repr(dearest[0])
                price = "" if dearest[1] is None else repr(dearest[1])
                price_from = "variants"
        extra = [("type", kind)] if kind else []
        if parent_key:
            extra.append(("parent", parent_key))
        return self._builder.build(
            row,
            {
                "sku": cell(fields, "sku") or cell(fields, "id"),  # no SKU: its WooCommerce ID
                "title": own["title"],
                "category": categories.woocommerce(own["categories"]),
                "tags": own["tags"],
                "brand": own["brand"],
                "price": price,
                "list_price": list_price,
                "currency": cell(fields, "currency"),
                "gtin": cell(fields, "gtin"),
                "hsn": cell(fields, "hsn"),
                "nature": tuple(dict.fromkeys(n for n in nature if n)),
                "price_from": price_from,
            },
            tuple(extra),
            join_raw(fields, self.delimiter),
        )
