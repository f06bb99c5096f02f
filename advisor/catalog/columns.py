"""Which catalog column (or JSON key) feeds which `SkuRecord` field: the column table and its use.

The table itself is data, in the rulebook's ``columns.yaml`` (read and checked by
`advisor.rulebook.columns`, handed to the readers as a `ColumnTable`): per field the header names
accepted, best first, in English and the languages stores export in (Spanish, Portuguese,
French, German, Italian, Dutch, Polish, Turkish, Indonesian / Malay, Vietnamese); the ID columns
(``id``, ``index``, ``pid`` …) that count as SKUs, ranked below real SKU columns; and each store
platform's columns by role. This module knows only which fields exist (`FIELDS`) and how a
header is compared and chosen.

Names are compared after lower-casing, folding accents and dropping everything but letters and
digits (`normalise`), so ``Item Code``, ``item_code`` and ``ITEM-CODE`` are the same column, and
``Categorías`` is ``categorias``; ``#`` reads as "no" (``Item #`` is ``Item No.``). A header that ends with a tax qualifier (``Verkoopprijs incl.
btw``, ``Prix HT``, ``Preis inkl. MwSt.``: ``tax_qualifiers`` in ``columns.yaml``) is the column
its name without the ending names, ranked as that name; a price net of tax just after one
with tax, so a file with both reads what the customer pays. A header no name matches as written
is tried without its
parenthesised or bracketed parts and a trailing ``*`` (``Harga (Rp)*`` → ``harga``), ranked
after every header matched as written. When several columns can feed one field, the file's
data decides: the best-ranked column that holds data in the first rows wins (an empty
``title`` column does not beat a filled ``name``); the others go to ``extra``.
``--column FIELD=HEADER`` (or the brand profile's ``columns:``) overrides the table.

=================  ================================================================================
field              what it holds (the names: ``rules/columns.yaml``)
=================  ================================================================================
sku                the SKU; then ID columns (``ids:``) when no SKU column is there
title              the product's name
title_detail       dosage strength / form, added to the title (``… 500 mg TABLET``)
category           the category path
sub_category       the next level of the category path
brand              brand, vendor or manufacturer
price              what the item sells for (a sale price)
list_price         the regular / list price (MRP, compare-at, UVP, PVP …)
currency           the prices' ISO currency code
hsn                the HSN / SAC code
gtin               GTIN, EAN, UPC, ISBN, barcode
tags               comma-separated tags
product_category   a standard taxonomy path or Google id (Shopify's Product Category)
product_type       the product type (``type`` joins the category path instead when the file
                   also has a sub-category column, as BigBasket's lists do)
customised         yes / no: made to order, personalised
warranty_months    the warranty (``24``, ``2 years``, ``2 años``)
gift_card          yes / no: a gift card
requires_shipping  yes / no: false for services and digital goods
virtual            yes / no: a virtual product
downloadable       yes / no: a downloadable product
prescription       yes / no: sold on prescription only (a pharmacy item list's Rx column)
=================  ================================================================================
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from difflib import get_close_matches
from functools import cache

from advisor.errors import CatalogError

__all__ = [
    "FIELDS",
    "PLATFORM_ROLES",
    "ColumnMap",
    "ColumnTable",
    "PlatformColumns",
    "known_names",
    "map_columns",
    "match_columns",
    "normalise",
]

#: The fields a column can feed, in the order the docs list them.
FIELDS: tuple[str, ...] = (
    "sku",
    "title",
    "title_detail",
    "category",
    "sub_category",
    "brand",
    "price",
    "list_price",
    "currency",
    "hsn",
    "gtin",
    "tags",
    "product_category",
    "product_type",
    "customised",
    "warranty_months",
    "gift_card",
    "requires_shipping",
    "virtual",
    "downloadable",
    "prescription",
)
#: Fields that take every matching column, in file order, rather than one.
MULTI = frozenset({"title_detail"})
#: The roles each platform's reader reads (``columns.yaml: platforms.<name>.columns``).
PLATFORM_ROLES: dict[str, tuple[str, ...]] = {
    "shopify": (
        "handle",
        "title",
        "vendor",
        "type",
        "tags",
        "product_category",
        "sku",
        "price",
        "list_price",
        "gtin",
        "hsn",
        "gift_card",
        "requires_shipping",
        "currency",
        # the 2025 export's names for the same columns (`URL handle`, `SKU`, `Price` …): their
        # own roles, so a generic CSV with a `handle` and a `price` is not taken for Shopify's
        "url_handle",
        "sku_2025",
        "price_2025",
        "list_price_2025",
        "gtin_2025",
        "requires_shipping_2025",
    ),
    "woocommerce": (
        "id",
        "type",
        "sku",
        "title",
        "price",
        "list_price",
        "categories",
        "tags",
        "brand",
        "gtin",
        "parent",
        "hsn",
        "currency",
        "virtual",
        "downloadable",
        "attribute_values",
    ),
    "magento": (
        "sku",
        "attribute_set",
        "store_view",
        "type",
        "title",
        "categories",
        "list_price",
        "regular",
        "special",
        "brand",
        "gtin",
        "hsn",
        "variations",
        "bundle",
        "bundle_price_type",
        "currency",
        "attributes",
    ),
    "vendure": (
        "title",
        "slug",
        "facets",
        "options",
        "sku",
        "price",
        "variant_facets",
        "gtin",
        "hsn",
        "currency",
    ),
    "wix": (
        "group",
        "kind",
        "title",
        "categories",
        "sku",
        "price",
        "surcharge",
        "brand",
        "gtin",
        "currency",
    ),
    "square": (
        "token",
        "title",
        "variation",
        "sku",
        "categories",
        "reporting",
        "kind",
        "price",
        "gtin",
        "currency",
    ),
    "squarespace": (
        "group",
        "kind",
        "title",
        "categories",
        "tags",
        "sku",
        "price",
        "list_price",
        "on_sale",
        "gtin",
        "currency",
    ),
    "tiendanube": (
        "group",
        "kind",
        "title",
        "categories",
        "tags",
        "sku",
        "price",
        "list_price",
        "gtin",
        "brand",
        "currency",
    ),
    "ecwid": (
        "type",
        "product_id",
        "sku",
        "title",
        "price",
        "list_price",
        "brand",
        "gtin",
        "requires_shipping",
        "variation_sku",
        "variation_price",
        "hsn",
        "currency",
    ),
    "bigcommerce": (
        "item_type",
        "product_id",
        "title",
        "type",
        "sku",
        "brand",
        "price",
        "regular",
        "list_price",
        "categories",
        "product_category",
        "tags",
        "gtin",
        "hsn",
        "currency",
        # the v3 export (Item = Product / Variant / Image, ID, Name, Type, Options, Brand ID):
        # its own roles, so a plain sheet with an `Item` and an `ID` is not taken for it
        "item_v3",
        "id_v3",
        "name_v3",
        "type_v3",
        "options_v3",
        "brand_id_v3",
        "inventory_v3",
    ),
}

_NOT_ALNUM = re.compile(r"[^0-9a-z]+")
#: Letters that do not decompose into a base letter and a mark, as a header writer would type them.
_LETTERS = str.maketrans({"ı": "i", "ł": "l", "đ": "d", "ø": "o", "ß": "ss", "æ": "ae", "œ": "oe"})
_PARTS = re.compile(r"\([^()]*\)|\[[^\[\]]*\]|\*+\s*$")


def normalise(name: str) -> str:
    """The comparable form of a column name: lower case, accents folded, letters and digits only."""
    low = name.lstrip("\ufeff").lower().replace("#", "no")  # `Item #` is `Item No.`
    if not low.isascii():
        low = unicodedata.normalize("NFKD", low.translate(_LETTERS))
        low = "".join(ch for ch in low if not unicodedata.combining(ch)).translate(_LETTERS)
        # letters of other scripts stay (`商品名`, `ชื่อสินค้า`); punctuation and symbols go
        return "".join(ch for ch in low if ch.isalnum() and (ch.isascii() or ord(ch) > 0x24F))
    return _NOT_ALNUM.sub("", low)


_TAIL = re.compile(r"^(?P<name>.*?\S)\s*[(\[]?\s*(?:in\s+)?(?P<code>[A-Za-z]{3})\s*[)\]]?$")


@cache
def _iso_codes() -> frozenset[str]:
    import pycountry

    return frozenset(c.alpha_3 for c in pycountry.currencies)


def currency_tail(name: str) -> tuple[str, str] | None:
    """(the header without it, the ISO code) for a header that ends with its currency:
    ``List Price EUR``, ``Price (USD)``, ``Preis in CHF``; None otherwise. Written bare, the code
    must be in capitals, so a word that happens to spell one (``Retail Fee``) is left alone."""
    m = _TAIL.match(name.strip())
    if m is None:
        return None
    code = m["code"]
    if not (code.isupper() or "(" in name or "[" in name or " in " in name.lower()):
        return None
    return (m["name"], code.upper()) if code.upper() in _iso_codes() else None


#: Words that only join the words of a header name ("prix *de* vente", "price *of* unit").
_CONNECTORS = frozenset("de del della dello di da do dos das du des d van von der of the".split())
_WORDS = re.compile(r"[\s_\-./]+")


def _without_connectors(name: str) -> str:
    """`normalise` of a header name without its connecting words; "" when it has none."""
    kept = [w for w in _WORDS.split(name.strip().lower()) if w and w not in _CONNECTORS]
    return normalise(" ".join(kept)) if kept else ""


def without_parts(name: str) -> str:
    """`normalise` of `name` without its ``(…)`` / ``[…]`` parts and trailing ``*`` ("" if none)."""
    if "(" not in name and "[" not in name and "*" not in name:
        return ""
    bare = _PARTS.sub(" ", name)
    return normalise(bare) if bare != name else ""


@dataclass(frozen=True, slots=True)
class PlatformColumns:
    """One platform's export: role → normalised header names (first found wins), and its marks."""

    columns: Mapping[str, tuple[str, ...]]
    marks: tuple[frozenset[str], ...]  # sets of roles whose columns together identify the export
    labels: Mapping[str, str] = field(default_factory=dict)  # role → its first name as written


@dataclass(frozen=True, slots=True)
class ColumnTable:
    """``columns.yaml``, ready to match headers: field → names best first, IDs, platforms.

    Built by the rulebook loader (`advisor.rulebook.columns`); ``rank`` maps a normalised name
    to its field and rank (the first listing of a name wins), IDs ranked from ``id_rank`` on.
    """

    aliases: Mapping[str, tuple[str, ...]]  # field → names as written, best first (sku: + ids)
    id_rank: int
    platforms: Mapping[str, PlatformColumns]
    rank: Mapping[str, tuple[str, int]] = field(default_factory=dict)
    #: normalised tax endings, longest first, each with the rank it adds (0 with tax, 0.5 net)
    qualifiers: tuple[tuple[str, float], ...] = ()

    #: each name without its connecting words (`prix de vente` → `prixvente`)
    loose: Mapping[str, tuple[str, int]] = field(default_factory=dict)
    #: normalised names of the columns a product's variant rows share, best first
    product_keys: tuple[str, ...] = ()
    #: words that, whole in a header no name matches, say it identifies the item
    #: (`Odnośnik wewnętrzny`): normalised, for `sku_by_word`
    id_words: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        if not self.rank:
            rank: dict[str, tuple[str, int]] = {}
            for fld, names in self.aliases.items():
                for i, alias in enumerate(names):
                    rank.setdefault(normalise(alias), (fld, i))
            object.__setattr__(self, "rank", rank)
        if not self.loose:
            loose: dict[str, tuple[str, int]] = {}
            for fld, names in self.aliases.items():
                for i, alias in enumerate(names):
                    key = _without_connectors(alias)
                    if key and key not in self.rank:
                        loose.setdefault(key, (fld, i))
            object.__setattr__(self, "loose", loose)

    def lookup(self, name: str) -> tuple[str, float, bool] | None:
        """(field, rank, matched without its parts) for a header, or None."""
        key = normalise(name)
        hit = self.rank.get(key)
        if hit is not None:
            return hit[0], hit[1], False
        tail = currency_tail(name)
        if tail is not None:  # `List Price EUR` is `List Price`, in euros (`ColumnMap.currency`)
            got = self.lookup(tail[0])
            if got is not None:
                return got
        bare = without_parts(name)
        if not bare:  # a tax ending written in parentheses is a part: `Fiyat (KDV Hariç)`
            for ending, extra in self.qualifiers:
                if key.endswith(ending) and len(key) > len(ending):
                    hit = self.rank.get(key[: -len(ending)])
                    if hit is not None:
                        return hit[0], hit[1] + extra, False
            return self._either(name)
        hit = self.rank.get(bare)
        if hit is None:
            return self._either(name)
        dropped = key[len(bare) :] if key.startswith(bare) else ""
        net = next((x for q, x in self.qualifiers if q == dropped), 0.0)
        return hit[0], hit[1] + net, True

    def _either(self, name: str) -> tuple[str, float, bool] | None:
        """A header no name matches as written, read as stores write them: without the
        connecting words of a listed name (`PRIX_VENTE` for `prix de vente`), a name and its
        explanation after a colon (`Título: incluye producto, marca, …`), a Zoho custom field
        (`CF.MRP`), or two alternatives (`Product ID / Style ID`: the best-ranked of them)."""
        bare = _without_connectors(name)
        hit = self.loose.get(bare) if bare else None
        if hit is not None:  # the same words as the listed name: ranked as written
            return hit[0], hit[1], False
        head, colon, _ = name.partition(":")
        if colon and head.strip():  # Mercado Libre's "Título: incluye producto, marca, …"
            hit = self.rank.get(normalise(head))
            if hit is not None:
                return hit[0], hit[1], True
        if name[:3].lower() == "cf." and len(name) > 3:  # Zoho's custom fields: `CF.MRP`
            hit = self.rank.get(normalise(name[3:]))
            if hit is not None:
                return hit[0], hit[1], True
        if "/" not in name:
            return None
        hits = [self.rank.get(normalise(part)) for part in name.split("/")]
        best = min((h for h in hits if h is not None), key=lambda h: h[1], default=None)
        return None if best is None else (best[0], best[1], True)


def _candidates(names: Sequence[str], table: ColumnTable) -> dict[str, list[tuple[bool, int, int]]]:
    """field → [(matched without parts, rank, position)], best first, for every known column."""
    found: dict[str, list[tuple[bool, int, int]]] = {}
    for pos, name in enumerate(names):
        hit = table.lookup(name)
        if hit is not None:
            found.setdefault(hit[0], []).append((hit[2], hit[1], pos))
    for lst in found.values():
        lst.sort()
    return found


def match_columns(
    names: Iterable[str], table: ColumnTable
) -> tuple[dict[str, int], list[tuple[int, str]]]:
    """Map each field to the position of its best-ranked column; return the unmatched ones too.

    The data-blind version of `map_columns` (the delimiter is chosen with it). The second value
    lists ``(position, name)`` for columns no field took, in file order.
    """
    names = list(names)
    best = {fld: lst[0][2] for fld, lst in _candidates(names, table).items() if fld not in MULTI}
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
    currency: str = ""  # the ISO code the price headers name ("List Price EUR"), if they agree
    #: where the SKU column is blank on a row, the other SKU / ID columns to read it from, in
    #: rank order (Shopee's `SKU` is blank for a product without variations: its `Parent SKU`)
    sku_fallbacks: tuple[int, ...] = ()
    #: the column a product's variant rows share (Shopee's `Parent SKU`): a row whose title is
    #: blank takes the title, category and brand of the row above it with the same key
    product_key: int | None = None
    #: the SKU column was found by a word of its name (`id_words`), not by a listed name: the
    #: run says so, since the guess may be wrong
    sku_by_word: bool = False

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
    if fld == "title":
        # An item master's GENERIC_NAME is filled for its medicines only and DESCRIPTION on
        # every row: a title filled on far fewer rows than a short-celled lower-ranked one loses
        # to it (a store's long description never wins this way).
        most = max(len(vals) for _, vals in filled)
        for pos, vals in filled:
            if len(vals) >= 0.8 * most and sorted(map(len, vals))[len(vals) // 2] <= 80:
                return pos
    return filled[0][0]


def header_words(name: str) -> list[str]:
    """A header's words, each compared like a name (`Odnośnik wewnętrzny` → odnosnik,
    wewnetrzny)."""
    return [w for w in (normalise(part) for part in re.split(r"[\s_\-./:()\[\]#]+", name)) if w]


def sku_by_word(
    names: Sequence[str], taken: set[int], table: ColumnTable, sample: Sequence[Sequence[str]]
) -> int | None:
    """The column read as the SKU of a file with no SKU or ID column: the first one no field
    took whose name holds an identifier word (`id_words`: reference, código, odnośnik …) and
    whose first rows' values are filled and (nearly) all different, as an item's key is.

    A translated export names its SKU in words no list can hold in full (Odoo's "Internal
    Reference" in thirty languages); refusing the file for it loses every row, while reading
    the column, and saying so, loses none.
    """
    if not table.id_words or not sample:
        return None
    for pos, name in enumerate(names):
        if pos in taken or not any(w in table.id_words for w in header_words(name)):
            continue
        vals = _values(sample, pos)
        if len(vals) < 0.8 * len(sample) or len(set(vals)) < 0.9 * len(vals):
            continue
        if sorted(map(len, vals))[len(vals) // 2] > 40:  # a description, not a code
            continue
        return pos
    return None


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


def known_names(table: ColumnTable, fld: str, count: int = 6) -> str:
    """The first column names accepted for `fld`, for a message a shop owner reads
    ("sku, variant sku, item sku, …"): the names themselves, not where they are kept."""
    names = table.aliases.get(fld, ())
    return ", ".join(names[:count]) + (" …" if len(names) > count else "")


def check_fields(mapping: Mapping[str, str], where: str = "--column") -> None:
    """Every key of a column mapping must be a field the readers know."""
    for fld in mapping:
        if fld not in FIELDS:
            near = get_close_matches(fld, FIELDS, n=1, cutoff=0.5)
            hint = f" (did you mean '{near[0]}'?)" if near else ""
            raise CatalogError(f"{where}: unknown field '{fld}'{hint}; fields: {', '.join(FIELDS)}")


def map_columns(
    header: Sequence[str],
    table: ColumnTable,
    sample: Sequence[Sequence[str]] = (),
    overrides: Mapping[str, str] | None = None,
    source: str = "",
) -> ColumnMap:
    """Choose each field's column from the header, the first rows' data and any overrides.

    Raises `CatalogError` when an override names a header the file does not have.
    """
    names = [h.strip() for h in header]
    found = _candidates(names, table)
    positions: dict[str, int] = {}
    multi: dict[str, tuple[int, ...]] = {}
    for fld, lst in found.items():
        if fld in MULTI:
            multi[fld] = tuple(sorted(pos for _, _, pos in lst))
            continue
        positions[fld] = _choose(fld, [pos for _, _, pos in lst], sample)
    sku_is_id = "sku" in positions and all(rank >= table.id_rank for _, rank, _ in found["sku"])
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
    by_word = False
    if "sku" not in positions:
        guess = sku_by_word(names, taken, table, sample)
        if guess is not None:
            positions["sku"] = guess
            taken.add(guess)
            by_word = True
    extra = tuple((pos, name) for pos, name in enumerate(names) if pos not in taken and name)
    i_cat = positions.get("category")
    odd = i_cat is not None and any(
        v.startswith("[") or ">>" in v for v in (r[i_cat] for r in sample if i_cat < len(r))
    )
    named = {
        tail[1]
        for fld in ("price", "list_price")
        if fld in positions and (tail := currency_tail(names[positions[fld]])) is not None
    }
    currency = next(iter(named)) if len(named) == 1 else ""
    fallbacks: tuple[int, ...] = ()
    if "sku" in positions and "sku" not in (overrides or {}):
        fallbacks = tuple(
            pos
            for _, _, pos in found.get("sku", ())
            if pos != positions["sku"] and _values(sample, pos)
        )
    by_key = {normalise(name): pos for pos, name in reversed(list(enumerate(names)))}
    product_key = next((by_key[k] for k in table.product_keys if k in by_key), None)
    return ColumnMap(
        tuple(names),
        positions,
        multi,
        extra,
        type_in_path,
        sku_is_id,
        odd,
        currency,
        fallbacks,
        product_key,
        by_word,
    )
