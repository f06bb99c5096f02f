"""The PostgreSQL store under load and faults: concurrent desks, a desk killed, a server restart.

The load test is the benchmark's load run (`benchmarks/bench_stores.load`: 8 desks at once,
one process each) at a reduced size: `$TRACKRIGHT_LOAD_OPS` operations per desk, 40 by
default; `benchmarks/bench_tracker.py --store URL` runs 1,000 each. Every operation a
desk saw succeed is in the store exactly once, and nothing it did not see succeed is.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from pg_cluster import Cluster, required
from tracker_helpers import unit_ids

from tracker import PolicySnapshot, open_store, open_tracker, stats, trace_unit
from tracker.errors import StoreUnreachableError

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks"))  # the load run is the benchmark's, at reduced size
POLICIES = [PolicySnapshot("PHONE", "serial"), PolicySnapshot("VITC", "batch", ("lot",))]


def test_eight_desks_at_once_lose_and_double_nothing(pg_url):
    """8 desks receive, ship, take returns and ship from one shared lot at once: every
    acknowledged operation is recorded once, the shared lot's quantities add up exactly."""
    from bench_stores import load

    count = int(os.environ.get("TRACKRIGHT_LOAD_OPS", "40"))
    got = load(pg_url, 8, count)
    assert got.acknowledged == 8 * count
    assert got.exact, got
    store = open_store(pg_url)
    for desk in range(8):
        for k in range(count // 4):
            steps = [e.biz_step for e in trace_unit(store, f"D{desk}-{k}").events]
            assert steps == ["receiving", "shipping", "receiving", "stocking"], (desk, k)
    assert stats(store).counts["units"] == got.units
    store.close()


KILLED = textwrap.dedent(
    """
    import sys, time
    from tracker import open_tracker
    from tracker.store import pg_records
    url = sys.argv[1]
    finish = pg_records.PgTransaction.finish
    def stall(self):
        seq = finish(self)  # events appended, operation numbered: only COMMIT is left
        print("inside", flush=True)
        time.sleep(120)
        return seq
    pg_records.PgTransaction.finish = stall
    open_tracker(url).receive("PHONE", serials=[f"K{n}" for n in range(21)])
    """
)


def test_a_desk_killed_mid_operation_leaves_nothing_half_done(pg_url):
    """SIGKILL between a receipt's last write and its COMMIT: none of it is recorded, and the
    units it held are free for the next desk at once."""
    t = open_tracker(pg_url)
    t.set_policies(POLICIES)
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.Popen(
        [sys.executable, "-c", KILLED, pg_url], stdout=subprocess.PIPE, env=env, text=True
    )
    assert proc.stdout.readline().strip() == "inside"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert not unit_ids(t.store)
    with t.store.reader() as r:
        assert r.seq == 1 and r.counts()["events"] == 0
    fresh = open_tracker(pg_url, timeout=30)
    fresh.receive("PHONE", serials=[f"K{n}" for n in range(21)])
    assert len(unit_ids(t.store)) == 21


@pytest.fixture(scope="module")
def own_cluster():
    """A server of this module's own, which the test may stop and start (CI's is shared)."""
    try:
        cluster = Cluster.start()
    except (RuntimeError, OSError) as err:
        if required():
            pytest.fail(f"PostgreSQL is required here but could not be started: {err}")
        pytest.skip(f"cannot start a PostgreSQL server: {err}")
    yield cluster
    cluster.stop()


def test_a_server_restart_is_one_clear_error_then_success(own_cluster):
    """The server restarts under an open desk, and stops mid-operation: each time the operation
    fails as "store unreachable, nothing recorded", and the next one after it is back works."""
    url = own_cluster.fresh_schema()
    t = open_tracker(url, timeout=5)
    t.set_policies(POLICIES)
    t.receive("PHONE", serials=["A1"])
    own_cluster.restart()
    with pytest.raises(StoreUnreachableError, match="store unreachable, nothing recorded"):
        t.receive("PHONE", serials=["A2"])
    t.receive("PHONE", serials=["A2"])
    with pytest.raises(StoreUnreachableError, match="store unreachable, nothing recorded"):
        with t.store.transaction("receive") as tx:
            tx.put_unit(tx.unit("A1")._replace(status="SCRAPPED"))
            own_cluster.pg_ctl("stop", "-m", "fast")
            tx.put_unit(tx.unit("A1")._replace(status="SCRAPPED"))
    with pytest.raises(StoreUnreachableError):
        t.receive("PHONE", serials=["A3"])
    own_cluster.start_again()
    t.receive("PHONE", serials=["A3"])
    assert unit_ids(open_store(url)) == {"A1", "A2", "A3"}
    assert trace_unit(t.store, "A1").units[0].status == "IN_STOCK"
    with t.store.reader() as r:
        assert r.seq == 4
