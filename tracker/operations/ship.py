"""Shipping an order: scanned units must be sellable and ours (GTIN included); lots go out FEFO."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from .. import ledger
from ..errors import (
    BadIdentifierError,
    DuplicateIdError,
    NotAllowedError,
    NotEnoughStockError,
    RefusedError,
    UnknownIdError,
)
from ..labels import check_identifier
from ..model import IN_STOCK, SHIPPED, Lot, Order, OrderItem, QtyMove, ShipResult, Unit
from ..scan import Scan, parse_scan
from ..store import StoreTransaction
from .common import (
    MAX_LINES,
    MAX_SCANS,
    Ops,
    bump,
    flat,
    matching_units,
    one_unit,
    positive,
    refuse_if_applied,
    require_policy,
    text,
)


def ship(
    t: Ops,
    order_id: str,
    *,
    lines: Sequence[tuple[str, int]] = (),
    scans: Sequence[str] = (),
    location: str | None = None,
    channel: str = "",
    source: str | None = None,
) -> ShipResult:
    """Ship an order: scanned units must be sellable; batch lines are picked FEFO.

    `channel` is kept on the order; `source` (an import line's key) on its event, and an order
    already shipped under that key is refused with AlreadyAppliedError.
    """
    check_identifier(order_id, "order")
    if location is not None:
        check_identifier(location, "location")
    channel = text(channel, "channel")
    if len(lines) > MAX_LINES or len(scans) > MAX_SCANS:
        raise RefusedError(
            f"an order may have at most {MAX_LINES:,} lines and {MAX_SCANS:,} scans; "
            f"got {len(lines):,} and {len(scans):,}"
        )
    wanted: dict[str, int] = {}
    for sku, qty in lines:
        check_identifier(sku, "SKU")
        wanted[sku] = positive(
            wanted.get(sku, 0) + positive(qty, f"quantity for SKU {sku}"), f"quantity for SKU {sku}"
        )
    parsed = [parse_scan(s) for s in scans]
    if not wanted and not parsed:
        raise RefusedError(f"order {order_id} has no lines: give --line SKU:QTY or --scan ID")
    now = t.clock()
    today = now.date()
    with t.store.transaction("ship") as tx:
        existing = tx.order(order_id)
        if existing:
            refuse_if_applied(tx, order_id, source)
            raise DuplicateIdError(
                f"order {order_id} was already shipped on {existing.shipped_at[:10]}",
                hint="a second shipment of the same order is refused; use a new order id",
            )
        items: list[OrderItem] = []
        units: list[Unit] = []
        lots: dict[tuple[str, str], Lot] = {}
        moves: list[QtyMove] = []
        scanned: dict[str, int] = {}
        for scan in parsed:
            if scan.identifier:
                unit = _sellable_unit(tx, scan, set(wanted), location, today)
                if any(u.key == unit.key for u in units):
                    raise DuplicateIdError(f"unit {unit.id} is scanned twice on this order")
                units.append(unit)
                scanned[unit.sku] = scanned.get(unit.sku, 0) + 1
                items.append(OrderItem(unit.sku, 1, unit.location, unit.id, unit.lot, unit.gtin))
            elif scan.lot and scan.gtin:
                sku = tx.sku_for_gtin(scan.gtin)
                if sku is None:
                    raise UnknownIdError(f"GTIN {scan.gtin} is not linked to any SKU's policy")
                require_policy(tx, sku, "ship")
                items += pick(tx, sku, 1, location, today, lots, moves, only=scan.lot)
                scanned[sku] = scanned.get(sku, 0) + 1
            else:
                raise BadIdentifierError(f"barcode {scan.raw!r} has no serial and no lot")
        for sku, qty in wanted.items():
            policy = require_policy(tx, sku, "ship")
            if policy.method != "batch":
                if scanned.get(sku, 0) != qty:
                    raise RefusedError(
                        f"SKU {sku} is tracked by {policy.method}: scan the {qty} unit(s) "
                        f"shipped (--scan ID), {scanned.get(sku, 0)} scanned"
                    )
                continue
            need = qty - scanned.get(sku, 0)
            if need > 0:
                items += pick(tx, sku, need, location, today, lots, moves)
        for unit in units:
            tx.put_unit(
                unit._replace(status=SHIPPED, order=order_id, orders=(*unit.orders, order_id))
            )
        for lot in lots.values():
            tx.put_lot(lot)
        lines_out = tuple(sorted({**scanned, **wanted}.items()))
        shipped_at = now.isoformat(timespec="seconds")
        tx.put_order(Order(order_id, shipped_at, lines_out, tuple(items), channel=channel))
        tx.add_event(
            ledger.make_event(
                ledger.new_op_id(),
                "ship",
                now,
                biz_step="shipping",
                status=SHIPPED,
                ids=[u.key for u in units],
                moves=moves,
                location=location,
                order=order_id,
                source=source,
            )
        )
    return ShipResult(order_id, tuple(items))


def _sellable_unit(
    tx: StoreTransaction, scan: Scan, skus: set[str], location: str | None, today: date
) -> Unit:
    ident = scan.identifier or ""
    found = matching_units(tx, scan)
    if not found:
        others = tx.units_by_serial(ident) if scan.gs1 else []
        if others:
            raise NotAllowedError(
                f"unit {ident} with GTIN {scan.gtin} is not in the store: that serial is ours "
                f"only under GTIN {', '.join(u.gtin or '(none)' for u in others)}",
                hint="in GS1 a serial is unique only within its GTIN: this is another product",
            )
        raise UnknownIdError(f"unit {ident} is not in the store")
    unit = one_unit(found, ident, prefer=lambda u: u.status == IN_STOCK and u.sku in skus)
    if unit.status != IN_STOCK:
        raise NotAllowedError(f"unit {ident} is {unit.status}, not in stock; it cannot ship")
    if location and unit.location != location:
        raise NotAllowedError(f"unit {ident} is at {unit.location}, not at {location}")
    if unit.lot:
        lot = tx.lot(unit.sku, unit.lot)
        if lot and lot.recalled:
            raise NotAllowedError(f"unit {ident} belongs to recalled lot {lot.lot}")
        if lot and lot.expired(today):
            raise NotAllowedError(f"unit {ident} belongs to lot {lot.lot}, expired {lot.expiry}")
    return unit


def pick(
    tx: StoreTransaction,
    sku: str,
    qty: int,
    location: str | None,
    today: date,
    lots: dict[tuple[str, str], Lot],
    moves: list[QtyMove],
    only: str | None = None,
) -> list[OrderItem]:
    """First-expiry-first-out over sellable lots (not expired, not recalled)."""
    candidates = []
    for found in tx.lots_of_sku(sku):
        lot = lots.get((sku, found.lot), found)
        if only is not None and lot.lot != only:
            continue
        if lot.recalled or lot.expired(today):
            continue
        for loc, st, n in lot.quantities:
            if st == IN_STOCK and n > 0 and location in (None, loc):
                key = (lot.expiry or date.max, lot.mfg or date.max, lot.lot, loc)
                candidates.append((key, lot.lot, loc, n))
    candidates.sort()
    available = sum(n for *_, n in candidates)
    if available < qty:
        where = f" at {location}" if location else ""
        which = f" in lot {only}" if only else ""
        raise NotEnoughStockError(
            f"SKU {sku}: {qty} wanted{which}{where}, only {available} sellable "
            "(expired, recalled and quarantined stock is never shipped)"
        )
    items: list[OrderItem] = []
    for _key, lot_no, loc, n in candidates:
        if qty == 0:
            break
        take = min(qty, n)
        lot = lots.get((sku, lot_no)) or next(x for x in tx.lots_of_sku(sku) if x.lot == lot_no)
        quantities = lot.qty_map()
        bump(quantities, loc, IN_STOCK, -take)
        bump(quantities, loc, SHIPPED, take)
        lots[(sku, lot_no)] = lot._replace(
            quantities=flat(quantities),
            shipped_total=lot.shipped_total + take,
        )
        moves.append(QtyMove(sku, lot_no, loc, take, IN_STOCK, SHIPPED))
        items.append(OrderItem(sku, take, loc, None, lot_no))
        qty -= take
    return items
