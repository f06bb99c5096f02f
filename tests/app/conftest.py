"""Fixtures for the terminal app: a workspace in a temp folder with a fixed clock."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Callable
from pathlib import Path

import pytest
from tui_helpers import NOW

from advisor.app.app import TrackrightApp
from advisor.app.workspace import Workspace


@pytest.fixture
def store(tmp_path) -> Path:
    return tmp_path / "ws" / "store.json"


@pytest.fixture
def make_app(store) -> Callable[..., TrackrightApp]:
    """Build an app on the temp store (call again for a 'restart' on the same store)."""

    def make(rules=None, watch_rules: bool = False) -> TrackrightApp:
        ws = Workspace(store, rules, clock=lambda: NOW)
        return TrackrightApp(ws, blink=False, watch_rules=watch_rules)

    return make


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem):
    """Run `async def` tests on a fresh event loop (no async plugin is needed for Pilot tests)."""
    if inspect.iscoroutinefunction(pyfuncitem.obj):
        names = pyfuncitem._fixtureinfo.argnames
        asyncio.run(pyfuncitem.obj(**{name: pyfuncitem.funcargs[name] for name in names}))
        return True
    return None


ANSWERS = {
    "brand": "Volta",
    "verticals": "electronics, fashion",
    "price_range.electronics": "10k-60k",
    "price_range.fashion": "500-3000",
    "monthly_orders": "5000",
    "units_per_order": "1",
    "return_rate": "25%",
    "counterfeit_seen": "no",
    "warranty": "yes",
    "customised": "no",
    "regulated": "no",
    "channels": "website",
    "warehouses": "1",
}


@pytest.fixture
def onboard(store) -> Callable[..., None]:
    """Save a finished onboarding (optionally with a catalog) in the store, as the chat would."""

    def seed(catalog: str | Path | None = None, stop_at: str | None = None) -> None:
        """Answer every question; with `stop_at`, every one before that question."""
        ws = Workspace(store, clock=lambda: NOW)
        conv = ws.load_conversation()
        while (q := conv.current()) is not None and q.id != stop_at:
            text = str(catalog) if q.id == "catalog" and catalog else ANSWERS.get(q.id, "skip")
            result = conv.answer(text)
            assert result.ok, (q.id, result.message)
        ws.save_conversation(conv)

    return seed
