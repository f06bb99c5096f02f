"""Read-only questions: a unit's, lot's or order's history, and the stock figures of `stats`.

Each question reads only what it needs through the store's reader (a unit's trace reads one
partition and its events; `stats` reads the running figures, never every unit), so it costs the
same in a store of a thousand units as in one of a million, and never waits for a writer.
"""

from __future__ import annotations

from ..errors import UnknownIdError
from ..model import Event, SkuReturns, Stats, Trace
from ..scan import parse_scan
from ..store import Store
from ..vocabulary import SUSPECT_FLAGS
from .common import gtin14, matching_units, split_lot_ref, unit_gtin


def trace_unit(store: Store, identifier: str) -> Trace:
    """Every event of one serial or LPN (or suspect return), oldest first, and where it is now."""
    scan = parse_scan(identifier)
    ident = scan.identifier or identifier
    with store.reader() as r:
        units = matching_units(r, scan) if scan.identifier else []
        key = f"(01){gtin14(scan.gtin)}(21){ident}" if scan.gs1 and scan.gtin else ident
        suspects = [s for s in r.suspects_by_id(ident) if not scan.gtin or s.key == key]
        if not units and not suspects:
            ref = None if scan.gs1 else split_lot_ref(identifier)
            if ref:
                return trace_lot(store, *ref)
            raise UnknownIdError(f"unit {ident} is not in the store")
        events: dict[str, Event] = {}
        for u in units:
            events.update((e.event_id, e) for e in r.events_of_unit(u.key))
        for s in suspects:
            events.update((e.event_id, e) for e in r.events_of_suspect(s.key))
        ordered = sorted(events.values(), key=lambda e: (e.seq, e.time))
        return Trace("unit", ident, tuple(ordered), units=tuple(units), suspects=tuple(suspects))


def trace_lot(store: Store, sku: str, lot: str) -> Trace:
    """Every event touching a lot or its units, and where each of its units is now."""
    with store.reader() as r:
        found = r.lot(sku, lot)
        if found is None:
            raise UnknownIdError(f"lot {lot} of SKU {sku} is not in the store")
        units = tuple(r.units_of_lot(sku, lot))
        events = {e.event_id: e for e in r.events_of_lot(sku, lot)}
        for u in units:
            events.update((e.event_id, e) for e in r.events_of_unit(u.key))
        ordered = sorted(events.values(), key=lambda e: (e.seq, e.time))
        return Trace("lot", f"{sku}:{lot}", tuple(ordered), units=units, lot=found)


def trace_order(store: Store, order_id: str) -> Trace:
    """What went out on an order, what came back, and every event recorded against it."""
    with store.reader() as r:
        order = r.order(order_id)
        if order is None:
            raise UnknownIdError(f"order {order_id} is not known")
        units = {}
        for item in order.items + order.returned:
            if item.id:
                key = f"(01){item.gtin}(21){item.id}" if item.gtin else item.id
                unit = r.unit(key)
                if unit:
                    units[unit.key] = unit
        return Trace(
            "order",
            order_id,
            tuple(r.events_of_order(order_id)),
            units=tuple(units.values()),
            order=order,
        )


def event_qty(trace: Trace, event: Event) -> int:
    """The quantity an event moved of what is traced (a unit's trace shows none of a lot's)."""
    if trace.kind == "unit":
        return 0
    if trace.kind == "lot":
        sku, _, lot = trace.key.partition(":")
        return sum(m.qty for m in event.moves if (m.sku, m.lot) == (sku, lot))
    return sum(m.qty for m in event.moves)


def stats(store: Store, warehouse: str | None = None) -> Stats:
    """Stock by SKU, location and status; return rates; repeat returners; suspects.

    With `warehouse`, the stock, repeat returners and suspects are that warehouse's (where
    each is now); return rates per SKU stay the whole store's, as an order does not say which
    warehouse it came back to.
    """
    with store.reader() as r:
        stock = tuple(r.stock())
        returns = tuple(SkuReturns(s, shipped, back) for s, shipped, back in r.return_figures())
        watched = r.watched_units()
        repeat = sorted((u for u in watched if u.returns >= 2), key=lambda u: (-u.returns, u.id))
        flagged = [u for u in watched if any(f in SUSPECT_FLAGS for f in u.flags)]
        suspects = sorted([*flagged, *r.all_suspects()], key=lambda u: (u.id, u.sku))
        counts = r.counts()
    if warehouse is not None:
        stock = tuple(row for row in stock if row[1] == warehouse)
        repeat = [u for u in repeat if u.location == warehouse]
        suspects = [u for u in suspects if u.location == warehouse]
    return Stats(stock, returns, tuple(repeat), tuple(suspects), counts, warehouse)


__all__ = ["event_qty", "stats", "trace_lot", "trace_order", "trace_unit", "unit_gtin"]
