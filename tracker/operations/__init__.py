"""The tracker's operations, one module per verb, behind one small facade: `Tracker`.

Each operation runs in one store transaction: it reads what it needs, checks every guard of the
unit state machine (inventory-tracking.md §7(b)), and only then stages records and events, so a
refused operation writes nothing. Read-only questions (trace, stats) live in `trace`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, date, datetime
from os import PathLike

from ..model import PolicySnapshot, RecallReport, ReceiveResult, ReturnResult, ShipResult
from ..store import Store
from .common import VerdictFn, as_date, normalise_reason, split_lot_ref


class Tracker:
    """Operations over one store. `verdict` decides returns; `clock` gives the current time."""

    def __init__(
        self,
        store: Store,
        *,
        verdict: VerdictFn | None = None,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self.store = store
        self.verdict = verdict
        self._clock = clock or (lambda: datetime.now(UTC))

    def clock(self) -> datetime:
        return self._clock()

    # -- policies ---------------------------------------------------------------------------------

    def set_policies(self, policies: Iterable[PolicySnapshot]) -> int:
        """Store policy snapshots; refuse a method change for a SKU that already has stock."""
        from .policies import set_policies

        return set_policies(self, policies)

    def policy(self, sku: str) -> PolicySnapshot | None:
        with self.store.reader() as r:
            return r.policy(sku)

    def policies(self) -> list[PolicySnapshot]:
        with self.store.reader() as r:
            return sorted(r.policies(), key=lambda p: p.sku)

    # -- stock ------------------------------------------------------------------------------------

    def receive(
        self,
        sku: str,
        *,
        serials: Sequence[str] = (),
        scans: Sequence[str] = (),
        generate: int = 0,
        lot: str | None = None,
        qty: int | None = None,
        mfg: date | str | None = None,
        expiry: date | str | None = None,
        location: str = "WH1",
    ) -> ReceiveResult:
        """Put stock into a location: serials given/scanned/generated, LPN labels, or a lot."""
        from .receive import receive

        return receive(
            self,
            sku,
            serials=serials,
            scans=scans,
            generate=generate,
            lot=lot,
            qty=qty,
            mfg=mfg,
            expiry=expiry,
            location=location,
        )

    def ship(
        self,
        order_id: str,
        *,
        lines: Sequence[tuple[str, int]] = (),
        scans: Sequence[str] = (),
        location: str | None = None,
        channel: str = "",
        source: str | None = None,
    ) -> ShipResult:
        """Ship an order: scanned units must be sellable; batch lines are picked FEFO.

        `channel` (where it was sold) is kept on the order; `source` is an import line's key.
        """
        from .ship import ship

        return ship(
            self,
            order_id,
            lines=lines,
            scans=scans,
            location=location,
            channel=channel,
            source=source,
        )

    def process_return(
        self,
        order_id: str,
        identifier: str,
        *,
        reason: str | None = "other",
        qty: int = 1,
        location: str | None = None,
        source: str | None = None,
    ) -> ReturnResult:
        """Check a returned item against its order and apply the returns rulebook's verdict.

        `source` is an import line's key: a line already applied is refused (AlreadyAppliedError).
        """
        from .returns import process_return

        return process_return(
            self, order_id, identifier, reason=reason, qty=qty, location=location, source=source
        )

    def quarantine(
        self, identifier: str, reason: str, *, qty: int | None = None, location: str | None = None
    ) -> tuple[str, int]:
        """Take a unit (or a lot quantity) out of sellable stock."""
        from .holds import hold

        return hold(self, "quarantine", identifier, reason, qty, location)

    def release(
        self,
        identifier: str,
        reason: str,
        *,
        qty: int | None = None,
        location: str | None = None,
        override: bool = False,
    ) -> tuple[str, int]:
        """Put a quarantined or inspected unit (or lot quantity) back into sellable stock."""
        from .holds import hold

        return hold(self, "release", identifier, reason, qty, location, override)

    def scrap(
        self, identifier: str, reason: str, *, qty: int | None = None, location: str | None = None
    ) -> tuple[str, int]:
        """Destroy a quarantined, recalled or inspected unit (or lot quantity); it is terminal."""
        from .holds import hold

        return hold(self, "scrap", identifier, reason, qty, location)

    def transfer(
        self,
        identifier: str,
        to: str,
        *,
        qty: int | None = None,
        origin: str | None = None,
        reason: str | None = None,
    ) -> tuple[str, str]:
        """Move a unit, or `qty` of a lot (SKU:LOT), to another warehouse (two events:
        departing, arriving); (from, to). `origin`: the warehouse it must leave."""
        from .transfer import transfer

        return transfer(self, identifier, to, qty=qty, origin=origin, reason=reason)

    def recall(
        self,
        sku: str,
        *,
        lot: str | None = None,
        date_from: date | str | None = None,
        date_to: date | str | None = None,
        reason: str = "recall",
        report: str | PathLike[str] | None = None,
    ) -> RecallReport:
        """Recall a lot (or a SKU's lots made in a date range); write `report` if given."""
        from .recall import recall

        return recall(
            self, sku, lot=lot, date_from=date_from, date_to=date_to, reason=reason, report=report
        )


__all__ = ["Tracker", "VerdictFn", "as_date", "normalise_reason", "split_lot_ref"]
