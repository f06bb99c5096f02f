"""`store copy`: one brand's store moved between TinyDB and PostgreSQL, counts checked after.

The copy reads the source as of one committed operation and writes into a target that holds
nothing yet: every record as it stands, every event in the order recorded with the operation
number it had, and the store-wide sequences (LPNs, generated serials), so the copy numbers its
next LPN where the source would have. Afterwards it reads the target back: the counts of every
table must match and the ledger must be the same events in the same order, or the copy is
reported as failed (the target is then to be thrown away, never used).
"""

from __future__ import annotations

from itertools import groupby, zip_longest
from typing import NamedTuple

from ..errors import StoreError
from ..model import Event, Lot, Order, PolicySnapshot, Suspect, Unit
from .base import Store

RECORDS = (
    ("policies", PolicySnapshot, "put_policy"),
    ("lots", Lot, "put_lot"),
    ("units", Unit, "put_unit"),
    ("orders", Order, "put_order"),
    ("suspects", Suspect, "put_suspect"),
)


class Copied(NamedTuple):
    """What a copy moved: the counts both stores now agree on, and the last operation number."""

    counts: dict[str, int]
    seq: int


def _empty(store: Store) -> bool:
    with store.reader() as r:
        return r.seq == 0 and not any(r.counts().values())


def copy_store(source: Store, target: Store) -> Copied:
    """Copy everything `source` holds into the empty `target`; StoreError if the check fails."""
    if not _empty(target):
        raise StoreError(
            f"{target.location} already holds a store; `store copy` writes into an empty one only",
            hint="give a new file, or an empty database (or schema) as the destination",
        )
    with source.reader() as r:
        records = [
            (put, cls.from_doc(doc)) for table, cls, put in RECORDS for doc in r._table(table)
        ]
        settings = [(d["key"], d["value"]) for d in r._table("settings")]
        events = list(r.events())
        numbers = r.numbers()
        seq = r.seq
        counts = r.counts()
    if hasattr(target, "data"):
        _into_tinydb(target, records, settings, events, numbers, seq)
    else:
        from .pg_load import load

        with target.transaction("copy") as tx:
            load(tx.cur, records, settings, events, seq, numbers)  # type: ignore[attr-defined]
    _check(source, target, counts, seq)
    return Copied(counts, seq)


def _put_all(tx, records: list, settings: list) -> None:
    for put, record in records:
        getattr(tx, put)(record)
    for key, value in settings:
        tx.put_setting(key, value)


def _into_tinydb(target, records, settings, events, numbers, seq) -> None:
    """One TinyDB operation per source operation, so every event keeps its operation number.

    The records go in with the first; an operation that recorded no event is stood in for by
    re-writing one record unchanged (the op log still counts it)."""
    by_seq = {s: list(group) for s, group in groupby(events, key=lambda e: e.seq)}
    for n in range(1, seq + 1):
        with target.transaction("copy") as tx:
            if n == 1:
                _put_all(tx, records, settings)
            elif n not in by_seq:
                if records:
                    put, record = records[0]
                    getattr(tx, put)(record)
                else:
                    tx.put_setting(*settings[0])
            for event in by_seq.get(n, ()):
                tx.add_event(event)
            if n == seq:
                tx.numbers.update(numbers)


def _check(source: Store, target: Store, counts: dict[str, int], seq: int) -> None:
    with target.reader() as t, source.reader() as s:
        got = t.counts()
        if got != counts or t.seq != seq:
            raise StoreError(
                f"the copy in {target.location} does not match its source: {got} after "
                f"{t.seq} operations, expected {counts} after {seq}",
                hint="do not use the copy; delete it and copy again",
            )
        for n, (a, b) in enumerate(zip_longest(s.events(), t.events()), 1):
            if _doc(a) != _doc(b):
                raise StoreError(
                    f"the copy in {target.location} differs from its source at event {n}",
                    hint="do not use the copy; delete it and copy again",
                )


def _doc(event: Event | None) -> dict | None:
    return None if event is None else event.to_doc()
