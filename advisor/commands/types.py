"""The click parameter types of the tracker's verbs: SKU:QTY, SKU:LOT, dates, quantities, identifiers.

Each parses the text one way for every face. Text that cannot be read as its type (not a whole
number, not written SKU:QTY or SKU:LOT, not a YYYY-MM-DD date) is a usage error, as click
reports any bad option (exit 2). A value the tracker would refuse (a quantity out of bounds, an
identifier it cannot store, a reason too long) is refused while parsing, by the tracker's own
check (`tracker.checks`, `tracker.labels`) with its own error and exit code, before any store
is opened. The tracker checks again when it runs: the rules are written once, there.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import click

__all__ = [
    "DAY",
    "LOT_REF",
    "ORDER_LINE",
    "REASON",
    "Day",
    "Identifier",
    "LotRef",
    "OrderLine",
    "Quantity",
    "Reason",
    "StoreRef",
]


class Day(click.ParamType):
    """A date written YYYY-MM-DD (nothing else: not 20280101, not 2028-1-5), as a `date`."""

    name = "YYYY-MM-DD"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> date:
        from tracker.checks import as_date
        from tracker.errors import InputError

        if isinstance(value, date):
            return value
        try:
            found = as_date(str(value), "")
        except InputError as err:
            self.fail(err.message.strip(), param, ctx)
        assert found is not None
        return found


class Quantity(click.ParamType):
    """A whole number from `minimum` (1, or 0 where none is a choice) to `limit`."""

    name = "N"

    def __init__(self, minimum: int = 1, limit: int | None = None) -> None:
        self.minimum = minimum
        self.limit = limit

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        from tracker.checks import MAX_QTY, positive

        number = click.INT.convert(value, param, ctx)
        if number == 0 and self.minimum == 0:
            return 0
        return positive(number, _label(param, "quantity"), self.limit or MAX_QTY)


class OrderLine(click.ParamType):
    """An order line `SKU:QTY` (`TEA-500G:2`), as (sku, qty)."""

    name = "SKU:QTY"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> tuple[str, int]:
        from tracker.checks import positive
        from tracker.labels import check_identifier

        if isinstance(value, tuple):
            return value
        sku, sep, qty = str(value).rpartition(":")
        digits = qty.strip()
        if not (sep and sku and digits.lstrip("-").isdigit() and len(digits) <= 12):
            self.fail(f"{value!r} must be written SKU:QTY, e.g. TEA-500G:2", param, ctx)
        sku = check_identifier(sku, "SKU")
        return sku, positive(int(digits), f"quantity for SKU {sku}")


class LotRef(click.ParamType):
    """A lot named `SKU:LOT` (`TEA-500G:L2026-01`), as (sku, lot)."""

    name = "SKU:LOT"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> tuple[str, str]:
        from tracker.checks import split_lot_ref

        if isinstance(value, tuple):
            return value
        ref = split_lot_ref(str(value))
        if ref is None:
            self.fail(f"{value!r} must be written SKU:LOT, e.g. TEA-500G:L1", param, ctx)
        return ref


class Identifier(click.ParamType):
    """An identifier the tracker stores as typed (a SKU, order, lot or location)."""

    name = "ID"

    def __init__(self, what: str) -> None:
        self.what = what

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        from tracker.labels import check_identifier

        return check_identifier(str(value), self.what)


class StoreRef(click.ParamType):
    """Where the store is: a PostgreSQL URL kept as text, anything else a file or folder `Path`."""

    name = "FILE|URL"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> Path | str:
        from tracker.store import is_url

        if isinstance(value, Path):
            return value
        text = str(value).strip()
        return text if is_url(text) else Path(text)


class Reason(click.ParamType):
    """Free text kept on the event (a reason), trimmed and bounded."""

    name = "TEXT"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        from tracker.checks import text

        return text(str(value), _label(param, "reason"))


def _label(param: click.Parameter | None, fallback: str) -> str:
    opts = getattr(param, "opts", None)
    return opts[0] if opts else fallback


DAY = Day()
STORE_REF = StoreRef()
ORDER_LINE = OrderLine()
LOT_REF = LotRef()
REASON = Reason()
