"""One SKU written as fields (`trackright decide --title … --price …`, a rule test's `sku:`), as a SkuRecord.

The field names and their aliases are the catalog's own words, so a SKU given by hand and a
catalog row become the same record and are decided the same way.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from advisor.catalog.records import SkuRecord
from advisor.catalog.rows import barcode_nature, sku_nature
from advisor.errors import TrackrightError

SKU_FIELDS = (
    "sku",
    "title",
    "category",
    "brand",
    "price",
    "currency",
    "hsn",
    "gtin",
    "product_category",
    "product_type",
    "tags",
    "customised",
    "warranty_months",
    "list_price",
    "nature",
)
SKU_ALIASES = {
    "name": "title",
    "mrp": "price",
    "type": "product_type",
    "vendor": "brand",
    "ean": "gtin",
    "barcode": "gtin",
    "hsn_code": "hsn",
}


class SkuFieldError(TrackrightError, ValueError):
    """A SKU given as fields that cannot be turned into a catalog record."""


def sku_from_fields(fields: Mapping[str, Any], option_prefix: str = "") -> SkuRecord:
    """A SkuRecord from loose fields (aliases like `name`, `mrp`, `ean` accepted).

    `price` may be a number or text such as "₹1,299" or "USD 12.50" (its currency is used when
    no `currency` is given). `option_prefix` ("--" on the command line) prefixes field names in
    error messages so they match what the user typed.
    """
    from advisor.catalog.prices import PriceError, parse_price

    canon: dict[str, Any] = {}
    for k, v in fields.items():
        key = str(k).lower()
        canon[SKU_ALIASES.get(key, key)] = v
    unknown = set(canon) - set(SKU_FIELDS)
    if unknown:
        raise SkuFieldError(
            f"unknown SKU field(s): {', '.join(sorted(unknown))}; known: {', '.join(sorted(SKU_FIELDS))}"
        )
    price = canon.get("price")
    currency = str(canon.get("currency") or "")
    if isinstance(price, str):
        try:
            price, found = parse_price(price)
        except PriceError as exc:
            raise SkuFieldError(f"{option_prefix}price: {exc}") from None
        currency = currency or (found or "")
    elif price is not None and (isinstance(price, bool) or not isinstance(price, int | float)):
        raise SkuFieldError(f"{option_prefix}price: expects a number, got {price!r}")
    list_price = canon.get("list_price")
    if isinstance(list_price, str):
        try:
            list_price, _ = parse_price(list_price)
        except PriceError as exc:
            raise SkuFieldError(f"{option_prefix}list_price: {exc}") from None
    elif list_price is not None and (
        isinstance(list_price, bool) or not isinstance(list_price, int | float)
    ):
        raise SkuFieldError(f"{option_prefix}list_price: expects a number, got {list_price!r}")
    nature = canon.get("nature") or ()
    if isinstance(nature, str):
        nature = tuple(w.strip() for w in nature.split(",") if w.strip())
    nature = tuple(str(w).strip().lower().replace(" ", "_") for w in nature)
    shown = barcode_nature(canon.get("gtin")) or sku_nature(canon.get("sku"))
    nature += tuple(w for w in shown if w not in nature)
    tags = canon.get("tags") or ()
    if isinstance(tags, str):
        tags = tuple(t.strip().lower() for t in tags.split(",") if t.strip())
    customised = canon.get("customised")
    if customised is not None and not isinstance(customised, bool):
        raise SkuFieldError(f"{option_prefix}customised: expects true or false, got {customised!r}")
    warranty = canon.get("warranty_months")
    if warranty is not None and (isinstance(warranty, bool) or not isinstance(warranty, int)):
        raise SkuFieldError(
            f"{option_prefix}warranty_months: expects a whole number, got {warranty!r}"
        )
    return SkuRecord(
        row=1,
        sku=str(canon.get("sku") or "SKU"),
        title=str(canon.get("title") or ""),
        category=str(canon.get("category") or ""),
        brand=str(canon.get("brand") or ""),
        price=None if price is None else float(price),
        currency=currency.upper(),
        hsn="".join(ch for ch in str(canon.get("hsn") or "") if ch.isdigit()),
        gtin=str(canon.get("gtin") or ""),
        product_category=str(canon.get("product_category") or ""),
        product_type=str(canon.get("product_type") or ""),
        tags=tuple(tags),
        customised=customised,
        warranty_months=warranty,
        list_price=None if not list_price else float(list_price),
        nature=nature,
    )


__all__ = ["SKU_ALIASES", "SKU_FIELDS", "SkuFieldError", "sku_from_fields"]
