"""What labels and the EPCIS export read from the store: a receipt's units, a lot, named identifiers,
the events in a date range.

The only module of the printing and export work that reads the store, through the store
interface's read views (`tracker.store.base.StoreReader`); `tracker.printing` and `tracker.epcis`
take model records only.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime

from .epcis import DEFAULT_BASE, epcis_document
from .errors import InputError, NotAllowedError, UnknownIdError
from .model import DESTROYED, SHIPPED, Event, PolicySnapshot, ReceiveResult
from .operations import Tracker, split_lot_ref
from .operations.common import matching_units, one_unit
from .printing import LabelData, label_for_lot, label_for_unit
from .scan import parse_scan


def _policies(tracker: Tracker) -> dict[str, PolicySnapshot]:
    return {p.sku: p for p in tracker.policies()}


def _same_gtin(a: str | None, b: str | None) -> bool:
    return bool(a and b) and a.strip().zfill(14) == b.strip().zfill(14)  # type: ignore[union-attr]


def labels_for_identifiers(tracker: Tracker, identifiers: Iterable[str]) -> list[LabelData]:
    """One label per serial, LPN, scanned GS1 barcode or SKU:LOT, in the order given."""
    policies = _policies(tracker)
    labels = []
    with tracker.store.reader() as r:
        for text in identifiers:
            scan = parse_scan(text)
            ident = scan.identifier
            found = matching_units(r, scan) if ident else []
            if found:
                unit = one_unit(found, ident or text)
                lot = r.lot(unit.sku, unit.lot) if unit.lot else None
                labels.append(label_for_unit(unit, lot, policies.get(unit.sku)))
                continue
            if scan.gs1:  # a lot barcode: its GTIN names the SKU
                sku = next((p.sku for p in policies.values() if _same_gtin(p.gtin, scan.gtin)), "")
                ref = (sku, scan.lot) if sku and scan.lot and not ident else None
            else:
                ref = split_lot_ref(text)
            lot = r.lot(*ref) if ref else None
            if lot is None:
                raise UnknownIdError(f"{text} is neither a unit nor a SKU:LOT in the store")
            labels.append(label_for_lot(lot, policies.get(lot.sku)))
    return labels


def labels_for_lot(tracker: Tracker, sku: str, lot_no: str) -> list[LabelData]:
    """A batch lot's label, or one label per unit of the lot still in the warehouse."""
    policies = _policies(tracker)
    with tracker.store.reader() as r:
        lot = r.lot(sku, lot_no)
        if lot is None:
            raise UnknownIdError(f"lot {lot_no} of SKU {sku} is not in the store")
        if lot.method == "batch":
            return [label_for_lot(lot, policies.get(sku))]
        units = r.units_of_lot(sku, lot_no)
    here = [u for u in units if u.status not in (SHIPPED, DESTROYED)]
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
    if receipt != "last" and len(receipt) < 6:
        raise InputError(f"--receipt {receipt!r}: give 'last' or at least 6 characters of its id")
    with tracker.store.reader() as r:
        if receipt == "last":  # the newest receipt: read the ledger from its end
            for e in r.events(newest_first=True):
                if e.op == "receive":
                    return e
            raise UnknownIdError("nothing has been received into this store yet")
        events = [e for e in r.events() if e.op == "receive"]
    if not events:
        raise UnknownIdError("nothing has been received into this store yet")
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
    with tracker.store.reader() as r:
        events = list(r.events())
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
    with tracker.store.reader() as r:
        units = {i: u for i in sorted(ids) if (u := r.unit(i)) is not None}
    return epcis_document(
        events,
        policies=_policies(tracker),
        units=units,
        created=created or datetime.now(UTC),
        base_uri=base_uri,
        company_prefixes=company_prefixes,
    )
