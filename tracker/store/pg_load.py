"""Filling an empty PostgreSQL store in one transaction with COPY: what `store copy` writes.

Row by row, a million units and their events would take an hour of round trips; COPY streams
them. The rows are the ones the store's own writes make (`pg_records.unit_columns`, `figures`,
`event_refs`), and every event keeps the operation number it had in the source.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..model import Event, Lot, Order, PolicySnapshot, Suspect, Unit
from .pg_records import dumps, event_refs, figures, gtin14, unit_columns


def _copy(cur, table: str, columns: tuple[str, ...], rows: Iterable[tuple]) -> None:
    with cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def load(
    cur,
    records: list[tuple[str, Any]],
    settings: list[tuple[str, Any]],
    events: list[Event],
    seq: int,
    numbers: dict[str, int],
) -> None:
    """Write records, settings, the ledger (with its index), the sequences and the operation
    count into an empty store, inside the caller's transaction."""
    by_kind: dict[type, list] = {}
    for _put, record in records:
        by_kind.setdefault(type(record), []).append(record)
    unit_cols = ("key", "id", "sku", "lot", "location", "status", "watched", "doc")
    _copy(
        cur,
        "units",
        unit_cols,
        ((u.key, *unit_columns(u).values()) for u in by_kind.get(Unit, ())),
    )
    lots: list[Lot] = by_kind.get(Lot, [])
    _copy(cur, "lots", ("sku", "lot", "doc"), ((x.sku, x.lot, dumps(x.to_doc())) for x in lots))
    orders: list[Order] = by_kind.get(Order, [])
    _copy(cur, "orders", ("order_id", "doc"), ((o.order_id, dumps(o.to_doc())) for o in orders))
    _copy(
        cur,
        "order_figures",
        ("order_id", "sku", "shipped", "returned"),
        (row for o in orders for row in figures(o)),
    )
    policies: list[PolicySnapshot] = by_kind.get(PolicySnapshot, [])
    _copy(
        cur,
        "policies",
        ("sku", "gtin", "doc"),
        ((p.sku, gtin14(p.gtin), dumps(p.to_doc())) for p in policies),
    )
    suspects: list[Suspect] = by_kind.get(Suspect, [])
    _copy(
        cur, "suspects", ("key", "id", "doc"), ((s.key, s.id, dumps(s.to_doc())) for s in suspects)
    )
    _copy(cur, "settings", ("key", "value"), ((k, dumps(v)) for k, v in settings))
    known = {
        "u": {u.key for u in by_kind.get(Unit, ())},
        "o": {o.order_id for o in orders},
        "s": {s.key for s in suspects},
    }
    placed: list[tuple[Event, int]] = []
    pos: dict[int, int] = {}
    for event in events:
        pos[event.seq] = pos.get(event.seq, -1) + 1
        placed.append((event, pos[event.seq]))
    _copy(
        cur,
        "events",
        ("seq", "pos", "doc"),
        ((e.seq, p, dumps(e.to_doc())) for e, p in placed),
    )
    _copy(
        cur,
        "event_refs",
        ("kind", "key", "seq", "pos"),
        (
            ref
            for e, p in placed
            for ref in event_refs(e, e.seq, p)
            if ref[0] in ("l", "i") or ref[1] in known[ref[0]]
        ),
    )
    _copy(cur, "numbers", ("name", "value"), sorted(numbers.items()))
    cur.execute("UPDATE meta SET seq = %s", (seq,))
