"""Months of tracker history written as records and events directly: 1,000,000-unit stores in minutes.

Running a million receipts, shipments and returns through the operations takes hours on TinyDB
(`bench_tracker.build`); a benchmark of the stores needs only what those operations leave
behind. `history(units)` produces exactly that — the units, lots, orders and policies as they
stand, and every ledger event in the order recorded, each with its own operation number — built
with the tracker's own records and `tracker.ledger.make_event`, so every event is a valid CBV
event of the shape the operations write. The mix follows `bench_tracker.build`: seven in ten
units serial, two LPN (labels minted by the store's sequence), one a lot quantity; 85% shipped on
their own order, one in ten of those returned for fit and restocked by the verdict the real
returns rulebook gives; stock spread over two warehouses, a few units transferred between them.

`load_postgres` writes it with COPY (`tracker.store.pg_load`, what `store copy` uses) in one
transaction; `load_tinydb` in bulk commits of many operations each (a TinyDB event keeps the
number of the commit it was written in, so there the operation numbers are coarser).
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any, NamedTuple

from tracker import ledger
from tracker.labels import make_lpn
from tracker.model import (
    IN_STOCK,
    RETURNED,
    SHIPPED,
    Event,
    Lot,
    Order,
    OrderItem,
    PolicySnapshot,
    QtyMove,
    ReturnFacts,
    Unit,
    Verdict,
)

SERIAL_SKUS = [f"PHONE-{i}" for i in range(12)]
LPN_SKUS = [f"DRESS-{i}" for i in range(6)]
BATCH_SKUS = [f"TEA-{i}" for i in range(4)]
WAREHOUSES = ("WH1", "WH2")
SAMPLES = 3_000
START = datetime(2026, 5, 1, 8, 0, tzinfo=UTC)


class History(NamedTuple):
    """A store's whole content: records (as `store copy` hands them on), events, sequences."""

    records: list[tuple[str, Any]]
    settings: list[tuple[str, Any]]
    events: list[Event]
    seq: int
    numbers: dict[str, int]
    in_stock: list[tuple[str, str]]
    shipped: list[tuple[str, str]]
    orders: int


def policies() -> list[PolicySnapshot]:
    found = [PolicySnapshot(s, "serial", rule="bench") for s in SERIAL_SKUS]
    found += [PolicySnapshot(s, "lpn", rule="bench") for s in LPN_SKUS]
    found += [PolicySnapshot(s, "batch", ("lot", "expiry"), rule="bench") for s in BATCH_SKUS]
    return found


def restock_verdict() -> Verdict:
    """What the bundled returns rulebook decides for a genuine first return for fit."""
    from advisor.advice.returns import memoised_verdicts

    facts = ReturnFacts(
        id_known=True,
        ever_shipped=True,
        shipped_on_this_order=True,
        already_returned_on_this_order=False,
        lot_recalled=False,
        lot_expired=False,
        return_requires_qc=False,
        return_count=1,
        reason="fit",
        method="serial",
    )
    return memoised_verdicts()(facts.as_dict())


class _Ledger:
    """Events numbered as they would be committed: one operation number per `op()`."""

    def __init__(self) -> None:
        self.events: list[Event] = []
        self.seq = 1  # operation 1 set the policies (no event)
        self.clock = START

    def op(self, *events: Event) -> None:
        self.seq += 1
        self.events += [e._replace(seq=self.seq) for e in events]

    def tick(self) -> datetime:
        self.clock += timedelta(seconds=13)
        return self.clock


def _received(when: datetime, sku: str, where: str, step: str, **what: Any) -> Event:
    """The event of a receipt as `receive` records it (units by `ids`, a lot by `moves`)."""
    return ledger.make_event(
        ledger.new_op_id(), "receive", when, action="ADD", biz_step=step, status=IN_STOCK,
        sku=sku, location=where, **what,
    )  # fmt: skip


def _shipped(order: str, when: datetime, *, ids=(), moves=()) -> Event:
    """The event of a shipment as `ship` records it (no location given: wherever it was)."""
    return ledger.make_event(
        ledger.new_op_id(), "ship", when, biz_step="shipping", status=SHIPPED, ids=ids,
        moves=moves, order=order,
    )  # fmt: skip


def history(units: int, seed: int = 1, verdict: Verdict | None = None) -> History:
    """The history of `units` units (see the module docstring)."""
    rng = random.Random(seed)
    verdict = verdict or restock_verdict()
    book = _Ledger()
    out_units: list[Unit] = []
    lots: dict[tuple[str, str], Lot] = {}
    orders: list[Order] = []
    in_stock: list[tuple[str, str]] = []
    shipped: list[tuple[str, str]] = []
    plan = ["serial"] * 7 + ["lpn"] * 2 + ["batch"]
    serial = lpn = order_no = 0
    make = ledger.make_event
    for done in range(units):
        kind = rng.choice(plan)
        wh = WAREHOUSES[rng.random() < 0.3]
        now = book.tick()
        if kind == "batch":
            sku = rng.choice(BATCH_SKUS)
            lot_no = f"L{done // 5000}"
            key = (sku, lot_no)
            lot = lots.get(key) or Lot(
                sku,
                lot_no,
                "batch",
                expiry=datetime(2099, 12, 31).date(),
                received_at=now.isoformat(timespec="seconds"),
            )
            order_no += 1
            oid = f"SO-{order_no}"
            q = {(loc, st): n for loc, st, n in lot.quantities}
            q[(wh, SHIPPED)] = q.get((wh, SHIPPED), 0) + 1
            lots[key] = lot._replace(
                received=lot.received + 1,
                shipped_total=lot.shipped_total + 1,
                quantities=tuple(sorted((loc, st, n) for (loc, st), n in q.items())),
            )
            ilmd = {"lot": lot_no, "mfg": "", "expiry": "2099-12-31"}
            moved = [QtyMove(sku, lot_no, wh, 1, None, IN_STOCK)]
            book.op(_received(now, sku, wh, "receiving", moves=moved, ilmd=ilmd))
            when = book.tick()
            book.op(_shipped(oid, when, moves=[QtyMove(sku, lot_no, wh, 1, IN_STOCK, SHIPPED)]))
            item = OrderItem(sku, 1, wh, None, lot_no)
            orders.append(Order(oid, when.isoformat(timespec="seconds"), ((sku, 1),), (item,)))
            continue
        if kind == "serial":
            serial += 1
            sku, ident, step = rng.choice(SERIAL_SKUS), f"IMEI{serial:09d}", "receiving"
        else:
            lpn += 1
            sku, ident, step = rng.choice(LPN_SKUS), make_lpn(lpn), "commissioning"
        unit = Unit(ident, sku, kind, IN_STOCK, wh)
        book.op(_received(now, sku, wh, step, ids=[ident]))
        if rng.random() < 0.02:  # moved to the other warehouse once
            there = WAREHOUSES[wh == WAREHOUSES[0]]
            op, when = ledger.new_op_id(), book.tick()
            book.op(
                *(
                    make(
                        op,
                        "transfer",
                        when,
                        biz_step=s,
                        status=IN_STOCK,
                        ids=[ident],
                        sku=sku,
                        location=w,
                        reason=f"transfer {wh} -> {there}",
                    )
                    for s, w in (("departing", wh), ("arriving", there))
                )
            )
            unit = unit._replace(location=there)
        if rng.random() >= 0.85:
            out_units.append(unit)
            in_stock.append((sku, ident))
            continue
        order_no += 1
        oid = f"SO-{order_no}"
        when = book.tick()
        book.op(_shipped(oid, when, ids=[ident]))
        item = OrderItem(sku, 1, unit.location, ident, None)
        order = Order(oid, when.isoformat(timespec="seconds"), ((sku, 1),), (item,))
        unit = unit._replace(status=SHIPPED, order=oid, orders=(oid,))
        if rng.random() < 0.1:
            op, when = ledger.new_op_id(), book.tick()
            book.op(
                make(
                    op,
                    "return",
                    when,
                    biz_step="receiving",
                    status=RETURNED,
                    ids=[ident],
                    order=oid,
                    reason="fit",
                    location=unit.location,
                    sku=sku,
                ),
                make(
                    op,
                    "return-verdict",
                    when,
                    biz_step="stocking",
                    status=IN_STOCK,
                    ids=[ident],
                    order=oid,
                    reason=verdict.reason,
                    rule=verdict.rule,
                    rulebook_version=verdict.rulebook_version,
                    location=unit.location,
                    sku=sku,
                ),
            )
            unit = unit._replace(status=IN_STOCK, returns=1, returned_on=(oid,))
            order = order._replace(returned=(item,))
            in_stock.append((sku, ident))
        else:
            shipped.append((oid, ident))
        out_units.append(unit)
        orders.append(order)
    records: list[tuple[str, Any]] = [("put_policy", p) for p in policies()]
    records += [("put_lot", x) for x in lots.values()]
    records += [("put_unit", u) for u in out_units]
    records += [("put_order", o) for o in orders]
    return History(
        records,
        [],
        book.events,
        book.seq,
        {"lpn": lpn} if lpn else {},
        rng.sample(in_stock, min(len(in_stock), SAMPLES)),
        rng.sample(shipped, min(len(shipped), SAMPLES)),
        order_no,
    )


def load_postgres(url: str, h: History) -> None:
    """Write the history into the empty PostgreSQL store at `url`, with COPY, in one transaction."""
    from tracker.store import open_store
    from tracker.store.pg_load import load

    store = open_store(url)
    try:
        with store.transaction("bench history") as tx:
            load(tx.cur, h.records, h.settings, h.events, h.seq, h.numbers)  # type: ignore[attr-defined]
    finally:
        store.close()


def load_tinydb(path, h: History, per_commit: int = 0) -> None:
    """Write the history into a new TinyDB store: records, then events, many per commit (each
    commit touches every partition, so fewer, larger commits build a big store faster)."""
    from tracker.store import open_store

    per_commit = per_commit or max(40_000, len(h.events) // 8)

    store = open_store(path)
    try:
        for start in range(0, len(h.records), per_commit):
            with store.transaction("bench history") as tx:
                for put, record in h.records[start : start + per_commit]:
                    getattr(tx, put)(record)
        for start in range(0, len(h.events), per_commit):
            with store.transaction("bench history") as tx:
                for event in h.events[start : start + per_commit]:
                    tx.add_event(event)
                if start + per_commit >= len(h.events):
                    tx.numbers.update(h.numbers)
        store.compact()
    finally:
        store.close()


def info(h: History) -> dict[str, object]:
    """What the measurements need to know of the history (samples of units to ship and trace)."""
    return {"in_stock": h.in_stock, "shipped": h.shipped, "orders": h.orders}
