"""From raw cell values to a `SkuRecord` or a `RejectedRow`: the checks every reader shares.

Every reader (CSV, Shopify, JSON) hands each row's raw values here, so a price, a currency or a
duplicate SKU is judged the same way whatever the file format. The generic CSV reader also has a
lean path for clean rows (`readers.py`); anything unusual there falls back to `RowBuilder.build`.
"""

from __future__ import annotations

from array import array
from collections.abc import Mapping
from typing import Any

from advisor.catalog.prices import PriceError, parse_price
from advisor.catalog.records import RejectedRow, SkuRecord

__all__ = ["RowBuilder", "SeenSkus", "new_record"]

_TRUE = frozenset({"yes", "y", "true", "t", "1", "customised", "customized", "personalised"})
_FALSE = frozenset({"no", "n", "false", "f", "0", ""})


class SeenSkus:
    """Remembers every SKU read so far, compactly, to name the row a duplicate first appeared on.

    Memory is what bounds a streaming read, so SKUs themselves are not kept. A dict maps each
    SKU's 60-bit hash to the *block* of 256 SKUs it was registered in (one shared int object per
    block, so the values cost nothing); two arrays hold every registered hash and its row in
    order, so a duplicate's first row is found by scanning one block. About 84 bytes per unique
    SKU (about 84 MB at a million; a plain dict of hash → row would be about 105 MB).
    Two different SKUs share a 60-bit hash with odds of about 1 in 2.3 billion at a million SKUs;
    such a pair would be reported as a duplicate.
    """

    def __init__(self) -> None:
        blocks: dict[int, int] = {}
        hashes = array("q")
        rows = array("i")
        get, add_hash, add_row = blocks.get, hashes.append, rows.append
        block = [0]
        mask = 0x0FFFFFFFFFFFFFFF

        # A closure rather than a method: local names instead of attribute look-ups are a third
        # of the per-row cost of a million-row import.
        def first_row(sku: str, row: int) -> int:
            h = hash(sku) & mask
            found = get(h)
            if found is None:
                n = len(hashes)
                if not n & 255:
                    block[0] = n >> 8
                blocks[h] = block[0]
                add_hash(h)
                add_row(row)
                return 0
            start = found << 8
            return rows[hashes.index(h, start, start + 256)]

        self.first_row = first_row
        """Return the row `sku` was first seen on, or 0 after recording it as seen on `row`."""
        self._blocks = blocks

    def __len__(self) -> int:
        return len(self._blocks)


_new_tuple = tuple.__new__


def new_record(
    row: int,
    sku: str,
    title: str,
    category: str,
    brand: str,
    price: float | None,
    currency: str,
    hsn: str,
    gtin: str,
    product_category: str,
    product_type: str,
    tags: tuple[str, ...],
    customised: bool | None,
    warranty_months: int | None,
    extra: tuple[tuple[str, str], ...],
    list_price: float | None = None,
    nature: tuple[str, ...] = (),
) -> SkuRecord:
    """Build a SkuRecord from all its fields in order, skipping the keyword handling of `SkuRecord(...)`."""
    return _new_tuple(
        SkuRecord,
        (
            row,
            sku,
            title,
            category,
            brand,
            price,
            currency,
            hsn,
            gtin,
            product_category,
            product_type,
            tags,
            customised,
            warranty_months,
            extra,
            list_price,
            nature,
        ),
    )


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _digits(value: Any) -> str:
    text = _text(value)
    return text if text.isdigit() else "".join(ch for ch in text if ch.isdigit())


class RowBuilder:
    """Judges one row's raw values; holds the state a whole file shares (currency, seen SKUs)."""

    def __init__(self, default_currency: str) -> None:
        self.default_currency = default_currency.strip().upper()
        self.seen = SeenSkus()

    def build(
        self,
        row: int,
        values: Mapping[str, Any],
        extra: tuple[tuple[str, str], ...] = (),
        raw: str = "",
    ) -> SkuRecord | RejectedRow:
        """Return the record for `values` (field name → raw cell or JSON value), or why not."""
        sku = _text(values.get("sku"))
        if not sku:
            return RejectedRow(row, "missing SKU", "", raw)
        first = self.seen.first_row(sku, row)
        if first:
            return RejectedRow(row, f'duplicate SKU "{sku}" (first seen on row {first})', sku, raw)
        try:
            price, currency = self._price_and_currency(values.get("price"), values.get("currency"))
            customised = _flag(values.get("customised"))
            warranty = _months(values.get("warranty_months"))
        except ValueError as exc:
            return RejectedRow(row, str(exc), sku, raw)
        return new_record(
            row,
            sku,
            _text(values.get("title")),
            _text(values.get("category")),
            _text(values.get("brand")),
            price,
            currency,
            _digits(values.get("hsn")),
            _digits(values.get("gtin")),
            _text(values.get("product_category")),
            _text(values.get("product_type")),
            _tags(values.get("tags")),
            customised,
            warranty,
            extra,
        )

    def _price_and_currency(self, raw_price: Any, raw_currency: Any) -> tuple[float, str]:
        if raw_price is None or isinstance(raw_price, str):
            price, symbol = parse_price(raw_price or "")
        elif isinstance(raw_price, int | float) and not isinstance(raw_price, bool):
            price, symbol = parse_price(repr(raw_price))
        else:
            raise PriceError(f"price {_json_repr(raw_price)} is not a number")
        cell = _text(raw_currency)
        if not cell:
            return price, symbol or self.default_currency
        code = cell.upper()
        if len(code) != 3 or not code.isascii() or not code.isalpha():
            raise ValueError(f'currency "{cell}" is not a 3-letter code such as INR or USD')
        if symbol and symbol != code:
            raise ValueError(f"price is written in {symbol} but the currency column says {code}")
        return price, code


def _json_repr(value: Any) -> str:
    return f'"{value}"' if isinstance(value, str) else repr(value)


def _flag(value: Any) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    text = _text(value).lower()
    if not text:
        return None
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError(f"customised {_json_repr(value)} should be yes or no")


_MONTH_UNITS = {"": 1, "m": 1, "mo": 1, "month": 1, "months": 1, "y": 12, "yr": 12, "yrs": 12}
_MONTH_UNITS |= {"year": 12, "years": 12}


def _months(value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    text = _text(value).lower()
    if not text:
        return None
    number = text.rstrip("abcdefghijklmnopqrstuvwxyz ").strip()
    unit = text[len(number) :].strip()
    try:
        amount = float(number)
    except ValueError:
        amount = -1.0
    if amount < 0 or unit not in _MONTH_UNITS or not (amount * _MONTH_UNITS[unit]).is_integer():
        raise ValueError(f"warranty {_json_repr(value)} is not a number of months")
    return int(amount * _MONTH_UNITS[unit])


def _tags(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    items = value if isinstance(value, list) else _text(value).split(",")
    return tuple(t for t in (_text(item).lower() for item in items) if t)
