"""Nested product JSON (Saleor, Medusa and the like) flattened into the objects readers match.

A product object with a ``variants`` list becomes one flat object per variant: the variant's own
keys over the product's (so a variant inherits title, category and brand, as a Shopify variant
row does). Prices are found where these platforms keep them:

* Medusa: ``prices: [{"amount": 1950, "currency_code": "eur"}]`` — **minor units**, so 1950 is
  19.50 (the currency's ISO 4217 digits, from the rulebook, decide the divisor);
* Saleor: ``price_amount`` + ``currency`` on the variant, or in its ``channel_listings``;
  GraphQL-style ``{"amount": 19.99, "currency": "USD"}`` objects — major units.

``is_giftcard`` and ``is_shipping_required`` become the reader's nature columns; a category
given as an object or a list of objects (``{"name": …}``) becomes its name(s). Anything not
recognised is left as it is, for the alias table to match or to pass through as extra.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

__all__ = ["flatten", "variants"]

_SLUG = re.compile(r"[^0-9a-z]+")
_PRODUCT_ONLY = ("variants", "options", "images")


def variants(product: Mapping[str, Any]) -> list[dict[str, Any]] | None:
    """One merged object per variant of `product`, or None when it has no variants list."""
    items = product.get("variants")
    if not isinstance(items, list) or not items or not all(isinstance(v, dict) for v in items):
        return None
    base = {k: v for k, v in product.items() if k not in _PRODUCT_ONLY}
    product_title = _name(product)
    out = []
    for v in items:
        merged = dict(base)
        own_title = _name(v)
        for key, value in v.items():
            if value not in (None, "", [], {}):
                merged[key] = value
        if product_title:
            merged.pop("name", None)
            options = own_title if own_title and own_title != product_title else ""
            merged["title"] = product_title + (f" - {options}" if options else "")
        if not merged.get("sku"):
            handle = str(product.get("handle") or product.get("slug") or product_title or "")
            tail = _SLUG.sub("-", (own_title or "").lower()).strip("-")
            merged["sku"] = "-".join(
                p for p in (_SLUG.sub("-", handle.lower()).strip("-"), tail) if p
            )
        out.append(merged)
    return out


def _name(obj: Mapping[str, Any]) -> str:
    for key in ("title", "name"):
        value = obj.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return ""


def _money(value: Any, decimals: Mapping[str, int]) -> tuple[Any, str] | None:
    """(amount in major units, currency) from one price object, or None if it is not one."""
    if not isinstance(value, Mapping):
        return None
    if "currency_code" in value and "amount" in value:  # Medusa: minor units
        code = str(value["currency_code"] or "").upper()
        amount = value["amount"]
        if isinstance(amount, int | float) and not isinstance(amount, bool):
            return amount / 10 ** decimals.get(code, 2), code
        return amount, code
    for amount_key, currency_key in (("amount", "currency"), ("price_amount", "currency")):
        if amount_key in value:
            return value[amount_key], str(value.get(currency_key) or "").upper()
    gross = value.get("gross")
    if isinstance(gross, Mapping):
        return _money(gross, decimals)
    return None


def flatten(obj: Mapping[str, Any], decimals: Mapping[str, int] | None = None) -> dict[str, Any]:
    """`obj` with nested prices, categories and platform flags turned into plain keys."""
    digits = decimals or {}
    out: dict[str, Any] = dict(obj)
    price: tuple[Any, str] | None = None
    for key in ("prices", "channel_listings", "price", "pricing"):
        value = obj.get(key)
        if isinstance(value, list):
            found = [m for m in (_money(x, digits) for x in value) if m is not None]
            if found:
                price = found[0]
        elif isinstance(value, Mapping):
            price = _money(value, digits) or (
                _money(value.get("price"), digits)
                if isinstance(value.get("price"), Mapping)
                else None
            )
        if price is not None:
            out.pop(key, None)
            break
    if price is None and "price_amount" in obj:
        price = (obj["price_amount"], str(obj.get("currency") or "").upper())
        out.pop("price_amount", None)
    if price is not None:
        out["price"] = price[0]
        if price[1]:
            out["currency"] = price[1]
    for key in ("category", "categories", "product_type", "collection"):
        value = obj.get(key)
        names = _names(value)
        if names is not None:
            out[key] = "\n".join(names) if key != "product_type" else (names[0] if names else "")
    if "is_giftcard" in obj:
        out["gift_card"] = obj.get("is_giftcard")
        out.pop("is_giftcard", None)
    ptype = obj.get("product_type")
    if isinstance(ptype, Mapping) and "is_shipping_required" in ptype:
        out["requires_shipping"] = ptype.get("is_shipping_required")
    if "is_shipping_required" in obj:
        out["requires_shipping"] = obj.get("is_shipping_required")
    return out


def _names(value: Any) -> list[str] | None:
    """A category-like value's name(s): an object with a name, or a list of them."""
    if isinstance(value, Mapping):
        n = _name(value) or str(value.get("handle") or "")
        return [n] if n else []
    if isinstance(value, list) and value and all(isinstance(x, Mapping) for x in value):
        return [n for n in (_name(x) or str(x.get("handle") or "") for x in value) if n]
    return None
