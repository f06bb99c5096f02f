"""Faults: a writer killed mid-write, two writers at once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from tracker import PolicySnapshot, Store, open_tracker

ROOT = Path(__file__).resolve().parents[2]
WRITER = textwrap.dedent(
    """
    import sys
    from tracker import open_tracker
    path, prefix, count, every = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    t = open_tracker(path, timeout=30)
    t.store.compact_every = every
    for i in range(count):
        t.receive("PHONE", serials=[f"{prefix}{i}"] + [f"{prefix}{i}-{k}" for k in range(50)])
        print(i, flush=True)
    """
)


def _spawn(path: Path, prefix: str, count: int, every: int) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.Popen(
        [sys.executable, "-c", WRITER, str(path), prefix, str(count), str(every)],
        stdout=subprocess.PIPE,
        env=env,
        text=True,
    )


def _setup(path: Path) -> None:
    open_tracker(path).set_policies([PolicySnapshot("PHONE", "serial")])


def _check_consistent(path: Path, prefix: str) -> int:
    """Every receipt is whole: all 51 serials or none, each with its event; returns the count."""
    store = Store(path)
    ids = set(store.keys["units"])
    done = 0
    while f"{prefix}{done}" in ids:
        assert all(f"{prefix}{done}-{k}" in ids for k in range(50))
        assert store.events_by_id[f"{prefix}{done}"]
        done += 1
    assert not any(
        i.startswith(prefix)
        for i in ids - {f"{prefix}{n}" for n in range(done)}
        if not any(i.startswith(f"{prefix}{n}-") for n in range(done))
    )
    return done


@pytest.mark.parametrize("delay", [0.3, 0.55, 0.8])
def test_sigkill_mid_write_leaves_old_or_new_state(store_path, delay):
    """A writer killed with SIGKILL at any moment leaves a store that opens whole."""
    _setup(store_path)
    proc = _spawn(store_path, "K", 100_000, 5)
    time.sleep(delay)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    printed = [int(x) for x in proc.stdout.read().split()]
    done = _check_consistent(store_path, "K")
    assert done >= (printed[-1] + 1 if printed else 0)
    open_tracker(store_path).receive("PHONE", serials=["AFTER"])  # still writable
    assert "AFTER" in Store(store_path).keys["units"]


def test_two_processes_lose_nothing(store_path):
    """Two processes receiving at the same time both get every receipt stored."""
    _setup(store_path)
    procs = [_spawn(store_path, p, 40, 15) for p in ("A", "B")]
    for proc in procs:
        assert proc.wait(timeout=60) == 0
    assert _check_consistent(store_path, "A") == 40
    assert _check_consistent(store_path, "B") == 40
    assert Store(store_path).seq == 81
