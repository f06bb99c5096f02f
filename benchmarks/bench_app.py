"""Benchmark the terminal app on big catalogs: is it ever frozen while it decides?

Generates a catalog with `bench_evaluate.generate` (unique, store-style titles), answers every
onboarding question but the catalog one in a fresh workspace, then drives the app headless
(`App.run_test`) the way a person would: types the catalog path and presses Enter. While the app
decides, a key (F12, bound to nothing) is sent every 50 ms and the time until the app's message
loop takes it is recorded. Prints, per catalog size:

  result    seconds from Enter to the recommendation's table showing its rows
  key gap   the longest wait of a key sent during that time (and how many keys were sent)
  deciding  the longest wait of those sent once the screen showed deciding's progress: the
            switch to the recommendation (the catalog checked, the screen built and first
            drawn) is over, the deciding processes have the cores
  turn      the UI thread's longest turn of its event loop meanwhile, in CPU ms: a key sent
            during it waits for all of it, so on an idle machine the gap is at least this; the
            gaps grow with the machine's load and other threads' hold on the GIL, this does not
  scroll    the longest wait of a page-down in the finished table, and of `end`: from the key
            sent (as a terminal driver sends it) to the first frame drawn after the table moved
            (Pilot.press would add its own idle waits, about 50 ms, to every key)
  export    seconds from Enter in the export dialog to the file written and the dialog closed,
            and the longest wait of a key sent meanwhile
  relaunch  seconds from starting the app again on the same store to the recommendation
  peak RSS  of the child process that ran the app (each size runs in its own process), and of
            the process the app forks to decide the catalog and save it (its copy-on-write
            pages and the rows it decided)
  CLI s     `trackright evaluate` on the same file just after, for the machine's load right then

Targets (issue 13): result <= 1.5 s for 20,000 rows, no key waiting more than 100 ms, 200,000 rows
usable. Usage:

    python benchmarks/bench_app.py [--rows 20000 200000] [--keep DIR]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ANSWERS = {
    "brand": "Volta",
    "verticals": "electronics, mobile phones, fashion",
    "monthly_orders": "20000",
    "units_per_order": "1",
    "return_rate": "12%",
    "counterfeit_seen": "no",
    "warranty": "yes",
    "customised": "no",
    "regulated_products": "mobile phones",
    "channels": "website, amazon",
    "warehouses": "2",
}


def _seed(store: Path) -> None:
    """Answer every question up to the catalog one, as the chat would have saved them."""
    from advisor.app.workspace import Workspace

    ws = Workspace(store)
    conv = ws.load_conversation()
    while (q := conv.current()) is not None and q.id != "catalog":
        text = ANSWERS.get(q.id, "10k-60k" if q.id.startswith("price_range") else "skip")
        result = conv.answer(text)
        if not result.ok:
            raise SystemExit(f"seeding {q.id}: {result.message}")
    ws.save_conversation(conv)
    ws.tracker.close() if hasattr(ws.tracker, "close") else None


def _metered_turns() -> list[float]:
    """From now on, the UI thread's CPU seconds in each turn of its event loop (one callback or
    task step), appended to the list returned: a key waits for the turn under way, and CPU
    seconds, unlike the wall time of a key's wait, do not grow with the machine's load."""
    turns: list[float] = []
    run = asyncio.events.Handle._run
    main = threading.main_thread()

    def metered(handle) -> None:
        if threading.current_thread() is not main:
            return run(handle)
        t0 = time.thread_time()
        try:
            return run(handle)
        finally:
            turns.append(time.thread_time() - t0)

    asyncio.events.Handle._run = metered
    return turns


async def _drive(store: Path, catalog: Path) -> dict:
    from textual import events

    from advisor.app.app import TrackrightApp
    from advisor.app.workspace import Workspace

    sent: dict[int, float] = {}
    waits: list[float] = []
    sent_at: list[float] = []  # when each key of `waits` was sent
    turns = _metered_turns()
    frames: list[float] = []

    class Measured(TrackrightApp):
        CSS_PATH = [
            str(Path(sys.modules[TrackrightApp.__module__].__file__).parent / name)
            for name in TrackrightApp.CSS_PATH
        ]

        def _display(self, screen, renderable) -> None:
            super()._display(screen, renderable)
            if renderable is not None:
                frames.append(time.perf_counter())

        async def on_event(self, event: events.Event) -> None:
            if isinstance(event, events.Key) and event.key == "f12" and id(event) in sent:
                t = sent.pop(id(event))
                waits.append(time.perf_counter() - t)
                sent_at.append(t)
            await super().on_event(event)

    def shown(app) -> bool:
        screen = app.screen
        table = screen.query("#decisions")
        return (
            app.current_mode == "advice"
            and getattr(screen, "rec", None) is not None
            and bool(table)
            and table.first().row_count > 0
        )

    def deciding(app) -> bool:
        """The recommendation screen is up and says how far deciding has come."""
        costs = app.screen.query("#costs")
        return bool(costs) and str(costs.first().render()).startswith("Deciding:")

    out: dict = {}
    app = Measured(Workspace(store), blink=False, watch_rules=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause(0.2)
        longest = [0.0]
        later: list[float] = []
        box = app.screen.query_one("#answer")
        box.value = str(catalog)
        driver = app._driver

        async def pinging(done, limit: float = 300, phase=None) -> tuple[float, list[float]]:
            """Seconds until `done()`, while an unbound key is sent every 50 ms (from a thread,
            as a terminal driver reads keys: a blocked UI cannot delay sending); the waits of
            those keys. The longest turn of the UI thread meanwhile goes to `longest[0]`; with
            `phase`, the waits of the keys sent once `phase()` first held go to `later`."""
            stop = threading.Event()
            before = len(waits)
            first_turn = len(turns)

            def press_keys() -> None:
                while not stop.wait(0.05):
                    key = events.Key("f12", None)
                    sent[id(key)] = time.perf_counter()
                    driver.send_message(key)

            presser = threading.Thread(target=press_keys, daemon=True)
            t0 = time.perf_counter()
            presser.start()
            since = None
            while not done():
                await asyncio.sleep(0.01)
                if phase is not None and since is None and phase():
                    since = time.perf_counter()
                if time.perf_counter() - t0 > limit:
                    raise SystemExit(f"not done after {limit} s")
            took = time.perf_counter() - t0
            stop.set()
            presser.join()
            await asyncio.sleep(0.3)
            now = time.perf_counter()
            waits.extend(now - t for t in sent.values())  # never taken
            sent_at.extend(sent.values())
            sent.clear()
            longest[0] = max(turns[first_turn:], default=0.0)
            later[:] = [
                w
                for w, t in zip(waits[before:], sent_at[before:], strict=True)
                if since is not None and t >= since
            ]
            return took, waits[before:]

        driver.send_message(events.Key("enter", "\r"))  # as a terminal would: no waiting
        out["result_s"], during = await pinging(lambda: shown(app), phase=lambda: deciding(app))
        out["keys"] = len(during)
        out["deciding_gap_ms"] = 1000 * max(later, default=0.0)
        out["key_gap_ms"] = 1000 * max(during, default=0.0)
        out["key_turn_ms"] = 1000 * longest[0]
        ordered = sorted(during)
        out["key_p95_ms"] = 1000 * (ordered[int(0.95 * (len(ordered) - 1))] if ordered else 0.0)
        rows = app.screen.query_one("#decisions").row_count
        out["rows_shown"] = rows
        table = app.screen.query_one("#decisions")

        async def key_to_frame(key: str) -> float:
            """Seconds from `key` sent to the first frame drawn after the table moved."""
            before = table.scroll_y
            t = time.perf_counter()
            driver.send_message(events.Key(key, None))
            while table.scroll_y == before and time.perf_counter() - t < 5:
                await asyncio.sleep(0.001)
            moved = time.perf_counter()
            while not (frames and frames[-1] >= moved) and time.perf_counter() - t < 5:
                await asyncio.sleep(0.001)
            wait = (frames[-1] if frames else time.perf_counter()) - t
            await asyncio.sleep(0.05)
            return wait

        scroll = [await key_to_frame("pagedown") for _ in range(10)]
        out["pagedown_ms"] = 1000 * max(scroll)
        out["end_ms"] = 1000 * await key_to_frame("end")
        # a what-if a policy rule reads (decides every row again), then accepting the policy
        panel = app.screen.query_one("#whatif")
        await pilot.press("i")
        app.screen.query_one("#whatif-input").value = "markets=IN,EU"
        driver.send_message(events.Key("enter", "\r"))
        out["whatif_s"], during = await pinging(
            lambda: str(panel.render()).strip() and "Deciding again" not in str(panel.render())
        )
        out["whatif_gap_ms"] = 1000 * max(during, default=0.0)
        out["whatif_turn_ms"] = 1000 * longest[0]
        await pilot.press("escape")
        # exporting every decision from the app: e, a file name, Enter
        exported = store.parent / "decisions.csv"
        await pilot.press("e")
        await pilot.pause(0.2)
        dialog = app.screen
        dialog.query_one("#path").value = str(exported)
        driver.send_message(events.Key("enter", "\r"))
        out["export_s"], during = await pinging(
            lambda: app.screen is not dialog and exported.exists()
        )
        out["export_gap_ms"] = 1000 * max(during, default=0.0)
        out["export_turn_ms"] = 1000 * longest[0]
    saved = store.parent / "recommendation.pickle"
    t0 = time.perf_counter()
    while not saved.exists() and time.perf_counter() - t0 < 300:  # written in the background
        await asyncio.sleep(0.1)
    out["saved_s"] = time.perf_counter() - t0
    app = Measured(Workspace(store), blink=False, watch_rules=False)
    t0 = time.perf_counter()
    async with app.run_test(size=(120, 40)) as pilot:
        while not shown(app):
            await pilot.pause(0.01)
        out["relaunch_s"] = time.perf_counter() - t0
        out["relaunch_reused"] = getattr(app.screen, "reused", None)
        await pilot.pause(0.3)
        driver = app._driver
        driver.send_message(events.Key("a", "a"))  # accept the policy: stored, then the desk
        out["accept_s"], during = await pinging(
            lambda: app.current_mode == "desk" and "Policy accepted" in _log_text(app)
        )
        out["accept_gap_ms"] = 1000 * max(during, default=0.0)
        out["accept_turn_ms"] = 1000 * longest[0]
    return out


def _log_text(app) -> str:
    """What the desk's log says, as text."""
    log = app.screen.query("#log")
    return "\n".join(str(line.text) for line in log.first().lines) if log else ""


def _child(rows: int, workdir: str) -> None:
    sys.path.insert(0, str(HERE.parent))
    sys.path.insert(0, str(HERE))
    from bench_evaluate import generate

    work = Path(workdir) / f"rows-{rows}"
    work.mkdir(parents=True, exist_ok=True)
    catalog = work / "catalog.csv"
    if not catalog.exists():
        generate(catalog, rows)
    store = work / "ws" / "store.json"
    shutil.rmtree(store.parent, ignore_errors=True)
    _seed(store)
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    out = asyncio.run(_drive(store, catalog))
    out["rows"] = rows
    out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    out["child_rss_mb"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    out["rss_before_mb"] = base / 1024
    print(json.dumps(out))


def _cli_seconds(catalog: Path) -> float:
    """`trackright evaluate` on the same file, to read the app's figures against the machine."""
    t = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "advisor.cli.main",
            "evaluate",
            str(catalog),
            "--format",
            "csv",
            "-o",
            os.devnull,
        ],
        capture_output=True,
        check=False,
    )
    return time.perf_counter() - t


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[20_000, 200_000])
    parser.add_argument("--keep", help="folder for the generated catalogs (kept between runs)")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(int(args.child[0]), args.child[1])
        return
    workdir = args.keep or tempfile.mkdtemp(prefix="bench-app-")
    print(f"catalogs in {workdir}")
    head = (
        f"{'rows':>8}  {'result s':>8}  {'CLI s':>6}  {'key gap ms':>10}  {'deciding':>8}  "
        f"{'turn':>4}  "
        f"{'p95 ms':>6}  {'keys':>5}  {'pgdn ms':>7}  {'end ms':>6}  {'relaunch s':>10}  "
        f"{'reused':>6}  {'what-if s':>9}  {'gap ms':>6}  {'turn':>4}  {'export s':>8}  "
        f"{'gap ms':>6}  {'turn':>4}  {'accept s':>8}  {'gap ms':>6}  {'turn':>4}  "
        f"{'peak RSS MB':>11}  {'child RSS MB':>12}"
    )
    print(head)
    for rows in args.rows:
        done = subprocess.run(
            [sys.executable, __file__, "--child", str(rows), workdir],
            capture_output=True,
            text=True,
        )
        if done.returncode:
            print(done.stderr[-3000:])
            raise SystemExit(done.returncode)
        r = json.loads(done.stdout.strip().splitlines()[-1])
        r["cli_s"] = _cli_seconds(Path(workdir) / f"rows-{rows}" / "catalog.csv")
        print(
            f"{r['rows']:>8,}  {r['result_s']:>8.2f}  {r['cli_s']:>6.2f}  {r['key_gap_ms']:>10.0f}  "
            f"{r['deciding_gap_ms']:>8.0f}  "
            f"{r['key_turn_ms']:>4.0f}  {r['key_p95_ms']:>6.0f}  {r['keys']:>5}  "
            f"{r['pagedown_ms']:>7.0f}  {r['end_ms']:>6.0f}  {r['relaunch_s']:>10.2f}  "
            f"{str(r['relaunch_reused']):>6}  {r['whatif_s']:>9.2f}  {r['whatif_gap_ms']:>6.0f}  "
            f"{r['whatif_turn_ms']:>4.0f}  {r['export_s']:>8.2f}  {r['export_gap_ms']:>6.0f}  "
            f"{r['export_turn_ms']:>4.0f}  {r['accept_s']:>8.2f}  {r['accept_gap_ms']:>6.0f}  "
            f"{r['accept_turn_ms']:>4.0f}  {r['peak_rss_mb']:>11.0f}  "
            f"{r['child_rss_mb']:>12.0f}"
        )
    print("targets: result <= 1.5 s at 20,000 rows; key gap <= 100 ms (measured under load)")


if __name__ == "__main__":
    main()
