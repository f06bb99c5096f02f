"""`store upgrade` on a TinyDB store: a schema-1 store (one TinyDB file + journal) becomes today's layout."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from tracker_helpers import NOW, simple_verdict

from tracker import ledger, open_store, open_tracker, stats, trace_lot, trace_unit
from tracker.labels import make_lpn
from tracker.model import QtyMove
from tracker.store.upgrade import MARKER

POLICY = {"capture": [], "rule": "r", "reason": "", "rulebook_version": "", "vertical": ""}


def _event(n: int, op: str, step: str, status: str, **kw) -> dict:
    """A ledger event as schema 1 wrote it (no operation number, no suspect field)."""
    doc = ledger.make_event(f"op{n}", op, NOW + timedelta(minutes=n), biz_step=step,
                            status=status, **kw).to_doc()  # fmt: skip
    del doc["seq"], doc["suspect"]
    return doc


def _unit(ident: str, sku: str, method: str, status: str, **kw) -> dict:
    doc = {"id": ident, "sku": sku, "method": method, "status": status, "location": "WH1",
           "lot": None, "order": None, "orders": [], "returned_on": [], "returns": 0, "flags": []}  # fmt: skip
    return {**doc, **kw}


def write_v1_store(folder: Path) -> Path:
    """A schema-1 store as the trackright before the partitioned store left it: a checkpoint of
    five operations (receipts, a shipment, a counterfeit handed in) and two more in its journal
    (a genuine return, an unknown lot handed in)."""
    folder.mkdir(parents=True)
    tea = [QtyMove("TEA", "T1", "WH1", 10, None, "IN_STOCK")]
    events = [
        _event(1, "receive", "receiving", "IN_STOCK", action="ADD", ids=["P1", "P2"], sku="PHONE",
               location="WH1"),
        _event(2, "receive", "receiving", "IN_STOCK", action="ADD", moves=tea, sku="TEA",
               location="WH1", ilmd={"lot": "T1", "expiry": "2026-01-31"}),
        _event(3, "receive", "commissioning", "IN_STOCK", action="ADD", ids=[make_lpn(1)],
               sku="DRESS", location="WH1"),
        _event(4, "ship", "shipping", "SHIPPED", ids=["P1"], order="SO-1",
               moves=[QtyMove("TEA", "T1", "WH1", 3, "IN_STOCK", "SHIPPED")]),
        _event(5, "return", "receiving", "RETURNED", action="ADD", ids=["FAKE-9"], order="SO-1",
               location="RETURNS", sku="PHONE"),
        _event(5, "return-verdict", "holding", "QUARANTINED", ids=["FAKE-9"], order="SO-1",
               location="RETURNS", sku="PHONE", persistent_set=["counterfeit_suspect"]),
    ]  # fmt: skip
    order = {"order_id": "SO-1", "shipped_at": NOW.isoformat(timespec="seconds"),
             "lines": [["PHONE", 1], ["TEA", 3]],
             "items": [{"sku": "PHONE", "qty": 1, "location": "WH1", "id": "P1", "lot": None},
                       {"sku": "TEA", "qty": 3, "location": "WH1", "id": None, "lot": "T1"}],
             "returned": []}  # fmt: skip
    tea_lot = {"sku": "TEA", "lot": "T1", "method": "batch", "mfg": None, "expiry": "2026-01-31",
               "recalled": False, "received": 10, "qty": {"WH1": {"IN_STOCK": 7, "SHIPPED": 3}}}  # fmt: skip
    checkpoint = {
        "meta": {"1": {"schema": "trackright.store", "schema_version": 1, "journal_seq": 6}},
        "policies": {
            "1": {"sku": "PHONE", "method": "serial", **POLICY, "return_qc": False, "gtin": ""},
            "2": {"sku": "TEA", "method": "batch", **POLICY, "capture": ["lot", "expiry"],
                  "return_qc": False, "gtin": ""},
            "3": {"sku": "DRESS", "method": "lpn", **POLICY, "return_qc": False, "gtin": ""},
        },
        "units": {
            "1": _unit("P1", "PHONE", "serial", "SHIPPED", order="SO-1", orders=["SO-1"]),
            "2": _unit("P2", "PHONE", "serial", "IN_STOCK"),
            "3": _unit(make_lpn(1), "DRESS", "lpn", "IN_STOCK"),
            "4": _unit("FAKE-9", "PHONE", "unknown", "QUARANTINED", location="RETURNS",
                       returns=1, returned_on=["SO-1"], flags=["counterfeit_suspect"],
                       foreign=True),
        },
        "lots": {"1": tea_lot},
        "orders": {"1": order},
        "events": {str(i): e for i, e in enumerate(events, 1)},
        "counters": {"1": {"lpn": 1}},
    }  # fmt: skip
    manifest = folder / "store.json"
    manifest.write_text(json.dumps(checkpoint))
    returned = dict(order, returned=[order["items"][0]])
    journal = [
        {"seq": 7, "op": "return", "docs": {
            "units": {"1": _unit("P1", "PHONE", "serial", "IN_STOCK", order="SO-1",
                                 orders=["SO-1"], returns=1, returned_on=["SO-1"])},
            "orders": {"1": returned},
            "events": {
                "7": _event(7, "return", "receiving", "RETURNED", ids=["P1"], order="SO-1",
                            location="WH1", sku="PHONE", reason="fit"),
                "8": _event(7, "return-verdict", "stocking", "IN_STOCK", ids=["P1"],
                            order="SO-1", location="WH1", sku="PHONE", rule="returns/restock"),
            }}},
        {"seq": 8, "op": "return", "docs": {
            "lots": {"2": {"sku": "TEA", "lot": "ZZ", "method": "unknown", "mfg": None,
                           "expiry": None, "recalled": False, "received": 2,
                           "qty": {"RETURNS": {"QUARANTINED": 2}}, "foreign": True}},
            "events": {
                "9": _event(8, "return", "receiving", "RETURNED", action="ADD", order="SO-1",
                            moves=[QtyMove("TEA", "ZZ", "RETURNS", 2, None, "RETURNED")],
                            location="RETURNS", sku="TEA"),
                "10": _event(8, "return-verdict", "holding", "QUARANTINED", order="SO-1",
                             moves=[QtyMove("TEA", "ZZ", "RETURNS", 2, "RETURNED", "QUARANTINED")],
                             location="RETURNS", sku="TEA"),
            }}},
    ]  # fmt: skip
    lines = [json.dumps(r) for r in journal]
    (folder / "store.json.journal").write_text("\n".join(lines) + '\n{"seq": 9, "op"')  # torn
    return manifest


def _track(*args: str):
    from advisor.cli.track import track

    return CliRunner().invoke(track, list(args))


def test_an_old_store_is_refused_until_upgraded_and_then_keeps_everything(tmp_path):
    """Every verb on a schema-1 store says to run `store upgrade`; the upgrade converts it
    (journal replayed, the torn last line ignored), keeps the old file, and the store then has
    the same units, lots, orders, events in order, suspects and LPN sequence."""
    manifest = write_v1_store(tmp_path / "ws")
    before = _track("--store", str(manifest), "stats")
    assert before.exit_code != 0 and "store upgrade" in before.output, before.output
    r = _track("--store", str(manifest), "store", "upgrade")
    assert r.exit_code == 0, r.output
    assert "store schema version 2: converted from schema version 1" in r.output
    assert not (tmp_path / "ws" / "store.json.lock").exists()
    assert "3 units, 1 lots, 1 orders, 10 events, 3 policies, 2 suspects" in r.output
    assert (tmp_path / "ws" / "store.json.v1").exists()
    assert (tmp_path / "ws" / "store.json.journal.v1").exists()
    assert not (tmp_path / "ws" / "store.json.journal").exists()
    assert not list((tmp_path / "ws").glob(".store.json.upgrade"))
    t = open_tracker(manifest, verdict=simple_verdict, clock=lambda: NOW)
    p1 = trace_unit(t.store, "P1")
    assert [e.biz_step for e in p1.events] == ["receiving", "shipping", "receiving", "stocking"]
    assert [e.seq for e in p1.events] == [1, 4, 6, 6]  # numbered by the operations recorded
    assert p1.units[0].status == "IN_STOCK" and p1.units[0].returned_on == ("SO-1",)
    lot = trace_lot(t.store, "TEA", "T1").lot
    assert lot.quantities == (("WH1", "IN_STOCK", 7), ("WH1", "SHIPPED", 3))
    assert lot.shipped_total == 3 and lot.received == 10
    fake = trace_unit(t.store, "FAKE-9")
    assert fake.suspects[0].flags == ("counterfeit_suspect",) and not fake.units
    assert [e.suspect for e in fake.events] == ["FAKE-9", "FAKE-9"]
    s = stats(t.store)
    assert sorted(x.id for x in s.suspects) == ["FAKE-9", "TEA:ZZ"]
    assert ("PHONE", "WH1", "IN_STOCK", 2) in s.stock
    assert t.receive("DRESS", generate=1).ids == (make_lpn(2),)  # the LPN sequence carried on
    t.ship("SO-2", scans=["P2"])  # an ordinary store from here on
    t.store.close()
    again = _track("--store", str(manifest), "store", "upgrade")
    assert again.exit_code == 0 and "already current" in again.output
    assert "nothing to do" in again.output


def test_an_interrupted_upgrade_is_redone(tmp_path):
    """A data folder left by an upgrade that died before the swap is removed and the upgrade
    runs again; a folder that is not one is never deleted."""
    manifest = write_v1_store(tmp_path / "ws")
    stray = tmp_path / "ws" / "store"
    stray.mkdir()
    (stray / "notes.txt").write_text("mine")
    r = _track("--store", str(manifest), "store", "upgrade")
    assert r.exit_code != 0 and "is in the way" in r.output
    assert (stray / "notes.txt").read_text() == "mine"
    (stray / "notes.txt").unlink()
    (stray / MARKER).touch()
    r = _track("--store", str(manifest), "store", "upgrade")
    assert r.exit_code == 0, r.output
    with open_store(manifest, readonly=True).reader() as reader:
        assert reader.counts()["events"] == 10


@pytest.mark.parametrize("content", ["newer", "missing"])
def test_upgrade_says_why_it_cannot(tmp_path, content):
    """A store of a newer schema is refused, and so is a path with no store; neither is touched."""
    manifest = tmp_path / "ws" / "store.json"
    if content == "newer":
        manifest.parent.mkdir()
        manifest.write_text(json.dumps({"meta": {"1": {"schema": "trackright.store",
                                                      "schema_version": 9}}}))  # fmt: skip
    r = _track("--store", str(manifest), "store", "upgrade")
    assert r.exit_code != 0
    if content == "newer":
        assert "version 9" in r.output and "upgrades version 1 only" in r.output
        assert json.loads(manifest.read_text())["meta"]["1"]["schema_version"] == 9
    else:
        assert "nothing to upgrade" in r.output and not manifest.exists()
