"""Rules inside the app: the active rules listed, a broken edit shown as file:line, last good kept."""

from __future__ import annotations

import asyncio
import shutil

import pytest
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


async def test_where_is_written_from_the_rules_folder_and_every_problem_listed(make_app, tmp_path):
    """ "Where" reads `policy.yaml:31` (not a site-packages path), second, so it is on screen at 80
    columns; a broken file lists every problem here, none sent off to the shell."""
    rules = copy_rules(tmp_path)
    app = make_app(rules=rules)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f5")
        await pilot.pause()
        table = app.screen.query_one("#rules", DataTable)
        wheres = [str(table.get_row_at(i)[1]) for i in range(table.row_count)]
        assert all(w.split(":")[0].endswith(".yaml") and "/" not in w for w in wheres)
        assert any(w.startswith("policy.yaml:") for w in wheres)
        assert str(tmp_path) not in " ".join(wheres)
        policy = rules / "policy.yaml"
        text = policy.read_text()
        broken = text.replace("priority: 100", "priority: high")
        assert broken.count("priority: high") > 1
        policy.write_text(broken)
        await pilot.press("r")
        await pilot.pause()
        status = str(app.screen.query_one("#status").render())
        lines = [line for line in status.splitlines() if line.startswith("policy.yaml:")]
        assert len(lines) == broken.count("priority: high")
        assert "trackright rules check" not in status


async def test_a_rules_reload_refreshes_an_open_recommendation(make_app, onboard, tmp_path):
    """Reloading edited rules while the recommendation is open decides it again with them."""
    from tui_helpers import SAMPLES

    rules = copy_rules(tmp_path)
    onboard(SAMPLES / "electronics_brand.csv")
    app = make_app(rules=rules)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, lambda: getattr(app.screen, "rec", None) is not None)
        screen = app.screen
        first = screen.rec
        policy = rules / "policy.yaml"
        policy.write_text(policy.read_text() + "\n# a comment changes the version\n")
        app._reload()
        await settle(pilot, lambda: screen.rec is not first)
        assert screen.rec.rulebook_version != first.rulebook_version
        assert app.screen is screen


async def test_escape_on_the_rules_goes_back_to_the_screen_they_were_opened_from(make_app, onboard):
    """F5 from the recommendation, then Esc ("Back"): the recommendation again, not the
    onboarding transcript; from the desk, the desk."""
    from tui_helpers import SAMPLES

    onboard(SAMPLES / "electronics_brand.csv")
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, lambda: getattr(app.screen, "rec", None) is not None)
        assert app.current_mode == "advice"
        await pilot.press("f5")
        await settle(pilot, lambda: app.current_mode == "rules")
        await pilot.press("escape")
        await settle(pilot, lambda: app.current_mode != "rules")
        assert app.current_mode == "advice"
        await pilot.press("a")
        await settle(pilot, lambda: app.current_mode == "desk" and app.screen.pending == 0)
        await pilot.press("f5")
        await settle(pilot, lambda: app.current_mode == "rules")
        await pilot.press("escape")
        await settle(pilot, lambda: app.current_mode != "rules")
        assert app.current_mode == "desk"


@pytest.mark.parametrize(("size", "whole"), [((60, 20), False), ((100, 30), True)])
async def test_below_80_columns_long_rule_names_give_way_to_what_the_rule_decides(
    make_app, size, whole
):
    """At 60 columns "electronics-accessories-low" is shortened in the middle so the Outcome
    column stays on screen; at 100 columns every name is whole."""
    app = make_app()
    async with app.run_test(size=size) as pilot:
        await pilot.press("f5")
        await settle(pilot, lambda: app.current_mode == "rules")
        table = app.screen.query_one("#rules", DataTable)
        await settle(pilot, lambda: table.row_count > 0)
        names = [str(table.get_row_at(i)[0]) for i in range(table.row_count)]
        assert ("electronics-accessories-low" in names) == whole, names[:3]
        if not whole:
            assert any(n.startswith("electronics…") for n in names)
            outcome_x = sum(c.get_render_width(table) for c in list(table.columns.values())[:2])
            assert outcome_x < size[0] - 4  # the Outcome column starts on screen
