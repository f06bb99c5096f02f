"""Transfer: a unit or a lot quantity moved from one warehouse to another, departing then arriving.

A transfer is one operation with two ledger events — `departing` at the warehouse it leaves and
`arriving` at the one it reaches (CBV business steps) — so a trace reads across every warehouse
the stock passed through, and stock by warehouse follows. A unit keeps its status (stock stays
stock, a quarantined unit stays quarantined); units that have left us (shipped, destroyed) cannot
be transferred. A lot held as a quantity moves its sellable (in-stock) quantity only: the
departing event's move takes it out of the origin (`to_status` None), the arriving event's puts
it into the target (`from_status` None), so replaying the ledger gives each warehouse's quantity.
Quarantined or returned quantities stay where they are held.
"""

from __future__ import annotations

from .. import ledger
from ..errors import (
    BadIdentifierError,
    NotAllowedError,
    NotEnoughStockError,
    RefusedError,
    UnknownIdError,
)
from ..labels import check_identifier
from ..model import DESTROYED, IN_STOCK, SHIPPED, Lot, QtyMove, Unit
from ..scan import Scan, parse_scan
from ..store import StoreTransaction
from .common import Ops, bump, flat, matching_units, one_unit, positive, split_lot_ref, text

GONE = (SHIPPED, DESTROYED)


def transfer(
    t: Ops,
    identifier: str,
    to: str,
    *,
    qty: int | None = None,
    origin: str | None = None,
    reason: str | None = None,
) -> tuple[str, str]:
    """Move the unit `identifier`, or `qty` of the lot `SKU:LOT`, to warehouse `to`; (from, to).

    `origin` is the warehouse it must leave: a unit elsewhere is refused; a lot in stock at
    several warehouses needs it.
    """
    target = text(to, "--to")
    if not target:
        raise RefusedError("a transfer needs the warehouse it goes to (--to)")
    check_identifier(target, "warehouse")
    if origin is not None:
        check_identifier(origin, "warehouse")
    why = text(reason, "--reason")
    scan = parse_scan(identifier)
    now = t.clock()
    with t.store.transaction("transfer") as tx:
        units = matching_units(tx, scan) if scan.identifier else []
        if units:
            unit = one_unit(units, scan.identifier or identifier)
            if qty is not None:
                raise RefusedError(
                    f"{unit.id} is one unit ({unit.method}): it moves whole, drop --qty"
                )
            start, ids, moves = _unit(tx, unit, origin, target), [unit.key], ([], [])
            sku, status = unit.sku, unit.status
        else:
            lot = _lot(tx, scan, identifier)
            start, moves = _lot_moves(tx, lot, qty, origin, target)
            ids, sku, status = [], lot.sku, IN_STOCK
        op_id = ledger.new_op_id()
        for step, where, moved in (("departing", start, moves[0]), ("arriving", target, moves[1])):
            tx.add_event(
                ledger.make_event(
                    op_id,
                    "transfer",
                    now,
                    biz_step=step,
                    status=status,
                    ids=ids,
                    moves=moved,
                    sku=sku,
                    location=where,
                    reason=why or f"transfer {start} -> {target}",
                )
            )
    return start, target


def _unit(tx: StoreTransaction, unit: Unit, origin: str | None, target: str) -> str:
    if unit.status in GONE:
        raise NotAllowedError(f"unit {unit.id} is {unit.status}; it cannot be transferred")
    if origin is not None and unit.location != origin:
        raise NotAllowedError(f"unit {unit.id} is at {unit.location}, not at {origin}")
    if unit.location == target:
        raise NotAllowedError(f"unit {unit.id} is already at {target}")
    tx.put_unit(unit._replace(location=target))
    return unit.location


def _lot(tx: StoreTransaction, scan: Scan, identifier: str) -> Lot:
    """The lot a `SKU:LOT` (or a GS1 barcode with GTIN and lot) names."""
    if scan.gs1:
        sku = tx.sku_for_gtin(scan.gtin or "") if scan.lot and not scan.identifier else None
        ref = (sku, scan.lot) if sku and scan.lot else None
    else:
        ref = split_lot_ref(scan.raw)
    if ref is None:
        if scan.identifier:
            raise UnknownIdError(f"unit {scan.identifier} is not in the store")
        raise BadIdentifierError(
            f"{identifier!r} names no unit and no lot",
            hint="give a serial or LPN, or a lot as SKU:LOT with --qty",
        )
    lot = tx.lot(*ref)
    if lot is None:
        raise UnknownIdError(f"lot {ref[1]} of SKU {ref[0]} is not in the store")
    if lot.method != "batch":
        raise NotAllowedError(
            f"lot {lot.lot} of SKU {lot.sku} holds {lot.method} units: transfer each by its "
            "serial/LPN"
        )
    return lot


def _lot_moves(
    tx: StoreTransaction, lot: Lot, qty: int | None, origin: str | None, target: str
) -> tuple[str, tuple[list[QtyMove], list[QtyMove]]]:
    """Take `qty` of the lot's stock out of its warehouse into `target`; (origin, moves)."""
    name = f"lot {lot.lot} of SKU {lot.sku}"
    held = {loc: n for loc, st, n in lot.quantities if st == IN_STOCK}
    if origin is None:
        if not held:
            raise NotEnoughStockError(f"{name} has no stock in any warehouse to transfer")
        if len(held) > 1:
            where = ", ".join(f"{loc} ({n})" for loc, n in sorted(held.items()))
            raise RefusedError(
                f"{name} is in stock at {where}: say which warehouse it leaves with --from"
            )
        origin = next(iter(held))
    have = held.get(origin, 0)
    if qty is None:
        raise RefusedError(
            f"a transfer of a lot quantity needs --qty ({origin} holds {have} of {name})"
        )
    qty = positive(qty, "quantity")
    if origin == target:
        raise NotAllowedError(f"{name} would go from {origin} to {origin}: nothing to move")
    if have < qty:
        other = sum(n for loc, st, n in lot.quantities if loc == origin and st != IN_STOCK)
        held_back = (
            f"; {other} more there are held (quarantined, returned or recalled) and stay"
            if other
            else ""
        )
        raise NotEnoughStockError(
            f"{name}: {qty} to transfer, but {origin} holds only {have} in stock{held_back}"
        )
    quantities = lot.qty_map()
    bump(quantities, origin, IN_STOCK, -qty)
    bump(quantities, target, IN_STOCK, qty)
    tx.put_lot(lot._replace(quantities=flat(quantities)))
    out = QtyMove(lot.sku, lot.lot, origin, qty, IN_STOCK, None)
    into = QtyMove(lot.sku, lot.lot, target, qty, None, IN_STOCK)
    return origin, ([out], [into])
