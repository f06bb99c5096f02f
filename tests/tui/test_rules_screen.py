"""Rules inside the app: the active rules listed, a broken edit shown as file:line, last good kept."""

from __future__ import annotations

import asyncio
import shutil

from textual.widgets import DataTable
from tui_helpers import ROOT, settle

from advisor.app.workspace import Workspace


def copy_rules(tmp_path):
    rules = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", rules)
    return rules


async def test_broken_edit_is_listed_and_last_good_rules_keep_running(make_app, tmp_path):
    """After a bad edit, reload lists file:line problems, keeps the old rulebook, and recovers."""
    rules = copy_rules(tmp_path)
    app = make_app(rules=rules)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("f5")
        await pilot.pause()
        screen = app.screen
        good = app.workspace.rulebook
        assert "✓ Rules valid" in str(screen.query_one("#status").render())
        table = screen.query_one("#rules", DataTable)
        assert table.row_count == len(good.policy.rules) + len(good.returns.rules)
        policy = rules / "policy.yaml"
        original = policy.read_text()
        policy.write_text(original.replace("priority: 100", "priority: high", 1))
        await pilot.press("r")
        await pilot.pause()
        status = str(screen.query_one("#status").render())
        assert "problem" in status and "still running" in status
        assert "policy.yaml:" in status
        assert app.workspace.rulebook is good
        policy.write_text(original + "\n")
        await pilot.press("r")
        await pilot.pause()
        assert "✓ Rules valid" in str(screen.query_one("#status").render())
        assert app.workspace.rulebook is not good


async def test_file_watch_reloads_without_a_key(make_app, tmp_path):
    """With watching on, an edit made outside is picked up within about a second: the test
    waits for the app's own "Rules reloaded" notification (its watch timer fires once a second)."""
    rules = copy_rules(tmp_path)
    app = make_app(rules=rules, watch_rules=True)
    reloaded = asyncio.Event()
    notify = app.notify

    def noted(message, *args, **kwargs):
        if str(message).startswith("Rules reloaded"):
            reloaded.set()
        return notify(message, *args, **kwargs)

    app.notify = noted
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        first = app.workspace.rulebook
        (rules / "costs.yaml").write_text((rules / "costs.yaml").read_text() + "\n# edited\n")
        await asyncio.wait_for(reloaded.wait(), timeout=10)
        await settle(pilot)
        assert app.workspace.rulebook is not first
        assert app.workspace.status.ok


def test_broken_rules_at_start_open_the_rules_screen_state(tmp_path, store):
    """A workspace whose rules never loaded reports the problems and has no rulebook to run."""
    rules = copy_rules(tmp_path)
    (rules / "policy.yaml").write_text("rules: [\n")
    ws = Workspace(store, rules)
    assert ws.rulebook is None
    assert not ws.status.ok and "policy.yaml" in str(ws.status.problems[0])
