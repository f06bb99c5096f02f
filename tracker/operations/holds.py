"""Quarantine, release and scrap: moving a unit, a lot quantity or a suspect between hold states.

A suspect (an item handed in that we never received) can be scrapped; releasing one into stock
needs a supervisor override, a SKU with a policy, and an identifier no genuine unit carries.
"""

from __future__ import annotations

from .. import ledger
from ..errors import BadIdentifierError, NotAllowedError, RefusedError, UnknownIdError
from ..model import (
    DESTROYED,
    IN_STOCK,
    INSPECTING,
    QUARANTINED,
    RECALLED,
    RETURNED,
    Lot,
    QtyMove,
    Suspect,
    Unit,
)
from ..scan import parse_scan
from ..store import StoreTransaction
from ..vocabulary import SUSPECT_FLAGS
from .common import Ops, bump, flat, matching_units, one_unit, positive, split_lot_ref, text

HOLDS = {
    "quarantine": ((IN_STOCK, INSPECTING, RETURNED), QUARANTINED, "holding"),
    "release": ((QUARANTINED, INSPECTING), IN_STOCK, "stocking"),
    "scrap": ((RECALLED, QUARANTINED, INSPECTING), DESTROYED, "destroying"),
}


def hold(
    t: Ops,
    op: str,
    identifier: str,
    reason: str,
    qty: int | None = None,
    location: str | None = None,
    override: bool = False,
) -> tuple[str, int]:
    """Move a unit, lot quantity or suspect by `op` (quarantine, release, scrap); (status, count)."""
    reason = text(reason, "--reason")
    if not reason:
        raise RefusedError(f"{op} needs a reason (--reason)")
    sources, target, step = HOLDS[op]
    scan = parse_scan(identifier)
    now = t.clock()
    with t.store.transaction(op) as tx:
        units = matching_units(tx, scan) if scan.identifier else []
        if units:
            unit = one_unit(units, scan.identifier or "")
            ids, moves, sku, count, where = _unit(tx, op, unit, sources, target, override)
        else:
            lot_ref = None if scan.gs1 else split_lot_ref(scan.raw)
            if scan.gs1 and scan.lot and not scan.identifier:
                sku_ = tx.sku_for_gtin(scan.gtin or "")
                lot_ref = (sku_, scan.lot) if sku_ else None
            lot = tx.lot(*lot_ref) if lot_ref else None
            if lot is None:
                key = scan.raw
                if scan.gs1 and scan.identifier:
                    key = f"(01){(scan.gtin or '').zfill(14)}(21){scan.identifier}"
                    key = key if scan.gtin else scan.identifier
                suspect = tx.suspect(key)
                if suspect is not None:
                    return _suspect(tx, op, suspect, reason, override, now)
                if lot_ref:
                    raise UnknownIdError(
                        f"lot {lot_ref[1]} of SKU {lot_ref[0]} is not in the store"
                    )
                if scan.identifier:
                    raise UnknownIdError(f"unit {scan.identifier} is not in the store")
                raise BadIdentifierError(f"{identifier!r} names no unit and no SKU:LOT")
            if lot.method != "batch":
                raise NotAllowedError(
                    f"lot {lot.lot} holds {lot.method} units: {op} them by serial/LPN"
                )
            if op == "release" and lot.recalled:
                raise NotAllowedError(f"lot {lot.lot} is recalled; it cannot be released")
            if qty is None:
                raise RefusedError(f"{op} of a lot quantity needs --qty")
            count = positive(qty, "quantity")
            moves, lot = take(lot, sources, target, count, location, f"{op} lot {lot.lot}")
            tx.put_lot(lot)
            ids, sku, where = [], lot.sku, moves[0].location
        tx.add_event(
            ledger.make_event(
                ledger.new_op_id(),
                op,
                now,
                action="DELETE" if target == DESTROYED else "OBSERVE",
                biz_step=step,
                status=target,
                ids=ids,
                moves=moves,
                sku=sku,
                location=where,
                reason=reason + (" (supervisor override)" if override else ""),
                persistent_set=["non_sellable_other"] if target == QUARANTINED else [],
                persistent_unset=["non_sellable_other"] if target == IN_STOCK else [],
            )
        )
    return target, count


def _unit(
    tx: StoreTransaction,
    op: str,
    unit: Unit,
    sources: tuple[str, ...],
    target: str,
    override: bool,
) -> tuple[list[str], list[QtyMove], str, int, str]:
    if unit.status not in sources:
        raise NotAllowedError(
            f"unit {unit.id} is {unit.status}; {op} applies to {', '.join(sources)} units"
        )
    if op == "release":
        if unit.lot:
            lot = tx.lot(unit.sku, unit.lot)
            if lot and lot.recalled:
                raise NotAllowedError(
                    f"unit {unit.id} belongs to recalled lot {unit.lot}; it cannot be released"
                )
        suspect = [f for f in unit.flags if f in SUSPECT_FLAGS]
        if suspect and not override:
            raise NotAllowedError(
                f"unit {unit.id} is flagged {', '.join(suspect)}; "
                "releasing it needs a supervisor override (--override)",
            )
    tx.put_unit(unit._replace(status=target))
    return [unit.key], [], unit.sku, 1, unit.location


def _suspect(
    tx: StoreTransaction, op: str, suspect: Suspect, reason: str, override: bool, now
) -> tuple[str, int]:
    if suspect.status == DESTROYED:
        raise NotAllowedError(f"suspect {suspect.id} was already destroyed")
    if op == "quarantine":
        raise NotAllowedError(f"suspect {suspect.id} is already kept apart ({suspect.status})")
    if op == "release":
        if not override:
            raise NotAllowedError(
                f"{suspect.id} was handed in as a return but never received here "
                f"({', '.join(suspect.flags)}); releasing it needs a supervisor override "
                "(--override)"
            )
        policy = tx.policy(suspect.sku)
        if suspect.kind != "unit" or policy is None or policy.method == "batch":
            raise NotAllowedError(
                f"suspect {suspect.id} cannot join stock: its SKU ({suspect.sku}) has no "
                "serial or LPN policy",
                hint="receive it as new stock if it is genuine",
            )
        unit = Unit(
            suspect.id,
            suspect.sku,
            policy.method,
            IN_STOCK,
            suspect.location,
            flags=suspect.flags,
            gtin=suspect.gtin,
            returns=suspect.returns,
        )
        if tx.unit(unit.key) is not None:
            raise NotAllowedError(
                f"a genuine unit {suspect.id} is in the store; the suspect cannot join stock "
                "under the same identifier"
            )
        tx.put_unit(unit)
        tx.put_suspect(suspect._replace(status=IN_STOCK, released_as=unit.key))
        ids, target, step = [unit.key], IN_STOCK, "stocking"
    else:
        tx.put_suspect(suspect._replace(status=DESTROYED))
        ids, target, step = [], DESTROYED, "destroying"
    tx.add_event(
        ledger.make_event(
            ledger.new_op_id(),
            op,
            now,
            action="DELETE" if target == DESTROYED else "ADD",
            biz_step=step,
            status=target,
            ids=ids,
            sku=suspect.sku,
            location=suspect.location,
            reason=reason + (" (supervisor override)" if override else ""),
            suspect=suspect.key,
            persistent_unset=["non_sellable_other"] if target == IN_STOCK else [],
        )
    )
    return target, suspect.qty


def take(
    lot: Lot,
    sources: tuple[str, ...],
    target: str,
    qty: int,
    location: str | None,
    what: str,
) -> tuple[list[QtyMove], Lot]:
    """Move `qty` of a lot from the `sources` statuses (in that order) to `target`."""
    from ..errors import NotEnoughStockError

    pools = [
        (loc, st, n)
        for st in sources
        for loc, s, n in lot.quantities
        if s == st and n > 0 and location in (None, loc)
    ]
    have = sum(n for _, _, n in pools)
    if have < qty:
        raise NotEnoughStockError(
            f"{what}: {qty} wanted, only {have} {'/'.join(sources)}"
            + (f" at {location}" if location else "")
        )
    quantities = lot.qty_map()
    moves = []
    for loc, st, n in pools:
        if qty == 0:
            break
        n_take = min(n, qty)
        bump(quantities, loc, st, -n_take)
        bump(quantities, loc, target, n_take)
        moves.append(QtyMove(lot.sku, lot.lot, loc, n_take, st, target))
        qty -= n_take
    flat_q = flat(quantities)
    return moves, lot._replace(quantities=flat_q)
