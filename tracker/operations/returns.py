"""The returns desk: check a returned item against its order and apply the rulebook's verdict.

An item we never received (an unknown serial, our serial under another GTIN, an unknown SKU:LOT)
becomes a `Suspect` record, kept apart from stock: it never changes a genuine unit or lot, so a
later genuine receipt, return, hold or recall of that identifier is unaffected.
"""

from __future__ import annotations

from datetime import datetime

from .. import ledger
from ..errors import (
    BadIdentifierError,
    NotAllowedError,
    RefusedError,
    UnknownIdError,
    VerdictUnavailableError,
)
from ..labels import check_identifier
from ..model import (
    DESTROYED,
    IN_STOCK,
    INSPECTING,
    QUARANTINED,
    RECALLED,
    RETURNED,
    SHIPPED,
    VERDICT_STATUS,
    VERDICTS,
    Order,
    OrderItem,
    QtyMove,
    ReturnFacts,
    ReturnResult,
    Suspect,
    Verdict,
)
from ..scan import parse_scan
from ..store import StoreTransaction
from .common import (
    Ops,
    bump,
    flat,
    gtin14,
    matching_units,
    normalise_reason,
    one_unit,
    positive,
    refuse_if_applied,
    split_lot_ref,
)


def process_return(
    t: Ops,
    order_id: str,
    identifier: str,
    *,
    reason: str | None = "other",
    qty: int = 1,
    location: str | None = None,
    source: str | None = None,
) -> ReturnResult:
    """Check a returned item against its order and apply the returns rulebook's verdict.

    A `refuse` verdict writes nothing and comes back with `status=None`. `source` (an import
    line's key) goes on the return's events; a key already on the order's events is refused
    with AlreadyAppliedError.
    """
    if t.verdict is None:
        raise VerdictUnavailableError(
            "returns are decided by the returns rulebook, and none is loaded",
            hint="check rules/returns.yaml with `trackright rules check`",
        )
    check_identifier(order_id, "order")
    if location is not None:
        check_identifier(location, "location")
    code = normalise_reason(reason)
    scan = parse_scan(identifier)
    now = t.clock()
    with t.store.transaction("return") as tx:
        order = tx.order(order_id)
        if order is None:
            raise UnknownIdError(
                f"order {order_id} is not known: no shipment was recorded under that number"
            )
        refuse_if_applied(tx, order_id, source)
        lot_ref = None if scan.gs1 else split_lot_ref(scan.raw)
        if scan.identifier and not (lot_ref and not tx.units_by_serial(scan.identifier)):
            return _return_unit(t, tx, order, scan, code, location, now, source)
        if scan.gs1:
            sku = tx.sku_for_gtin(scan.gtin or "")
            if not (scan.lot and sku):
                raise BadIdentifierError(
                    f"barcode {scan.raw!r} has no serial, and no GTIN+lot linked to a SKU"
                )
            lot_ref = (sku, scan.lot)
        assert lot_ref is not None
        qty = positive(qty, "quantity")
        return _return_lot(t, tx, order, lot_ref, qty, code, location, now, source)


def decide(t: Ops, facts: ReturnFacts) -> Verdict:
    assert t.verdict is not None
    verdict = t.verdict(facts.as_dict())
    if verdict.verdict not in VERDICTS:
        raise VerdictUnavailableError(
            f"returns rule {verdict.rule} gave verdict {verdict.verdict!r}; "
            f"expected one of {', '.join(VERDICTS)}"
        )
    return verdict


def _return_unit(
    t: Ops,
    tx: StoreTransaction,
    order: Order,
    scan,
    code: str,
    location: str | None,
    now: datetime,
    source: str | None,
) -> ReturnResult:
    oid = order.order_id
    ident = scan.identifier
    found = matching_units(tx, scan)
    unit = one_unit(found, ident, prefer=lambda u: oid in u.orders) if found else None
    if unit is None:
        return _suspect_unit(t, tx, order, ident, gtin14(scan.gtin), code, location, now, source)
    if unit.status == DESTROYED:
        raise NotAllowedError(
            f"unit {ident} was destroyed on record, yet it was handed in as a return",
            hint="keep it apart and report it: the label may have been copied",
        )
    lot = tx.lot(unit.sku, unit.lot) if unit.lot else None
    policy = tx.policy(unit.sku)
    shipped_here = oid in unit.orders
    facts = ReturnFacts(
        id_known=True,
        ever_shipped=bool(unit.orders),
        shipped_on_this_order=shipped_here,
        already_returned_on_this_order=shipped_here
        and not (unit.status == SHIPPED and unit.order == oid),
        lot_recalled=bool(lot and lot.recalled),
        lot_expired=bool(lot and lot.expired(now.date())),
        return_requires_qc=bool(policy and policy.return_qc),
        return_count=unit.returns + 1,
        reason=code,
        method=unit.method,
    )
    verdict = decide(t, facts)
    if verdict.verdict == "refuse":
        return ReturnResult(oid, ident, unit.sku, facts, verdict, None)
    status = VERDICT_STATUS[verdict.verdict]
    flags = unit.flags
    if verdict.flag and verdict.flag not in flags and verdict.verdict != "restock":
        flags = (*flags, verdict.flag)
    where = location or unit.location
    tx.put_unit(
        unit._replace(
            status=status,
            location=where,
            returns=unit.returns + 1,
            returned_on=(*unit.returned_on, oid),
            flags=flags,
        )
    )
    if shipped_here:
        item = OrderItem(unit.sku, 1, where, unit.id, unit.lot, unit.gtin)
        tx.put_order(order._replace(returned=(*order.returned, item)))
    return_events(
        tx,
        now,
        verdict,
        status,
        ids=[unit.key],
        order=oid,
        reason=code,
        location=where,
        sku=unit.sku,
        source=source,
    )
    return ReturnResult(oid, ident, unit.sku, facts, verdict, status, lot=unit.lot)


def _guess_sku(order: Order) -> str:
    skus = sorted({i.sku for i in order.items})
    return skus[0] if len(skus) == 1 else "UNKNOWN"


def _suspect_unit(
    t: Ops,
    tx: StoreTransaction,
    order: Order,
    ident: str,
    gtin: str,
    code: str,
    location: str | None,
    now: datetime,
    source: str | None,
) -> ReturnResult:
    key = f"(01){gtin}(21){ident}" if gtin else ident
    known = tx.suspect(key)
    held = Suspect(
        key=key,
        id=ident,
        kind="unit",
        sku=known.sku if known else _guess_sku(order),
        status="",
        location=location or (known.location if known else "RETURNS"),
        gtin=gtin,
    )
    return _hold_suspect(
        t,
        tx,
        order,
        held,
        known,
        code,
        now,
        return_count=(known.returns if known else 0) + 1,
        source=source,
    )


def _return_lot(
    t: Ops,
    tx: StoreTransaction,
    order: Order,
    lot_ref: tuple[str, str],
    qty: int,
    code: str,
    location: str | None,
    now: datetime,
    source: str | None,
) -> ReturnResult:
    sku, lot_no = lot_ref
    oid = order.order_id
    lot = tx.lot(sku, lot_no)
    ident = f"{sku}:{lot_no}"
    if lot is None:
        return _suspect_lot(t, tx, order, sku, lot_no, qty, code, location, now, source)
    shipped = [i for i in order.items if i.sku == sku and i.lot == lot_no]
    shipped_qty = sum(i.qty for i in shipped)
    returned_qty = sum(i.qty for i in order.returned if i.sku == sku and i.lot == lot_no)
    remaining = shipped_qty - returned_qty
    if shipped and 0 < remaining < qty:
        raise RefusedError(
            f"order {oid} shipped {shipped_qty} of lot {lot_no} ({returned_qty} already "
            f"returned); {qty} cannot come back"
        )
    policy = tx.policy(sku)
    facts = ReturnFacts(
        id_known=True,
        ever_shipped=bool(lot.shipped_total),
        shipped_on_this_order=bool(shipped),
        already_returned_on_this_order=bool(shipped) and returned_qty + qty > shipped_qty,
        lot_recalled=lot.recalled,
        lot_expired=lot.expired(now.date()),
        return_requires_qc=bool(policy and policy.return_qc),
        return_count=1,
        reason=code,
        method=lot.method,
    )
    verdict = decide(t, facts)
    if verdict.verdict == "refuse":
        return ReturnResult(oid, ident, sku, facts, verdict, None, qty=qty, lot=lot_no)
    status = VERDICT_STATUS[verdict.verdict]
    quantities = lot.qty_map()
    received = lot.received
    if shipped and facts.shipped_on_this_order and not facts.already_returned_on_this_order:
        loc = shipped[0].location
        bump(quantities, loc, SHIPPED, -qty)
        move = QtyMove(sku, lot_no, loc, qty, SHIPPED, status)
    else:
        loc = location or (shipped[0].location if shipped else "RETURNS")
        received += qty  # stock that arrives without having left: counted in
        move = QtyMove(sku, lot_no, loc, qty, None, status)
    bump(quantities, loc, status, qty)
    flat_q = flat(quantities)
    tx.put_lot(lot._replace(quantities=flat_q, received=received))
    if shipped:
        tx.put_order(
            order._replace(returned=(*order.returned, OrderItem(sku, qty, loc, None, lot_no)))
        )
    return_events(
        tx,
        now,
        verdict,
        status,
        ids=[],
        moves=[move],
        order=oid,
        reason=code,
        location=loc,
        sku=sku,
        add=move.from_status is None,
        source=source,
    )
    return ReturnResult(oid, ident, sku, facts, verdict, status, qty=qty, lot=lot_no)


def _suspect_lot(
    t: Ops,
    tx: StoreTransaction,
    order: Order,
    sku: str,
    lot_no: str,
    qty: int,
    code: str,
    location: str | None,
    now: datetime,
    source: str | None,
) -> ReturnResult:
    key = f"{sku}:{lot_no}"
    known = tx.suspect(key)
    held = Suspect(
        key=key,
        id=key,
        kind="lot",
        sku=sku,
        status="",
        location=location or "RETURNS",
        lot=lot_no,
        qty=qty,
    )
    return _hold_suspect(t, tx, order, held, known, code, now, return_count=1, source=source)


def _hold_suspect(
    t: Ops,
    tx: StoreTransaction,
    order: Order,
    held: Suspect,
    known: Suspect | None,
    code: str,
    now: datetime,
    *,
    return_count: int,
    source: str | None = None,
) -> ReturnResult:
    """An item that is not ours handed in on `order`: the rules decide, it is kept apart.

    `held` is the suspect as this return finds it (its status, counts and flags still to come);
    `known` the same item from an earlier return, whose counts and flags carry on.
    """
    facts = ReturnFacts(
        id_known=False,
        ever_shipped=False,
        shipped_on_this_order=False,
        already_returned_on_this_order=False,
        lot_recalled=False,
        lot_expired=False,
        return_requires_qc=False,
        return_count=return_count,
        reason=code,
        method="unknown",
    )
    lot = {"qty": held.qty, "lot": held.lot} if held.kind == "lot" else {}
    verdict = decide(t, facts)
    if verdict.verdict == "refuse":
        return ReturnResult(order.order_id, held.id, held.sku, facts, verdict, None, **lot)
    status = VERDICT_STATUS[verdict.verdict]
    status = QUARANTINED if status == IN_STOCK else status
    flags = known.flags if known else ()
    for flag in ("counterfeit_suspect", verdict.flag):
        if flag and flag not in flags:
            flags = (*flags, flag)
    tx.put_suspect(
        held._replace(
            status=status,
            qty=(known.qty if known and held.kind == "lot" else 0) + held.qty,
            returns=(known.returns if known else 0) + 1,
            returned_on=(*(known.returned_on if known else ()), order.order_id),
            flags=flags,
        )
    )
    return_events(
        tx,
        now,
        verdict,
        status,
        ids=[],
        order=order.order_id,
        reason=code,
        location=held.location,
        sku=held.sku,
        suspect=held.key,
        add=known is None,
        source=source,
    )
    return ReturnResult(
        order.order_id, held.id, held.sku, facts, verdict, status, suspect=True, **lot
    )


def return_events(
    tx: StoreTransaction,
    now: datetime,
    verdict: Verdict,
    status: str,
    *,
    ids: list[str],
    order: str,
    reason: str,
    location: str,
    sku: str,
    moves: list[QtyMove] = (),  # type: ignore[assignment]
    suspect: str | None = None,
    add: bool = False,
    source: str | None = None,
) -> None:
    """The two events of a return: received back (`returned`), then the verdict's step."""
    op = ledger.new_op_id()
    received = [QtyMove(m.sku, m.lot, m.location, m.qty, m.from_status, RETURNED) for m in moves]
    tx.add_event(
        ledger.make_event(
            op,
            "return",
            now,
            action="ADD" if add else "OBSERVE",
            biz_step="receiving",
            status=RETURNED,
            ids=ids,
            moves=received,
            order=order,
            reason=reason,
            location=location,
            sku=sku,
            suspect=suspect,
            source=source,
        )
    )
    step = {IN_STOCK: "stocking", INSPECTING: "inspecting"}.get(status, "holding")
    persistent = {QUARANTINED: ["non_sellable_other"], RECALLED: ["recalled"]}.get(status, [])
    if verdict.flag and status != IN_STOCK:
        persistent = persistent + [verdict.flag]
    decided = [QtyMove(m.sku, m.lot, m.location, m.qty, RETURNED, status) for m in moves]
    tx.add_event(
        ledger.make_event(
            op,
            "return-verdict",
            now,
            biz_step=step,
            status=status,
            ids=ids,
            moves=decided,
            order=order,
            reason=verdict.reason,
            rule=verdict.rule,
            rulebook_version=verdict.rulebook_version,
            location=location,
            sku=sku,
            persistent_set=persistent,
            suspect=suspect,
            source=source,
        )
    )
