"""The index of import keys: a re-run of an import file is one look-up, and stays exact.

Every test runs on both stores (TinyDB and PostgreSQL).
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from tracker_helpers import BOTH, NOW, real_verdict, store_files

from tracker.imports import import_orders, import_returns
from tracker.imports.apply import order_key, return_key
from tracker.imports.records import OrderLine, ReturnLine
from tracker.model import Event

STORES = BOTH


def _clock():
    return NOW


def _orders(path: Path, n: int = 300) -> Path:
    """`n` orders of tea (one or two lines each), one naming a SKU with no decision."""
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["order", "sku", "qty", "date"])
        for i in range(n):
            w.writerow([f"SO-{i}", "TEA", str(1 + i % 3), "2025-06-01"])
            if i % 2:
                w.writerow([f"SO-{i}", "VITC", "1", "2025-06-01"])
        w.writerow(["SO-GHOST", "GHOST-SKU", "1", "2025-06-01"])
    return path


@pytest.fixture
def stocked(tracker):
    tracker.receive("TEA", lot="T1", qty=10_000, expiry="2027-01-31")
    tracker.receive("VITC", lot="V1", qty=1_000, expiry="2027-06-30")
    tracker.receive("PHONE", serials=[f"P{i}" for i in range(1, 11)])
    return tracker


def test_imported_keys_are_looked_up_in_one_answer(stocked, tmp_path):
    """After an import, the store names each applied order's key with its day, and no other."""
    report = import_orders(stocked.store, _orders(tmp_path / "o.csv", 20), clock=_clock)
    applied = {r.order for r in report.results if r.status == "applied"}
    assert len(applied) == 20
    keys = {
        o: order_key(o, [OrderLine(0, o, "TEA", 1 + int(o[3:]) % 3)] + (
            [OrderLine(0, o, "VITC", 1)] if int(o[3:]) % 2 else []))
        for o in applied
    }  # fmt: skip
    with stocked.store.reader() as r:
        found = r.imported([*keys.values(), "orders:SO-1:not-a-key", "orders:SO-999:x"])
    assert found == {k: "2025-06-01" for k in keys.values()}
    with stocked.store.reader() as r:
        assert r.imported([]) == {}


def test_a_transaction_sees_the_keys_it_staged_and_a_dropped_one_leaves_none(stocked):
    """Inside an operation a key it staged counts as imported; rolled back, it was never there."""
    key = "orders:SO-T:abc"
    event = Event("e1", "op1", "ship", NOW.isoformat(), "OBSERVE", "shipping", "in_transit",
                  order="SO-T", source=key)  # fmt: skip

    class Dropped(Exception):
        pass

    with pytest.raises(Dropped), stocked.store.transaction("ship") as tx:
        assert tx.imported([key]) == {}
        tx.add_event(event)
        assert tx.imported([key, "other"]) == {key: NOW.isoformat()[:10]}
        raise Dropped
    with stocked.store.reader() as r:
        assert r.imported([key]) == {}


def test_the_same_file_twice_changes_nothing_and_opens_no_order(stocked, tmp_path, monkeypatch):
    """A re-run finds every applied line in the index: no order is read, no byte is written."""
    path = _orders(tmp_path / "o.csv")
    first = import_orders(stocked.store, path, clock=_clock)
    assert first.count("applied") > 0 and first.count("rejected") == 1
    before = store_files(stocked.store)

    def no_order_read(*_args, **_kwargs):
        raise AssertionError("a re-run read an order: the index of import keys was not used")

    import tracker.operations.ship as ship

    monkeypatch.setattr(ship, "refuse_if_applied", no_order_read)
    again = import_orders(stocked.store, path, clock=_clock)
    assert again.count("unchanged") == first.count("applied")
    assert again.count("applied") == 0 and again.count("rejected") == 1
    assert {r.detail for r in again.results if r.status == "unchanged"} == {
        f"order {r.order}: this line was imported before (recorded for 2025-06-01)"
        for r in again.results
        if r.status == "unchanged"
    }
    assert store_files(stocked.store) == before


def test_keys_missing_from_the_index_still_meet_the_exact_check(stocked, tmp_path, monkeypatch):
    """Lines applied before the index existed (the index answers nothing) are still found
    unchanged by the check inside each operation: the index only speeds up, never decides."""
    path = _orders(tmp_path / "o.csv", 50)
    first = import_orders(stocked.store, path, clock=_clock)
    before = store_files(stocked.store)
    import tracker.imports.apply as apply

    monkeypatch.setattr(apply, "applied_before", lambda store, keys: {})
    again = import_orders(stocked.store, path, clock=_clock)
    assert again.count("unchanged") == first.count("applied") == 75  # 50 orders, 75 lines
    assert store_files(stocked.store) == before


def test_a_file_with_old_and_new_orders_ships_only_the_new(stocked, tmp_path):
    """Yesterday's export plus today's orders: yesterday's are unchanged, today's ship."""
    import_orders(stocked.store, _orders(tmp_path / "day1.csv", 40), clock=_clock)
    both = _orders(tmp_path / "day2.csv", 60)
    report = import_orders(stocked.store, both, clock=_clock)
    unchanged = {r.order for r in report.results if r.status == "unchanged"}
    applied = {r.order for r in report.results if r.status == "applied"}
    assert unchanged == {f"SO-{i}" for i in range(40)}
    assert applied == {f"SO-{i}" for i in range(40, 60)}
    with stocked.store.reader() as r:
        assert r.counts()["orders"] == 60


def test_returns_twice_change_nothing(stocked, tmp_path):
    """A returns list imported twice: the second run finds every taken return in the index."""
    import_orders(stocked.store, _orders(tmp_path / "o.csv", 10), clock=_clock)
    path = tmp_path / "returns.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["order", "identifier", "reason", "date", "qty"])
        w.writerows([[f"SO-{i}", "TEA", "fit", "2025-06-02", "1"] for i in range(1, 6)])
    first = import_returns(stocked.store, path, verdict=real_verdict, clock=_clock)
    assert first.count("applied") == 5
    with stocked.store.reader() as r:
        key = return_key(ReturnLine(0, "SO-1", "TEA"), 1)
        assert r.imported([key]) == {key: "2025-06-02"}
    before = store_files(stocked.store)
    again = import_returns(stocked.store, path, verdict=real_verdict, clock=_clock)
    assert again.count("unchanged") == 5
    assert [r.line for r in again.results] == [r.line for r in first.results]
    assert store_files(stocked.store) == before


def test_two_imports_of_one_file_at_once_apply_each_line_once(stocked, store_path, tmp_path):
    """Two imports of the same file running at the same moment, each on its own connection to
    the store: every line is applied by exactly one of them; the other finds it unchanged."""
    import threading

    from tracker import open_store

    path = _orders(tmp_path / "o.csv", 200)
    reports: dict[int, object] = {}
    start = threading.Barrier(2)

    def importer(n: int) -> None:
        store = open_store(store_path, timeout=60)
        try:
            start.wait()
            reports[n] = import_orders(store, path, clock=_clock)
        finally:
            store.close()

    threads = [threading.Thread(target=importer, args=(n,)) for n in (1, 2)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(120)
    a, b = reports[1].results, reports[2].results
    for x, y in zip(a, b, strict=True):
        if x.status == "rejected":
            assert y.status == "rejected"
        else:
            assert {x.status, y.status} == {"applied", "unchanged"}, (x, y)
    with stocked.store.reader() as r:
        assert r.counts()["orders"] == 200
        assert sum(n for sku, n, _back in r.return_figures() if sku == "TEA") == sum(
            1 + i % 3 for i in range(200)
        )


@pytest.mark.parametrize("direction", ["tinydb-to-postgresql", "postgresql-to-tinydb"])
def test_a_copied_store_keeps_its_import_keys(direction, pg_url, tmp_path, monkeypatch):
    """`store copy` either way carries the index: the same file on the copy opens no order."""
    from tracker_helpers import POLICIES

    from tracker import open_tracker
    from tracker.store.copy import copy_store

    paths = [tmp_path / "ws" / "store.json", pg_url]
    if direction.startswith("postgresql"):
        paths.reverse()
    source, target = (open_tracker(p, clock=_clock) for p in paths)
    source.set_policies(POLICIES)
    source.receive("TEA", lot="T1", qty=1_000, expiry="2027-01-31")
    source.receive("VITC", lot="V1", qty=100, expiry="2027-06-30")
    path = _orders(tmp_path / "o.csv", 30)
    first = import_orders(source.store, path, clock=_clock)
    copy_store(source.store, target.store)
    import tracker.operations.ship as ship

    monkeypatch.setattr(ship, "refuse_if_applied", lambda *a: pytest.fail("an order was read"))
    again = import_orders(target.store, path, clock=_clock)
    assert again.count("unchanged") == first.count("applied") > 0
    for t in (source, target):
        t.store.close()
