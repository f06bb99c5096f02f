"""Tracker benchmark: fresh `trackright track …` processes on stores with months of history.

Run: ``python benchmarks/bench_tracker.py`` (100,000 units; add ``--units 100000 1000000`` for
both sizes: building the 1M store takes a while). For each size it builds a store through the
tracker's own Python API in bulk, with realistic history — every unit received on its own, most
shipped on their own orders, one in ten returned (genuine returns on the right order, through
the real returns rulebook) — folds it as months of operations would have, then times commands
exactly as a user runs them, each a new process (start-up and imports included): median, p95
and peak RSS. Then 4 desks and a `stats` reader run at once (each command a new process) and
the number of "store busy" refusals and the throughput are counted. Stock TinyDB (its JSON
storage, `Query` + `update` + `insert`, one fresh process per operation, like our commands)
holding the same units and events is the baseline, in the same run.

With ``--store postgresql://…`` it runs `bench_stores` instead: the same history on TinyDB and
PostgreSQL, median and p99 per operation, 1/4/8 desks at once, and 8 desks × 1,000 operations.

Python is run with bytecode caching on (as an installed trackright is); PYTHONDONTWRITEBYTECODE
is removed from the children's environment.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


SERIAL_SKUS = [f"PHONE-{i}" for i in range(12)]
LPN_SKUS = [f"DRESS-{i}" for i in range(6)]
BATCH_SKUS = [f"TEA-{i}" for i in range(4)]
SAMPLES = 3_000  # in-stock and shipped units kept for the measurements
CHUNK = 25_000  # operations per bulk commit while building (more for bigger stores)
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
CLI = [sys.executable, "-m", "advisor.cli.entry", "track"]  # what the `trackright` script runs


def _verdict():
    from advisor.advice.returns import memoised_verdicts

    return memoised_verdicts()


def build(path: Path, units: int, seed: int = 1) -> dict[str, object]:
    """A store where each unit was received, most shipped and some returned, one by one."""
    from tracker import PolicySnapshot, open_tracker

    rng = random.Random(seed)
    t = open_tracker(path, verdict=_verdict())
    policies = [PolicySnapshot(s, "serial", rule="bench") for s in SERIAL_SKUS]
    policies += [PolicySnapshot(s, "lpn", rule="bench") for s in LPN_SKUS]
    policies += [PolicySnapshot(s, "batch", ("lot", "expiry"), rule="bench") for s in BATCH_SKUS]
    t.set_policies(policies)
    start = time.perf_counter()
    serial = 0
    in_stock: list[tuple[str, str]] = []
    shipped: list[tuple[str, str]] = []
    order = 0
    plan = ["serial"] * 7 + ["lpn"] * 2 + ["batch"]
    done = 0
    chunk = max(CHUNK, units // 10) // 3
    while done < units:
        with t.store.bulk("bulk history"):
            for _ in range(min(chunk, units - done)):
                kind = rng.choice(plan)
                if kind == "batch":
                    sku = rng.choice(BATCH_SKUS)
                    lot = f"L{done // 5000}"
                    t.receive(sku, lot=lot, qty=1, expiry="2099-12-31")
                    order += 1
                    t.ship(f"SO-{order}", lines=[(sku, 1)])
                    done += 1
                    continue
                if kind == "serial":
                    serial += 1
                    sku = rng.choice(SERIAL_SKUS)
                    ident = f"IMEI{serial:09d}"
                    t.receive(sku, serials=[ident])
                else:
                    sku = rng.choice(LPN_SKUS)
                    ident = t.receive(sku, generate=1).ids[0]
                done += 1
                if rng.random() < 0.85:
                    order += 1
                    t.ship(f"SO-{order}", scans=[ident])
                    if rng.random() < 0.1:
                        t.process_return(f"SO-{order}", ident, reason="fit")
                        in_stock.append((sku, ident))
                    else:
                        shipped.append((f"SO-{order}", ident))
                else:
                    in_stock.append((sku, ident))
    built = time.perf_counter() - start
    start = time.perf_counter()
    t.store.compact()
    compact = time.perf_counter() - start
    size = sum(p.stat().st_size for p in path.parent.rglob("*") if p.is_file())
    with t.store.reader() as r:
        counts = r.counts()
    return {
        "build": built,
        "compact": compact,
        "bytes": size,
        "counts": counts,
        # samples only: the measuring process must stay small (a forked child's peak RSS
        # starts at its parent's)
        "in_stock": rng.sample(in_stock, min(len(in_stock), SAMPLES)),
        "shipped": rng.sample(shipped, min(len(shipped), SAMPLES)),
        "orders": order,
    }


def run(
    args: list[str], store: Path, cache: Path, check: bool = True, cli: list[str] = CLI
) -> tuple[float, float, str]:
    """(wall seconds, peak RSS MB, stderr) of one fresh CLI process."""
    env = dict(ENV, TRACKRIGHT_STORE=str(store), TRACKRIGHT_CACHE=str(cache), PYTHONPATH=str(ROOT))
    start = time.perf_counter()
    proc = subprocess.Popen(
        cli + args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, cwd=ROOT
    )
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    err = proc.stderr.read().decode() if proc.stderr else ""
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode not in (0,):
        if not check:
            return wall, usage.ru_maxrss / 1024, err or "failed"
        raise SystemExit(f"{' '.join(args)} failed ({proc.returncode}): {err}")
    return wall, usage.ru_maxrss / 1024, err


def stats_of(samples: list[tuple[float, float, str]]) -> tuple[float, float, float]:
    walls = sorted(s[0] for s in samples)
    p95 = walls[min(len(walls) - 1, int(round(0.95 * (len(walls) - 1))))]
    return statistics.median(walls) * 1000, p95 * 1000, max(s[1] for s in samples)


def measure(path: Path, info: dict, ops: int, cache: Path) -> dict[str, tuple]:
    rng = random.Random(7)
    tag = f"{int(time.time()) % 100000:05d}"  # new identifiers on every run over a kept store
    out: dict[str, tuple] = {}
    run(["stats"], path, cache)  # warm the OS file cache, like a store in daily use
    # the floor under every row below: this interpreter starting and exiting, nothing imported
    bare = [run([], path, cache, cli=[sys.executable, "-c", "pass"]) for _ in range(ops)]
    out["bare `python -c pass` (the floor)"] = stats_of(bare)
    samples = [
        run(["receive", SERIAL_SKUS[0], "--serial", f"NEW{tag}-{i:05d}"], path, cache)
        for i in range(ops)
    ]
    out["receive 1 serial"] = stats_of(samples)
    stock = list(info["in_stock"])
    random.Random(tag).shuffle(stock)
    shipped_now = []
    samples = []
    i = 0
    while len(samples) < ops:
        _sku, ident = stock.pop()
        i += 1
        got = run(["ship", f"BENCH{tag}-{i}", "--scan", ident], path, cache, check=False)
        if got[2]:
            continue  # shipped by an earlier run over this kept store: take another
        samples.append(got)
        shipped_now.append((f"BENCH{tag}-{i}", ident))
    out["ship 1 unit"] = stats_of(samples)
    run(["return", *shipped_now.pop(), "--reason", "fit"], path, cache)  # the first return
    samples = [
        run(["return", o, ident, "--reason", "fit"], path, cache) for o, ident in shipped_now[:ops]
    ]
    out["return 1 unit (rulebook memo warm)"] = stats_of(samples)
    history = list(info["shipped"])
    rng.shuffle(history)
    samples = [run(["trace", ident], path, cache) for _o, ident in history[:ops]]
    out["trace 1 unit"] = stats_of(samples)
    samples = [run(["stats"], path, cache) for _ in range(max(5, ops // 3))]
    out["stats"] = stats_of(samples)
    serials = path.parent / "serials.txt"
    samples = []
    for rep in range(3):
        serials.write_text("".join(f"BULK{tag}{rep}-{k:05d}\n" for k in range(10_000)))
        samples.append(
            run(["receive", SERIAL_SKUS[1], "--serials-file", str(serials)], path, cache)
        )
    out["receive 10,000 serials, one op"] = stats_of(samples)
    return out


DESK = textwrap.dedent(
    """
    import os, subprocess, sys, time
    cli, prefix, seconds = sys.argv[1:-2], sys.argv[-2], float(sys.argv[-1])
    busy = ops = 0
    end = time.monotonic() + seconds
    i = 0
    while time.monotonic() < end:
        i += 1
        ident = f"{prefix}{i}"
        for args in (["receive", "PHONE-0", "--serial", ident], ["ship", f"O{ident}", "--scan", ident],
                     ["return", f"O{ident}", ident, "--reason", "fit"]):
            p = subprocess.run(cli + args, capture_output=True, text=True)
            ops += 1
            busy += "busy" in p.stderr
            if p.returncode not in (0,) and "busy" not in p.stderr:
                print("ERR", p.stderr.strip()[:200], file=sys.stderr)
    print(ops, busy)
    """
)
READER = textwrap.dedent(
    """
    import subprocess, sys, time
    cli, seconds = sys.argv[1:-1], float(sys.argv[-1])
    busy = ops = 0
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        p = subprocess.run(cli + ["stats"], capture_output=True, text=True)
        ops += 1
        busy += "busy" in p.stderr
    print(ops, busy)
    """
)


def concurrent(path: Path, cache: Path, seconds: float = 20.0) -> dict[str, float]:
    env = dict(ENV, TRACKRIGHT_STORE=str(path), TRACKRIGHT_CACHE=str(cache), PYTHONPATH=str(ROOT))
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", DESK, *CLI, f"D{int(time.time()) % 100000}x{n}-", str(seconds)],
            stdout=subprocess.PIPE,
            env=env,
            text=True,
            cwd=ROOT,
        )
        for n in range(4)
    ]
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, *CLI, str(seconds)],
        stdout=subprocess.PIPE,
        env=env,
        text=True,
        cwd=ROOT,
    )
    desk_ops = desk_busy = 0
    for p in procs:
        ops, busy = map(int, p.communicate()[0].split())
        desk_ops += ops
        desk_busy += busy
    r_ops, r_busy = map(int, reader.communicate()[0].split())
    return {
        "desk ops": desk_ops,
        "desk busy": desk_busy,
        "stats runs": r_ops,
        "stats busy": r_busy,
        "ops/s": desk_ops / seconds,
        "seconds": seconds,
    }


STOCK = textwrap.dedent(
    """
    import sys, time
    from tinydb import Query, TinyDB
    path, op, ident = sys.argv[1], sys.argv[2], sys.argv[3]
    db = TinyDB(path)
    units, events = db.table("units"), db.table("events")
    q = Query()
    if op == "receive":
        if not units.contains(q.id == ident):
            units.insert({"id": ident, "sku": "PHONE-0", "status": "IN_STOCK", "location": "WH1"})
            events.insert({"op": "receive", "ids": [ident]})
    elif op == "ship":
        units.update({"status": "SHIPPED", "order": "S" + ident}, q.id == ident)
        events.insert({"op": "ship", "ids": [ident], "order": "S" + ident})
    elif op == "trace":
        units.get(q.id == ident)
        events.search(q.ids.any([ident]))
    db.close()
    """
)


def stock_tinydb(folder: Path, info: dict, samples: int) -> dict[str, tuple]:
    """Stock TinyDB holding the same units and events, one fresh process per operation."""
    from tinydb import TinyDB

    path = folder / "stock.json"
    db = TinyDB(path)
    n_units = info["counts"]["units"]
    db.table("units").insert_multiple(
        {
            "id": f"IMEI{i:09d}",
            "sku": "PHONE-0",
            "status": "SHIPPED",
            "location": "WH1",
            "order": f"SO-{i}",
        }
        for i in range(n_units)
    )
    db.table("events").insert_multiple(
        {"op": "ship" if i % 2 else "receive", "ids": [f"IMEI{i // 2:09d}"], "order": f"SO-{i}"}
        for i in range(info["counts"]["events"])
    )
    db.close()
    out = {}
    for op in ("receive", "ship", "trace"):
        rows = []
        for k in range(samples):
            ident = f"STOCK{k}" if op == "receive" else f"IMEI{k * 7:09d}"
            start = time.perf_counter()
            proc = subprocess.Popen([sys.executable, "-c", STOCK, str(path), op, ident], env=ENV)
            _, _status, usage = os.wait4(proc.pid, 0)
            rows.append((time.perf_counter() - start, usage.ru_maxrss / 1024, ""))
        out[op] = stats_of(rows)
    out["file MB"] = path.stat().st_size / 1e6
    path.unlink()
    return out


def _child(what: str, *args: str) -> dict:
    """Build a store (or the stock TinyDB baseline) in a child process: the measuring process
    stays small, so that a forked command's peak RSS is its own and not the builder's."""
    import json

    out = subprocess.run(
        [sys.executable, __file__, f"--{what}", *args], capture_output=True, text=True, env=ENV
    )
    if out.returncode:
        raise SystemExit(out.stderr)
    return json.loads(out.stdout.splitlines()[-1])


def main() -> None:
    import json

    if "--store" in sys.argv:  # TinyDB beside PostgreSQL: benchmarks/bench_stores.py
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        from bench_stores import main as stores_main

        stores_main(sys.argv[1:])
        return

    if len(sys.argv) > 1 and sys.argv[1] in ("--build", "--stock"):
        what, path, arg = sys.argv[1], Path(sys.argv[2]), sys.argv[3]
        if what == "--build":
            result = build(path, int(arg))
        else:
            result = stock_tinydb(path, json.loads(arg), int(sys.argv[4]))
        print(json.dumps(result))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, nargs="+", default=[100_000])
    parser.add_argument("--ops", type=int, default=30, help="samples per single-unit command")
    parser.add_argument("--seconds", type=float, default=20.0, help="length of the concurrent run")
    parser.add_argument("--stock-samples", type=int, default=3)
    parser.add_argument(
        "--keep", type=Path, help="build the stores here and keep them (a kept store is reused)"
    )
    args = parser.parse_args()
    root = args.keep or Path(tempfile.mkdtemp(prefix="bench-tracker-"))
    print(f"trackright tracker benchmark, {datetime.now(UTC):%Y-%m-%d}, {os.cpu_count()} cores")
    try:
        for units in args.units:
            folder = root / f"s{units}"
            path = folder / "store.json"
            cache = folder / "cache"
            saved = folder / "info.json"
            if args.keep and saved.exists():  # a store kept from an earlier run: measure it again
                info = json.loads(saved.read_text())
            else:
                shutil.rmtree(folder, ignore_errors=True)
                info = _child("build", str(path), str(units))
                saved.write_text(json.dumps(info))
            c = info["counts"]
            print(
                f"\n== {units:,} units: {c['orders']:,} orders, {c['events']:,} events, "
                f"{info['bytes'] / 1e6:.0f} MB on disk; built in {info['build']:.0f} s "
                f"(bulk API), compacted in {info['compact']:.1f} s"
            )
            results = measure(path, info, args.ops, cache)
            print(
                f"{'fresh process, as a user runs it':40} {'median':>9} {'p95':>9} {'peak RSS':>9}"
            )
            for name, (med, p95, rss) in results.items():
                print(f"{name:40} {med:7.0f} ms {p95:6.0f} ms {rss:6.0f} MB")
            con = concurrent(path, cache, args.seconds)
            print(
                f"4 desks + stats for {con['seconds']:.0f} s: {con['desk ops']} desk commands "
                f"({con['ops/s']:.1f}/s), {con['stats runs']} stats; 'store busy': "
                f"{con['desk busy']} desk, {con['stats busy']} stats"
            )
            small = {"counts": info["counts"]}
            base = _child("stock", str(folder), json.dumps(small), str(args.stock_samples))
            print(f"stock TinyDB, same units and events ({base.pop('file MB'):.0f} MB JSON):")
            for name, (med, p95, rss) in base.items():
                print(f"{'  ' + name + ' 1 unit':40} {med:7.0f} ms {p95:6.0f} ms {rss:6.0f} MB")
            if not args.keep:
                shutil.rmtree(folder, ignore_errors=True)
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
