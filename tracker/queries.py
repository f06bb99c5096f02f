"""Read-only questions about the store: a unit's, lot's or order's history, and stock statistics.

Lookups go through the store's indexes (identifier, lot, order → events); only `stats` walks every
unit, because it reports on all of them.
"""

from __future__ import annotations

from collections import Counter

from .errors import UnknownIdError
from .model import Event, Lot, Order, SkuReturns, Stats, Trace, Unit
from .operations import split_lot_ref
from .scan import parse_scan
from .store import Store
from .vocabulary import SUSPECT_FLAGS


def _events(store: Store, doc_ids: list[str] | set[str]) -> tuple[Event, ...]:
    return tuple(Event.from_doc(store.doc("events", i)) for i in sorted(set(doc_ids), key=int))


def trace_unit(store: Store, identifier: str) -> Trace:
    """Every event of one serial or LPN, oldest first, with the unit as it is now."""
    scan = parse_scan(identifier)
    ident = scan.identifier or identifier
    with store.transaction() as tx:
        doc = tx.get("units", ident)
        if doc is None:
            ref = split_lot_ref(identifier)
            if ref:
                return trace_lot(store, *ref)
            raise UnknownIdError(f"unit {ident} is not in the store")
        return Trace(
            "unit",
            ident,
            _events(store, store.events_by_id.get(ident, [])),
            units=(Unit.from_doc(doc),),
        )


def trace_lot(store: Store, sku: str, lot: str) -> Trace:
    """Every event touching a lot or its units, and where each of its units is now."""
    with store.transaction() as tx:
        doc = tx.get("lots", (sku, lot))
        if doc is None:
            raise UnknownIdError(f"lot {lot} of SKU {sku} is not in the store")
        units = tuple(Unit.from_doc(u) for u in tx.units_of_lot(sku, lot))
        ids = set(store.events_by_lot.get((sku, lot), []))
        for u in units:
            ids.update(store.events_by_id.get(u.id, []))
        return Trace("lot", f"{sku}:{lot}", _events(store, ids), units=units, lot=Lot.from_doc(doc))


def trace_order(store: Store, order_id: str) -> Trace:
    """What went out on an order, what came back, and every event recorded against it."""
    with store.transaction() as tx:
        doc = tx.get("orders", order_id)
        if doc is None:
            raise UnknownIdError(f"order {order_id} is not known")
        order = Order.from_doc(doc)
        units = tuple(
            Unit.from_doc(u)
            for u in (tx.get("units", i.id) for i in order.items + order.returned if i.id)
            if u
        )
        return Trace(
            "order",
            order_id,
            _events(store, store.events_by_order.get(order_id, [])),
            units=tuple({u.id: u for u in units}.values()),
            order=order,
        )


def stats(store: Store) -> Stats:
    """Stock by SKU, location and status; return rates; repeat returners; suspects."""
    stock: Counter[tuple[str, str, str]] = Counter()
    repeat: list[Unit] = []
    suspects: list[Unit] = []
    with store.transaction():
        for doc in store.docs("units"):
            stock[(doc["sku"], doc["location"], doc["status"])] += 1
            if doc.get("returns", 0) >= 2 and not doc.get("foreign"):
                repeat.append(Unit.from_doc(doc))
            if any(f in SUSPECT_FLAGS for f in doc.get("flags", ())):
                suspects.append(Unit.from_doc(doc))
        for doc in store.docs("lots"):
            for loc, by_status in doc.get("qty", {}).items():
                for status, n in by_status.items():
                    stock[(doc["sku"], loc, status)] += n
        shipped: Counter[str] = Counter()
        returned: Counter[str] = Counter()
        for doc in store.docs("orders"):
            for item in doc["items"]:
                shipped[item["sku"]] += item["qty"]
            for item in doc.get("returned", []):
                returned[item["sku"]] += item["qty"]
    counts = Counter({"units": 0, "lots": 0, "orders": 0, "events": 0})
    for name in counts:
        counts[name] = sum(1 for _ in store.docs(name))
    return Stats(
        stock=tuple((s, loc, st, n) for (s, loc, st), n in sorted(stock.items()) if n),
        returns=tuple(
            SkuReturns(sku, shipped[sku], returned[sku])
            for sku in sorted(set(shipped) | set(returned))
        ),
        repeat_returners=tuple(sorted(repeat, key=lambda u: (-u.returns, u.id))),
        suspects=tuple(sorted(suspects, key=lambda u: u.id)),
        counts=dict(counts),
    )
