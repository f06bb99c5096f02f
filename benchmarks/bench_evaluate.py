"""Benchmark `trackright evaluate` on a generated 1,000,000-row catalog.

Generates a realistic generic CSV with a fixed seed (unique SKUs and titles, a few hundred
category paths, HSN codes, GTINs, prices across every value band), then measures in the same run:

  io-only   read every row with the catalog reader and write one CSV line per row (no rules)
  full      classification + durable-rules decisions (cached per profile) + CSV writing, run as
            `trackright evaluate FILE --format csv -o OUT` (which uses two processes for a big
            CSV, see advisor/parallel.py); also measured in one process for comparison

Each pass runs in its own child process so its peak RSS is its own (the CLI's is sampled over
its whole process tree with psutil). Prints rows/second, the full/io ratio and peak memory
against the targets (>= 250,000 rows/s, >= 0.5 x io-only, <= 150 MB). Usage:

    python benchmarks/bench_evaluate.py [--rows 1000000] [--keep DIR]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CATEGORIES = [
    ("Electronics > Mobile Phones", "851713", (6000, 90000)),
    ("Electronics > Laptops", "847130", (20000, 150000)),
    ("Electronics > Audio > Earbuds", "851830", (500, 15000)),
    ("Electronics > Accessories > Cables", "854442", (99, 999)),
    ("Electronics > Accessories > Phone Cases", "392690", (149, 1299)),
    ("Home > Kitchen > Appliances", "850940", (1500, 45000)),
    ("Fashion > Women > Dresses", "620442", (299, 8999)),
    ("Fashion > Men > T-Shirts", "610910", (199, 2499)),
    ("Footwear > Sneakers", "640411", (699, 12999)),
    ("Jewellery > Necklaces", "711319", (2500, 350000)),
    ("Watches", "910211", (1500, 90000)),
    ("Health > Supplements > Protein", "210690", (499, 7999)),
    ("Health > OTC Medicines", "300490", (29, 899)),
    ("Grocery > Tea", "090230", (99, 1999)),
    ("Grocery > Snacks", "190590", (20, 699)),
    ("Medical Devices > BP Monitors", "901890", (899, 6999)),
    ("Medical Supplies > Test Strips", "382200", (299, 1999)),
    ("Books > Fiction", "490199", (99, 1499)),
    ("Home > Furniture", "940360", (2999, 120000)),
    ("Home > Decor", "691390", (99, 4999)),
    ("Toys > Puzzles", "950390", (199, 2999)),
    ("Collectibles > Figures", "970600", (999, 80000)),
    ("Beauty > Makeup > Lipstick", "330410", (149, 3999)),
    ("Beauty > Fragrance", "330300", (299, 25000)),
    ("Gifts > Stationery", "960810", (49, 4999)),
]
WORDS = [
    "Classic",
    "Pro",
    "Max",
    "Lite",
    "Ultra",
    "Neo",
    "Prime",
    "Eco",
    "Air",
    "Plus",
    "Mini",
    "Royal",
    "Urban",
    "Zen",
    "Nova",
    "Aura",
    "Vibe",
    "Bold",
    "Pure",
    "Swift",
]
COLOURS = ["Black", "White", "Blue", "Red", "Green", "Gold", "Silver", "Rose", "Grey", "Teal"]


def gtin13(n: int) -> str:
    body = f"890{n:09d}"
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(body))
    return body + str((10 - total % 10) % 10)


def generate(path: Path, rows: int, seed: int = 20261127) -> None:
    rng = random.Random(seed)
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["sku", "title", "category", "brand", "price", "currency", "hsn", "gtin"])
        for i in range(rows):
            cat, hsn, (lo, hi) = CATEGORIES[rng.randrange(len(CATEGORIES))]
            leaf = cat.split(" > ")[-1]
            personalised = rng.random() < 0.01
            title = f"{rng.choice(WORDS)} {rng.choice(WORDS)} {leaf} {rng.choice(COLOURS)} {i}"
            if personalised:
                title = "Personalised " + title
            price = round(rng.uniform(lo, hi), 2)
            w.writerow(
                [
                    f"SKU-{i:07d}",
                    title,
                    cat,
                    f"Brand{rng.randrange(300)}",
                    f"{price:.2f}",
                    "INR",
                    hsn,
                    gtin13(i) if rng.random() < 0.7 else "",
                ]
            )


def _child(mode: str, src: str, dst: str) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from advisor.catalog import open_catalog
    from advisor.catalog.records import SkuRecord

    t0 = time.perf_counter()
    n = 0
    if mode == "io":
        with open(dst, "w", newline="", encoding="utf-8") as out, open_catalog(src) as reader:
            w = csv.writer(out, lineterminator="\n")
            w.writerow(("row", "sku", "title", "category", "price", "currency", "hsn", "gtin"))
            for item in reader:
                n += 1
                if isinstance(item, SkuRecord):
                    w.writerow(
                        (
                            item.row,
                            item.sku,
                            item.title,
                            item.category,
                            item.price,
                            item.currency,
                            item.hsn,
                            item.gtin,
                        )
                    )
                else:
                    w.writerow((item.row, item.sku, item.reason, "", "", "", "", ""))
        extra = {}
    else:
        from advisor.advice.evaluate import Evaluator, Summary
        from advisor.advice.writers import CsvWriter
        from advisor.rulebook.load import load_rulebook

        book = load_rulebook()
        ev = Evaluator(book)
        summary = Summary()
        with open(dst, "w", newline="", encoding="utf-8") as out, open_catalog(src) as reader:
            writer = CsvWriter(out, book.classification.base_currency, book.version)
            for item in ev.run(reader, summary):
                writer.write(item)
                n += 1
            writer.close()
        extra = {
            "durable_evaluations": ev.engine.evaluations,
            "decided": summary.decided,
            "rejected": summary.rejected,
            "profiles": ev.engine.cache_size,
        }
        ev.close()
    elapsed = time.perf_counter() - t0
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"rows": n, "seconds": elapsed, "rss_mb": rss_mb, **extra}))


def run_pass(mode: str, src: Path, dst: Path) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--child", mode, str(src), str(dst)],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def run_cli(src: Path, dst: Path, jobs: int | None) -> dict:
    """`trackright evaluate` exactly as a user runs it, with the peak memory of its process tree."""
    import psutil

    cmd = [
        sys.executable,
        "-m",
        "advisor.cli.main",
        "evaluate",
        str(src),
        "--format",
        "csv",
        "-o",
        str(dst),
        "--no-summary",
    ]
    if jobs:
        cmd += ["--jobs", str(jobs)]
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parent.parent))
    t0 = time.perf_counter()
    proc = psutil.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak_total = 0
    while proc.poll() is None:  # sampled sparingly: the workers need both cores
        time.sleep(0.1)
        try:
            peak_total = max(peak_total, sum(p.memory_info().rss for p in [proc, *proc.children()]))
        except psutil.Error:
            pass
    elapsed = time.perf_counter() - t0
    # exact peak of the largest process (the CLI or one of its workers), from the kernel
    peak_one = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
    if proc.returncode not in (0, 1):
        raise SystemExit(f"evaluate failed: {proc.stderr.read().decode()}")
    rows = sum(1 for _ in open(dst, encoding="utf-8")) - 1
    return {
        "rows": rows,
        "seconds": elapsed,
        "rss_mb": peak_one / 2**20,
        "tree_mb": peak_total / 2**20,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument(
        "--keep", type=Path, help="keep the generated catalog and outputs in this folder"
    )
    ap.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        _child(*args.child)
        return
    tmp = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="trackright-bench-"))
    tmp.mkdir(parents=True, exist_ok=True)
    src = tmp / "catalog.csv"
    t0 = time.perf_counter()
    generate(src, args.rows)
    print(
        f"generated {args.rows:,} rows ({src.stat().st_size / 1e6:.0f} MB) in {time.perf_counter() - t0:.1f} s; "
        f"python {sys.version.split()[0]}, {os.cpu_count()} cores"
    )
    full = run_cli(src, tmp / "decisions.csv", None)  # first: its peak RSS is read from the kernel
    io = run_pass("io", src, tmp / "io.csv")
    inproc = run_pass("full", src, tmp / "decisions-1.csv")
    io_rate, full_rate = io["rows"] / io["seconds"], full["rows"] / full["seconds"]
    one_rate = inproc["rows"] / inproc["seconds"]
    ratio = full_rate / io_rate
    print(f"{'pass':<34}{'rows':>11}{'seconds':>9}{'rows/s':>10}{'peak RSS':>11}")
    print(
        f"{'io-only (read + write, no rules)':<34}{io['rows']:>11,}{io['seconds']:>9.2f}{io_rate:>10,.0f}{io['rss_mb']:>8.0f} MB"
    )
    print(
        f"{'full, one process (in-process)':<34}{inproc['rows']:>11,}{inproc['seconds']:>9.2f}{one_rate:>10,.0f}{inproc['rss_mb']:>8.0f} MB"
    )
    print(
        f"{'full, trackright evaluate CLI':<34}{full['rows']:>11,}{full['seconds']:>9.2f}{full_rate:>10,.0f}{full['rss_mb']:>8.0f} MB"
        f"  (all processes together, sampled: {full['tree_mb']:.0f} MB; start-up included)"
    )
    print(
        f"durable-rules round trips (one process): {inproc['durable_evaluations']:,} for {inproc['profiles']:,} "
        f"distinct profiles; decided {inproc['decided']:,}, rejected {inproc['rejected']:,}"
    )
    checks = [
        ("full evaluation >= 250,000 rows/s", full_rate >= 250_000, f"{full_rate:,.0f}"),
        ("full >= 0.5 x io-only", ratio >= 0.5, f"{ratio:.2f}"),
        ("peak RSS <= 150 MB (largest process)", full["rss_mb"] <= 150, f"{full['rss_mb']:.0f} MB"),
    ]
    for name, ok, value in checks:
        print(f"  [{'PASS' if ok else 'MISS'}] {name}: {value}")
    if not args.keep:
        for f in tmp.iterdir():
            f.unlink()
        tmp.rmdir()


if __name__ == "__main__":
    main()
