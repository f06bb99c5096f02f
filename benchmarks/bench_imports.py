"""Imports benchmark: `trackright track import orders` of a Shopify export into a 100,000-unit store.

Run: ``python benchmarks/bench_imports.py`` (100,000 order lines into a store of 100,000 units
with months of history; ``--units``, ``--lines`` to change). The store is built by
`bench_tracker.build` (every unit received on its own, most shipped, some returned, folded),
batch stock is received for the export's SKUs, and a Shopify orders export is written as
Shopify writes it (79 columns, one row per line item, 1 to 3 items an order, one line in a
thousand naming a SKU the store has no decision for). Then each command runs as a user runs
it, a fresh `trackright` process: the import (lines per second, peak RSS), the same file again
(nothing changes: every line found in the ledger), and a dry run of a fresh file.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "tests" / "tracker"))

import bench_tracker  # noqa: E402 - the store builder and the process runner
from import_helpers import Item, ShopOrder, stamp, write_shopify  # noqa: E402


def export(path: Path, lines: int, prefix: str, seed: int = 3) -> int:
    """A Shopify export of `lines` line items over the benchmark's batch SKUs; bad lines."""
    rng = random.Random(seed)
    orders = []
    done = n = bad = 0
    while done < lines:
        n += 1
        items = []
        for _ in range(min(rng.choice((1, 1, 2, 3)), lines - done)):
            sku = rng.choice(bench_tracker.BATCH_SKUS)
            if rng.random() < 0.001:
                sku, bad = "GHOST-SKU", bad + 1
            items.append(Item(sku, rng.choice((1, 1, 2)), "Assam Tea 500g", 285))
        done += len(items)
        orders.append(ShopOrder(f"#{prefix}{n}", stamp(1 + n % 28, n % 600), tuple(items)))
    write_shopify(path, orders)
    return bad


def run(args: list[str], store: Path, cache: Path) -> tuple[float, float, float]:
    """(wall seconds, CPU seconds, peak RSS MB) of one fresh `trackright track` process.

    CPU seconds are the fairer figure on a shared machine: wall time there is mostly waiting."""
    env = dict(bench_tracker.ENV, TRACKRIGHT_STORE=str(store), TRACKRIGHT_CACHE=str(cache))
    env["PYTHONPATH"] = str(bench_tracker.ROOT)
    start = time.perf_counter()
    proc = subprocess.Popen(
        bench_tracker.CLI + args, stdout=subprocess.DEVNULL, env=env, cwd=bench_tracker.ROOT
    )
    _, _status, usage = os.wait4(proc.pid, 0)
    return time.perf_counter() - start, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=100_000)
    parser.add_argument("--lines", type=int, default=100_000)
    parser.add_argument("--dry-run-lines", type=int, default=10_000)
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="bench-imports-"))
    print(f"trackright imports benchmark, {datetime.now(UTC):%Y-%m-%d}")
    try:
        store = root / "store.json"
        cache = root / "cache"
        info = bench_tracker._child("build", str(store), str(args.units))
        c = info["counts"]
        print(
            f"store: {args.units:,} units, {c['orders']:,} orders, {c['events']:,} events; "
            f"built in {info['build']:.0f} s"
        )
        for sku in bench_tracker.BATCH_SKUS:
            receive = ["receive", sku, "--lot", "IMP-1", "--qty", "1000000"]
            bench_tracker.run([*receive, "--expiry", "2099-12-31"], store, cache)
        big = root / "orders_export.csv"
        bad = export(big, args.lines, "B")
        size = big.stat().st_size / 1e6
        print(f"Shopify export: {args.lines:,} line items, {size:.0f} MB, {bad} bad lines")
        runs = [
            (
                "import",
                ["import", "orders", str(big), "--report", str(root / "r1.csv")],
                args.lines,
            ),
            ("same file again (idempotent)", ["import", "orders", str(big)], args.lines),
        ]
        if args.dry_run_lines:
            fresh = root / "fresh.csv"
            export(fresh, args.dry_run_lines, "D", seed=5)
            runs.append(("dry run, fresh file", ["import", "orders", str(fresh), "--dry-run"],
                         args.dry_run_lines))  # fmt: skip
        print(f"{'fresh process, as a user runs it':30} {'lines':>8} {'wall':>8} {'lines/s':>8} "
              f"{'CPU':>8} {'lines/CPU s':>11} {'peak RSS':>9}")  # fmt: skip
        for name, cmd, n in runs:
            wall, cpu, rss = run(cmd, store, cache)
            print(f"{name:30} {n:8,} {wall:7.1f}s {n / wall:8,.0f} {cpu:7.1f}s "
                  f"{n / cpu:11,.0f} {rss:6.0f} MB")  # fmt: skip
        statuses: dict[str, int] = {}
        import csv

        with open(root / "r1.csv", encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                statuses[row["status"]] = statuses.get(row["status"], 0) + 1
        print("first import, lines by status:", statuses)
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
