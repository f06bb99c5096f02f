"""Store: TinyDB-readable checkpoint, journal replay, torn lines, damaged and foreign files, lock."""

from __future__ import annotations

import json

import pytest
from filelock import FileLock
from tinydb import TinyDB

from tracker import ForeignStoreError, Store, StoreBusyError, StoreCorruptError


def _put(store: Store, ident: str) -> None:
    with store.transaction("t") as tx:
        tx.put("units", {"id": ident, "sku": "A", "status": "IN_STOCK", "location": "WH1"})


def test_reopen_sees_journalled_changes(store_path):
    """Changes written to the journal are there after reopening, without a checkpoint."""
    store = Store(store_path)
    for i in range(3):
        _put(store, f"S{i}")
    again = Store(store_path)
    assert sorted(again.keys["units"]) == ["S0", "S1", "S2"]
    assert again.seq == 3


def test_checkpoint_is_plain_tinydb(store_path):
    """After compaction stock TinyDB opens the file and sees every unit and the schema version."""
    store = Store(store_path, compact_every=2)
    for i in range(4):
        _put(store, f"S{i}")
    db = TinyDB(store_path)
    assert {d["id"] for d in db.table("units").all()} == {"S0", "S1", "S2", "S3"}
    assert db.table("meta").get(doc_id=1)["schema_version"] == 1
    db.close()


def test_torn_journal_line_is_ignored_and_trimmed(store_path):
    """A journal line cut short by a crash is ignored, and the next writer trims it."""
    store = Store(store_path)
    _put(store, "S1")
    with open(store.journal.path, "ab") as fh:
        fh.write(b'{"seq": 2, "op": "t", "docs": {"units": {"9": {"id": "TORN"')
    again = Store(store_path)
    assert "TORN" not in again.keys["units"]
    _put(again, "S2")
    third = Store(store_path)
    assert sorted(third.keys["units"]) == ["S1", "S2"]


def test_damaged_store_is_reported_and_left_alone(store_path):
    """A store file that is not JSON gives StoreCorruptError and is never overwritten."""
    store_path.parent.mkdir(parents=True)
    store_path.write_text('{"units": {"1": {"id": ')
    before = store_path.read_bytes()
    with pytest.raises(StoreCorruptError, match="damaged"):
        Store(store_path)
    assert store_path.read_bytes() == before


@pytest.mark.parametrize(
    "content", ['{"_default": {"1": {"a": 1}}}', "[1, 2]", "", '{"meta": {"1": {"x": 1}}}']
)
def test_foreign_file_is_refused_and_left_alone(store_path, content):
    """A TinyDB or JSON file that is not a trackright store is refused and left untouched."""
    store_path.parent.mkdir(parents=True)
    store_path.write_text(content)
    with pytest.raises(ForeignStoreError):
        Store(store_path)
    assert store_path.read_text() == content


def test_newer_schema_is_refused(store_path):
    """A store written by a newer schema version is refused with the version named."""
    Store(store_path)
    data = json.loads(store_path.read_text())
    data["meta"]["1"]["schema_version"] = 99
    store_path.write_text(json.dumps(data))
    with pytest.raises(ForeignStoreError, match="99"):
        Store(store_path)


def test_damaged_middle_journal_line_is_reported(store_path):
    """Damage before the last journal line is corruption, not a torn write."""
    store = Store(store_path)
    _put(store, "S1")
    _put(store, "S2")
    lines = store.journal.path.read_bytes().split(b"\n")
    lines[0] = b"garbage"
    store.journal.path.write_bytes(b"\n".join(lines))
    with pytest.raises(StoreCorruptError, match="journal"):
        Store(store_path)


def test_busy_store_times_out_clearly(store_path):
    """When another process holds the lock, an operation fails with StoreBusyError."""
    store = Store(store_path, timeout=0.2)
    other = FileLock(str(store_path) + ".lock", thread_local=False)
    other.acquire()
    try:
        with pytest.raises(StoreBusyError, match="another trackright process"):
            _put(store, "S1")
    finally:
        other.release()


def test_failed_transaction_writes_nothing(store_path):
    """An exception inside a transaction leaves memory and disk unchanged."""
    store = Store(store_path)
    with pytest.raises(RuntimeError), store.transaction("t") as tx:
        tx.put("units", {"id": "X", "sku": "A", "status": "IN_STOCK", "location": "WH1"})
        raise RuntimeError("boom")
    assert "X" not in store.keys["units"]
    assert "X" not in Store(store_path).keys["units"]


def test_new_path_without_extension_is_a_workspace_folder(tmp_path):
    """`--store /tmp/shop` for a path that does not exist yet makes the folder, with store.json in it."""
    from tracker import Store

    store = Store(tmp_path / "shop")
    assert store.path == tmp_path / "shop" / "store.json"
