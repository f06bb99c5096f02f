"""The tracker's operations: receive, ship, return, quarantine, release, scrap, recall.

Each operation runs in one store transaction: it reads what it needs, checks every guard of the unit
state machine (inventory-tracking.md §7(b)), and only then stages documents and events, so a refused
operation writes nothing. Queries (trace, stats) live in `tracker.queries`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, date, datetime

from . import ledger
from .errors import (
    BadIdentifierError,
    DuplicateIdError,
    InputError,
    NoPolicyError,
    NotAllowedError,
    NotEnoughStockError,
    RefusedError,
    UnknownIdError,
    VerdictUnavailableError,
)
from .labels import check_identifier, make_lpn, make_serial
from .model import (
    CAPTURES,
    DESTROYED,
    IN_STOCK,
    INSPECTING,
    METHODS,
    QUARANTINED,
    RECALLED,
    RETURN_REASONS,
    RETURNED,
    SHIPPED,
    VERDICT_STATUS,
    VERDICTS,
    Lot,
    OrderItem,
    PolicySnapshot,
    QtyMove,
    RecallReport,
    RecallRow,
    ReceiveResult,
    ReturnFacts,
    ReturnResult,
    ShipResult,
    Verdict,
)
from .scan import Scan, parse_scan
from .store import Store, Transaction
from .vocabulary import SUSPECT_FLAGS

VerdictFn = Callable[[dict[str, object]], Verdict]
EVALUATE_HINT = (
    "run `trackright evaluate CATALOG -o decisions.json` and "
    "`trackright track policy import decisions.json`, or set one with "
    "`trackright track policy set SKU --method serial|batch|lpn`"
)


def as_date(value: date | str | None, what: str) -> date | None:
    """A date from a date or an ISO `YYYY-MM-DD` string; InputError otherwise."""
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise InputError(f"{what} {value!r} is not a date: expected YYYY-MM-DD") from None


def normalise_reason(reason: str | None) -> str:
    """Map free-text return reasons onto the rulebook's reason codes (unknown text → `other`)."""
    text = (reason or "other").strip().lower().replace("-", "_").replace(" ", "_")
    return text if text in RETURN_REASONS else "other"


def split_lot_ref(text: str) -> tuple[str, str] | None:
    """`SKU:LOT` → (sku, lot), or None when the text is not written that way."""
    sku, sep, lot = text.partition(":")
    return (sku, lot) if sep and sku and lot else None


def _positive(qty: object, what: str) -> int:
    if isinstance(qty, bool) or not isinstance(qty, int) or qty <= 0:
        raise RefusedError(f"{what} must be a whole number above zero, got {qty!r}")
    return qty


def _bump(doc: dict, location: str, status: str, delta: int) -> None:
    by_status = doc.setdefault("qty", {}).setdefault(location, {})
    by_status[status] = by_status.get(status, 0) + delta
    if by_status[status] == 0:
        del by_status[status]
    if not by_status:
        del doc["qty"][location]


class Tracker:
    """Operations over one store. `verdict` decides returns; `clock` gives the current time."""

    def __init__(
        self,
        store: Store,
        *,
        verdict: VerdictFn | None = None,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self.store = store
        self.verdict = verdict
        self.clock = clock or (lambda: datetime.now(UTC))

    # -- policies --------------------------------------------------------------------------------

    def set_policies(self, policies: Iterable[PolicySnapshot]) -> int:
        """Store policy snapshots; refuse a method change for a SKU that already has stock."""
        policies = list(policies)
        for p in policies:
            check_identifier(p.sku, "SKU")
            if p.method not in METHODS:
                raise InputError(
                    f"SKU {p.sku}: method must be one of {', '.join(METHODS)}, got {p.method!r}"
                )
            bad = [c for c in p.capture if c not in CAPTURES]
            if bad:
                raise InputError(
                    f"SKU {p.sku}: capture must be words from {', '.join(CAPTURES)}, got {bad[0]!r}"
                )
        with self.store.transaction("policy") as tx:
            for p in policies:
                old = tx.get("policies", p.sku)
                has_stock = self.store.lots_by_sku.get(p.sku) or self.store.units_per_sku.get(p.sku)
                if old and old["method"] != p.method and has_stock:
                    raise NotAllowedError(
                        f"SKU {p.sku} already has stock tracked by {old['method']}; "
                        f"it cannot switch to {p.method} in this store"
                    )
                tx.put("policies", p.to_doc())
        return len(policies)

    def policy(self, sku: str) -> PolicySnapshot | None:
        with self.store.transaction() as tx:
            doc = tx.get("policies", sku)
        return PolicySnapshot.from_doc(doc) if doc else None

    def policies(self) -> list[PolicySnapshot]:
        with self.store.transaction():
            return sorted(
                (PolicySnapshot.from_doc(d) for d in self.store.docs("policies")),
                key=lambda p: p.sku,
            )

    def _policy(self, tx: Transaction, sku: str) -> PolicySnapshot:
        doc = tx.get("policies", sku)
        if doc is None:
            raise NoPolicyError(f"SKU {sku} has no tracking decision yet", hint=EVALUATE_HINT)
        return PolicySnapshot.from_doc(doc)

    def _sku_for_gtin(self, gtin: str) -> str | None:
        for doc in self.store.docs("policies"):
            if doc.get("gtin") and doc["gtin"].zfill(14) == gtin.zfill(14):
                return doc["sku"]
        return None

    # -- receive ---------------------------------------------------------------------------------

    def receive(
        self,
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
        if generate < 0:
            raise RefusedError(f"--generate must not be negative, got {generate}")
        parsed = [parse_scan(s) for s in scans]
        now = self.clock()
        with self.store.transaction("receive") as tx:
            policy = self._policy(tx, sku)
            ids: list[str] = [check_identifier(s, "serial") for s in serials]
            for scan in parsed:
                lot, expiry, mfg = self._merge_scan(policy, scan, lot, expiry, mfg)
                if scan.identifier:
                    ids.append(scan.identifier)
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
                    raise RefusedError(
                        f"SKU {sku} captures manufacture dates: give --mfg YYYY-MM-DD"
                    )
            if policy.method == "batch":
                if ids or generate:
                    raise RefusedError(
                        f"SKU {sku} is tracked by batch: give --lot and --qty, not serials"
                    )
                assert lot is not None
                return self._receive_lot(tx, policy, lot, qty, mfg, expiry, location, now)
            if qty is not None:
                if policy.method == "lpn" and not generate:
                    generate = _positive(qty, "quantity")
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
            return self._receive_units(tx, policy, ids, generate, lot, mfg, expiry, location, now)

    def _merge_scan(
        self,
        policy: PolicySnapshot,
        scan: Scan,
        lot: str | None,
        expiry: date | None,
        mfg: date | None,
    ) -> tuple[str | None, date | None, date | None]:
        if not scan.gs1:
            return lot, expiry, mfg
        if scan.gtin and policy.gtin and scan.gtin.zfill(14) != policy.gtin.zfill(14):
            raise BadIdentifierError(
                f"scanned GTIN {scan.gtin} is not the GTIN of SKU {policy.sku} ({policy.gtin})"
            )
        for mine, theirs, what in ((lot, scan.lot, "lot"), (expiry, scan.expiry, "expiry")):
            if mine is not None and theirs is not None and mine != theirs:
                raise RefusedError(f"scans disagree on the {what}: {mine} and {theirs}")
        return lot or scan.lot, expiry or scan.expiry, mfg or scan.mfg

    def _lot_doc(
        self,
        tx: Transaction,
        policy: PolicySnapshot,
        lot: str,
        mfg: date | None,
        expiry: date | None,
        now: datetime,
    ) -> dict:
        doc = tx.get("lots", (policy.sku, lot))
        if doc is None:
            return {
                "sku": policy.sku,
                "lot": lot,
                "method": policy.method,
                "mfg": mfg.isoformat() if mfg else None,
                "expiry": expiry.isoformat() if expiry else None,
                "recalled": False,
                "received": 0,
                "received_at": now.isoformat(timespec="seconds"),
                "qty": {},
            }
        if doc.get("recalled"):
            raise NotAllowedError(
                f"lot {lot} of SKU {policy.sku} is recalled; it cannot be received"
            )
        for field, given in (("expiry", expiry), ("mfg", mfg)):
            if given and doc.get(field) and doc[field] != given.isoformat():
                raise RefusedError(
                    f"lot {lot} of SKU {policy.sku} was received before with {field} "
                    f"{doc[field]}, not {given}"
                )
            if given and not doc.get(field):
                doc[field] = given.isoformat()
        return doc

    def _receive_lot(
        self,
        tx: Transaction,
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
        qty = _positive(qty, "quantity")
        doc = self._lot_doc(tx, policy, lot, mfg, expiry, now)
        _bump(doc, location, IN_STOCK, qty)
        doc["received"] += qty
        tx.put("lots", doc)
        op = ledger.new_op_id()
        tx.add_event(
            ledger.make_event(
                op,
                "receive",
                now,
                action="ADD",
                biz_step="receiving",
                status=IN_STOCK,
                moves=[QtyMove(policy.sku, lot, location, qty, None, IN_STOCK)],
                sku=policy.sku,
                location=location,
                ilmd={"lot": lot, "mfg": doc.get("mfg"), "expiry": doc.get("expiry")},
            )
        )
        return ReceiveResult(policy.sku, "batch", location, lot=lot, qty=qty)

    def _receive_units(
        self,
        tx: Transaction,
        policy: PolicySnapshot,
        ids: list[str],
        generate: int,
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
        known = [i for i in ids if tx.exists("units", i)]
        if known:
            doc = tx.get("units", known[0]) or {}
            raise DuplicateIdError(
                f"{len(known)} serial(s) are already in the store, e.g. {known[0]} "
                f"(SKU {doc.get('sku')}, {doc.get('status')}); nothing was received"
            )
        minted: list[str] = []
        while len(minted) < generate:
            if policy.method == "lpn":
                label = make_lpn(tx.next_counter("lpn"))
            else:
                label = make_serial(policy.sku, tx.next_counter("serial"))
            if label not in seen and not tx.exists("units", label):
                minted.append(label)
        ids = ids + minted
        if not ids:
            raise RefusedError(
                f"nothing to receive for SKU {policy.sku}: give serials, scans or --generate N"
            )
        if lot is not None:
            lot_doc = self._lot_doc(tx, policy, lot, mfg, expiry, now)
            lot_doc["received"] += len(ids)
            tx.put("lots", lot_doc)
        for ident in ids:
            tx.put(
                "units",
                {
                    "id": ident,
                    "sku": policy.sku,
                    "method": policy.method,
                    "lot": lot,
                    "status": IN_STOCK,
                    "location": location,
                    "order": None,
                    "orders": [],
                    "returned_on": [],
                    "returns": 0,
                    "flags": [],
                },
            )
        tx.add_event(
            ledger.make_event(
                ledger.new_op_id(),
                "receive",
                now,
                action="ADD",
                biz_step="commissioning" if minted and not ids[: -len(minted)] else "receiving",
                status=IN_STOCK,
                ids=ids,
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

    # -- ship ------------------------------------------------------------------------------------

    def ship(
        self,
        order_id: str,
        *,
        lines: Sequence[tuple[str, int]] = (),
        scans: Sequence[str] = (),
        location: str | None = None,
    ) -> ShipResult:
        """Ship an order: scanned units must be sellable; batch lines are picked FEFO."""
        check_identifier(order_id, "order")
        if location is not None:
            check_identifier(location, "location")
        wanted: dict[str, int] = {}
        for sku, qty in lines:
            check_identifier(sku, "SKU")
            wanted[sku] = wanted.get(sku, 0) + _positive(qty, f"quantity for SKU {sku}")
        parsed = [parse_scan(s) for s in scans]
        if not wanted and not parsed:
            raise RefusedError(f"order {order_id} has no lines: give --line SKU:QTY or --scan ID")
        now = self.clock()
        today = now.date()
        with self.store.transaction("ship") as tx:
            existing = tx.get("orders", order_id)
            if existing:
                raise DuplicateIdError(
                    f"order {order_id} was already shipped on {existing['shipped_at'][:10]}",
                    hint="a second shipment of the same order is refused; use a new order id",
                )
            items: list[OrderItem] = []
            units: list[dict] = []
            lots: dict[tuple[str, str], dict] = {}
            moves: list[QtyMove] = []
            scanned: dict[str, int] = {}
            for scan in parsed:
                if scan.identifier:
                    unit = self._sellable_unit(tx, scan.identifier, location, today)
                    if any(u["id"] == unit["id"] for u in units):
                        raise DuplicateIdError(f"unit {unit['id']} is scanned twice on this order")
                    units.append(unit)
                    scanned[unit["sku"]] = scanned.get(unit["sku"], 0) + 1
                    items.append(
                        OrderItem(unit["sku"], 1, unit["location"], unit["id"], unit["lot"])
                    )
                elif scan.lot and scan.gtin:
                    sku = self._sku_for_gtin(scan.gtin)
                    if sku is None:
                        raise UnknownIdError(f"GTIN {scan.gtin} is not linked to any SKU's policy")
                    picked = self._pick(tx, sku, 1, location, today, lots, moves, only=scan.lot)
                    items += picked
                    scanned[sku] = scanned.get(sku, 0) + 1
                else:
                    raise BadIdentifierError(f"barcode {scan.raw!r} has no serial and no lot")
            for sku, qty in wanted.items():
                policy = self._policy(tx, sku)
                if policy.method != "batch":
                    if scanned.get(sku, 0) != qty:
                        raise RefusedError(
                            f"SKU {sku} is tracked by {policy.method}: scan the {qty} unit(s) "
                            f"shipped (--scan ID), {scanned.get(sku, 0)} scanned"
                        )
                    continue
                need = qty - scanned.get(sku, 0)
                if need > 0:
                    items += self._pick(tx, sku, need, location, today, lots, moves)
            for unit in units:
                unit.update(status=SHIPPED, order=order_id, orders=unit["orders"] + [order_id])
                tx.put("units", unit)
            for doc in lots.values():
                tx.put("lots", doc)
            lines_out = sorted({**scanned, **wanted}.items())
            tx.put(
                "orders",
                {
                    "order_id": order_id,
                    "shipped_at": now.isoformat(timespec="seconds"),
                    "lines": [list(x) for x in lines_out],
                    "items": [_item_doc(i) for i in items],
                    "returned": [],
                },
            )
            tx.add_event(
                ledger.make_event(
                    ledger.new_op_id(),
                    "ship",
                    now,
                    biz_step="shipping",
                    status=SHIPPED,
                    ids=[u["id"] for u in units],
                    moves=moves,
                    location=location,
                    order=order_id,
                )
            )
        return ShipResult(order_id, tuple(items))

    def _sellable_unit(
        self, tx: Transaction, ident: str, location: str | None, today: date
    ) -> dict:
        unit = tx.get("units", ident)
        if unit is None or unit.get("foreign"):
            raise UnknownIdError(f"unit {ident} is not in the store")
        if unit["status"] != IN_STOCK:
            raise NotAllowedError(f"unit {ident} is {unit['status']}, not in stock; it cannot ship")
        if location and unit["location"] != location:
            raise NotAllowedError(f"unit {ident} is at {unit['location']}, not at {location}")
        if unit.get("lot"):
            lot = Lot.from_doc(tx.get("lots", (unit["sku"], unit["lot"])) or {})
            if lot.recalled:
                raise NotAllowedError(f"unit {ident} belongs to recalled lot {lot.lot}")
            if lot.expired(today):
                raise NotAllowedError(
                    f"unit {ident} belongs to lot {lot.lot}, expired {lot.expiry}"
                )
        return unit

    def _pick(
        self,
        tx: Transaction,
        sku: str,
        qty: int,
        location: str | None,
        today: date,
        lots: dict[tuple[str, str], dict],
        moves: list[QtyMove],
        only: str | None = None,
    ) -> list[OrderItem]:
        """First-expiry-first-out over sellable lots (not expired, not recalled)."""
        docs = [lots.get((d["sku"], d["lot"]), d) for d in tx.lots_of_sku(sku)]
        candidates = []
        for doc in docs:
            lot = Lot.from_doc(doc)
            if only is not None and lot.lot != only:
                continue
            if lot.recalled or lot.expired(today):
                continue
            for loc, by_status in doc.get("qty", {}).items():
                if by_status.get(IN_STOCK, 0) > 0 and location in (None, loc):
                    key = (lot.expiry or date.max, lot.mfg or date.max, lot.lot, loc)
                    candidates.append((key, doc, loc))
        candidates.sort(key=lambda c: c[0])
        available = sum(doc["qty"][loc][IN_STOCK] for _, doc, loc in candidates)
        if available < qty:
            where = f" at {location}" if location else ""
            which = f" in lot {only}" if only else ""
            raise NotEnoughStockError(
                f"SKU {sku}: {qty} wanted{which}{where}, only {available} sellable "
                "(expired, recalled and quarantined stock is never shipped)"
            )
        items: list[OrderItem] = []
        for _, doc, loc in candidates:
            if qty == 0:
                break
            take = min(qty, doc["qty"][loc][IN_STOCK])
            _bump(doc, loc, IN_STOCK, -take)
            _bump(doc, loc, SHIPPED, take)
            doc["shipped_total"] = doc.get("shipped_total", 0) + take
            lots[(doc["sku"], doc["lot"])] = doc
            moves.append(QtyMove(sku, doc["lot"], loc, take, IN_STOCK, SHIPPED))
            items.append(OrderItem(sku, take, loc, None, doc["lot"]))
            qty -= take
        return items

    # -- return ----------------------------------------------------------------------------------

    def process_return(
        self,
        order_id: str,
        identifier: str,
        *,
        reason: str | None = "other",
        qty: int = 1,
        location: str | None = None,
    ) -> ReturnResult:
        """Check a returned item against its order and apply the returns rulebook's verdict.

        A `refuse` verdict writes nothing and comes back with `status=None`.
        """
        if self.verdict is None:
            raise VerdictUnavailableError(
                "returns are decided by the returns rulebook, and none is loaded",
                hint="check rules/returns.yaml with `trackright rules check`",
            )
        check_identifier(order_id, "order")
        if location is not None:
            check_identifier(location, "location")
        code = normalise_reason(reason)
        scan = parse_scan(identifier)
        now = self.clock()
        with self.store.transaction("return") as tx:
            order = tx.get("orders", order_id)
            if order is None:
                raise UnknownIdError(
                    f"order {order_id} is not known: no shipment was recorded under that number"
                )
            lot_ref = None if scan.gs1 else split_lot_ref(scan.raw)
            if scan.identifier and not (lot_ref and not tx.exists("units", scan.identifier)):
                return self._return_unit(tx, order, scan.identifier, code, location, now)
            if scan.gs1:
                sku = self._sku_for_gtin(scan.gtin or "")
                if not (scan.lot and sku):
                    raise BadIdentifierError(
                        f"barcode {scan.raw!r} has no serial, and no GTIN+lot linked to a SKU"
                    )
                lot_ref = (sku, scan.lot)
            assert lot_ref is not None
            return self._return_lot(tx, order, lot_ref, _positive(qty, "quantity"), code, now)

    def _decide(self, facts: ReturnFacts) -> Verdict:
        assert self.verdict is not None
        verdict = self.verdict(facts.as_dict())
        if verdict.verdict not in VERDICTS:
            raise VerdictUnavailableError(
                f"returns rule {verdict.rule} gave verdict {verdict.verdict!r}; "
                f"expected one of {', '.join(VERDICTS)}"
            )
        return verdict

    def _return_unit(
        self,
        tx: Transaction,
        order: dict,
        ident: str,
        code: str,
        location: str | None,
        now: datetime,
    ) -> ReturnResult:
        oid = order["order_id"]
        unit = tx.get("units", ident)
        known = unit is not None and not unit.get("foreign")
        lot = None
        if known and unit and unit.get("lot"):
            lot = Lot.from_doc(tx.get("lots", (unit["sku"], unit["lot"])) or {})
        policy_doc = tx.get("policies", unit["sku"]) if known and unit else None
        orders = unit.get("orders", []) if unit else []
        shipped_here = known and oid in orders
        facts = ReturnFacts(
            id_known=known,
            ever_shipped=known and bool(orders),
            shipped_on_this_order=shipped_here,
            already_returned_on_this_order=known
            and shipped_here
            and not (unit and unit["status"] == SHIPPED and unit["order"] == oid),
            lot_recalled=bool(lot and lot.recalled),
            lot_expired=bool(lot and lot.expired(now.date())),
            return_requires_qc=bool(policy_doc and policy_doc.get("return_qc")),
            return_count=(unit.get("returns", 0) if unit else 0) + 1,
            reason=code,
            method=unit["method"] if known and unit else "unknown",
        )
        verdict = self._decide(facts)
        sku = unit["sku"] if unit else self._guess_sku(order)
        if verdict.verdict == "refuse":
            return ReturnResult(oid, ident, sku, facts, verdict, None)
        status = VERDICT_STATUS[verdict.verdict]
        if unit is None or not known:
            status = status if status != IN_STOCK else QUARANTINED
            unit = unit or {
                "id": ident,
                "sku": sku,
                "method": "unknown",
                "lot": None,
                "status": RETURNED,
                "location": location or "RETURNS",
                "order": None,
                "orders": [],
                "returned_on": [],
                "returns": 0,
                "flags": [],
                "foreign": True,
            }
            if "counterfeit_suspect" not in unit["flags"]:
                unit["flags"].append("counterfeit_suspect")
        elif unit["status"] == DESTROYED:
            raise NotAllowedError(
                f"unit {ident} was destroyed on record, yet it was handed in as a return",
                hint="keep it apart and report it: the label may have been copied",
            )
        if verdict.flag and verdict.flag not in unit["flags"] and verdict.verdict != "restock":
            unit["flags"].append(verdict.flag)
        new_unit = not tx.exists("units", ident)
        unit.update(
            status=status,
            location=location or unit["location"],
            returns=unit.get("returns", 0) + 1,
            returned_on=unit["returned_on"] + [oid],
        )
        tx.put("units", unit)
        if shipped_here:
            order.setdefault("returned", []).append(
                _item_doc(OrderItem(sku, 1, unit["location"], ident, unit.get("lot")))
            )
            tx.put("orders", order)
        self._return_events(
            tx,
            now,
            verdict,
            status,
            ids=[ident],
            moves=[],
            order=oid,
            reason=code,
            location=unit["location"],
            sku=sku,
            add=new_unit,
        )
        return ReturnResult(oid, ident, sku, facts, verdict, status, lot=unit.get("lot"))

    def _guess_sku(self, order: dict) -> str:
        skus = sorted({i["sku"] for i in order["items"]})
        return skus[0] if len(skus) == 1 else "UNKNOWN"

    def _return_lot(
        self,
        tx: Transaction,
        order: dict,
        lot_ref: tuple[str, str],
        qty: int,
        code: str,
        now: datetime,
    ) -> ReturnResult:
        sku, lot_no = lot_ref
        oid = order["order_id"]
        doc = tx.get("lots", lot_ref)
        shipped = [i for i in order["items"] if i["sku"] == sku and i["lot"] == lot_no]
        shipped_qty = sum(i["qty"] for i in shipped)
        returned_qty = sum(
            i["qty"] for i in order.get("returned", []) if i["sku"] == sku and i["lot"] == lot_no
        )
        remaining = shipped_qty - returned_qty
        if shipped and 0 < remaining < qty:
            raise RefusedError(
                f"order {oid} shipped {shipped_qty} of lot {lot_no} ({returned_qty} already "
                f"returned); {qty} cannot come back"
            )
        lot = Lot.from_doc(doc) if doc else None
        policy_doc = tx.get("policies", sku)
        facts = ReturnFacts(
            id_known=doc is not None and not doc.get("foreign"),
            ever_shipped=bool(doc and doc.get("shipped_total")),
            shipped_on_this_order=bool(shipped),
            already_returned_on_this_order=bool(shipped) and returned_qty + qty > shipped_qty,
            lot_recalled=bool(lot and lot.recalled),
            lot_expired=bool(lot and lot.expired(now.date())),
            return_requires_qc=bool(policy_doc and policy_doc.get("return_qc")),
            return_count=1,
            reason=code,
            method=doc["method"] if doc else "unknown",
        )
        verdict = self._decide(facts)
        ident = f"{sku}:{lot_no}"
        if verdict.verdict == "refuse":
            return ReturnResult(oid, ident, sku, facts, verdict, None, qty=qty, lot=lot_no)
        status = VERDICT_STATUS[verdict.verdict]
        if doc is None:
            status = QUARANTINED if status == IN_STOCK else status
            doc = {
                "sku": sku,
                "lot": lot_no,
                "method": "unknown",
                "mfg": None,
                "expiry": None,
                "recalled": False,
                "received": 0,
                "qty": {},
                "foreign": True,
            }
        if shipped and facts.shipped_on_this_order and not facts.already_returned_on_this_order:
            loc = shipped[0]["location"]
            _bump(doc, loc, SHIPPED, -qty)
            move = QtyMove(sku, lot_no, loc, qty, SHIPPED, status)
        else:
            loc = shipped[0]["location"] if shipped else "RETURNS"
            doc["received"] += qty  # stock that arrives without having left: counted in
            move = QtyMove(sku, lot_no, loc, qty, None, status)
        _bump(doc, loc, status, qty)
        tx.put("lots", doc)
        if shipped:
            order.setdefault("returned", []).append(
                _item_doc(OrderItem(sku, qty, loc, None, lot_no))
            )
            tx.put("orders", order)
        self._return_events(
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
        )
        return ReturnResult(oid, ident, sku, facts, verdict, status, qty=qty, lot=lot_no)

    def _return_events(
        self,
        tx: Transaction,
        now: datetime,
        verdict: Verdict,
        status: str,
        *,
        ids: list[str],
        moves: list[QtyMove],
        order: str,
        reason: str,
        location: str,
        sku: str,
        add: bool,
    ) -> None:
        op = ledger.new_op_id()
        received = [
            QtyMove(m.sku, m.lot, m.location, m.qty, m.from_status, RETURNED) for m in moves
        ]
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
            )
        )

    # -- holds -----------------------------------------------------------------------------------

    def quarantine(
        self, identifier: str, reason: str, *, qty: int | None = None, location: str | None = None
    ) -> tuple[str, int]:
        """Take a unit (or a lot quantity) out of sellable stock."""
        return self._hold("quarantine", identifier, reason, qty, location, False)

    def release(
        self,
        identifier: str,
        reason: str,
        *,
        qty: int | None = None,
        location: str | None = None,
        override: bool = False,
    ) -> tuple[str, int]:
        """Put a quarantined or inspected unit (or lot quantity) back into sellable stock."""
        return self._hold("release", identifier, reason, qty, location, override)

    def scrap(
        self, identifier: str, reason: str, *, qty: int | None = None, location: str | None = None
    ) -> tuple[str, int]:
        """Destroy a quarantined, recalled or inspected unit (or lot quantity); it is terminal."""
        return self._hold("scrap", identifier, reason, qty, location, False)

    _HOLDS = {
        "quarantine": ((IN_STOCK, INSPECTING, RETURNED), QUARANTINED, "holding"),
        "release": ((QUARANTINED, INSPECTING), IN_STOCK, "stocking"),
        "scrap": ((RECALLED, QUARANTINED, INSPECTING), DESTROYED, "destroying"),
    }

    def _hold(
        self,
        op: str,
        identifier: str,
        reason: str,
        qty: int | None,
        location: str | None,
        override: bool,
    ) -> tuple[str, int]:
        reason = (reason or "").strip()
        if not reason:
            raise RefusedError(f"{op} needs a reason (--reason)")
        sources, target, step = self._HOLDS[op]
        scan = parse_scan(identifier)
        now = self.clock()
        with self.store.transaction(op) as tx:
            ident = scan.identifier
            lot_ref = None if scan.gs1 else split_lot_ref(scan.raw)
            if ident and (tx.exists("units", ident) or not lot_ref):
                unit = tx.get("units", ident)
                if unit is None:
                    raise UnknownIdError(f"unit {ident} is not in the store")
                if unit["status"] not in sources:
                    raise NotAllowedError(
                        f"unit {ident} is {unit['status']}; {op} applies to "
                        f"{', '.join(sources)} units"
                    )
                if op == "release":
                    self._check_release(tx, unit, override)
                unit["status"] = target
                tx.put("units", unit)
                ids, moves, sku, count = [ident], [], unit["sku"], 1
                where = unit["location"]
            else:
                if scan.gs1:
                    sku_ = self._sku_for_gtin(scan.gtin or "")
                    lot_ref = (sku_, scan.lot) if sku_ and scan.lot else None
                if lot_ref is None:
                    raise BadIdentifierError(f"{identifier!r} names no unit and no SKU:LOT")
                doc = tx.get("lots", lot_ref)
                if doc is None:
                    raise UnknownIdError(
                        f"lot {lot_ref[1]} of SKU {lot_ref[0]} is not in the store"
                    )
                if doc["method"] != "batch":
                    raise NotAllowedError(
                        f"lot {lot_ref[1]} holds {doc['method']} units: {op} them by serial/LPN"
                    )
                if op == "release" and doc.get("recalled"):
                    raise NotAllowedError(f"lot {lot_ref[1]} is recalled; it cannot be released")
                if qty is None:
                    raise RefusedError(f"{op} of a lot quantity needs --qty")
                count = _positive(qty, "quantity")
                moves = self._take(doc, sources, target, count, location, f"{op} lot {lot_ref[1]}")
                tx.put("lots", doc)
                ids, sku, where = [], lot_ref[0], moves[0].location
            persistent_set = ["non_sellable_other"] if target == QUARANTINED else []
            unset = ["non_sellable_other"] if target == IN_STOCK else []
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
                    persistent_set=persistent_set,
                    persistent_unset=unset,
                )
            )
        return target, count

    def _check_release(self, tx: Transaction, unit: dict, override: bool) -> None:
        if unit.get("lot"):
            lot = tx.get("lots", (unit["sku"], unit["lot"]))
            if lot and lot.get("recalled"):
                raise NotAllowedError(
                    f"unit {unit['id']} belongs to recalled lot {unit['lot']}; it cannot be released"
                )
        suspect = [f for f in unit.get("flags", ()) if f in SUSPECT_FLAGS]
        if suspect and not override:
            raise NotAllowedError(
                f"unit {unit['id']} is flagged {', '.join(suspect)}; "
                "releasing it needs a supervisor override (--override)",
            )

    def _take(
        self,
        doc: dict,
        sources: tuple[str, ...],
        target: str,
        qty: int,
        location: str | None,
        what: str,
    ) -> list[QtyMove]:
        pools = [
            (loc, st, n)
            for st in sources
            for loc, by_status in sorted(doc.get("qty", {}).items())
            for s, n in by_status.items()
            if s == st and n > 0 and location in (None, loc)
        ]
        have = sum(n for _, _, n in pools)
        if have < qty:
            raise NotEnoughStockError(
                f"{what}: {qty} wanted, only {have} {'/'.join(sources)}"
                + (f" at {location}" if location else "")
            )
        moves = []
        for loc, st, n in pools:
            if qty == 0:
                break
            take = min(n, qty)
            _bump(doc, loc, st, -take)
            _bump(doc, loc, target, take)
            moves.append(QtyMove(doc["sku"], doc["lot"], loc, take, st, target))
            qty -= take
        return moves

    # -- recall ----------------------------------------------------------------------------------

    def recall(
        self,
        sku: str,
        *,
        lot: str | None = None,
        date_from: date | str | None = None,
        date_to: date | str | None = None,
        reason: str = "recall",
    ) -> RecallReport:
        """Recall one lot, or every lot of a SKU made (or received) within a date range."""
        date_from = as_date(date_from, "--from")
        date_to = as_date(date_to, "--to")
        now = self.clock()
        with self.store.transaction("recall") as tx:
            if lot is not None:
                doc = tx.get("lots", (sku, lot))
                if doc is None:
                    raise UnknownIdError(f"lot {lot} of SKU {sku} is not in the store")
                docs = [doc]
            else:
                if date_from is None or date_to is None:
                    raise RefusedError("recall needs --lot SKU:LOT, or --sku with --from and --to")
                docs = [d for d in tx.lots_of_sku(sku) if _in_range(d, date_from, date_to)]
                if not docs:
                    raise UnknownIdError(
                        f"SKU {sku} has no lot made between {date_from} and {date_to}"
                    )
            rows: list[RecallRow] = []
            op = ledger.new_op_id()
            for doc in docs:
                rows += self._recall_lot(tx, doc, op, now, reason)
        contact = sorted({r.order for r in rows if r.order})
        return RecallReport(tuple((d["sku"], d["lot"]) for d in docs), tuple(rows), tuple(contact))

    def _recall_lot(
        self, tx: Transaction, doc: dict, op: str, now: datetime, reason: str
    ) -> list[RecallRow]:
        sku, lot_no = doc["sku"], doc["lot"]
        pull = (IN_STOCK, QUARANTINED, INSPECTING, RETURNED)
        rows: list[RecallRow] = []
        ids: list[str] = []
        for unit in tx.units_of_lot(sku, lot_no):
            before = unit["status"]
            if before in pull:
                unit["status"] = RECALLED
                tx.put("units", unit)
                ids.append(unit["id"])
                action = "pulled from stock"
            elif before == SHIPPED:
                action = "contact customer"
            else:
                action = f"already {before.lower()}"
            rows.append(
                RecallRow(
                    sku,
                    lot_no,
                    1,
                    before,
                    unit["status"],
                    unit["location"],
                    unit["id"],
                    unit["order"] if before == SHIPPED else None,
                    action,
                )
            )
        moves: list[QtyMove] = []
        for loc, by_status in sorted(doc.get("qty", {}).items()):
            for st, n in sorted(by_status.items()):
                if st in pull and n:
                    moves.append(QtyMove(sku, lot_no, loc, n, st, RECALLED))
                    rows.append(
                        RecallRow(
                            sku, lot_no, n, st, RECALLED, loc, None, None, "pulled from stock"
                        )
                    )
                elif st in (RECALLED, DESTROYED) and n:
                    rows.append(
                        RecallRow(sku, lot_no, n, st, st, loc, None, None, f"already {st.lower()}")
                    )
        for m in moves:
            _bump(doc, m.location, m.from_status or "", -m.qty)
            _bump(doc, m.location, RECALLED, m.qty)
        if doc.get("method") == "batch":
            rows += self._shipped_lot_rows(tx, sku, lot_no)
        changed = bool(ids or moves or not doc.get("recalled"))
        if changed:
            doc["recalled"] = True
            tx.put("lots", doc)
            tx.add_event(
                ledger.make_event(
                    op,
                    "recall",
                    now,
                    biz_step="holding",
                    status=RECALLED,
                    ids=ids,
                    moves=moves,
                    sku=sku,
                    reason=reason,
                    persistent_set=["recalled"],
                    ilmd={"lot": lot_no},
                )
            )
        return rows

    def _shipped_lot_rows(self, tx: Transaction, sku: str, lot_no: str) -> list[RecallRow]:
        orders = {
            self.store.doc("events", e)["order"]
            for e in self.store.events_by_lot.get((sku, lot_no), ())
            if self.store.doc("events", e).get("order")
        }
        rows = []
        for oid in sorted(orders):
            order = tx.get("orders", oid)
            if not order:
                continue
            out = sum(i["qty"] for i in order["items"] if i["sku"] == sku and i["lot"] == lot_no)
            back = sum(
                i["qty"]
                for i in order.get("returned", [])
                if i["sku"] == sku and i["lot"] == lot_no
            )
            locs = [i["location"] for i in order["items"] if i["lot"] == lot_no] or [""]
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


def _in_range(doc: dict, start: date, end: date) -> bool:
    when = doc.get("mfg") or (doc.get("received_at") or "")[:10]
    return bool(when) and start <= date.fromisoformat(when) <= end


def _item_doc(item: OrderItem) -> dict:
    return {
        "sku": item.sku,
        "qty": item.qty,
        "location": item.location,
        "id": item.id,
        "lot": item.lot,
    }
