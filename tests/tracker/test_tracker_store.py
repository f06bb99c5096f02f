"""The TinyDB store: reopening, folds stock TinyDB can read, damage caught, foreign files refused."""

from __future__ import annotations

import json
import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tinydb import TinyDB
from tracker_helpers import NOW, POLICIES, store_files, unit_ids

from tracker import (
    ForeignStoreError,
    StoreCorruptError,
    StoreError,
    open_store,
    open_tracker,
    stats,
    trace_unit,
)
from tracker.model import Unit
from tracker.store import files
from tracker.store.bucket_storage import BucketStorage


def _put(store, ident: str) -> None:
    with store.transaction("t") as tx:
        tx.put_unit(Unit(ident, "A", "serial", "IN_STOCK", "WH1"))


def test_reopen_sees_every_committed_operation(store_path):
    """Operations are there after reopening, counted in sequence."""
    store = open_store(store_path)
    for i in range(3):
        _put(store, f"S{i}")
    again = open_store(store_path)
    assert unit_ids(again) == {"S0", "S1", "S2"}
    with again.reader() as r:
        assert r.seq == 3 and r.counts()["units"] == 3


def test_folded_partitions_are_plain_tinydb(store_path):
    """After folds, stock TinyDB opens each partition base and sees its units as of the fold."""
    store = open_store(store_path)
    for i in range(400):
        _put(store, f"S{i % 3}")  # the same three units, rewritten: their partitions fold
    bases = list((store.data / "units").glob("*.json"))
    assert bases
    seen = {}
    for base in bases:
        db = TinyDB(base, storage=BucketStorage)
        seen.update({d["id"]: d for d in db.table("units").all()})
        plain = TinyDB(base)  # the JSON storage TinyDB ships with reads it as well
        assert len(plain.table("units")) == len(db.table("units"))
        plain.close()
    assert set(seen) <= {"S0", "S1", "S2"} and seen


def test_manifest_is_tinydb_with_the_schema(store_path):
    """The manifest is a TinyDB file that names the schema and its version."""
    store = open_store(store_path)
    meta = TinyDB(store.path).table("meta").get(doc_id=1)
    assert meta["schema"] == "trackright.store" and meta["schema_version"] == 2


def test_a_torn_op_log_line_without_its_journal_record_is_damage(store_path):
    """Op-log lines are written only while the journal holds their operation: alone, a cut one is
    damage, named, not an operation silently dropped."""
    store = open_store(store_path)
    _put(store, "S1")
    log = max(store.data.glob("head.*.log"))
    with open(log, "ab") as fh:
        fh.write(b'0000 {"s": 2, "op": "t"')
    with pytest.raises(StoreCorruptError, match="cut short"):
        unit_ids(open_store(store_path))


def test_a_damaged_manifest_is_reported_and_left_alone(store_path):
    """A manifest that is not JSON gives StoreCorruptError and is never overwritten."""
    store_path.parent.mkdir(parents=True)
    store_path.write_text('{"units": {"1": {"id": ')
    before = store_path.read_bytes()
    with pytest.raises(StoreCorruptError, match="damaged"):
        open_store(store_path)
    assert store_path.read_bytes() == before


@pytest.mark.parametrize(
    "content", ['{"_default": {"1": {"a": 1}}}', "[1, 2]", "", '{"meta": {"1": {"x": 1}}}']
)
def test_a_foreign_file_is_refused_and_left_alone(store_path, content):
    """A TinyDB or JSON file that is not a trackright store is refused and left untouched."""
    store_path.parent.mkdir(parents=True)
    store_path.write_text(content)
    with pytest.raises(ForeignStoreError):
        open_store(store_path)
    assert store_path.read_text() == content


def test_an_old_single_file_store_is_named_as_such(store_path):
    """A store written by the single-file trackright (schema 1) is refused with its version."""
    store_path.parent.mkdir(parents=True)
    meta = {"schema": "trackright.store", "schema_version": 1, "journal_seq": 0}
    store_path.write_text(json.dumps({"meta": {"1": meta}, "units": {}}))
    with pytest.raises(ForeignStoreError, match="schema version 1"):
        open_store(store_path)


def test_a_failed_transaction_writes_nothing(store_path):
    """An exception inside a transaction leaves every file unchanged."""
    store = open_store(store_path)
    _put(store, "A")
    before = store_files(store)
    with pytest.raises(RuntimeError), store.transaction("t") as tx:
        tx.put_unit(Unit("X", "A", "serial", "IN_STOCK", "WH1"))
        raise RuntimeError("boom")
    assert store_files(store) == before


def test_a_new_path_without_extension_is_a_workspace_folder(tmp_path):
    """`--store /tmp/shop` for a path that does not exist yet is the folder, with store.json in it."""
    store = open_store(tmp_path / "shop")
    assert store.path == (tmp_path / "shop" / "store.json").resolve()


def test_read_only_never_creates_a_store(tmp_path):
    """Opening a missing store read-only is an error, and nothing is created."""
    with pytest.raises(StoreError, match="no store"):
        open_store(tmp_path / "none", readonly=True)
    assert not (tmp_path / "none").exists()


def test_readers_take_no_lock(store_path):
    """Stats and traces run while another process holds the writer's lock."""
    t = open_tracker(store_path, clock=lambda: NOW)
    t.set_policies(POLICIES)
    t.receive("PHONE", serials=["P1"])
    lock = files.Lock(t.store.path)
    assert lock.acquire(1)
    try:
        assert stats(open_store(store_path, timeout=0.01)).counts["units"] == 1
        assert trace_unit(open_store(store_path, timeout=0.01), "P1").units[0].id == "P1"
    finally:
        lock.release()


def test_a_scan_reads_a_few_files_whatever_the_store_size(store_path, monkeypatch):
    """Shipping one unit reads the same handful of partitions in a store of 3,000 units as of 30."""
    t = open_tracker(store_path, clock=lambda: NOW)
    t.set_policies(POLICIES)
    counts = []
    for size in (30, 3000):
        t.receive("PHONE", serials=[f"U{size}-{i}" for i in range(size)])
        opened: list[str] = []
        real = files.read_bytes

        def spy(path, real=real, opened=opened):
            opened.append(str(path))
            return real(path)

        monkeypatch.setattr(files, "read_bytes", spy)
        fresh = open_tracker(store_path, clock=lambda: NOW)
        fresh.ship(f"SO-{size}", scans=[f"U{size}-7"])
        monkeypatch.setattr(files, "read_bytes", real)
        counts.append(len(opened))
    assert counts[1] <= counts[0] + 2 and counts[1] < 40


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(seed=st.integers(0, 2**32 - 1))
def test_a_flipped_bit_anywhere_is_caught_or_harmless(tmp_path_factory, seed):
    """A single flipped bit in any file either changes nothing readable or is reported as damage."""
    path = tmp_path_factory.mktemp("flip") / "store.json"
    t = open_tracker(path, clock=lambda: NOW)
    t.set_policies(POLICIES)
    t.receive("PHONE", serials=[f"P{i}" for i in range(5)])
    t.receive("VITC", lot="L1", qty=4, expiry="2026-01-01")
    t.ship("SO-1", scans=["P1"], lines=[("VITC", 2)])

    def view(store):
        s = stats(store)
        return (
            s.stock,
            s.returns,
            trace_unit(store, "P1").units,
            [e.biz_step for e in trace_unit(store, "P1").events],
        )

    expected = view(open_store(path))
    rng = random.Random(seed)
    candidates = [p for p in path.parent.rglob("*") if p.is_file() and p.stat().st_size]
    victim = rng.choice(sorted(candidates))
    data = bytearray(victim.read_bytes())
    i = rng.randrange(len(data))
    data[i] ^= 1 << rng.randrange(8)
    victim.write_bytes(bytes(data))
    try:
        got = view(open_store(path))
    except (StoreCorruptError, ForeignStoreError) as err:
        assert str(victim.name) in str(err) or "store.json" in str(err)
    else:
        assert got == expected


def test_compact_folds_everything_and_changes_nothing_readable(store_path):
    """After `compact` every partition base holds all its documents, and every answer is the same."""
    t = open_tracker(store_path, clock=lambda: NOW)
    t.set_policies(POLICIES)
    t.receive("PHONE", serials=[f"P{i}" for i in range(50)])
    for i in range(10):
        t.ship(f"SO-{i}", scans=[f"P{i}"])
    before = stats(t.store), trace_unit(t.store, "P3")
    assert t.store.compact() > 0
    assert (stats(open_store(store_path)), trace_unit(open_store(store_path), "P3")) == before
    seen = set()
    for base in (t.store.data / "units").glob("*.json"):
        seen |= {d["id"] for d in TinyDB(base).table("units").all()}
    assert seen == {f"P{i}" for i in range(50)}
    t.ship("SO-after", scans=["P40"])
    assert trace_unit(open_store(store_path), "P40").units[0].status == "SHIPPED"


def test_a_bulk_load_refuses_a_serial_it_already_holds(store_path):
    """Inside one bulk transaction a serial received twice is refused the second time, and the
    refused receipt leaves the first in place."""
    import pytest as _pytest

    from tracker import DuplicateIdError

    t = open_tracker(store_path, clock=lambda: NOW)
    t.set_policies(POLICIES)
    with t.store.bulk():
        t.receive("PHONE", serials=["B1"])
        t.ship("SO-B", scans=["B1"])
        with _pytest.raises(DuplicateIdError):
            t.receive("PHONE", serials=["B2", "B1"])
    assert unit_ids(open_store(store_path)) == {"B1"}
    assert trace_unit(open_store(store_path), "B1").units[0].status == "SHIPPED"
