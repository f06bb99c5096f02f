"""Orders and returns from the shop: each line of a file becomes the desk's `ship` or `return`.

    >>> from tracker import open_store
    >>> from tracker.imports import import_orders, import_returns
    >>> store = open_store("ws/store.json")                                   # doctest: +SKIP
    >>> report = import_orders(store, "orders_export.csv", dry_run=True)      # doctest: +SKIP
    >>> report.count("rejected"), report.rejected[0].detail                   # doctest: +SKIP
    >>> import_returns(store, "returns.csv", verdict=my_rules)                # doctest: +SKIP

A Shopify orders export is read as Shopify writes it (one row per line item); any other CSV
needs columns order, sku, qty and optionally date, serial (or LPN), channel, location. A
returns list has order, identifier (serial, LPN, barcode or SKU), reason, date. Every line
comes back as one `LineResult` — applied, rejected, unchanged (imported before) or skipped —
with its line number; importing the same file again changes nothing (see `apply`).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import datetime

from ..operations import VerdictFn
from ..store import Store
from .apply import apply_orders, apply_returns
from .readers import read_orders, read_returns
from .records import (
    APPLIED,
    REJECTED,
    SKIPPED,
    STATUSES,
    UNCHANGED,
    ImportReport,
    LineResult,
    OrderLine,
    ReturnLine,
)


def import_orders(
    store: Store,
    path: str | os.PathLike[str],
    *,
    dry_run: bool = False,
    channel: str = "",
    location: str | None = None,
    clock: Callable[[], datetime] | None = None,
) -> ImportReport:
    """Ship the orders of a Shopify export or a generic CSV; `dry_run` records nothing."""
    fmt, lines = read_orders(path)
    results = apply_orders(
        store, lines, dry_run=dry_run, channel=channel, location=location, clock=clock
    )
    return ImportReport("orders", str(path), fmt, dry_run, tuple(results))


def import_returns(
    store: Store,
    path: str | os.PathLike[str],
    *,
    verdict: VerdictFn,
    dry_run: bool = False,
    location: str | None = None,
    clock: Callable[[], datetime] | None = None,
) -> ImportReport:
    """Take the returns of a returns list, each with the desk's verdict; `dry_run` records nothing."""
    lines = read_returns(path)
    results = apply_returns(
        store, lines, verdict=verdict, dry_run=dry_run, location=location, clock=clock
    )
    return ImportReport("returns", str(path), "returns", dry_run, tuple(results))


__all__ = [
    "APPLIED",
    "REJECTED",
    "SKIPPED",
    "STATUSES",
    "UNCHANGED",
    "ImportReport",
    "LineResult",
    "OrderLine",
    "ReturnLine",
    "import_orders",
    "import_returns",
    "read_orders",
    "read_returns",
]
