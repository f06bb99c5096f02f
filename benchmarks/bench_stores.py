"""Store benchmark: the same history on TinyDB and on PostgreSQL, operation by operation, and desks at once.

Run: ``python benchmarks/bench_tracker.py --store postgresql://user@host:5432/db`` (100,000 units;
``--million`` adds the 1,000,000-unit size). For each size the history of `bench_history` (every
unit received on its own, most shipped, one in ten returned and restocked, two warehouses) is
written into a TinyDB store and, with COPY, into a fresh schema of the PostgreSQL database — in a
child process, in minutes even at a million units. Then, on both stores, each operation is timed
through the tracker's Python API in one process (median and p99; no process start-up, so the
store's own cost shows), and 1, 4 and 8 desks (one process each) run receive → ship → return for
a fixed time: throughput, and how many operations were refused as "busy" (TinyDB: one writer at a
time, by file lock; PostgreSQL: row locks). The schema is dropped at the end.
"""

from __future__ import annotations

import json
import os
import random
import statistics
import subprocess
import sys
import textwrap
import time
import uuid
from pathlib import Path
from typing import NamedTuple
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]


def fresh_schema(url: str) -> tuple[str, str]:
    """A new schema in the database at `url`, and the store URL that uses it."""
    import psycopg

    name = "bench_" + uuid.uuid4().hex[:8]
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {name}")
    sep = "&" if "?" in url else "?"
    return name, f"{url}{sep}options={quote(f'-csearch_path={name}')}"


def drop_schema(url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA {name} CASCADE")


def _pct(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, int(round(q * (len(s) - 1))))]


def per_operation(where, info: dict, ops: int, tag: str) -> dict[str, tuple[float, float]]:
    """(median ms, p99 ms) of each operation, in this process, on the store at `where`."""
    from bench_tracker import SERIAL_SKUS, _verdict

    from tracker import open_tracker, stats, trace_unit

    t = open_tracker(where, verdict=_verdict())
    rng = random.Random(tag)
    stock = list(info["in_stock"])
    rng.shuffle(stock)
    history = list(info["shipped"])
    rng.shuffle(history)
    timings: dict[str, list[float]] = {}

    def timed(name: str, fn, *args, **kwargs):
        start = time.perf_counter()
        result = fn(*args, **kwargs)
        timings.setdefault(name, []).append((time.perf_counter() - start) * 1000)
        return result

    for i in range(ops):
        timed("receive 1 serial", t.receive, SERIAL_SKUS[0], serials=[f"N{tag}-{i}"])
    shipped = []
    for i in range(ops):
        _sku, ident = stock.pop()
        timed("ship 1 unit", t.ship, f"B{tag}-{i}", scans=[ident])
        shipped.append((f"B{tag}-{i}", ident))
    for order, ident in shipped:
        timed("return 1 unit", t.process_return, order, ident, reason="fit")
    for _order, ident in history[:ops]:
        timed("trace 1 unit", trace_unit, t.store, ident)
    for _ in range(max(5, ops // 10)):
        timed("stats", stats, t.store)
    t.store.close()
    return {k: (statistics.median(v), _pct(v, 0.99)) for k, v in timings.items()}


DESK = textwrap.dedent(
    """
    import sys, time
    sys.path.insert(0, sys.argv[4])
    from bench_tracker import _verdict
    from tracker import StoreBusyError, open_tracker
    where, prefix, seconds = sys.argv[1], sys.argv[2], float(sys.argv[3])
    t = open_tracker(where, verdict=_verdict(), timeout=2)
    ops = busy = 0
    end = time.monotonic() + seconds
    i = 0
    while time.monotonic() < end:
        i += 1
        ident = f"{prefix}{i}"
        for step in (
            lambda: t.receive("PHONE-0", serials=[ident]),
            lambda: t.ship(f"O{ident}", scans=[ident]),
            lambda: t.process_return(f"O{ident}", ident, reason="fit"),
        ):
            try:
                step()
                ops += 1
            except StoreBusyError:
                busy += 1
                break
    print(ops, busy)
    """
)


def desks(where, n: int, seconds: float) -> tuple[float, int]:
    """(operations per second, busy refusals) of `n` desks at once, one process each."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    tag = uuid.uuid4().hex[:6]
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-c",
                DESK,
                str(where),
                f"{tag}d{k}-",
                str(seconds),
                str(ROOT / "benchmarks"),
            ],
            stdout=subprocess.PIPE,
            env=env,
            text=True,
        )
        for k in range(n)
    ]
    ops = busy = 0
    for p in procs:
        out, _ = p.communicate()
        a, b = map(int, out.split())
        ops += a
        busy += b
    return ops / seconds, busy


LOAD_DESK = textwrap.dedent(
    """
    import sys
    from tracker import Verdict, open_tracker
    url, desk, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    restock = Verdict("restock", None, "returns/restock", "genuine return", "bench")
    t = open_tracker(url, timeout=120, verdict=lambda facts: restock)
    for i in range(count):
        serial, step = f"{desk}-{i // 4}", i % 4
        if step == 0:
            t.receive("PHONE", serials=[serial])
        elif step == 1:
            t.ship(f"{desk}-SO{i // 4}", scans=[serial])
        elif step == 2:
            t.process_return(f"{desk}-SO{i // 4}", serial, reason="fit")
        else:
            t.ship(f"{desk}-LOT{i // 4}", lines=[("VITC", 1)])
    print(count)
    """
)


class Load(NamedTuple):
    """What a load run did: operations acknowledged, and what the store recorded of them."""

    acknowledged: int
    expected: int
    seconds: float
    numbered: int  # operation numbers taken by the desks
    units: int
    receipts: int
    lot_shipped: int
    lot_ships: int
    lot_in_stock: int

    @property
    def exact(self) -> bool:
        """Every acknowledged operation recorded once, nothing else recorded."""
        return (
            self.acknowledged == self.expected == self.numbered
            and self.units == self.receipts
            and self.lot_shipped == self.lot_ships
            and self.lot_in_stock == self.expected - self.lot_ships
        )


def load(store_url: str, desks_n: int = 8, count: int = 1000) -> Load:
    """`desks_n` desks (one process each) × `count` operations at once on an empty store:
    receive a serial, ship it, take it back, ship one from a lot all desks share — then what
    the store holds. Desk k's units are `Dk-0`, `Dk-1`, …"""
    from tracker import PolicySnapshot, open_tracker, trace_lot

    t = open_tracker(store_url)
    t.set_policies([PolicySnapshot("PHONE", "serial"), PolicySnapshot("VITC", "batch", ("lot",))])
    t.receive("VITC", lot="SHARED", qty=desks_n * count)
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    start = time.perf_counter()
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", LOAD_DESK, store_url, f"D{k}", str(count)],
            stdout=subprocess.PIPE,
            env=env,
            text=True,
        )
        for k in range(desks_n)
    ]
    done = sum(int(p.communicate()[0] or 0) for p in procs)
    took = time.perf_counter() - start
    with t.store.reader() as r:
        seq, counts = r.seq, r.counts()
    lot = trace_lot(t.store, "VITC", "SHARED").lot
    t.store.close()
    return Load(
        acknowledged=done,
        expected=desks_n * count,
        seconds=took,
        numbered=seq - 2,
        units=counts["units"],
        receipts=desks_n * sum(1 for i in range(count) if i % 4 == 0),
        lot_shipped=lot.qty("SHIPPED"),
        lot_ships=desks_n * sum(1 for i in range(count) if i % 4 == 3),
        lot_in_stock=lot.qty("IN_STOCK"),
    )


def load_check(url: str, desks_n: int = 8, count: int = 1000) -> None:
    """`load` on a fresh schema, printed; exits non-zero unless it was exact."""
    schema, store_url = fresh_schema(url)
    try:
        got = load(store_url, desks_n, count)
    finally:
        drop_schema(url, schema)
    print(
        f"\n{desks_n} desks x {count:,} operations at once: {got.acknowledged:,} acknowledged in "
        f"{got.seconds:.0f} s ({got.acknowledged / got.seconds:.0f} op/s); operation numbers "
        f"{got.numbered:,}, units {got.units:,} (expected {got.receipts:,}), shared lot shipped "
        f"{got.lot_shipped:,} (expected {got.lot_ships:,}): "
        + ("nothing lost, nothing doubled" if got.exact else "MISMATCH")
    )
    if not got.exact:
        raise SystemExit("load check failed")


BUILD = textwrap.dedent(
    """
    import json, sys, time
    sys.path.insert(0, sys.argv[5])
    from bench_history import history, info, load_postgres, load_tinydb
    path, pg, units, make_tinydb = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4] == "1"
    start = time.perf_counter()
    h = history(units)
    made = time.perf_counter() - start
    start = time.perf_counter()
    load_postgres(pg, h)
    pg_s = time.perf_counter() - start
    start = time.perf_counter()
    if make_tinydb:
        load_tinydb(path, h)
    tiny_s = time.perf_counter() - start
    print(json.dumps(dict(info(h), generate=made, postgres=pg_s, tinydb=tiny_s)))
    """
)


def build(path: Path, pg: str, units: int, tinydb: bool) -> dict:
    """The history of `units` units in the PostgreSQL store `pg` and (with `tinydb`) at `path`,
    written by a child process so that this one stays small; what `per_operation` needs."""
    from tracker.store import open_store

    open_store(pg).close()
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    args = [str(path), pg, str(units), "1" if tinydb else "0", str(ROOT / "benchmarks")]
    out = subprocess.run(
        [sys.executable, "-c", BUILD, *args], capture_output=True, text=True, env=env
    )
    if out.returncode:
        raise SystemExit(out.stderr)
    return json.loads(out.stdout.splitlines()[-1])


def run(
    url: str,
    sizes: list[int],
    ops: int,
    seconds: float,
    keep: Path | None,
    tinydb: bool = True,
) -> None:
    import tempfile

    from tracker.store import open_store

    root = keep or Path(tempfile.mkdtemp(prefix="bench-stores-"))
    print(f"trackright store benchmark (TinyDB beside PostgreSQL), {os.cpu_count()} cores")
    for units in sizes:
        folder = root / f"s{units}"
        path = folder / "store.json"
        schema, pg = fresh_schema(url)
        try:
            info = build(path, pg, units, tinydb=tinydb and not path.exists())
            store = open_store(pg, readonly=True)
            with store.reader() as r:
                c = r.counts()
            store.close()
            print(
                f"\n== {units:,} units, {c['orders']:,} orders, {c['events']:,} events "
                f"(history generated in {info['generate']:.0f} s; written to PostgreSQL with "
                f"COPY in {info['postgres']:.0f} s"
                + (f", to TinyDB in {info['tinydb']:.0f} s)" if tinydb else ")")
            )
            tag = f"{int(time.time()) % 100000}"
            stores = {"TinyDB": path, "PostgreSQL": pg} if tinydb else {"PostgreSQL": pg}
            rows = {
                kind: per_operation(where, info, ops, kind[0].lower() + tag)
                for kind, where in stores.items()
            }
            print(f"{'one process, Python API':28}" + "".join(f"{k:>26}" for k in rows))
            print(f"{'':28}" + f"{'median':>13}{'p99':>13}" * len(rows))
            for name in rows["PostgreSQL"]:
                cells = "".join(
                    f"{rows[k][name][0]:10.1f} ms{rows[k][name][1]:10.1f} ms" for k in rows
                )
                print(f"{name:28}{cells}")
            print(
                f"{'desks at once, ' + str(seconds) + ' s':28}" + "".join(f"{k:>26}" for k in rows)
            )
            for n in (1, 4, 8):
                cells = ""
                for where in stores.values():
                    rate, busy = desks(where, n, seconds)
                    cells += f"{rate:12.1f} op/s {busy:4d} busy"
                print(f"{str(n) + ' desk(s)':28}{cells}", flush=True)
        finally:
            drop_schema(url, schema)
    if keep is None:
        import shutil

        shutil.rmtree(root, ignore_errors=True)


def main(argv: list[str] | None = None) -> None:
    import argparse

    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "benchmarks"))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", required=True, help="postgresql://user@host:port/db")
    parser.add_argument("--units", type=int, nargs="+", default=[100_000])
    parser.add_argument("--million", action="store_true", help="also 1,000,000 units (slow)")
    parser.add_argument("--ops", type=int, default=200, help="samples per operation")
    parser.add_argument("--seconds", type=float, default=15.0, help="length of each desks run")
    parser.add_argument("--keep", type=Path, help="keep the built TinyDB stores here (reused)")
    parser.add_argument(
        "--postgres-only", action="store_true", help="measure PostgreSQL alone (no TinyDB store)"
    )
    parser.add_argument(
        "--load-ops",
        type=int,
        default=1000,
        help="operations per desk, 8 desks (0: skip the load check)",
    )
    args = parser.parse_args(argv)
    sizes = args.units + ([1_000_000] if args.million and 1_000_000 not in args.units else [])
    if args.load_ops:
        load_check(args.store, 8, args.load_ops)
    run(args.store, sizes, args.ops, args.seconds, args.keep, tinydb=not args.postgres_only)


if __name__ == "__main__":
    main()
