"""Tracker store benchmark: 100,000 units, durable single-unit operations, bulk receive, open time.

Run: `python benchmarks/bench_tracker.py` (about a minute). Prints our store beside stock TinyDB
(JSONStorage, Query scan + insert/update per operation) doing the same work. Stock TinyDB figures
are measured on a few operations only (each takes seconds at this size); the 10k receive for stock
TinyDB is extrapolated from its per-unit cost and marked "est.".
Returns are decided by the real returns rulebook (rules/returns.yaml on durable-rules), as in the CLI.
"""

from __future__ import annotations

import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tinydb import Query, TinyDB  # noqa: E402

from tracker import PolicySnapshot, Store, Verdict, open_tracker  # noqa: E402

UNITS = 100_000
OPS = 200


def restock(facts: dict[str, object]) -> Verdict:
    """Stock TinyDB's stand-in verdict (it has no rules engine): restock what came back."""
    if not facts["shipped_on_this_order"]:
        return Verdict("quarantine", "swap_suspect", "bench/other", "not this order")
    return Verdict("restock", None, "bench/restock", "genuine")


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def ours(folder: Path) -> dict[str, object]:
    path = folder / "store.json"
    from advisor.cli.track import return_verdicts

    t = open_tracker(path, verdict=return_verdicts())
    t.set_policies([PolicySnapshot("PHONE", "serial"), PolicySnapshot("CASE", "serial")])
    start = time.perf_counter()
    for batch in range(UNITS // 10_000):
        t.receive("PHONE", serials=[f"P{batch:02d}{i:05d}" for i in range(10_000)])
    build = time.perf_counter() - start
    t.store.compact()
    start = time.perf_counter()
    t.receive("CASE", serials=[f"C{i:05d}" for i in range(10_000)])
    bulk = time.perf_counter() - start
    t.store.compact()
    opens = []
    for _ in range(3):
        start = time.perf_counter()
        Store(path)
        opens.append(time.perf_counter() - start)
    rec, shp, ret = [], [], []
    for i in range(OPS):
        start = time.perf_counter()
        t.receive("PHONE", serials=[f"N{i:05d}"])
        rec.append(time.perf_counter() - start)
    for i in range(OPS):
        start = time.perf_counter()
        t.ship(f"SO-{i}", scans=[f"N{i:05d}"])
        shp.append(time.perf_counter() - start)
    for i in range(OPS):
        start = time.perf_counter()
        t.process_return(f"SO-{i}", f"N{i:05d}", reason="fit")
        ret.append(time.perf_counter() - start)
    start = time.perf_counter()
    t.store.compact()
    compact = time.perf_counter() - start
    return {
        "compact": compact,
        "receive": median_ms(rec),
        "ship": median_ms(shp),
        "return": median_ms(ret),
        "p95": max(sorted(x)[int(len(x) * 0.95)] for x in (rec, shp, ret)) * 1000,
        "bulk": bulk,
        "open": min(opens),
        "build": build,
        "size_mb": path.stat().st_size / 1e6,
    }


def stock(folder: Path, sample: int = 3) -> dict[str, object]:
    path = folder / "stock.json"
    db = TinyDB(path)
    units, events = db.table("units"), db.table("events")
    units.insert_multiple(
        {"id": f"P{i:07d}", "sku": "PHONE", "status": "IN_STOCK", "location": "WH1"}
        for i in range(UNITS)
    )
    db.close()
    start = time.perf_counter()
    db = TinyDB(path)
    units, events = db.table("units"), db.table("events")
    len(units)
    open_s = time.perf_counter() - start
    unit = Query()
    rec, shp, ret = [], [], []
    for i in range(sample):
        start = time.perf_counter()
        if not units.contains(unit.id == f"N{i}"):
            units.insert({"id": f"N{i}", "sku": "PHONE", "status": "IN_STOCK", "location": "WH1"})
            events.insert({"op": "receive", "ids": [f"N{i}"]})
        rec.append(time.perf_counter() - start)
    for i in range(sample):
        start = time.perf_counter()
        units.update({"status": "SHIPPED", "order": f"SO-{i}"}, unit.id == f"N{i}")
        events.insert({"op": "ship", "ids": [f"N{i}"], "order": f"SO-{i}"})
        shp.append(time.perf_counter() - start)
    for i in range(sample):
        start = time.perf_counter()
        found = units.get(unit.id == f"N{i}")
        assert found and found["order"] == f"SO-{i}"
        units.update({"status": "IN_STOCK"}, unit.id == f"N{i}")
        events.insert({"op": "return", "ids": [f"N{i}"], "order": f"SO-{i}"})
        ret.append(time.perf_counter() - start)
    db.close()
    return {
        "receive": median_ms(rec),
        "ship": median_ms(shp),
        "return": median_ms(ret),
        "bulk": median_ms(rec) / 1000 * 10_000,
        "open": open_s,
    }


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        mine = ours(Path(tmp))
        theirs = stock(Path(tmp))
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    rows = [
        (
            "receive 1 unit, durable (median)",
            "≤ 20 ms",
            f"{mine['receive']:.2f} ms",
            f"{theirs['receive']:.0f} ms",
        ),
        (
            "ship 1 unit, durable (median)",
            "≤ 20 ms",
            f"{mine['ship']:.2f} ms",
            f"{theirs['ship']:.0f} ms",
        ),
        (
            "return 1 unit, durable (median)",
            "≤ 20 ms",
            f"{mine['return']:.2f} ms",
            f"{theirs['return']:.0f} ms",
        ),
        (
            "receive 10,000 serials, one operation",
            "≤ 2 s",
            f"{mine['bulk']:.2f} s",
            f"{theirs['bulk']:.0f} s (est.)",
        ),
        ("open the store", "≤ 1 s", f"{mine['open']:.2f} s", f"{theirs['open']:.2f} s"),
    ]
    print(f"tracker store benchmark: {UNITS:,} units, {OPS} operations of each kind")
    width = max(len(r[0]) for r in rows)
    print(f"{'':{width}}  {'target':>8}  {'trackright':>12}  {'stock TinyDB':>16}")
    for name, target, a, b in rows:
        print(f"{name:{width}}  {target:>8}  {a:>12}  {b:>16}")
    print(f"slowest 5% of single-unit operations: ≤ {mine['p95']:.2f} ms")
    print(
        f"checkpoint at 100k units (folds the journal into store.json every 1,000 operations): "
        f"{mine['compact']:.2f} s"
    )
    print(
        f"building 100k units (10 receipts of 10k): {mine['build']:.2f} s; "
        f"checkpoint {mine['size_mb']:.1f} MB; peak RSS {rss:.0f} MB"
    )


if __name__ == "__main__":
    main()
