"""Helpers that drive the app the way a person would: type, press enter, wait for the app to settle.

Waiting is on events, never on a clock: the app's workers finishing (`App.workers`) and its
message queues running dry (`pilot.pause()`), round after round until nothing is left to do.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from textual.worker import WorkerState

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "sample_catalogs"
NOW = datetime(2026, 1, 15, 10, 30, tzinfo=UTC)


def phone_catalog(path: Path, rows: int) -> Path:
    """A catalog of `rows` phones, each its own SKU, title and price: big enough to watch the
    app decide it."""
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["sku", "title", "category", "price", "currency"])
        for i in range(rows):
            w.writerow(
                [
                    f"SKU-{i:05d}",
                    f"Redmi Note {i} 5G Smartphone 8GB/128GB - Blue",
                    "Electronics > Communications > Telephony > Mobile Phones",
                    f"{9000 + i}.00",
                    "INR",
                ]
            )
    return path


async def settle(pilot, condition: Callable[[], bool] | None = None, rounds: int = 500) -> None:
    """Let the app finish what it started: every worker done, every message handled.

    Each round waits for the running workers to complete, then for the app to be idle; it
    returns once nothing runs (and `condition()`, if given, holds). A worker's callbacks into
    the app (`call_from_thread`) have run by the time it completes.
    """
    app = pilot.app
    for _ in range(rounds):
        await pilot.pause()
        running = [w for w in app.workers if w.state == WorkerState.RUNNING]
        if running:
            await app.workers.wait_for_complete(running)
            continue
        if any(w.state == WorkerState.PENDING for w in app.workers):
            continue
        if condition is None or condition():
            return
    raise AssertionError(
        "the app did not settle" + (" into the state expected" if condition else "")
    )


async def say(pilot, text: str) -> None:
    """Type `text` and press enter: the first key is a real key press (so a focused choice list
    hands it to the answer box), the rest is inserted at the cursor as a fast typist would."""
    if text:
        await pilot.press(text[0])
        if len(text) > 1:
            pilot.app.focused.insert_text_at_cursor(text[1:])
    await pilot.press("enter")
    await pilot.pause()


async def type_keys(pilot, text: str) -> None:
    """Type `text` key by key, then press enter."""
    await pilot.press(*list(text), "enter")
    await pilot.pause()


def shown_text(screen, width: int) -> str:
    """The renderables of a RenderScreen ("why?", the bars) as plain text at `width`."""
    import io

    from rich.console import Console

    console = Console(width=width, record=True, file=io.StringIO())
    for part in screen.parts:
        console.print(part)
    return console.export_text()


def hear_progress(monkeypatch, heard: Callable[[object, str, int], None]) -> None:
    """Call `heard(screen, doing, done)` in the recommendation's worker at each progress report
    of deciding or reading a catalog, before the report is posted (the child is still at work)."""
    from advisor.app.advice_screen import AdviceScreen

    make = AdviceScreen._reporter

    def reporter(self, run, doing):
        report = make(self, run, doing)

        def hear(done: int) -> None:
            heard(self, doing, done)
            report(done)

        return hear

    monkeypatch.setattr(AdviceScreen, "_reporter", reporter)
