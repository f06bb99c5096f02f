"""The PostgreSQL store: the same outputs as TinyDB, its schema, copy, locking, and its failures;
and warehouse transfers, on both stores."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime

import psycopg
import pytest
from click.testing import CliRunner
from epcis_schema import validate
from tracker_helpers import BOTH, NOW, POLICIES, simple_verdict

from tracker import (
    NotAllowedError,
    RefusedError,
    StoreError,
    open_store,
    open_tracker,
    sources,
    stats,
    trace_lot,
    trace_order,
    trace_unit,
    write_recall_report,
)
from tracker.errors import ForeignStoreError, StoreBusyError, StoreUnreachableError

STORES = BOTH  # the tests taking `store_path` run on both stores


def _session(t, out_dir) -> dict[str, bytes]:
    """One brand's morning, every output it leaves: stats, traces, an EPCIS file, a recall report."""
    t.receive("PHONE", serials=["P1", "P2", "P3"])
    t.receive("DRESS", generate=2)
    t.receive("VITC", lot="L1", qty=30, expiry="2026-03-01")
    t.receive("TEA", scans=["(01)80614141123458(17)270101(10)T9"], qty=12)
    t.receive("PUMP", serials=["U1", "U2"], lot="LP", expiry="2027-01-01")
    t.ship("SO-1", scans=["P1", "LPN0000000000017", "U1"], lines=[("VITC", 4), ("TEA", 2)])
    t.ship("SO-2", scans=["P2"])
    t.process_return("SO-1", "P1", reason="fit")
    t.process_return("SO-1", "P2")  # shipped on SO-2: a swap
    t.process_return("SO-1", "NEVER-SOLD")
    t.process_return("SO-1", "VITC:L1", qty=2)
    t.quarantine("VITC:L1", "seal broken", qty=3)
    t.release("VITC:L1", "checked", qty=1)
    t.transfer("VITC:L1", "WH2", qty=6)
    t.transfer("P3", "WH2")
    with pytest.raises(RefusedError):
        t.ship("SO-3", lines=[("VITC", 500)])
    report = t.recall("PUMP", lot="LP")
    out: dict[str, bytes] = {}
    for name in ("recall.csv", "recall.json"):
        out[name] = write_recall_report(report, out_dir / name).read_bytes()
    created = datetime(2025, 6, 2, tzinfo=UTC)
    doc = sources.export_epcis(t, created=created, company_prefixes=("0614141",))
    validate(doc)  # GS1's schema, on either store
    out["epcis.json"] = json.dumps(doc, indent=2, ensure_ascii=False).encode()
    s = stats(t.store)
    out["stats"] = repr((s.stock, s.returns, s.counts, s.repeat_returners, s.suspects)).encode()
    traces = [trace_unit(t.store, i) for i in ("P1", "P2", "LPN0000000000017", "U1")]
    traces += [trace_lot(t.store, "VITC", "L1"), trace_order(t.store, "SO-1")]
    out["traces"] = repr(traces).encode()
    with t.store.reader() as r:
        out["seq"] = str(r.seq).encode()
    return out


def _tracker(where):
    t = open_tracker(where, verdict=simple_verdict, clock=lambda: NOW)
    t.set_policies(POLICIES)
    return t


def _numbered_ids(monkeypatch) -> None:
    """Event and operation ids from a counter instead of uuid4, so two runs can be compared."""
    import uuid

    from tracker import ledger

    counter = iter(range(1, 1_000_000))
    monkeypatch.setattr(ledger, "uuid", _Ids(uuid, counter))


class _Ids:
    def __init__(self, real, counter) -> None:
        self._real, self._counter = real, counter

    def uuid4(self):
        return self._real.UUID(int=next(self._counter))

    def __getattr__(self, name):
        return getattr(self._real, name)


def test_the_same_session_leaves_the_same_bytes_on_both_stores(tmp_path, pg_url, monkeypatch):
    """Verdicts, stats, traces, the EPCIS file and recall reports are identical, byte for byte."""
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    _numbered_ids(monkeypatch)
    on_tinydb = _session(_tracker(tmp_path / "ws"), tmp_path / "a")
    _numbered_ids(monkeypatch)
    on_pg = _session(_tracker(pg_url), tmp_path / "b")
    assert on_pg.keys() == on_tinydb.keys()
    for name in on_tinydb:
        assert on_pg[name] == on_tinydb[name], name


def test_the_ledger_refuses_update_and_delete_whoever_connects(pg_url):
    """Events cannot be changed or removed, even by SQL from another program."""
    t = _tracker(pg_url)
    t.receive("PHONE", serials=["P1"])
    with psycopg.connect(pg_url) as conn:
        for sql in (
            "UPDATE events SET doc = '{}'",
            "DELETE FROM events",
            "TRUNCATE events",
            "DELETE FROM event_refs",
        ):
            with pytest.raises(psycopg.errors.InsufficientPrivilege, match="append-only"):
                conn.execute(sql)
            conn.rollback()
    assert [e.biz_step for e in trace_unit(t.store, "P1").events] == ["receiving"]


def test_store_init_and_upgrade_set_up_a_database_through_the_cli(pg_url):
    """`store init` creates the tables once; `store upgrade` then has nothing to do; a store
    opened read-only before init says to run it."""
    with pytest.raises(StoreError, match="store init"):
        open_store(pg_url, readonly=True)
    runner = CliRunner()
    from advisor.cli.track import track

    r = runner.invoke(track, ["--store", pg_url, "store", "init"])
    assert r.exit_code == 0 and "version 1: 1: units" in r.output, r.output
    r = runner.invoke(track, ["store", "upgrade", "--store", pg_url])
    assert r.exit_code == 0 and "nothing to do" in r.output, r.output
    r = runner.invoke(track, ["--store", pg_url, "stats"])
    assert r.exit_code == 0 and "0 units" in r.output, r.output
    with psycopg.connect(pg_url) as conn:
        assert conn.execute("SELECT version FROM trackright_schema").fetchall() == [(1,)]


def test_a_store_from_a_newer_trackright_is_refused(pg_url):
    """A schema version this trackright does not know is an error, never a guess."""
    open_store(pg_url).close()
    with psycopg.connect(pg_url) as conn:
        conn.execute("INSERT INTO trackright_schema VALUES (99, 'future')")
    with pytest.raises(ForeignStoreError, match="version 99"):
        open_store(pg_url)


def test_store_copy_tinydb_to_postgresql_and_back_keeps_everything(tmp_path, pg_cluster):
    """TinyDB → PostgreSQL → TinyDB: counts, records, every event in order with its operation
    number, and the next LPN are the same; the copies then answer as the source does."""
    src = tmp_path / "src"
    (tmp_path / "a").mkdir()
    _session(_tracker(src), tmp_path / "a")
    pg = pg_cluster.fresh_schema()
    runner = CliRunner()
    from advisor.cli.track import track

    for a, b in ((str(src), pg), (pg, str(tmp_path / "back"))):
        r = runner.invoke(track, ["store", "copy", a, b])
        assert r.exit_code == 0 and "events" in r.output, r.output
    stores = [open_store(p) for p in (src, pg, tmp_path / "back")]
    seen = []
    for store in stores:
        with store.reader() as r:
            seen.append(
                (
                    r.counts(),
                    r.seq,
                    r.numbers(),
                    [e.to_doc() for e in r.events()],
                    sorted(
                        json.dumps({k: v for k, v in d.items() if k != "ev"}, sort_keys=True)
                        for d in r._table("units")
                    ),
                    [e.to_doc() for e in r.events_of_unit("P1")],
                    [e.to_doc() for e in r.events_of_lot("VITC", "L1")],
                )
            )
        s = stats(store)
        seen[-1] += (s.stock, s.returns, s.repeat_returners, s.suspects)
    assert seen[0] == seen[1] == seen[2]
    lpns = [open_tracker(s.path).receive("DRESS", generate=1).ids for s in stores]
    assert lpns[0] == lpns[1] == lpns[2]
    r = runner.invoke(track, ["store", "copy", str(src), pg])
    assert r.exit_code != 0 and "already holds a store" in r.output


def test_an_unreachable_server_is_one_clear_error(tmp_path):
    """No server at the URL: "store unreachable, nothing recorded", exit code 2, no traceback."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"postgresql://nobody@127.0.0.1:{port}/none"
    with pytest.raises(StoreUnreachableError, match="store unreachable, nothing recorded"):
        open_store(url, timeout=2)
    from advisor.cli.track import track

    r = CliRunner().invoke(track, ["--store", url, "receive", "PHONE", "--serial", "P1"])
    assert r.exit_code == 2, r.output
    assert "store unreachable, nothing recorded" in r.output and "Traceback" not in r.output


def test_desks_on_different_units_never_wait_and_one_unit_is_won_once(pg_url):
    """While desk A holds unit P1 mid-operation, desk B ships P2 at once; desk C's ship of P1
    waits for A, then sees A's outcome — P1 cannot leave on two orders."""
    t = _tracker(pg_url)
    t.receive("PHONE", serials=["P1", "P2"])
    a, b, c = (open_tracker(pg_url, timeout=30) for _ in range(3))
    results: dict[str, object] = {}

    def ship_on_c() -> None:
        try:
            results["c"] = c.ship("SO-C", scans=["P1"])
        except RefusedError as err:
            results["c"] = err

    with a.store.transaction("ship") as tx:
        unit = tx.unit("P1")  # A holds P1 (FOR UPDATE) as a ship does
        waiter = threading.Thread(target=ship_on_c)
        waiter.start()
        fast = open_tracker(pg_url, timeout=0.5)  # any wait at all would raise StoreBusyError
        fast.ship("SO-B", scans=["P2"])
        waiter.join(0.5)
        assert waiter.is_alive(), "desk C should wait for desk A's unit"
        tx.put_unit(unit._replace(status="SHIPPED", order="SO-A", orders=("SO-A",)))
    waiter.join(30)
    assert isinstance(results["c"], NotAllowedError), results
    assert trace_unit(t.store, "P2").units[0].order == "SO-B"
    assert trace_unit(t.store, "P1").units[0].order == "SO-A"


def test_two_desks_receiving_one_new_serial_cannot_both_succeed(pg_url):
    """Two desks receive the same new serial at the same moment: exactly one receipt lands."""
    _tracker(pg_url)
    for n in range(6):
        desks = [open_tracker(pg_url, timeout=30) for _ in range(2)]
        barrier = threading.Barrier(2)
        outcomes: list[str] = []

        def receive(t, n=n, barrier=barrier, outcomes=outcomes) -> None:
            barrier.wait()
            try:
                t.receive("PHONE", serials=[f"S{n}"])
                outcomes.append("ok")
            except (RefusedError, StoreBusyError) as err:
                outcomes.append(type(err).__name__)

        threads = [threading.Thread(target=receive, args=(d,)) for d in desks]
        for th in threads:
            th.start()
        for th in threads:
            th.join(60)
        assert outcomes.count("ok") == 1, outcomes
        assert len(trace_unit(desks[0].store, f"S{n}").events) == 1


def test_a_unit_transferred_between_warehouses_is_traced_across_both(store_path):
    """Received at WH1, moved to WH2, returned at WH2: stock by warehouse follows, the trace
    shows departing and arriving, and a shipped unit cannot be moved."""
    t = _tracker(store_path)
    t.receive("PHONE", serials=["P1", "P2"], location="WH1")
    assert t.transfer("P1", "WH2") == ("WH1", "WH2")
    assert ("PHONE", "WH2", "IN_STOCK", 1) in stats(t.store).stock
    with pytest.raises(NotAllowedError, match="already at WH2"):
        t.transfer("P1", "WH2")
    t.ship("SO-1", scans=["P1"], location="WH2")
    with pytest.raises(NotAllowedError, match="SHIPPED"):
        t.transfer("P1", "WH1")
    t.process_return("SO-1", "P1", location="WH2")
    trace = trace_unit(t.store, "P1")
    steps = [(e.biz_step, e.location) for e in trace.events]
    assert steps[:3] == [("receiving", "WH1"), ("departing", "WH1"), ("arriving", "WH2")]
    assert trace.units[0].location == "WH2"
    assert {(loc, n) for sku, loc, st, n in stats(t.store).stock if st == "IN_STOCK"} == {
        ("WH1", 1),
        ("WH2", 1),
    }


def test_a_desk_at_each_warehouse_through_the_cli(store_path, tmp_path, monkeypatch):
    """`--warehouse` (or $TRACKRIGHT_WAREHOUSE) is where each desk receives, ships and holds;
    `transfer --to` moves a unit; `stats --warehouse` shows one warehouse's stock."""
    from advisor.cli.track import track
    from advisor.commands import base as commands_base

    monkeypatch.setattr(commands_base, "return_verdicts", lambda rules_dir=None: simple_verdict)
    runner = CliRunner()

    def run(*args: str, env: dict | None = None):
        r = runner.invoke(track, ["--store", str(store_path), *args], env=env)
        assert r.exit_code == 0, r.output
        return r.output

    decisions = tmp_path / "dec.json"
    decisions.write_text(json.dumps([{"sku": "PHONE", "method": "serial", "rule": "r"}]))
    run("policy", "import", str(decisions))
    assert "into NORTH" in run("--warehouse", "NORTH", "receive", "PHONE", "--serial", "N1")
    run("receive", "PHONE", "--serial", "S1", env={"TRACKRIGHT_WAREHOUSE": "SOUTH"})
    assert "from NORTH to SOUTH" in run("transfer", "N1", "--to", "SOUTH")
    r = runner.invoke(track, ["--store", str(store_path), "ship", "O1", "--scan", "N1"])
    assert r.exit_code == 0, r.output
    north = run("stats", "--warehouse", "NORTH")
    south = run("stats", "--warehouse", "SOUTH")
    assert "SOUTH" in south and "NORTH" not in south.split("Stock", 1)[1]
    assert "SOUTH" not in north.split("Stock", 1)[1]
    steps = [(e.biz_step, e.location) for e in trace_unit(open_store(store_path), "N1").events]
    assert steps[:3] == [("receiving", "NORTH"), ("departing", "NORTH"), ("arriving", "SOUTH")]
    assert [step for step, _ in steps[3:]] == ["shipping"]


def test_a_server_store_keeps_its_rulebook_history_in_the_local_workspace(pg_url):
    """A URL has no folder: the rulebook history of a PostgreSQL store is ./.trackright's, never
    a folder named after the URL."""
    from pathlib import Path

    from advisor.authoring.history import FOLDER, history_folder

    assert history_folder(pg_url) == Path(".trackright") / FOLDER
    assert history_folder(open_store(pg_url).path) == Path(".trackright") / FOLDER
