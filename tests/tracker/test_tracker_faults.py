"""Faults: a failure or a kill at every write step, writers that provably overlap, SIGKILL storms.

The multi-process tests run on both stores (the PostgreSQL-only faults — a desk killed inside
its transaction, the server restarted — are in `test_store_postgres_faults`). The contract: an operation is acknowledged only once its journal record is durable;
whatever happens after that, it is never lost, and whatever happens before, it never half-happens;
nothing is ever doubled.
"""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from tracker_helpers import BOTH, NOW, POLICIES, simple_verdict, store_files, unit_ids

from tracker import PolicySnapshot, StoreError, open_store, open_tracker, stats, trace_lot
from tracker.store import files

ROOT = Path(__file__).resolve().parents[2]
#: The tests taking `store_path` run on both stores; the others test the TinyDB store's files.
STORES = BOTH
STEPS = ("wal-append", "append", "sync", "wal-reset", "replace", "fold")


class Crash(BaseException):
    """A process dying on the spot: nothing after it runs, no handler sees it."""


def _tracker(path: Path):
    t = open_tracker(path, verdict=simple_verdict, clock=lambda: NOW)
    t.store.fold_min_bytes = 1500  # fold often, so `replace` and `fold` are among the steps
    t.store.head_fold_bytes = 6000
    t.set_policies(POLICIES)
    return t


def _history(t) -> None:
    """Enough operations that partitions and the op log have folded."""
    t.receive("VITC", lot="L1", qty=500, expiry="2026-01-01")
    for n in range(25):
        t.ship(f"H-{n}", lines=[("VITC", 1)])


def _state(path: Path):
    store = open_store(path)
    s = stats(store)
    return s.stock, s.returns, s.counts, unit_ids(store)


@pytest.mark.parametrize("step", STEPS)
@pytest.mark.parametrize("nth", [1, 2, 3])
def test_a_crash_at_any_write_step_loses_or_doubles_nothing(tmp_path, step, nth):
    """Killed at the nth occurrence of a write step, the operation is whole or absent, never half,
    and it is there for sure once the journal record was durable."""
    path = tmp_path / "store.json"
    t = _tracker(path)
    _history(t)
    before = _state(path)
    seen = {"n": 0, "durable": False}

    def hook(name: str, where: str) -> None:
        if name == "wal-append":
            seen["durable"] = False
        elif not where.endswith("wal.log"):
            seen["durable"] = seen["durable"] or name in ("append", "sync", "wal-reset")
        if name == step:
            seen["n"] += 1
            if seen["n"] == nth:
                raise Crash

    files.fault_hook = hook
    done = 0
    crashed = False
    try:
        for n in range(40):
            t.ship(f"F-{n}", lines=[("VITC", 1)])
            done += 1
    except Crash:
        crashed = True
    finally:
        files.fault_hook = None
    after = open_tracker(path, verdict=simple_verdict, clock=lambda: NOW)
    shipped = {o for o in (f"F-{n}" for n in range(40)) if _shipped(after, o)}
    lot = trace_lot(after.store, "VITC", "L1").lot
    assert lot.qty("SHIPPED") == 25 + len(shipped)  # each order whole, never doubled
    assert lot.qty("IN_STOCK") + lot.qty("SHIPPED") == 500
    assert {f"F-{n}" for n in range(done)} <= shipped  # every acknowledged one
    if crashed:
        assert (f"F-{done}" in shipped) == seen["durable"]  # in flight: there iff durable
    else:
        assert len(shipped) == 40
    after.ship("AFTER", lines=[("VITC", 1)])  # still writable
    assert _shipped(open_tracker(path, clock=lambda: NOW), "AFTER")
    assert not list((path.parent / "store" / "tmp").iterdir())
    assert before[3] == _state(path)[3]  # units untouched


def _shipped(t, order: str) -> bool:
    with t.store.reader() as r:
        return r.order(order) is not None


@pytest.mark.parametrize("step", ["append", "sync", "wal-reset", "replace", "fold"])
def test_a_failure_after_the_journal_is_durable_is_a_success(tmp_path, step):
    """ENOSPC after the journal fsync: the operation is reported done (with a warning) and is
    there, once, for every later reader and writer."""
    path = tmp_path / "store.json"
    t = _tracker(path)
    _history(t)
    calls = {"armed": False}

    def hook(name: str, where: str) -> None:
        if name == "wal-append":
            calls["armed"] = True
        elif calls["armed"] and name == step and not where.endswith("wal.log"):
            calls["armed"] = False
            raise OSError(errno.ENOSPC, "No space left on device")

    files.fault_hook = hook
    try:
        for n in range(30):
            t.ship(f"E-{n}", lines=[("VITC", 1)])
    finally:
        files.fault_hook = None
    lot = trace_lot(open_store(path), "VITC", "L1").lot
    assert lot.qty("SHIPPED") == 55  # all 30 acknowledged, none lost, none doubled
    t.ship("E-after", lines=[("VITC", 1)])
    assert trace_lot(open_store(path), "VITC", "L1").lot.qty("SHIPPED") == 56


def test_a_journal_that_cannot_be_written_refuses_with_nothing_changed(tmp_path):
    """Disk full before the journal is durable: an error saying nothing changed, and nothing did."""
    path = tmp_path / "store.json"
    t = _tracker(path)
    _history(t)
    before = store_files(t.store)

    def hook(name: str, where: str) -> None:
        if name == "append" and where.endswith("wal.log"):
            raise OSError(errno.ENOSPC, "No space left on device")

    files.fault_hook = hook
    try:
        with pytest.raises(StoreError, match="nothing changed"):
            t.ship("X", lines=[("VITC", 1)])
    finally:
        files.fault_hook = None
    assert store_files(t.store) == before


# -- several processes ------------------------------------------------------------------------

WRITER = textwrap.dedent(
    """
    import sys, time
    from tracker import open_tracker
    path, prefix, count, gate = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    t = open_tracker(path, timeout=60)
    print("ready", flush=True)
    while not __import__("os").path.exists(gate):
        time.sleep(0.001)
    for i in range(count):
        t.receive("PHONE", serials=[f"{prefix}{i}"] + [f"{prefix}{i}-{k}" for k in range(20)])
        print(i, time.monotonic(), flush=True)
    """
)


def _spawn(path: Path, prefix: str, count: int, gate: Path) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(path), prefix, str(count), str(gate)],
        stdout=subprocess.PIPE,
        env=env,
        text=True,
    )
    assert proc.stdout.readline().strip() == "ready"
    return proc


def _whole_receipts(path: Path, prefix: str) -> int:
    """Every receipt is whole (all 21 serials or none); returns how many there are."""
    ids = unit_ids(open_store(path))
    done = sum(1 for i in ids if i.startswith(prefix) and "-" not in i)
    for n in range(done):
        assert all(f"{prefix}{n}-{k}" in ids for k in range(20))
    assert f"{prefix}{done}" not in ids
    return done


def test_writers_that_provably_overlap_lose_nothing(tmp_path, store_path):
    """Three processes released together receive at once; their commits interleave, and every
    receipt of each is stored whole, with one operation number each."""
    path = store_path
    open_tracker(path).set_policies([PolicySnapshot("PHONE", "serial")])
    gate = tmp_path / "go"
    procs = {p: _spawn(path, p, 30, gate) for p in ("A", "B", "C")}
    gate.touch()
    stamps = {}
    for prefix, proc in procs.items():
        out, _ = proc.communicate(timeout=120)
        assert proc.returncode == 0
        stamps[prefix] = [float(line.split()[1]) for line in out.splitlines()]
    # provably overlapping: each writer committed while another was between two of its commits
    for prefix, times in stamps.items():
        others = [t for p, ts in stamps.items() if p != prefix for t in ts]
        assert any(times[0] < t < times[-1] for t in others), prefix
    for prefix in procs:
        assert _whole_receipts(path, prefix) == 30
    with open_store(path).reader() as r:
        assert r.seq == 91 and r.counts()["units"] == 3 * 30 * 21


KILLED = textwrap.dedent(
    """
    import os, random, signal, sys
    from tracker import open_tracker
    from tracker.store import files
    path, prefix, count, seed = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    rng = random.Random(seed)
    target = rng.randrange(1, 400)
    seen = [0]
    def hook(name, where):
        seen[0] += 1
        if seen[0] == target:
            os.kill(os.getpid(), signal.SIGKILL)
    files.fault_hook = hook
    t = open_tracker(path, timeout=60)
    t.store.fold_min_bytes = 1500
    t.store.head_fold_bytes = 6000
    for i in range(count):
        t.receive("PHONE", serials=[f"{prefix}{i}"] + [f"{prefix}{i}-{k}" for k in range(20)])
        print(i, flush=True)
    """
)


@pytest.mark.parametrize("seed", range(12))
def test_sigkill_inside_a_write_leaves_every_acknowledged_receipt(tmp_path, seed):
    """SIGKILL lands inside a write step (chosen at random among every step of every write);
    what was acknowledged is there, whole, and the store stays writable."""
    path = tmp_path / "store.json"
    open_tracker(path).set_policies([PolicySnapshot("PHONE", "serial")])
    for n in range(4):  # history, so that folds and replacements are among the steps
        open_tracker(path).receive("PHONE", serials=[f"H{n}-{k}" for k in range(100)])
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.run(
        [sys.executable, "-c", KILLED, str(path), "K", "60", str(seed)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert proc.returncode == -signal.SIGKILL
    acknowledged = len(proc.stdout.split())
    done = _whole_receipts(path, "K")
    assert done in (acknowledged, acknowledged + 1)  # the one in flight may have become durable
    open_tracker(path).receive("PHONE", serials=["AFTER"])
    assert "AFTER" in unit_ids(open_store(path))
    assert not list((path.parent / "store" / "tmp").iterdir())


def test_sigkill_at_random_moments_under_two_writers(tmp_path, store_path):
    """Two writers at once, one killed mid-stream by the clock: the other's receipts all land."""
    path = store_path
    open_tracker(path).set_policies([PolicySnapshot("PHONE", "serial")])
    gate = tmp_path / "go"
    victim = _spawn(path, "V", 10_000, gate)
    survivor = _spawn(path, "S", 25, gate)
    gate.touch()
    time.sleep(0.4)
    victim.send_signal(signal.SIGKILL)
    victim.wait()
    out, _ = survivor.communicate(timeout=120)
    assert survivor.returncode == 0
    acknowledged = len(victim.stdout.read().splitlines())
    assert _whole_receipts(path, "S") == 25
    assert _whole_receipts(path, "V") in (acknowledged, acknowledged + 1)


def test_a_reader_beside_busy_writers_is_never_busy_and_sees_whole_operations(tmp_path, store_path):
    """While three processes write, `stats` never waits for the lock, and each snapshot it takes is
    one committed operation: unit counts and stock agree, and receipts are never half there."""
    path = store_path
    open_tracker(path).set_policies([PolicySnapshot("PHONE", "serial")])
    gate = tmp_path / "go"
    procs = [_spawn(path, p, 25, gate) for p in ("A", "B", "C")]
    gate.touch()
    seen = []
    reader = open_store(path, timeout=0.001)  # any wait at all would raise StoreBusyError
    while any(p.poll() is None for p in procs):
        s = stats(reader)
        assert s.counts["units"] == sum(n for *_, n in s.stock)
        assert s.counts["units"] % 21 == 0  # 21 serials per receipt: never half a receipt
        seen.append(s.counts["units"])
    for p in procs:
        assert p.wait() == 0
    assert seen == sorted(seen) and len(set(seen)) > 3  # it read while they wrote


def test_a_failed_fsync_among_those_issued_together_is_raised_after_all_end(tmp_path, monkeypatch):
    """`fsync_paths` syncs every file even when one fails, then raises that failure."""
    paths = [tmp_path / f"f{i}" for i in range(6)]
    for p in paths:
        p.write_bytes(b"x")
    synced: list[str] = []
    real = files.fsync_path

    def fsync_path(path: Path) -> None:
        if path.name == "f3":
            raise OSError(errno.EIO, "Input/output error")
        real(path)
        synced.append(path.name)

    monkeypatch.setattr(files, "fsync_path", fsync_path)
    with pytest.raises(OSError, match="Input/output"):
        files.fsync_paths(paths)
    assert sorted(synced) == ["f0", "f1", "f2", "f4", "f5"]


def test_an_fsync_failing_after_the_journal_is_durable_is_a_success(tmp_path, monkeypatch):
    """A partition's fsync failing (in one of the threads that sync an operation's files) is
    a success with a warning, as any failure after the journal fsync: once, for every reader."""
    path = tmp_path / "store.json"
    t = _tracker(path)
    _history(t)
    real = files.fsync_path
    failures = {"left": 3}

    def fsync_path(p: Path) -> None:
        if failures["left"] and p.suffix == ".log" and p.name != "wal.log":
            failures["left"] -= 1
            raise OSError(errno.EIO, "Input/output error")
        real(p)

    monkeypatch.setattr(files, "fsync_path", fsync_path)
    for n in range(3):
        t.ship(f"F-{n}", lines=[("VITC", 1)])
    assert any("recorded" in w for w in t.store.warnings)
    monkeypatch.setattr(files, "fsync_path", real)
    lot = trace_lot(open_store(path), "VITC", "L1").lot
    assert lot.qty("SHIPPED") == 28  # the 25 of the history and these 3, each once
    t.ship("F-after", lines=[("VITC", 1)])
    assert trace_lot(open_store(path), "VITC", "L1").lot.qty("SHIPPED") == 29
