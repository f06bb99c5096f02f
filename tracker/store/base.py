"""The store interface: what every operation may ask of a store, and nothing about how it is kept.

Operations talk only to these protocols, so a PostgreSQL store (issue #16) can stand in for the
TinyDB one. The contract a store keeps:

- `transaction(op)` is one user operation: everything it stages is committed together, or — if
  the body raises — nothing is. Reads inside see the transaction's own writes. A server store
  runs it as one database transaction and locks the rows it reads for update (`SELECT … FOR
  UPDATE`), so two desks on different units never wait for each other.
- `reader()` is a consistent read-only view as of one committed operation; it never blocks a
  writer (the TinyDB store takes no lock for it; a server store uses a snapshot).
- The ledger is append-only: `add_event` is the only way events enter, and nothing edits them.
- Records cross this boundary as the typed, immutable records of `tracker.model`, never as
  documents.

    with store.transaction("ship") as tx:
        unit = tx.unit("IMEI-1")
        tx.put_unit(unit._replace(status=SHIPPED))
        tx.add_event(event)
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager
from typing import Any, Protocol

from ..model import Event, Lot, Order, PolicySnapshot, Suspect, Unit


class StoreReader(Protocol):
    """Read-only questions every store answers, as of one committed operation."""

    @property
    def seq(self) -> int:
        """How many operations the store had committed when this view was taken."""
        ...

    def unit(self, key: str) -> Unit | None: ...
    def known_units(self, keys: Iterable[str]) -> set[str]:
        """Which of these unit keys exist (cheap for thousands: a receipt's duplicate check)."""
        ...

    def units_by_serial(self, serial: str) -> list[Unit]:
        """Every unit bearing this serial (one per GTIN at most), sorted by key."""
        ...

    def units_of_lot(self, sku: str, lot: str) -> list[Unit]: ...
    def lot(self, sku: str, lot: str) -> Lot | None: ...
    def lots_of_sku(self, sku: str) -> list[Lot]: ...
    def order(self, order_id: str) -> Order | None: ...
    def orders_of_lot(self, sku: str, lot: str) -> list[str]:
        """Ids of every order on which stock of the lot left, sorted."""
        ...

    def policy(self, sku: str) -> PolicySnapshot | None: ...
    def policies(self) -> Iterator[PolicySnapshot]: ...
    def sku_for_gtin(self, gtin: str) -> str | None: ...
    def suspect(self, key: str) -> Suspect | None: ...
    def suspects_by_id(self, ident: str) -> list[Suspect]: ...
    def setting(self, key: str) -> Any: ...

    def events(self, *, newest_first: bool = False) -> Iterator[Event]:
        """Every ledger event in the order recorded (or newest first): a full scan."""
        ...

    def events_of_unit(self, key: str) -> list[Event]: ...
    def events_of_lot(self, sku: str, lot: str) -> list[Event]: ...
    def events_of_order(self, order_id: str) -> list[Event]: ...
    def events_of_suspect(self, key: str) -> list[Event]: ...
    def imported(self, keys: Iterable[str]) -> dict[str, str]:
        """Which of these import keys (`Event.source`) the ledger holds, each with the day of
        its event: one read of the store's index of import keys, however many are asked."""
        ...

    def stock(self) -> list[tuple[str, str, str, int]]:
        """(sku, location, status, qty) for every non-zero quantity, sorted."""
        ...

    def stock_of(self, sku: str) -> list[tuple[str, str, int]]:
        """(location, status, qty) of one SKU's non-zero quantities, sorted."""
        ...

    def return_figures(self) -> list[tuple[str, int, int]]:
        """(sku, shipped, returned) per SKU that ever shipped or took a return, sorted."""
        ...

    def watched_units(self) -> list[Unit]:
        """Units returned twice or more, or flagged as suspects."""
        ...

    def all_suspects(self) -> list[Suspect]: ...
    def counts(self) -> dict[str, int]:
        """How many units, lots, orders, events, policies and suspects the store holds."""
        ...


class StoreTransaction(StoreReader, Protocol):
    """One user operation's view: reads plus staged writes, committed together."""

    def put_unit(self, unit: Unit) -> None: ...
    def put_lot(self, lot: Lot) -> None: ...
    def put_order(self, order: Order) -> None: ...
    def put_policy(self, policy: PolicySnapshot) -> None: ...
    def put_suspect(self, suspect: Suspect) -> None: ...
    def put_setting(self, key: str, value: Any) -> None: ...
    def add_event(self, event: Event) -> None:
        """Append one event to the ledger (it gets the operation's sequence number)."""
        ...

    def next_number(self, name: str) -> int:
        """The next value of a store-wide sequence ("lpn", "serial"), never handed out twice."""
        ...


class Store(Protocol):
    """A brand's tracking store: where it is, read views, and one transaction per operation."""

    location: str
    readonly: bool
    #: Things a person should know although the operation succeeded (e.g. a fold that failed
    #: after the operation was durably recorded). Faces print and clear them.
    warnings: list[str]

    def reader(self) -> AbstractContextManager[StoreReader]: ...
    def transaction(self, op: str) -> AbstractContextManager[StoreTransaction]: ...
    def close(self) -> None: ...


__all__ = ["Store", "StoreReader", "StoreTransaction"]
