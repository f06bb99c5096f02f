"""Fixtures for the terminal app: a workspace in a temp folder with a fixed clock, and helpers
that drive the app the way a person would (type, press enter, wait for workers)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from advisor.tui.app import TrackrightApp
from advisor.tui.workspace import Workspace

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "sample_catalogs"
NOW = datetime(2026, 1, 15, 10, 30, tzinfo=UTC)


@pytest.fixture
def store(tmp_path) -> Path:
    return tmp_path / "ws" / "store.json"


@pytest.fixture
def make_app(store) -> Callable[..., TrackrightApp]:
    """Build an app on the temp store (call again for a 'restart' on the same store)."""

    def make(**kwargs) -> TrackrightApp:
        rules = kwargs.pop("rules", None)
        ws = Workspace(store, rules, clock=lambda: NOW)
        return TrackrightApp(ws, blink=False, watch_rules=kwargs.pop("watch_rules", False))

    return make


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
    """Type `text` into the focused widget and press enter."""
    if text:
        await pilot.press(*list(text))
    await pilot.press("enter")
    await pilot.pause()
