"""The remembered parse of the op log's base: used only for the very bytes it came from."""

from __future__ import annotations

import pytest

from tracker import StoreCorruptError, open_store, stats
from tracker.model import Unit
from tracker.store import headcache, view


@pytest.fixture
def store(tmp_path, monkeypatch):
    """A folded store (its op log has a base) whose base is remembered, however small."""
    monkeypatch.setenv("TRACKRIGHT_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(headcache, "MIN_BYTES", 0)
    s = open_store(tmp_path / "store.json")
    s.head_fold_bytes = 2000
    for i in range(40):
        with s.transaction("t") as tx:
            tx.put_unit(Unit(f"U{i}", "A", "serial", "IN_STOCK", "WH1"))
    assert view.head_gens(s.data)[0] > 0
    return s


def _base(store):
    return store.data / f"head.{view.head_gens(store.data)[0]}.json"


def _cache_files(tmp_path):
    return list((tmp_path / "cache" / "trackright" / "heads").glob("*.marshal"))


def test_a_remembered_base_reads_as_parsing_it_does(store, tmp_path, monkeypatch):
    """The second reader takes the remembered parse and sees exactly what the first parsed."""
    parsed = view.read_head(store.data)
    assert len(_cache_files(tmp_path)) == 1
    calls = []
    monkeypatch.setattr(view.buckets, "decode_base", lambda *a: calls.append(a))
    again = view.read_head(store.data)
    assert calls == [] and again.to_doc() == parsed.to_doc()
    assert again.log_size == parsed.log_size and stats(store).counts["units"] == 40


def test_a_changed_base_is_parsed_and_its_damage_reported(store):
    """A flipped bit in the base is never hidden by a remembered parse of the good bytes."""
    view.read_head(store.data)
    base = _base(store)
    raw = bytearray(base.read_bytes())
    raw[len(raw) // 2] ^= 0x04
    base.write_bytes(bytes(raw))
    with pytest.raises(StoreCorruptError, match="damaged"):
        view.read_head(store.data)


def test_an_unreadable_cache_is_ignored_and_replaced(store, tmp_path):
    """Junk in the cache file is not a store problem: the base is parsed and remembered anew."""
    parsed = view.read_head(store.data)
    (cached,) = _cache_files(tmp_path)
    for junk in (b"", b"\x00garbage", b"\xe9" * 64):
        cached.write_bytes(junk)
        assert view.read_head(store.data).to_doc() == parsed.to_doc()
        assert headcache.recall(store.data, _base(store).read_bytes()) is not None


def test_without_a_writable_cache_every_reader_parses(store, tmp_path, monkeypatch):
    """A cache folder that cannot be made only means parsing every time."""
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    monkeypatch.setenv("TRACKRIGHT_CACHE", str(blocker))
    assert view.read_head(store.data).seq == 40
    assert stats(store).counts["units"] == 40


def test_small_bases_are_never_remembered(tmp_path, monkeypatch):
    """Below MIN_BYTES a base is parsed every time and nothing is written to the cache."""
    monkeypatch.setenv("TRACKRIGHT_CACHE", str(tmp_path / "cache"))
    s = open_store(tmp_path / "store.json")
    s.head_fold_bytes = 2000
    for i in range(40):
        with s.transaction("t") as tx:
            tx.put_unit(Unit(f"U{i}", "A", "serial", "IN_STOCK", "WH1"))
    assert view.read_head(s.data).seq == 40
    assert not (tmp_path / "cache").exists()


def test_only_the_newest_stores_are_remembered(tmp_path, monkeypatch):
    """Each store has one cache file; past KEEP stores, the oldest files are removed."""
    monkeypatch.setenv("TRACKRIGHT_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(headcache, "MIN_BYTES", 0)
    monkeypatch.setattr(headcache, "KEEP", 3)
    for n in range(5):
        s = open_store(tmp_path / f"s{n}" / "store.json")
        with s.transaction("t") as tx:
            tx.put_unit(Unit(f"U{n}", "A", "serial", "IN_STOCK", "WH1"))
        s.compact()  # the op log gets its base
        view.read_head(s.data)
        view.read_head(s.data)  # the same store again: still one file
    names = {p.name for p in _cache_files(tmp_path)}
    assert len(names) == 3
    assert headcache._name(s.data) in names
