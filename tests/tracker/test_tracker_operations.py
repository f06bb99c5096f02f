"""Operations: receive, ship (FEFO), return verdicts, holds, recall, trace and their refusals."""

from __future__ import annotations

import pytest
from tracker_helpers import BOTH, NOW, simple_verdict, store_files, unit_ids

from tracker import (
    BadIdentifierError,
    DuplicateIdError,
    NoPolicyError,
    NotAllowedError,
    NotEnoughStockError,
    RefusedError,
    UnknownIdError,
    VerdictUnavailableError,
    open_tracker,
    stats,
    trace_lot,
    trace_order,
    trace_unit,
)

STORES = BOTH


def _state(t):
    """Every byte of the store, for before/after comparisons."""
    return store_files(t.store)


def test_receive_serials_and_generated(tracker):
    """Serial SKUs take given serials and mint the rest; LPN SKUs get check-digit labels."""
    r = tracker.receive("PHONE", serials=["A1", "A2"], generate=2)
    assert r.ids[:2] == ("A1", "A2") and len(r.ids) == 4
    lpn = tracker.receive("DRESS", generate=2)
    assert all(i.startswith("LPN") and len(i) == 16 for i in lpn.ids)


def test_no_policy_points_to_evaluate(tracker):
    """A SKU without a decision is refused with a pointer to evaluate and policy import."""
    with pytest.raises(NoPolicyError) as err:
        tracker.receive("NEW-SKU", serials=["X"])
    assert "trackright evaluate" in err.value.hint


@pytest.mark.parametrize(
    "kwargs, error",
    [
        ({"serials": ["S1", "S1"]}, DuplicateIdError),
        ({"scans": ["S1", "S1"]}, DuplicateIdError),
        ({"serials": ["bad id"]}, BadIdentifierError),
        ({"qty": 3}, RefusedError),
        ({"generate": -1}, RefusedError),
        ({}, RefusedError),
    ],
)
def test_bad_serial_receipts_are_refused_and_change_nothing(tracker, kwargs, error):
    """Duplicate scans, bad ids, quantities on serial SKUs and empty receipts write nothing."""
    before = _state(tracker)
    with pytest.raises(error):
        tracker.receive("PHONE", **kwargs)
    assert _state(tracker) == before


def test_known_serial_is_refused(tracker):
    """A serial already in the store cannot be received again."""
    tracker.receive("PHONE", serials=["S1"])
    with pytest.raises(DuplicateIdError, match="already in the store"):
        tracker.receive("PHONE", serials=["S2", "S1"])
    assert "S2" not in unit_ids(tracker.store)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"lot": "L1", "qty": 5}, "expiry"),
        ({"qty": 5, "expiry": "2026-01-01"}, "--lot"),
        ({"lot": "L1", "qty": -5, "expiry": "2026-01-01"}, "above zero"),
        ({"lot": "L1", "qty": 5, "expiry": "2025-01-01"}, "expired"),
        ({"lot": "L1", "serials": ["X"], "expiry": "2026-01-01"}, "not serials"),
    ],
)
def test_bad_lot_receipts_are_refused(tracker, kwargs, match):
    """Batch receipts need lot, positive quantity and a future expiry where captured."""
    with pytest.raises(RefusedError, match=match):
        tracker.receive("VITC", **kwargs)


def test_gs1_scan_fills_lot_and_expiry(tracker):
    """A GS1 scan on receipt supplies serial, lot and expiry for a serial SKU with lot capture."""
    r = tracker.receive("PUMP", scans=["(01)80614141123458(21)P-1(17)270131(10)LX"])
    assert r.ids == ("P-1",) and r.lot == "LX"
    assert trace_lot(tracker.store, "PUMP", "LX").lot.expiry.isoformat() == "2027-01-31"


def test_ship_picks_first_expiry_first_and_skips_expired(tracker, store_path):
    """Batch lines come from the earliest-expiring sellable lot; expired lots are never picked."""
    tracker.receive("VITC", lot="LATE", qty=5, expiry="2027-01-01")
    tracker.receive("VITC", lot="EARLY", qty=2, expiry="2025-07-01")
    tracker.receive("VITC", lot="OLD", qty=9, expiry="2025-06-15")
    later = open_tracker(store_path, clock=lambda: NOW.replace(month=6, day=20))
    result = later.ship("SO-1", lines=[("VITC", 3)])
    assert [(i.lot, i.qty) for i in result.items] == [("EARLY", 2), ("LATE", 1)]
    with pytest.raises(NotEnoughStockError):
        later.ship("SO-2", lines=[("VITC", 5)])


def test_ship_refusals(tracker):
    """Unknown units, double shipments and serial lines without scans are refused."""
    tracker.receive("PHONE", serials=["S1", "S2"])
    with pytest.raises(UnknownIdError):
        tracker.ship("SO-1", scans=["NOPE"])
    with pytest.raises(RefusedError, match="scan"):
        tracker.ship("SO-1", lines=[("PHONE", 1)])
    tracker.ship("SO-1", scans=["S1"])
    with pytest.raises(DuplicateIdError, match="already shipped"):
        tracker.ship("SO-1", scans=["S2"])
    with pytest.raises(NotAllowedError, match="SHIPPED"):
        tracker.ship("SO-2", scans=["S1"])
    with pytest.raises(DuplicateIdError, match="twice"):
        tracker.ship("SO-3", scans=["S2", "S2"])


def test_ship_respects_location(tracker):
    """Units and lots are only shipped from the warehouse asked for."""
    tracker.receive("PHONE", serials=["S1"], location="WH2")
    with pytest.raises(NotAllowedError, match="WH2"):
        tracker.ship("SO-1", scans=["S1"], location="WH1")
    assert tracker.ship("SO-1", scans=["S1"], location="WH2").items[0].location == "WH2"


def test_return_verdicts(tracker):
    """Genuine returns restock; unknown, never-shipped and other-order ids are quarantined."""
    tracker.receive("PHONE", serials=["S1", "S2", "S3"])
    tracker.ship("SO-1", scans=["S1"])
    tracker.ship("SO-2", scans=["S2"])
    assert tracker.process_return("SO-1", "S1", reason="fit").status == "IN_STOCK"
    fake = tracker.process_return("SO-1", "FAKE-9")
    assert (fake.verdict.flag, fake.status) == ("counterfeit_suspect", "QUARANTINED")
    swap = tracker.process_return("SO-1", "S2")
    assert (swap.verdict.flag, swap.status) == ("swap_suspect", "QUARANTINED")
    never = tracker.process_return("SO-1", "S3")
    assert never.verdict.flag == "not_shipped_suspect"
    again = tracker.process_return("SO-1", "S1")
    assert again.status is None and again.verdict.verdict == "refuse"
    assert {u.id for u in stats(tracker.store).suspects} == {"FAKE-9", "S2", "S3"}


def test_return_facts_are_typed(tracker):
    """The verdict function receives exactly the agreed fact keys, with real types."""
    seen = {}

    def spy(facts):
        seen.update(facts)
        return simple_verdict(facts)

    tracker.verdict = spy
    tracker.receive("PHONE", serials=["S1"])
    tracker.ship("SO-1", scans=["S1"])
    tracker.process_return("SO-1", "S1", reason="Changed Mind")
    assert seen == {
        "id_known": True,
        "ever_shipped": True,
        "shipped_on_this_order": True,
        "already_returned_on_this_order": False,
        "lot_recalled": False,
        "lot_expired": False,
        "return_requires_qc": False,
        "return_count": 1,
        "reason": "changed_mind",
        "method": "serial",
    }


def test_third_return_goes_to_inspection(tracker):
    """A unit returned for the third time is sent to inspection."""
    tracker.receive("DRESS", generate=1)
    (lpn,) = unit_ids(tracker.store)
    for n in range(3):
        tracker.ship(f"SO-{n}", scans=[lpn])
        result = tracker.process_return(f"SO-{n}", lpn, reason="fit")
    assert (result.status, result.facts.return_count) == ("INSPECTING", 3)


def test_counterfeit_needs_override_to_release(tracker):
    """A counterfeit suspect is never released without an explicit override."""
    tracker.receive("PHONE", serials=["S1"])
    tracker.ship("SO-1", scans=["S1"])
    tracker.process_return("SO-1", "FAKE")
    with pytest.raises(NotAllowedError, match="override"):
        tracker.release("FAKE", "looks fine")
    assert tracker.release("FAKE", "supervisor checked", override=True)[0] == "IN_STOCK"


def test_batch_return_and_qc(tracker):
    """A batch return names the lot; a QC-flagged SKU goes to quarantine, counted from shipped."""
    tracker.receive("VITC", lot="L1", qty=5, expiry="2026-01-01")
    tracker.ship("SO-1", lines=[("VITC", 3)])
    r = tracker.process_return("SO-1", "VITC:L1", qty=2)
    assert (r.status, r.verdict.flag) == ("QUARANTINED", "qc_required")
    lot = trace_lot(tracker.store, "VITC", "L1").lot
    assert (lot.qty("SHIPPED"), lot.qty("QUARANTINED"), lot.qty("IN_STOCK")) == (1, 2, 2)
    with pytest.raises(RefusedError, match="shipped 3"):
        tracker.process_return("SO-1", "VITC:L1", qty=7)


def test_gs1_lot_return_uses_gtin(tracker):
    """A GS1 barcode with GTIN and lot finds the batch SKU through its policy GTIN."""
    tracker.receive("TEA", lot="T1", qty=4, expiry="2026-01-01")
    tracker.ship("SO-1", lines=[("TEA", 2)])
    r = tracker.process_return("SO-1", "(01)80614141123458(10)T1")
    assert (r.sku, r.status) == ("TEA", "IN_STOCK")


def test_unknown_order_and_missing_rulebook(tracker, store_path):
    """Returns on unknown orders are refused; without a rulebook returns are unavailable."""
    with pytest.raises(UnknownIdError, match="order"):
        tracker.process_return("NOPE", "S1")
    with pytest.raises(VerdictUnavailableError):
        open_tracker(store_path).process_return("NOPE", "S1")


def test_holds_follow_the_state_machine(tracker):
    """Quarantine, release and scrap only from the states that allow them; scrap is final."""
    tracker.receive("PHONE", serials=["S1"])
    with pytest.raises(RefusedError, match="reason"):
        tracker.quarantine("S1", " ")
    with pytest.raises(NotAllowedError):
        tracker.scrap("S1", "broken")
    tracker.quarantine("S1", "dented box")
    tracker.scrap("S1", "screen cracked")
    with pytest.raises(NotAllowedError, match="DESTROYED"):
        tracker.release("S1", "oops")


def test_lot_quantity_holds(tracker):
    """Lot quantities move between in stock, quarantined and destroyed by --qty."""
    tracker.receive("VITC", lot="L1", qty=5, expiry="2026-01-01")
    tracker.quarantine("VITC:L1", "seal broken", qty=2)
    with pytest.raises(NotEnoughStockError):
        tracker.scrap("VITC:L1", "gone", qty=3)
    tracker.scrap("VITC:L1", "seal broken", qty=2)
    lot = trace_lot(tracker.store, "VITC", "L1").lot
    assert (lot.qty("IN_STOCK"), lot.qty("DESTROYED")) == (3, 2)


def test_recall_pulls_stock_and_lists_orders(tracker):
    """Recalling a lot moves in-stock units to RECALLED and lists shipped units' orders."""
    tracker.receive("PUMP", serials=["P1", "P2", "P3"], lot="LR", expiry="2027-01-01")
    tracker.ship("SO-9", scans=["P1"])
    report = tracker.recall("PUMP", lot="LR")
    by_id = {r.id: r for r in report.rows}
    assert by_id["P1"].order == "SO-9" and by_id["P1"].action == "contact customer"
    assert by_id["P2"].status_after == "RECALLED"
    assert report.orders_to_contact == ("SO-9",)
    with pytest.raises(NotAllowedError, match="RECALLED"):
        tracker.ship("SO-10", scans=["P2"])
    with pytest.raises(NotAllowedError, match="recalled"):
        tracker.receive("PUMP", serials=["P4"], lot="LR", expiry="2027-01-01")
    assert tracker.process_return("SO-9", "P1").status == "RECALLED"


def test_recall_by_date_range(tracker):
    """A SKU and a manufacture-date range recall exactly the lots made in it."""
    tracker.receive("VITC", lot="A", qty=1, mfg="2025-01-10", expiry="2026-01-01")
    tracker.receive("VITC", lot="B", qty=1, mfg="2025-03-10", expiry="2026-01-01")
    report = tracker.recall("VITC", date_from="2025-01-01", date_to="2025-01-31")
    assert report.lots == (("VITC", "A"),)
    with pytest.raises(UnknownIdError):
        tracker.recall("VITC", date_from="2020-01-01", date_to="2020-01-31")


def test_trace_unit_and_order(tracker):
    """A serial's trace lists its events in order; an order's trace lists what left on it."""
    tracker.receive("PHONE", serials=["S1"])
    tracker.ship("SO-1", scans=["S1"])
    tracker.process_return("SO-1", "S1")
    steps = [e.biz_step for e in trace_unit(tracker.store, "S1").events]
    assert steps == ["receiving", "shipping", "receiving", "stocking"]
    order = trace_order(tracker.store, "SO-1")
    assert [i.id for i in order.order.items] == ["S1"]
    with pytest.raises(UnknownIdError):
        trace_unit(tracker.store, "NOPE")
