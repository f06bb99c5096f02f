"""Transfers of lot quantities between warehouses, on both stores: the ledger, FEFO, trace, EPCIS, CLI."""

from __future__ import annotations

import json
from collections import Counter

import pytest
from click.testing import CliRunner
from tracker_helpers import BOTH, NOW, POLICIES, simple_verdict

from tracker import (
    NotAllowedError,
    NotEnoughStockError,
    RefusedError,
    UnknownIdError,
    open_store,
    open_tracker,
    stats,
    trace_lot,
)
from tracker.sources import export_epcis

STORES = BOTH


@pytest.fixture
def t(store_path):
    found = open_tracker(store_path, verdict=simple_verdict, clock=lambda: NOW)
    found.set_policies(POLICIES)
    found.receive("TEA", lot="T1", qty=50, expiry="2026-01-31", location="WH1")
    found.receive("TEA", lot="T2", qty=30, expiry="2026-06-30", location="WH1")
    yield found
    found.store.close()


def _in_stock(t, sku: str = "TEA") -> dict[str, int]:
    found: Counter = Counter()
    for s, loc, status, n in stats(t.store).stock:
        if s == sku and status == "IN_STOCK":
            found[loc] += n
    return dict(found)


def _replayed(t, sku: str, lot: str) -> dict[tuple[str, str], int]:
    """A lot's quantities by (location, status) rebuilt from its ledger events alone."""
    got: Counter = Counter()
    for event in trace_lot(t.store, sku, lot).events:
        for m in event.moves:
            if (m.sku, m.lot) == (sku, lot):
                if m.from_status:
                    got[(m.location, m.from_status)] -= m.qty
                if m.to_status:
                    got[(m.location, m.to_status)] += m.qty
    return {k: v for k, v in got.items() if v}


def test_part_of_a_lot_moves_as_departing_and_arriving_events(t):
    """20 of lot T1 go from WH1 to WH2: stock by warehouse follows, the lot's quantities match a
    replay of its ledger, and its trace shows both events with the quantity moved."""
    assert t.transfer("TEA:T1", "WH2", qty=20) == ("WH1", "WH2")
    assert _in_stock(t) == {"WH1": 60, "WH2": 20}
    lot = trace_lot(t.store, "TEA", "T1").lot
    assert lot.quantities == (("WH1", "IN_STOCK", 30), ("WH2", "IN_STOCK", 20))
    assert lot.received == 50  # a transfer receives nothing
    assert _replayed(t, "TEA", "T1") == {(loc, st): n for loc, st, n in lot.quantities}
    events = trace_lot(t.store, "TEA", "T1").events
    assert [(e.op, e.biz_step, e.location) for e in events[-2:]] == [
        ("transfer", "departing", "WH1"),
        ("transfer", "arriving", "WH2"),
    ]
    assert [sum(m.qty for m in e.moves) for e in events[-2:]] == [20, 20]
    assert events[-1].op_id == events[-2].op_id  # one operation


def test_all_of_a_lot_can_move_and_come_back(t):
    """The whole quantity moves, and part of it back: nothing is left at zero on the lot."""
    t.transfer("TEA:T2", "WH2", qty=30)
    assert trace_lot(t.store, "TEA", "T2").lot.quantities == (("WH2", "IN_STOCK", 30),)
    t.transfer("TEA:T2", "WH1", qty=10)
    lot = trace_lot(t.store, "TEA", "T2").lot
    assert lot.quantities == (("WH1", "IN_STOCK", 10), ("WH2", "IN_STOCK", 20))
    assert _replayed(t, "TEA", "T2") == {(loc, st): n for loc, st, n in lot.quantities}


def test_more_than_the_warehouse_holds_is_refused_and_changes_nothing(t):
    """Asking for 51 of a lot of which WH1 holds 50 is refused, naming what is there; held
    (quarantined) quantities are not counted as movable."""
    with t.store.reader() as r:
        before = r.seq
    with pytest.raises(NotEnoughStockError, match="51 to transfer, but WH1 holds only 50"):
        t.transfer("TEA:T1", "WH2", qty=51)
    t.quarantine("TEA:T1", "seal broken", qty=5)
    with pytest.raises(NotEnoughStockError, match=r"only 45 in stock; 5 more there are held"):
        t.transfer("TEA:T1", "WH2", qty=50)
    with t.store.reader() as r:
        assert r.seq == before + 1  # only the quarantine was recorded
    assert _in_stock(t) == {"WH1": 75}


def test_a_lot_at_several_warehouses_needs_its_origin(t):
    """Once a lot is in stock at two warehouses, a transfer must say which one it leaves."""
    t.transfer("TEA:T1", "WH2", qty=10)
    with pytest.raises(RefusedError, match=r"in stock at WH1 \(40\), WH2 \(10\).*--from"):
        t.transfer("TEA:T1", "WH3", qty=5)
    assert t.transfer("TEA:T1", "WH3", qty=5, origin="WH2") == ("WH2", "WH3")
    with pytest.raises(NotEnoughStockError, match="WH3 holds only 5"):
        t.transfer("TEA:T1", "WH1", qty=6, origin="WH3")
    assert _in_stock(t) == {"WH1": 70, "WH2": 5, "WH3": 5}


@pytest.mark.parametrize(
    ("ident", "kwargs", "error", "message"),
    [
        ("TEA:T1", {}, RefusedError, r"needs --qty \(WH1 holds 50 of lot T1"),
        ("TEA:T1", {"qty": 5, "origin": "WH1", "to": "WH1"}, NotAllowedError, "nothing to move"),
        ("TEA:NOPE", {"qty": 1}, UnknownIdError, "lot NOPE of SKU TEA is not in the store"),
        ("GHOST-1", {}, UnknownIdError, "unit GHOST-1 is not in the store"),
        ("TEA:T1", {"qty": 0}, RefusedError, "above zero"),
    ],
)
def test_a_lot_transfer_that_cannot_be_done_says_why(t, ident, kwargs, error, message):
    """Each refusal names what is wrong and records nothing."""
    kwargs = dict(kwargs)  # the parameters are shared by both stores
    to = kwargs.pop("to", "WH2")
    with pytest.raises(error, match=message):
        t.transfer(ident, to, **kwargs)
    assert _in_stock(t) == {"WH1": 80}


def test_a_lot_of_serial_units_and_a_unit_with_qty_are_refused(t):
    """Units are moved by serial: a serial SKU's lot and a --qty on a unit are both refused."""
    t.receive("PUMP", serials=["U1"], lot="LP", expiry="2027-01-01")
    with pytest.raises(NotAllowedError, match="holds serial units"):
        t.transfer("PUMP:LP", "WH2", qty=1)
    with pytest.raises(RefusedError, match="moves whole, drop --qty"):
        t.transfer("U1", "WH2", qty=1)
    with pytest.raises(NotAllowedError, match="U1 is at WH1, not at WH2"):
        t.transfer("U1", "WH3", origin="WH2")


def test_a_gs1_lot_barcode_names_the_lot(t):
    """A scanned GS1 barcode with GTIN and lot moves that lot, as SKU:LOT does."""
    assert t.transfer("(01)80614141123458(10)T2", "WH2", qty=4) == ("WH1", "WH2")
    assert _in_stock(t) == {"WH1": 76, "WH2": 4}


def test_fefo_from_one_warehouse_draws_only_its_quantity(t):
    """After a transfer, shipping from WH2 picks first-expiry-first-out among WH2's lots only,
    and is refused beyond what WH2 holds, although WH1 has plenty."""
    t.transfer("TEA:T2", "WH2", qty=10)
    t.transfer("TEA:T1", "WH2", qty=3)
    shipped = t.ship("SO-1", lines=[("TEA", 5)], location="WH2")
    assert [(i.lot, i.location, i.qty) for i in shipped.items] == [
        ("T1", "WH2", 3),
        ("T2", "WH2", 2),
    ]
    with pytest.raises(NotEnoughStockError, match="at WH2, only 8 sellable"):
        t.ship("SO-2", lines=[("TEA", 9)], location="WH2")
    assert _in_stock(t) == {"WH1": 67, "WH2": 8}
    assert trace_lot(t.store, "TEA", "T1").lot.qty("IN_STOCK", "WH1") == 47


def test_the_epcis_export_carries_lot_and_unit_transfers(t):
    """Departing is observed at the origin with no bizLocation (the stock is on its way);
    arriving gives the new bizLocation; the lot's quantity is in both quantityLists."""
    t.receive("PHONE", serials=["P1"], location="WH1")
    t.transfer("TEA:T1", "WH2", qty=20)
    t.transfer("P1", "WH2")
    doc = export_epcis(t, created=NOW)
    moved = [e for e in doc["epcisBody"]["eventList"] if e["trackright:op"] == "transfer"]
    assert [(e["bizStep"], e["readPoint"]["id"][-3:]) for e in moved] == [
        ("departing", "WH1"),
        ("arriving", "WH2"),
        ("departing", "WH1"),
        ("arriving", "WH2"),
    ]
    assert "bizLocation" not in moved[0] and "bizLocation" not in moved[2]
    assert moved[1]["bizLocation"]["id"].endswith("/loc/WH2")
    tea = [{"epcClass": "https://id.gs1.org/01/80614141123458/10/T1", "quantity": 20}]
    assert moved[0]["quantityList"] == tea == moved[1]["quantityList"]
    assert moved[2]["epcList"] == moved[3]["epcList"] == ["https://trackright.invalid/unit/P1"]
    from test_epcis_export import validate

    validate(doc)


def test_lot_transfer_through_the_cli(store_path, tmp_path, monkeypatch):
    """`track transfer SKU:LOT --qty N --to WH` moves it (--from, or --warehouse, names the
    origin), `trace --lot` shows it, and a transfer of more than is there fails with exit 1
    and a message naming the quantities."""
    from advisor.cli.track import track
    from advisor.commands import base as commands_base

    monkeypatch.setattr(commands_base, "return_verdicts", lambda rules_dir=None: simple_verdict)
    runner = CliRunner()

    def run(*args: str, code: int = 0) -> str:
        r = runner.invoke(track, ["--store", str(store_path), *args])
        assert r.exit_code == code, r.output
        return r.output

    decisions = tmp_path / "dec.json"
    decisions.write_text(json.dumps([{"sku": "TEA", "method": "batch", "capture": ["lot"]}]))
    run("policy", "import", str(decisions))
    run("receive", "TEA", "--lot", "T1", "--qty", "50", "--location", "NORTH")
    out = run("transfer", "TEA:T1", "--qty", "20", "--to", "SOUTH")
    assert "TEA:T1: 20 moved from NORTH to SOUTH" in out
    out = run("transfer", "TEA:T1", "--qty", "21", "--to", "EAST", "--from", "SOUTH", code=1)
    assert "20" in out and "21 to transfer, but SOUTH holds only 20" in out
    out = run("--warehouse", "SOUTH", "transfer", "TEA:T1", "--qty", "5", "--to", "EAST")
    assert "5 moved from SOUTH to EAST" in out
    out = run("transfer", "TEA:T1", "--to", "EAST", code=1)
    assert "--from" in out  # in stock at three warehouses now
    assert "departing" in run("trace", "--lot", "TEA:T1")
    events = json.loads(run("trace", "--lot", "TEA:T1", "--json"))
    moved = [(e["biz_step"], e["location"], e["moves"][0]["qty"]) for e in events[1:3]]
    assert moved == [("departing", "NORTH", 20), ("arriving", "SOUTH", 20)]
    south = run("--warehouse", "SOUTH", "ship", "SO-1", "--line", "TEA:16", code=1)
    assert "only 15 sellable" in south
    run("--warehouse", "SOUTH", "ship", "SO-1", "--line", "TEA:15")
    store = open_store(store_path)
    with store.reader() as r:
        lot = r.lot("TEA", "T1")
    store.close()
    assert lot.quantities == (
        ("EAST", "IN_STOCK", 5),
        ("NORTH", "IN_STOCK", 30),
        ("SOUTH", "SHIPPED", 15),
    )
