"""Helpers that drive the app the way a person would: type, press enter, wait for workers."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "sample_catalogs"
NOW = datetime(2026, 1, 15, 10, 30, tzinfo=UTC)


async def wait_for(pilot, condition: Callable[[], bool], timeout: float = 10.0) -> None:
    """Let the app run until `condition()` holds (workers finish in their own threads)."""
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while not condition():
        if loop.time() > end:
            raise AssertionError("timed out waiting for the app")
        await pilot.pause(0.02)
    await pilot.pause()


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
