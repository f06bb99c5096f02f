"""Recalls: pull every unit and quantity of a lot from stock and list every order to contact.

The report file is checked and then created, empty, before anything is recorded (it must be new,
end in .csv or .json, and sit in a folder it can be written in), so a recall is never recorded
without its report; it never replaces a file — the store's least of all. Recalling a lot that is
already recalled records nothing and writes its report again.
"""

from __future__ import annotations

import os
from datetime import date, datetime
from pathlib import Path

from .. import ledger
from ..errors import InputError, RefusedError, UnknownIdError
from ..model import (
    DESTROYED,
    IN_STOCK,
    INSPECTING,
    QUARANTINED,
    RECALLED,
    RETURNED,
    SHIPPED,
    Lot,
    QtyMove,
    RecallReport,
    RecallRow,
)
from ..store import StoreTransaction
from .common import Ops, as_date, bump, flat, text

PULL = (IN_STOCK, QUARANTINED, INSPECTING, RETURNED)


def check_report_path(path: str | os.PathLike[str] | None) -> Path | None:
    """Refuse, before anything is recorded, a report path that cannot be written as a new file."""
    if path is None:
        return None
    report = Path(path)
    if report.suffix.lower() not in (".csv", ".json"):
        raise InputError(f"recall report {report}: the file name must end in .csv or .json")
    if report.is_dir():
        raise InputError(f"recall report {report} is a folder; give a file name in it")
    if os.path.lexists(report):
        raise InputError(
            f"recall report {report} already exists; it is never overwritten",
            hint="give a new file name (the recall was not recorded)",
        )
    if not report.resolve().parent.is_dir():
        raise InputError(f"recall report {report}: the folder {report.parent} does not exist")
    return report


def recall(
    t: Ops,
    sku: str,
    *,
    lot: str | None = None,
    date_from: date | str | None = None,
    date_to: date | str | None = None,
    reason: str = "recall",
    report: str | os.PathLike[str] | None = None,
) -> RecallReport:
    """Recall one lot, or every lot of a SKU made (or received) within a date range.

    With `report`, the report's file is created before the recall is recorded (and removed if
    the recall is refused), so a recall never happens without its report.
    """
    date_from = as_date(date_from, "--from")
    date_to = as_date(date_to, "--to")
    reason = text(reason, "--reason") or "recall"
    path = check_report_path(report)
    now = t.clock()
    reserved = None
    if path is not None:
        from ..reports import ReservedReport

        reserved = ReservedReport(path)
    try:
        result = _record(t, sku, lot, date_from, date_to, reason, now)
    except BaseException:
        if reserved is not None:
            reserved.discard()
        raise
    if reserved is not None:
        reserved.write(result)
    return result


def _record(
    t: Ops,
    sku: str,
    lot: str | None,
    date_from: date | None,
    date_to: date | None,
    reason: str,
    now: datetime,
) -> RecallReport:
    """Pull the lot(s) from stock in one transaction; the report of what was done."""
    with t.store.transaction("recall") as tx:
        if lot is not None:
            found = tx.lot(sku, lot)
            if found is None:
                raise UnknownIdError(f"lot {lot} of SKU {sku} is not in the store")
            lots = [found]
        else:
            if date_from is None or date_to is None:
                raise RefusedError("recall needs --lot SKU:LOT, or --sku with --from and --to")
            lots = [x for x in tx.lots_of_sku(sku) if _in_range(x, date_from, date_to)]
            if not lots:
                raise UnknownIdError(f"SKU {sku} has no lot made between {date_from} and {date_to}")
        rows: list[RecallRow] = []
        op = ledger.new_op_id()
        for found in lots:
            rows += _recall_lot(tx, found, op, now, reason)
    contact = sorted({r.order for r in rows if r.order})
    return RecallReport(tuple((x.sku, x.lot) for x in lots), tuple(rows), tuple(contact))


def _recall_lot(
    tx: StoreTransaction, lot: Lot, op: str, now: datetime, reason: str
) -> list[RecallRow]:
    sku, lot_no = lot.sku, lot.lot
    rows: list[RecallRow] = []
    ids: list[str] = []
    for unit in tx.units_of_lot(sku, lot_no):
        before = unit.status
        after = before
        if before in PULL:
            after = RECALLED
            tx.put_unit(unit._replace(status=RECALLED))
            ids.append(unit.key)
            action = "pulled from stock"
        elif before == SHIPPED:
            action = "contact customer"
        else:
            action = f"already {before.lower()}"
        order = unit.order if before == SHIPPED else None
        rows.append(RecallRow(sku, lot_no, 1, before, after, unit.location, unit.id, order, action))
    quantities = lot.qty_map()
    moves = []
    for loc, st, n in lot.quantities:
        if st in PULL:
            moves.append((loc, st, n))
            rows.append(
                RecallRow(sku, lot_no, n, st, RECALLED, loc, None, None, "pulled from stock")
            )
        elif st in (RECALLED, DESTROYED):
            rows.append(RecallRow(sku, lot_no, n, st, st, loc, None, None, f"already {st.lower()}"))
    for loc, st, n in moves:
        bump(quantities, loc, st, -n)
        bump(quantities, loc, RECALLED, n)
    if lot.method == "batch":
        rows += _shipped_lot_rows(tx, sku, lot_no)
    if ids or moves or not lot.recalled:
        tx.put_lot(lot._replace(recalled=True, quantities=flat(quantities)))
        tx.add_event(
            ledger.make_event(
                op,
                "recall",
                now,
                biz_step="holding",
                status=RECALLED,
                ids=ids,
                moves=[QtyMove(sku, lot_no, loc, n, st, RECALLED) for loc, st, n in moves],
                sku=sku,
                reason=reason,
                persistent_set=["recalled"],
                ilmd={"lot": lot_no},
            )
        )
    return rows


def _shipped_lot_rows(tx: StoreTransaction, sku: str, lot_no: str) -> list[RecallRow]:
    rows = []
    for oid in tx.orders_of_lot(sku, lot_no):
        order = tx.order(oid)
        if order is None:
            continue
        out = sum(i.qty for i in order.items if i.sku == sku and i.lot == lot_no)
        back = sum(i.qty for i in order.returned if i.sku == sku and i.lot == lot_no)
        locs = [i.location for i in order.items if i.lot == lot_no] or [""]
        if out - back > 0:
            rows.append(
                RecallRow(
                    sku,
                    lot_no,
                    out - back,
                    SHIPPED,
                    SHIPPED,
                    locs[0],
                    None,
                    oid,
                    "contact customer",
                )
            )
    return rows


def _in_range(lot: Lot, start: date, end: date) -> bool:
    when = lot.mfg or (date.fromisoformat(lot.received_at[:10]) if lot.received_at else None)
    return bool(when) and start <= when <= end  # type: ignore[operator]
