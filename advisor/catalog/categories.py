"""Category paths as platforms write them, turned into ``A > B > C`` (several: one per line).

    >>> flipkart('["Footwear >> Women\\'s Footwear >> Ballerinas"]')
    "Footwear > Women's Footwear > Ballerinas"
    >>> magento("Default Category/Men/Tops,Default Category/Collections/New")
    'Men > Tops\\nCollections > New'
    >>> woocommerce("Pantry > Ghee & Oils, Bestsellers")
    'Pantry > Ghee & Oils\\nBestsellers'
    >>> bigcommerce("Dog/Food;Shop All/Sale")
    'Dog > Food\\nShop All > Sale'
    >>> vendure_facets("category:Electronics|category:Computers|brand:Apple")
    ('Electronics > Computers', 'Apple', ())

Classification reads each path from its most specific segment, so the separators matter and the
platform's root (Magento's ``Default Category``) is dropped.
"""

from __future__ import annotations

import json
import re

__all__ = [
    "bigcommerce",
    "flipkart",
    "generic",
    "join_levels",
    "magento",
    "vendure_facets",
    "without_title",
    "woocommerce",
]

SEP = " > "
_SPLIT = re.compile(r"\s*(?:>>|>)\s*")
_WOO_SPLIT = re.compile(r"(?<!\\),")
_MAGENTO_ROOTS = frozenset({"default category", "root catalog", "root", "default"})


def _path(parts: list[str]) -> str:
    return SEP.join(p for p in (x.strip() for x in parts) if p)


def _dedupe(paths: list[str]) -> str:
    return "\n".join(dict.fromkeys(p for p in paths if p))


def flipkart(text: str) -> str:
    """Flipkart's ``["A >> B >> C"]`` (a JSON-ish list of one or more paths)."""
    raw = text.strip()
    items: list[str]
    try:
        loaded = json.loads(raw)
        items = [str(x) for x in loaded] if isinstance(loaded, list) else [str(loaded)]
    except ValueError:
        items = [raw.strip("[]").strip().strip("\"'")]
    return _dedupe([_path(_SPLIT.split(item)) for item in items])


def woocommerce(text: str) -> str:
    """WooCommerce ``Categories``: comma-separated ``A > B`` paths (``\\,`` is a literal comma)."""
    paths = [_path(_SPLIT.split(p.replace("\\,", ","))) for p in _WOO_SPLIT.split(text)]
    return _dedupe(paths)


def magento(text: str) -> str:
    """Magento ``categories``: ``Default Category/Men/Tops`` paths, comma-separated; root dropped."""
    paths = []
    for raw in text.split(","):
        parts = [p.strip() for p in raw.split("/") if p.strip()]
        if parts and parts[0].lower() in _MAGENTO_ROOTS:
            parts = parts[1:]
        paths.append(_path(parts))
    return _dedupe(paths)


def bigcommerce(text: str) -> str:
    """BigCommerce ``Category``: ``Dog/Food`` paths, ``;``-separated."""
    return _dedupe([_path(raw.split("/")) for raw in text.split(";")])


def vendure_facets(text: str) -> tuple[str, str, tuple[str, ...]]:
    """Vendure ``facets`` (``category:A|category:B|brand:X``) → (category path, brand, the rest)."""
    categories: list[str] = []
    brand = ""
    rest: list[str] = []
    for item in text.split("|"):
        key, sep, value = item.partition(":")
        key, value = key.strip().lower(), value.strip()
        if not sep:
            if key:
                rest.append(key)
            continue
        if key in ("category", "categories", "product category"):
            categories.append(value)
        elif key in ("brand", "manufacturer", "vendor") and not brand:
            brand = value
        elif value:
            rest.append(value.lower())
    return _path(categories), brand, tuple(rest)


def join_levels(*levels: str) -> str:
    """Separate level columns (BigBasket's category, sub_category, type) read as one path."""
    return _path(list(levels))


def generic(text: str) -> str:
    """A generic file's category cell: Flipkart-style lists and ``>>`` are normalised, else kept."""
    t = text.strip()
    if t[:1] == "[":
        return flipkart(t)
    if ">>" in t:
        return _path(_SPLIT.split(t))
    return t


def without_title(category: str, title: str) -> str:
    """`category` without a last segment that repeats the product's own title.

    Marketplace trees (Flipkart's ``product_category_tree``) end with the product's name, often
    cut short with "...": that segment is the title, not a category, and read as the deepest
    category it would outweigh the real one ("Pen Drives" lost to "SanDisk … OTG Drive").
    """
    if not category or not title or SEP not in category:
        return category
    low = title.strip().lower()
    head = low[:12]
    if head not in category.lower():
        return category
    out = []
    for path in category.split("\n"):
        parts = path.split(SEP)
        last = parts[-1].strip().lower().rstrip(".…").strip()
        if len(parts) > 1 and len(last) >= 12 and low.startswith(last):
            path = SEP.join(parts[:-1])
        out.append(path)
    return "\n".join(out)
