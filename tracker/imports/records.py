"""The typed lines an import reads and the per-line results it hands back.

A file line becomes an `OrderLine` or a `ReturnLine` (with `problem` set when the line cannot be
read: a quantity that is not a number, a missing order number), and every line ends as one
`LineResult`: applied, rejected, unchanged (imported before) or skipped (nothing to do), with
its line number, so the report accounts for every line of the file.
"""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from ..model import ReturnResult

#: What became of a line. `unchanged`: applied by an earlier import (its key is in the ledger).
APPLIED = "applied"
REJECTED = "rejected"
UNCHANGED = "unchanged"
SKIPPED = "skipped"
STATUSES = (APPLIED, REJECTED, UNCHANGED, SKIPPED)


class OrderLine(NamedTuple):
    """One line item of a shipped order, as read from a shop export or a generic CSV."""

    line: int
    order: str
    sku: str
    qty: int
    when: datetime | None = None
    scans: tuple[str, ...] = ()
    channel: str = ""
    location: str | None = None
    #: Why the line cannot be used as written (its order is then not shipped).
    problem: str = ""
    #: Why there is nothing to ship (a gift card, a line not fulfilled, a cancelled order).
    skip: str = ""


class ReturnLine(NamedTuple):
    """One returned item: the order it came back on and what was handed in (serial, LPN, SKU)."""

    line: int
    order: str
    identifier: str
    reason: str = "other"
    qty: int = 1
    when: datetime | None = None
    location: str | None = None
    problem: str = ""


class LineResult(NamedTuple):
    """What became of one line: `status` (see STATUSES) and, in words, what or why."""

    line: int
    order: str
    item: str
    qty: int
    status: str
    detail: str
    #: The return taken (verdict, status after), for a face to word as its desk does.
    returned: ReturnResult | None = None


class ImportReport(NamedTuple):
    """Every line of one file, in file order, and whether anything was recorded."""

    kind: str  # "orders" or "returns"
    file: str
    format: str  # "shopify", "generic" or "returns"
    dry_run: bool
    results: tuple[LineResult, ...]

    def count(self, status: str) -> int:
        return sum(1 for r in self.results if r.status == status)

    @property
    def rejected(self) -> tuple[LineResult, ...]:
        return tuple(r for r in self.results if r.status == REJECTED)


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
]
