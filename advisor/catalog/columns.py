"""Which catalog column (or JSON key) feeds which `SkuRecord` field: the one alias table.

Names are compared after lower-casing and dropping everything but letters and digits, so
``Item Code``, ``item_code`` and ``ITEM-CODE`` are the same column. When several columns can
feed one field, the file's data decides: the best-ranked column that holds data in the first
rows wins (an empty ``title`` column does not beat a filled ``name``); the others go to
``extra``. ID columns (``id``, ``index``, ``pid`` …) count as SKUs, ranked below real SKU
columns. ``--column FIELD=HEADER`` (or the brand profile's ``columns:``) overrides the table.

=================  ================================================================================
field              column names accepted, best first
=================  ================================================================================
sku                sku, variant sku, item sku, item code, sku code, product code, seller sku,
                   sku id, article number, item number; then IDs: item key, product id, item id,
                   variant id, style code, code, asin, fsn, part number, pid, uniq id, id, index
                   (a manufacturer's part number ranks below a marketplace's listing id: it is
                   often blank on a seller's own rows)
title              title, product title, product name, name, item name, product, item,
                   generic name
title_detail       dosage strength, strength, dosage form (added to the title: ``… 500 mg TABLET``)
category           category, categories, category path, category name, main category,
                   product category tree
sub_category       sub category, subcategory (read as the next level of the category path)
brand              brand, vendor, manufacturer, brand name, brands
price              price, selling price, sale price, special price, discounted price, offer price,
                   our price, unit price, variant price, standard price (Amazon's selling price)
list_price         mrp, regular price, compare at price, variant compare at price, retail price,
                   market price, msrp, msrp price, list price, original price
currency           currency, currency code, price currency
hsn                hsn, hsn code, hsn sac, hsn/sac code
gtin               gtin, ean, barcode, upc, variant barcode, ean code, isbn,
                   "GTIN, UPC, EAN, or ISBN"
tags               tags
product_category   product category, google product category,
                   google shopping / google product category
product_type       product type, type, item type keyword, item type (``type`` joins the category path instead when the file
                   also has a sub-category column, as BigBasket's lists do)
customised         customised, customized, personalised, personalized, custom
warranty_months    warranty months, warranty
gift_card          gift card, is giftcard, is gift card, giftcard
requires_shipping  requires shipping, variant requires shipping, is shipping required,
                   shipping required
virtual            virtual, is virtual
downloadable       downloadable, is downloadable
=================  ================================================================================
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from difflib import get_close_matches

from advisor.errors import CatalogError

__all__ = [
    "ALIASES",
    "FIELDS",
    "ColumnMap",
    "known_names",
    "map_columns",
    "match_columns",
    "normalise",
]

ALIASES: dict[str, tuple[str, ...]] = {
    "sku": (
        "sku",
        "variant sku",
        "item sku",
        "item code",
        "sku code",
        "product code",
        "seller sku",
        "sku id",
        "article number",
        "item number",
        # ID columns: SKUs when nothing better is there
        "item key",
        "product id",
        "item id",
        "variant id",
        "style code",
        "code",
        "asin",
        "fsn",
        "part number",
        "pid",
        "uniq id",
        "id",
        "index",
    ),
    "title": (
        "title",
        "product title",
        "product name",
        "name",
        "item name",
        "product",
        "item",
        "generic name",
    ),
    "title_detail": ("dosage strength", "strength", "dosage form"),
    "category": (
        "category",
        "categories",
        "category path",
        "category name",
        "main category",
        "product category tree",
    ),
    "sub_category": ("sub category", "subcategory"),
    "brand": ("brand", "vendor", "manufacturer", "brand name", "brands"),
    "price": (
        "price",
        "selling price",
        "sale price",
        "special price",
        "discounted price",
        "offer price",
        "our price",
        "unit price",
        "variant price",
        "standard price",
    ),
    "list_price": (
        "mrp",
        "regular price",
        "compare at price",
        "variant compare at price",
        "retail price",
        "market price",
        "msrp",
        "msrp price",
        "list price",
        "original price",
    ),
    "currency": ("currency", "currency code", "price currency"),
    "hsn": ("hsn", "hsn code", "hsn sac", "hsn/sac code"),
    "gtin": (
        "gtin",
        "ean",
        "barcode",
        "upc",
        "variant barcode",
        "ean code",
        "isbn",
        "gtin, upc, ean, or isbn",
    ),
    "tags": ("tags",),
    "product_category": (
        "product category",
        "google product category",
        "google shopping / google product category",
    ),
    "product_type": ("product type", "type", "item type keyword", "item type"),
    "customised": ("customised", "customized", "personalised", "personalized", "custom"),
    "warranty_months": ("warranty months", "warranty"),
    "gift_card": ("gift card", "is giftcard", "is gift card", "giftcard"),
    "requires_shipping": (
        "requires shipping",
        "variant requires shipping",
        "is shipping required",
        "shipping required",
    ),
    "virtual": ("virtual", "is virtual"),
    "downloadable": ("downloadable", "is downloadable"),
}
FIELDS: tuple[str, ...] = tuple(ALIASES)
#: Fields that take every matching column, in file order, rather than one.
MULTI = frozenset({"title_detail"})

_NOT_ALNUM = re.compile(r"[^0-9a-z]+")


def normalise(name: str) -> str:
    """The comparable form of a column name: lower case, letters and digits only."""
    return _NOT_ALNUM.sub("", name.lstrip("\ufeff").lower())


_RANK: dict[str, tuple[str, int]] = {
    normalise(alias): (fld, rank)
    for fld, aliases in ALIASES.items()
    for rank, alias in enumerate(aliases)
}
_ID_RANK = ALIASES["sku"].index("item key")


def _candidates(names: Sequence[str]) -> dict[str, list[tuple[int, int]]]:
    """field → [(alias rank, position)], best rank first, for every column the table knows."""
    found: dict[str, list[tuple[int, int]]] = {}
    for pos, name in enumerate(names):
        hit = _RANK.get(normalise(name))
        if hit is not None:
            found.setdefault(hit[0], []).append((hit[1], pos))
    for lst in found.values():
        lst.sort()
    return found


def match_columns(names: Iterable[str]) -> tuple[dict[str, int], list[tuple[int, str]]]:
    """Map each field to the position of its best-ranked column; return the unmatched ones too.

    The data-blind version of `map_columns` (JSON objects are matched key by key with it). The
    second value lists ``(position, name)`` for columns no field took, in file order.
    """
    names = list(names)
    best = {fld: lst[0][1] for fld, lst in _candidates(names).items() if fld not in MULTI}
    taken = set(best.values())
    extra = [(pos, name.strip()) for pos, name in enumerate(names) if pos not in taken]
    return best, extra


@dataclass(frozen=True, slots=True)
class ColumnMap:
    """The columns one file's rows are read from: field → position, plus what else is there."""

    header: tuple[str, ...]
    positions: dict[str, int]
    multi: dict[str, tuple[int, ...]] = field(default_factory=dict)
    extra: tuple[tuple[int, str], ...] = ()
    type_in_path: bool = False  # `type` is the third level of the category path (BigBasket)
    sku_is_id: bool = False  # the SKU column is an ID column (no real SKU column)
    odd_categories: bool = False  # the first rows' categories need normalising (Flipkart lists)

    def get(self, fld: str, default: int | None = None) -> int | None:
        return self.positions.get(fld, default)

    def __contains__(self, fld: str) -> bool:
        return fld in self.positions


#: Cells that hold no data although they are not blank.
PLACEHOLDERS = frozenset({"na", "n/a", "-", "--", "null", "none", "nil", "#n/a", "tbd", "0"})


def _values(rows: Sequence[Sequence[str]], pos: int) -> list[str]:
    out = []
    for r in rows:
        if pos < len(r):
            v = r[pos].strip()
            if v and v.lower() not in PLACEHOLDERS:
                out.append(v)
    return out


def _choose(fld: str, ranked: list[int], sample: Sequence[Sequence[str]]) -> int:
    """The column a field reads, from its candidates (best alias first) and the first rows.

    The best-ranked column holding data wins; for the SKU, one whose values are (nearly) all
    different, so a column of placeholders (``NA`` on every row) loses to a real ID column.
    """
    if not sample:
        return ranked[0]
    filled = [(pos, _values(sample, pos)) for pos in ranked]
    filled = [(pos, vals) for pos, vals in filled if vals]
    if not filled:
        return ranked[0]
    if fld == "sku":
        for pos, vals in filled:
            if len(set(vals)) >= 0.9 * len(vals):
                return pos
        return max(filled, key=lambda pv: len(set(pv[1])))[0]
    return filled[0][0]


def parse_column_options(items: Iterable[str], where: str = "--column") -> dict[str, str]:
    """``["sku=ItemKey", "title=Item Name"]`` → ``{"sku": "ItemKey", …}``, checked."""
    out: dict[str, str] = {}
    for item in items:
        fld, sep, header = item.partition("=")
        fld = fld.strip().lower().replace("-", "_")
        if not sep or not fld or not header.strip():
            raise CatalogError(
                f"{where} {item!r}: expected FIELD=HEADER, e.g. --column sku=ItemKey",
                hint=f"fields: {', '.join(FIELDS)}",
            )
        out[fld] = header.strip()
    check_fields(out, where)
    return out


def known_names(fld: str, count: int = 6) -> str:
    """The first column names accepted for `fld`, for a message a shop owner reads
    ("sku, variant sku, item sku, …"): the names themselves, not where they are kept."""
    names = ALIASES[fld]
    return ", ".join(names[:count]) + (" …" if len(names) > count else "")


def check_fields(mapping: Mapping[str, str], where: str = "--column") -> None:
    """Every key of a column mapping must be a field the readers know."""
    for fld in mapping:
        if fld not in ALIASES:
            near = get_close_matches(fld, FIELDS, n=1, cutoff=0.5)
            hint = f" (did you mean '{near[0]}'?)" if near else ""
            raise CatalogError(f"{where}: unknown field '{fld}'{hint}; fields: {', '.join(FIELDS)}")


def map_columns(
    header: Sequence[str],
    sample: Sequence[Sequence[str]] = (),
    overrides: Mapping[str, str] | None = None,
    source: str = "",
) -> ColumnMap:
    """Choose each field's column from the header, the first rows' data and any overrides.

    Raises `CatalogError` when an override names a header the file does not have.
    """
    names = [h.strip() for h in header]
    found = _candidates(names)
    positions: dict[str, int] = {}
    multi: dict[str, tuple[int, ...]] = {}
    for fld, lst in found.items():
        if fld in MULTI:
            multi[fld] = tuple(sorted(pos for _, pos in lst))
            continue
        positions[fld] = _choose(fld, [pos for _, pos in lst], sample)
    sku_is_id = "sku" in positions and all(rank >= _ID_RANK for rank, _ in found["sku"])
    check_fields(overrides or {})
    by_norm: dict[str, int] = {}
    for pos, name in enumerate(names):
        by_norm.setdefault(normalise(name), pos)
    for fld, wanted in (overrides or {}).items():
        exact = [pos for pos, name in enumerate(names) if name == wanted.strip()]
        pos = exact[0] if exact else by_norm.get(normalise(wanted))
        if pos is None:
            near = get_close_matches(wanted, [n for n in names if n], n=1, cutoff=0.5)
            hint = f" (did you mean {near[0]!r}?)" if near else ""
            raise CatalogError(
                f"{source + ': ' if source else ''}column mapping {fld}={wanted!r}: the file has "
                f"no column named {wanted!r}{hint}; its columns are: "
                + ", ".join(n for n in names if n)
            )
        positions[fld] = pos
        multi.pop(fld, None)
        if fld == "sku":
            sku_is_id = False
    type_in_path = (
        "sub_category" in positions
        and "product_type" in positions
        and (normalise(names[positions["product_type"]]) == "type")
    )
    taken = set(positions.values()) | {p for ps in multi.values() for p in ps}
    extra = tuple((pos, name) for pos, name in enumerate(names) if pos not in taken and name)
    i_cat = positions.get("category")
    odd = i_cat is not None and any(
        v.startswith("[") or ">>" in v for v in (r[i_cat] for r in sample if i_cat < len(r))
    )
    return ColumnMap(tuple(names), positions, multi, extra, type_in_path, sku_is_id, odd)
