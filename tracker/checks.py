"""The checks every operation makes of what it is given: dates, quantities, free text, SKU:LOT.

Limits keep one mistyped number from creating 10^30 units or a receipt that needs gigabytes; each
refusal names the limit and what was asked for. A module of its own, importing only the errors,
so the command layer's parameter types (`advisor.commands.types`) parse with these very checks
without loading the operations.
"""

from __future__ import annotations

import re
from datetime import date

from .errors import InputError, RefusedError
from .vocabulary import RETURN_REASONS

#: Most units one receive may create (serials + scans + generated labels).
MAX_UNITS = 100_000
#: Largest quantity one line of one operation may move.
MAX_QTY = 1_000_000
#: Most order lines and most scans on one shipment.
MAX_LINES = 1_000
MAX_SCANS = 10_000
#: Longest free text (reasons) kept on an event.
MAX_TEXT = 500

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def as_date(value: date | str | None, what: str) -> date | None:
    """A date from a date or a `YYYY-MM-DD` string (nothing else); InputError otherwise."""
    if value is None or isinstance(value, date):
        return value
    text = value.strip()
    try:
        if not _DATE.match(text):
            raise ValueError
        return date.fromisoformat(text)
    except ValueError:
        raise InputError(f"{what} {value!r} is not a date: expected YYYY-MM-DD") from None


def normalise_reason(reason: str | None) -> str:
    """Map free-text return reasons onto the rulebook's reason codes (unknown text → `other`)."""
    text = (reason or "other").strip().lower().replace("-", "_").replace(" ", "_")
    return text if text in RETURN_REASONS else "other"


def text(value: str | None, what: str) -> str:
    """Free text for an event (a reason), trimmed and bounded."""
    value = (value or "").strip()
    if len(value) > MAX_TEXT:
        raise RefusedError(f"{what} is {len(value)} characters long; at most {MAX_TEXT}")
    return value


def split_lot_ref(ref: str) -> tuple[str, str] | None:
    """`SKU:LOT` → (sku, lot), or None when the text is not written that way."""
    sku, sep, lot = ref.partition(":")
    return (sku, lot) if sep and sku and lot else None


def positive(qty: object, what: str, limit: int = MAX_QTY) -> int:
    """A whole number above zero and within `limit`; RefusedError otherwise."""
    if isinstance(qty, bool) or not isinstance(qty, int) or qty <= 0:
        raise RefusedError(f"{what} must be a whole number above zero, got {qty!r}")
    if qty > limit:
        raise RefusedError(f"{what} {qty:,} is more than one operation may move ({limit:,})")
    return qty
