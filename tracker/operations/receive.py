"""Receiving stock: serials given, scanned or minted, LPN labels, or a lot quantity, per the policy."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from .. import ledger
from ..errors import BadIdentifierError, DuplicateIdError, NotAllowedError, RefusedError
from ..labels import check_identifier, make_lpn, make_serial
from ..model import IN_STOCK, Lot, PolicySnapshot, QtyMove, ReceiveResult, Unit
from ..scan import Scan, parse_scan
from ..store import StoreTransaction
from .common import MAX_UNITS, Ops, as_date, flat, gtin14, positive, require_policy


def receive(
    t: Ops,
    sku: str,
    *,
    serials: Sequence[str] = (),
    scans: Sequence[str] = (),
    generate: int = 0,
    lot: str | None = None,
    qty: int | None = None,
    mfg: date | str | None = None,
    expiry: date | str | None = None,
    location: str = "WH1",
) -> ReceiveResult:
    """Put stock into a location: serials given/scanned/generated, LPN labels, or a lot quantity."""
    check_identifier(sku, "SKU")
    check_identifier(location, "location")
    mfg, expiry = as_date(mfg, "manufacture date"), as_date(expiry, "expiry date")
    if isinstance(generate, bool) or not isinstance(generate, int) or generate < 0:
        raise RefusedError(f"--generate must be a whole number, not negative, got {generate!r}")
    count = len(serials) + len(scans) + generate
    if count > MAX_UNITS:
        raise RefusedError(
            f"{count:,} units in one receipt is more than {MAX_UNITS:,}; split the receipt"
        )
    parsed = [parse_scan(s) for s in scans]
    now = t.clock()
    with t.store.transaction("receive") as tx:
        policy = require_policy(tx, sku)
        ids: list[str] = [check_identifier(s, "serial") for s in serials]
        scanned_gtin = ""
        for scan in parsed:
            lot, expiry, mfg = _merge_scan(policy, scan, lot, expiry, mfg)
            if scan.identifier:
                ids.append(scan.identifier)
            if scan.gtin:
                scanned_gtin = gtin14(scan.gtin)
        if lot is not None:
            check_identifier(lot, "lot")
        if mfg and expiry and expiry < mfg:
            raise RefusedError(f"expiry {expiry} is before the manufacture date {mfg}")
        if expiry and expiry < now.date():
            raise RefusedError(f"lot {lot or ''} expired on {expiry}; expired stock is refused")
        needs_lot = "lot" in policy.capture or "expiry" in policy.capture
        if policy.method == "batch" or needs_lot or lot is not None:
            if lot is None:
                raise RefusedError(
                    f"SKU {sku} is tracked by {policy.method} with lot capture: give --lot"
                )
            if "expiry" in policy.capture and expiry is None:
                raise RefusedError(f"SKU {sku} captures expiry dates: give --expiry YYYY-MM-DD")
            if "mfg_date" in policy.capture and mfg is None:
                raise RefusedError(f"SKU {sku} captures manufacture dates: give --mfg YYYY-MM-DD")
        if policy.method == "batch":
            if ids or generate:
                raise RefusedError(
                    f"SKU {sku} is tracked by batch: give --lot and --qty, not serials"
                )
            assert lot is not None
            return _receive_lot(tx, policy, lot, qty, mfg, expiry, location, now)
        if qty is not None:
            if policy.method == "lpn" and not generate:
                generate = positive(qty, "quantity", MAX_UNITS)
            else:
                raise RefusedError(
                    f"SKU {sku} is tracked by {policy.method}: "
                    "give serials or --generate N, not --qty"
                )
        if policy.method == "lpn" and ids:
            raise RefusedError(
                f"SKU {sku} is tracked by LPN: labels are generated (--generate N), "
                "not given as serials"
            )
        gtin = gtin14(policy.gtin) or scanned_gtin
        return _receive_units(tx, policy, ids, generate, gtin, lot, mfg, expiry, location, now)


def _merge_scan(
    policy: PolicySnapshot, scan: Scan, lot: str | None, expiry: date | None, mfg: date | None
) -> tuple[str | None, date | None, date | None]:
    if not scan.gs1:
        return lot, expiry, mfg
    if scan.gtin and policy.gtin and gtin14(scan.gtin) != gtin14(policy.gtin):
        raise BadIdentifierError(
            f"scanned GTIN {scan.gtin} is not the GTIN of SKU {policy.sku} ({policy.gtin})"
        )
    for mine, theirs, what in ((lot, scan.lot, "lot"), (expiry, scan.expiry, "expiry")):
        if mine is not None and theirs is not None and mine != theirs:
            raise RefusedError(f"scans disagree on the {what}: {mine} and {theirs}")
    return lot or scan.lot, expiry or scan.expiry, mfg or scan.mfg


def lot_for_receipt(
    tx: StoreTransaction,
    policy: PolicySnapshot,
    lot: str,
    mfg: date | None,
    expiry: date | None,
    now: datetime,
) -> Lot:
    """The lot record a receipt adds to: new, or an existing one whose dates agree."""
    found = tx.lot(policy.sku, lot)
    if found is None:
        return Lot(
            policy.sku,
            lot,
            policy.method,
            mfg=mfg,
            expiry=expiry,
            received_at=now.isoformat(timespec="seconds"),
        )
    if found.recalled:
        raise NotAllowedError(f"lot {lot} of SKU {policy.sku} is recalled; it cannot be received")
    for field, given, have in (("expiry", expiry, found.expiry), ("mfg", mfg, found.mfg)):
        if given and have and have != given:
            raise RefusedError(
                f"lot {lot} of SKU {policy.sku} was received before with {field} {have}, "
                f"not {given}"
            )
    return found._replace(mfg=found.mfg or mfg, expiry=found.expiry or expiry)


def _receive_lot(
    tx: StoreTransaction,
    policy: PolicySnapshot,
    lot: str,
    qty: int | None,
    mfg: date | None,
    expiry: date | None,
    location: str,
    now: datetime,
) -> ReceiveResult:
    if qty is None:
        raise RefusedError(f"SKU {policy.sku} is tracked by batch: give --qty")
    qty = positive(qty, "quantity")
    doc = lot_for_receipt(tx, policy, lot, mfg, expiry, now)
    quantities = doc.qty_map()
    by_status = quantities.setdefault(location, {})
    by_status[IN_STOCK] = by_status.get(IN_STOCK, 0) + qty
    tx.put_lot(doc._replace(received=doc.received + qty, quantities=flat(quantities)))
    tx.add_event(
        ledger.make_event(
            ledger.new_op_id(),
            "receive",
            now,
            action="ADD",
            biz_step="receiving",
            status=IN_STOCK,
            moves=[QtyMove(policy.sku, lot, location, qty, None, IN_STOCK)],
            sku=policy.sku,
            location=location,
            ilmd={
                "lot": lot,
                "mfg": doc.mfg.isoformat() if doc.mfg else "",
                "expiry": doc.expiry.isoformat() if doc.expiry else "",
            },
        )
    )
    return ReceiveResult(policy.sku, "batch", location, lot=lot, qty=qty)


def _receive_units(
    tx: StoreTransaction,
    policy: PolicySnapshot,
    ids: list[str],
    generate: int,
    gtin: str,
    lot: str | None,
    mfg: date | None,
    expiry: date | None,
    location: str,
    now: datetime,
) -> ReceiveResult:
    seen: set[str] = set()
    twice = [i for i in ids if i in seen or seen.add(i)]  # type: ignore[func-returns-value]
    if twice:
        raise DuplicateIdError(
            f"{len(twice)} identifier(s) appear twice in this receipt, e.g. {twice[0]}; "
            "nothing was received",
            hint="a duplicate scan is not counted twice: remove it and receive again",
        )
    present = tx.known_units(_key(gtin, i) for i in ids)
    known = [i for i in ids if _key(gtin, i) in present]
    if known:
        unit = tx.unit(_key(gtin, known[0]))
        assert unit is not None
        raise DuplicateIdError(
            f"{len(known)} serial(s) are already in the store, e.g. {known[0]} "
            f"(SKU {unit.sku}, {unit.status}); nothing was received"
        )
    minted: list[str] = []
    while len(minted) < generate:
        batch = []
        for _ in range(generate - len(minted)):
            if policy.method == "lpn":
                batch.append(make_lpn(tx.next_number("lpn")))
            else:
                batch.append(make_serial(policy.sku, tx.next_number("serial")))
        taken = tx.known_units(_key(gtin, label) for label in batch)
        minted += [x for x in batch if x not in seen and _key(gtin, x) not in taken]
    ids = ids + minted
    if not ids:
        raise RefusedError(
            f"nothing to receive for SKU {policy.sku}: give serials, scans or --generate N"
        )
    if lot is not None:
        lot_doc = lot_for_receipt(tx, policy, lot, mfg, expiry, now)
        tx.put_lot(lot_doc._replace(received=lot_doc.received + len(ids)))
    keys = []
    for ident in ids:
        unit = Unit(ident, policy.sku, policy.method, IN_STOCK, location, lot=lot, gtin=gtin)
        tx.put_unit(unit)
        keys.append(unit.key)
    tx.add_event(
        ledger.make_event(
            ledger.new_op_id(),
            "receive",
            now,
            action="ADD",
            biz_step="commissioning" if minted and len(minted) == len(ids) else "receiving",
            status=IN_STOCK,
            ids=keys,
            sku=policy.sku,
            location=location,
            ilmd={
                "lot": lot or "",
                "mfg": mfg.isoformat() if mfg else "",
                "expiry": expiry.isoformat() if expiry else "",
            },
        )
    )
    return ReceiveResult(policy.sku, policy.method, location, ids=tuple(ids), lot=lot)


def _key(gtin: str, serial: str) -> str:
    return f"(01){gtin}(21){serial}" if gtin else serial
