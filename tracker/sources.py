"""What labels and the EPCIS export read from the store: a receipt's units, a lot, named identifiers,
the events in a date range.

This is the only module of the printing and export work that touches the store (through
`Tracker.store` transactions and `Tracker.policies`, as they are today); `tracker.printing` and
`tracker.epcis` take model records only. When the store moves behind its new interface, these
few functions are what to re-point.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime

from .epcis import DEFAULT_BASE, epcis_document
from .errors import InputError, NotAllowedError, UnknownIdError
from .model import DESTROYED, SHIPPED, Event, Lot, PolicySnapshot, ReceiveResult, Unit
from .operations import Tracker, split_lot_ref
from .printing import LabelData, label_for_lot, label_for_unit
from .scan import parse_scan


def _policies(tracker: Tracker) -> dict[str, PolicySnapshot]:
    return {p.sku: p for p in tracker.policies()}


def _same_gtin(a: str | None, b: str | None) -> bool:
    return bool(a and b) and a.strip().zfill(14) == b.strip().zfill(14)  # type: ignore[union-attr]


def _lot(tx: object, sku: str, lot: str | None) -> Lot | None:
    doc = tx.get("lots", (sku, lot)) if lot else None  # type: ignore[attr-defined]
    return Lot.from_doc(doc) if doc else None


def labels_for_identifiers(tracker: Tracker, identifiers: Iterable[str]) -> list[LabelData]:
    """One label per serial, LPN, scanned GS1 barcode or SKU:LOT, in the order given."""
    policies = _policies(tracker)
    labels = []
    with tracker.store.transaction() as tx:
        for text in identifiers:
            scan = parse_scan(text)
            ident = scan.identifier
            doc = tx.get("units", ident) if ident else None
            if doc is not None and not doc.get("foreign"):
                unit = Unit.from_doc(doc)
                labels.append(
                    label_for_unit(unit, _lot(tx, unit.sku, unit.lot), policies.get(unit.sku))
                )
                continue
            if scan.gs1:  # a lot barcode: its GTIN names the SKU
                sku = next((p.sku for p in policies.values() if _same_gtin(p.gtin, scan.gtin)), "")
                ref = (sku, scan.lot) if sku and scan.lot and not ident else None
            else:
                ref = split_lot_ref(text)
            lot = _lot(tx, *ref) if ref else None
            if lot is None:
                raise UnknownIdError(f"{text} is neither a unit nor a SKU:LOT in the store")
            labels.append(label_for_lot(lot, policies.get(lot.sku)))
    return labels


def labels_for_lot(tracker: Tracker, sku: str, lot_no: str) -> list[LabelData]:
    """A batch lot's label, or one label per unit of the lot still in the warehouse."""
    policies = _policies(tracker)
    with tracker.store.transaction() as tx:
        lot = _lot(tx, sku, lot_no)
        if lot is None:
            raise UnknownIdError(f"lot {lot_no} of SKU {sku} is not in the store")
        if lot.method == "batch":
            return [label_for_lot(lot, policies.get(sku))]
        units = [Unit.from_doc(d) for d in tx.units_of_lot(sku, lot_no)]
    here = [u for u in units if u.status not in (SHIPPED, DESTROYED) and not u.foreign]
    if not here:
        raise NotAllowedError(f"lot {lot_no} of SKU {sku} has no unit left in the warehouse")
    return [label_for_unit(u, lot, policies.get(sku)) for u in here]


def labels_for_result(tracker: Tracker, result: ReceiveResult) -> list[LabelData]:
    """The labels of what one receive put into stock: each unit, or the lot (one label)."""
    if result.ids:
        return labels_for_identifiers(tracker, result.ids)
    assert result.lot is not None
    return labels_for_lot(tracker, result.sku, result.lot)


def receipt_event(tracker: Tracker, receipt: str = "last") -> Event:
    """The ledger event of a receive: the latest, or the one whose operation or event id is given."""
    with tracker.store.transaction():
        events = [Event.from_doc(d) for d in tracker.store.docs("events") if d["op"] == "receive"]
    if not events:
        raise UnknownIdError("nothing has been received into this store yet")
    if receipt == "last":
        return max(events, key=lambda e: datetime.fromisoformat(e.time))
    if len(receipt) < 6:
        raise InputError(f"--receipt {receipt!r}: give 'last' or at least 6 characters of its id")
    found = [e for e in events if e.op_id.startswith(receipt) or e.event_id.startswith(receipt)]
    if len(found) != 1:
        what = "no receipt" if not found else f"{len(found)} receipts"
        raise UnknownIdError(f"{what} match {receipt!r}", hint="`track trace --json` shows op_id")
    return found[0]


def labels_for_receipt(tracker: Tracker, receipt: str = "last") -> list[LabelData]:
    """The labels of a past receipt (see `receipt_event`): its units, or its lot."""
    event = receipt_event(tracker, receipt)
    if event.ids:
        return labels_for_identifiers(tracker, event.ids)
    move = event.moves[0]
    return labels_for_lot(tracker, move.sku, move.lot)


def ledger_events(
    tracker: Tracker, start: date | None = None, end: date | None = None
) -> list[Event]:
    """Every ledger event whose time (as recorded) falls on a day from `start` to `end`, oldest first."""
    if start and end and end < start:
        raise InputError(f"--to {end} is before --from {start}")
    with tracker.store.transaction():
        events = [Event.from_doc(d) for d in tracker.store.docs("events")]
    chosen = []
    for e in events:
        day = datetime.fromisoformat(e.time).date()
        if (start is None or day >= start) and (end is None or day <= end):
            chosen.append(e)
    return sorted(chosen, key=lambda e: datetime.fromisoformat(e.time))


def export_epcis(
    tracker: Tracker,
    start: date | None = None,
    end: date | None = None,
    *,
    base_uri: str = DEFAULT_BASE,
    company_prefixes: Sequence[str] = (),
    created: datetime | None = None,
) -> dict:
    """The ledger (or the days from `start` to `end`) as an EPCIS 2.0 document."""
    events = ledger_events(tracker, start, end)
    ids = {i for e in events for i in e.ids}
    with tracker.store.transaction() as tx:
        units = {i: Unit.from_doc(d) for i in sorted(ids) if (d := tx.get("units", i))}
    return epcis_document(
        events,
        policies=_policies(tracker),
        units=units,
        created=created or datetime.now(UTC),
        base_uri=base_uri,
        company_prefixes=company_prefixes,
    )
