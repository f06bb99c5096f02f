"""Label printing benchmark: 10,000 labels to ZPL and to PDF, labels per second and peak memory.

Labels per second are shown by the wall clock and per CPU-second of the process (the second is
steadier when other work shares the cores).

Run: `python benchmarks/bench_labels.py [--labels 10000]` (about half a minute). Each case runs in
its own child process, so the peak RSS printed is that case's alone (imports included):

  render   `tracker.printing.render_labels` on 10,000 labels made in memory: GS1 serial labels
           (GTIN, lot, expiry, serial; DataMatrix on 50x25, GS1-128 + DataMatrix + QR on 100x50,
           DataMatrix + QR on the A4 3 x 8 sheet) and LPN labels (Code 128)
  cli      `trackright track labels --receipt last` after receiving 10,000 LPNs and 10,000 GS1
           serials into a fresh store — what a warehouse meets, start-up and store reading included
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CASES = [
    ("zpl", "50x25", "gs1"),
    ("zpl", "100x50", "gs1"),
    ("zpl", "50x25", "lpn"),
    ("pdf", "a4-3x8", "gs1"),
    ("pdf", "a4-3x8", "lpn"),
]


def _labels(kind: str, n: int) -> list:
    from tracker.printing import LabelData

    if kind == "lpn":
        from tracker.labels import make_lpn

        return [LabelData("DRESS", "lpn", make_lpn(i + 1), lot="FW26-03") for i in range(n)]
    return [
        LabelData("PUMP", "serial", f"SN-{i:07d}", "09506000134352", "L-7/A", date(2028, 3, 31))
        for i in range(n)
    ]


def child_render(fmt: str, size: str, kind: str, n: int) -> dict:
    from tracker.printing import render_labels

    labels = _labels(kind, n)
    start, cpu = time.perf_counter(), time.process_time()
    data = render_labels(labels, fmt, size, today=date(2026, 12, 1))
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"seconds": seconds, "cpu": cpu, "bytes": len(data), "rss_mb": rss}


def child_cli(store: str, fmt: str, size: str, out: str) -> dict:
    exe = Path(sys.executable).with_name("trackright")
    cmd = [str(exe), "track", "--store", store, "labels", "--receipt", "last"]
    cmd += ["--format", fmt, "--size", size, "-o", out]
    start = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True)
    seconds = time.perf_counter() - start
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu, rss = usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024
    return {"seconds": seconds, "cpu": cpu, "bytes": os.path.getsize(out), "rss_mb": rss}


def run_child(*args: str) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--child", *args], check=True, capture_output=True, text=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def _row(fmt: str, size: str, kind: str, n: int, r: dict) -> None:
    """One line: wall-clock labels/s, labels per CPU-second (steadier on a shared machine)."""
    print(
        f"{fmt:6} {size:7} {kind:6} {n / r['seconds']:10,.0f} {r['seconds']:8.2f} "
        f"{n / r['cpu']:10,.0f} {r['bytes'] / 1e6:7.1f}MB {r['rss_mb']:7.0f}MB"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--labels", type=int, default=10_000)
    parser.add_argument("--child", nargs="+")
    args = parser.parse_args()
    if args.child:
        mode, *rest = args.child
        if mode == "render":
            fmt, size, kind, n = rest
            print(json.dumps(child_render(fmt, size, kind, int(n))))
        else:
            print(json.dumps(child_cli(*rest)))
        return
    n = args.labels
    base = run_child("render", "zpl", "50x25", "lpn", "1")
    print(f"Python + tracker.printing, one label: peak RSS {base['rss_mb']:.0f} MB\n")
    print(f"render_labels, {n:,} labels")
    print(
        f"{'format':6} {'size':7} {'labels':6} {'labels/s':>10} {'seconds':>8} {'per CPU-s':>10} "
        f"{'output':>9} {'peak RSS':>9}"
    )
    for fmt, size, kind in CASES:
        r = run_child("render", fmt, size, kind, str(n))
        _row(fmt, size, kind, n, r)
    with tempfile.TemporaryDirectory() as tmp:
        from tracker import PolicySnapshot, open_tracker

        print(f"\ntrackright track labels --receipt last (fresh process, store of {2 * n:,} units)")
        for kind in ("lpn", "gs1"):
            store = Path(tmp) / kind / "store.json"
            t = open_tracker(store)
            if kind == "lpn":
                t.set_policies([PolicySnapshot("DRESS", "lpn")])
                t.receive("DRESS", generate=n)
            else:
                t.set_policies([PolicySnapshot("PUMP", "serial", gtin="09506000134352")])
                t.receive(
                    "PUMP", serials=[f"SN-{i:07d}" for i in range(n)], lot="L1", expiry="2028-03-31"
                )
            t.store.compact()
            for fmt, size in (("zpl", "50x25"), ("pdf", "a4-3x8")):
                r = run_child("cli", str(store), fmt, size, str(Path(tmp) / f"out.{fmt}"))
                _row(fmt, size, kind, n, r)


if __name__ == "__main__":
    main()
