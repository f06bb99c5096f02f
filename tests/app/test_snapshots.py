"""SVG snapshots of the main screens at a fixed size, clock and store (pytest-textual-snapshot).

Update after an intended change with `pytest tests/app/test_snapshots.py --snapshot-update`, then
look at the SVGs under `__snapshots__/` before committing them.
"""

from __future__ import annotations

import shutil

import pytest
from advisor_helpers import MINIBOOK
from tui_helpers import SAMPLES, say, settle


def test_onboarding_mid_conversation(snap_compare, make_app):
    """The chat after a refused answer: transcript, the why text, the error and the answer box."""

    async def run_before(pilot) -> None:
        for text in ("Volta", "electronics, fashion", "10k-60k", "plenty"):
            await say(pilot, text)

    assert snap_compare(make_app(), run_before=run_before, terminal_size=(80, 24))


def test_recommendation_per_sku(snap_compare, make_app, onboard):
    """The per-SKU recommendation of the electronics sample with the monthly cost line."""
    onboard(SAMPLES / "electronics_brand.csv")

    async def run_before(pilot) -> None:
        await settle(pilot, lambda: getattr(pilot.app.screen, "rec", None) is not None)
        await pilot.wait_for_scheduled_animations()  # the table and cost line drawn after `rec`
        # the per-vertical costs are filled once the screen knows its width: wait for them
        await settle(pilot, lambda: pilot.app.screen.query_one("#verticals").row_count > 0)
        await pilot.pause()
        await settle(pilot)

    assert snap_compare(make_app(), run_before=run_before, terminal_size=(80, 24))


async def open_desk(pilot):
    """Accept the recommendation shown at start-up and wait for the desk; the app."""
    app = pilot.app
    await settle(pilot, lambda: getattr(app.screen, "rec", None) is not None)
    await pilot.press("a")
    await settle(pilot, lambda: app.current_mode == "desk" and app.screen.pending == 0)
    return app


# -- the tracker desk's screens at both sizes (issue 13: desk, verdict, trace, dashboard) -----

DESK_SIZES = pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])


async def _desk_after(pilot, *lines: str):
    """The desk after accepting, with each of `lines` typed on its command line in turn."""
    app = await open_desk(pilot)
    for line in lines:
        await say(pilot, line)
        await settle(pilot, lambda: app.screen.pending == 0)
    return app


_HISTORY = (
    "receive VLT-PH-A15-128 --serial IMEI-1 --serial IMEI-2",
    "ship SO-1 --scan IMEI-1",
    "return SO-1 IMEI-1 --reason fit",
)


async def _desk_with_history(pilot):
    """The desk after a phone was received, shipped, returned for fit and a fake came back."""
    return await _desk_after(pilot, *_HISTORY, "ship SO-2 --scan IMEI-2", "return SO-2 FAKE-9")


@DESK_SIZES
def test_desk(snap_compare, make_app, onboard, size):
    """The desk's command line just after accepting: the title, the first hints, the keys."""
    onboard(SAMPLES / "electronics_brand.csv")

    async def run_before(pilot) -> None:
        await open_desk(pilot)
        await pilot.pause(0.3)
        await settle(pilot)

    assert snap_compare(make_app(), run_before=run_before, terminal_size=size)


@DESK_SIZES
def test_returns_desk_counterfeit_verdict(snap_compare, make_app, onboard, size):
    """The returns desk after an unknown serial comes back: a big COUNTERFEIT SUSPECT."""
    onboard(SAMPLES / "electronics_brand.csv")

    async def run_before(pilot) -> None:
        app = await open_desk(pilot)
        for line in ("receive VLT-PH-A15-128 --serial IMEI-1", "ship SO-1 --scan IMEI-1"):
            await say(pilot, line)
            await settle(pilot, lambda: app.screen.pending == 0)
        await pilot.press("f3")
        await say(pilot, "SO-1")
        await say(pilot, "FAKE-9")
        await settle(pilot, lambda: app.screen.pending == 0)

    assert snap_compare(make_app(), run_before=run_before, terminal_size=size)


@DESK_SIZES
def test_desk_trace_timeline(snap_compare, make_app, onboard, size):
    """The desk after receive, ship, a fit return and a trace drawn as a timeline."""
    onboard(SAMPLES / "electronics_brand.csv")

    async def run_before(pilot) -> None:
        await _desk_after(pilot, *_HISTORY, "IMEI-1")

    assert snap_compare(make_app(), run_before=run_before, terminal_size=size)


def _dashboard(*keys: str):
    """The dashboard (F4) after a fit return and a fake, then `keys` pressed."""

    async def run_before(pilot) -> None:
        app = await _desk_with_history(pilot)
        await pilot.press("f4")
        await settle(pilot, lambda: app.screen.pending == 0)
        for key in keys:
            await pilot.press(key)
        await pilot.pause(0.3)
        await settle(pilot)

    return run_before


@DESK_SIZES
def test_dashboard(snap_compare, make_app, onboard, size):
    """F4 after a fit return and a fake: stock by status, suspects, the tables that fit."""
    onboard(SAMPLES / "electronics_brand.csv")
    assert snap_compare(make_app(), run_before=_dashboard(), terminal_size=size)


@DESK_SIZES
def test_dashboard_scrolled_to_the_returns_tables(snap_compare, make_app, onboard, size):
    """The dashboard paged down to the returns analytics: ids and statuses whole."""
    onboard(SAMPLES / "electronics_brand.csv")
    assert snap_compare(make_app(), run_before=_dashboard("pagedown"), terminal_size=size)


# -- the screens of the advisor at both sizes (issue 13.8) -------------------------------------

SIZES = pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])


async def _recommendation(pilot) -> None:
    await settle(pilot, lambda: getattr(pilot.app.screen, "rec", None) is not None)
    await pilot.pause(0.3)
    await pilot.wait_for_scheduled_animations()
    await settle(pilot)  # the layout after the result, however slow the machine is right now


def _on_recommendation(key: str):
    """Open the recommendation, then press `key`."""

    async def run_before(pilot) -> None:
        await _recommendation(pilot)
        await pilot.press(key)
        await pilot.pause(0.3)

    return run_before


@SIZES
def test_multi_choice_question(snap_compare, make_app, size):
    """What do you sell?: the question on top, the list with one option ticked, the hint."""

    async def run_before(pilot) -> None:
        await say(pilot, "Volta")
        await pilot.press("down", "space")
        await pilot.pause(0.2)

    assert snap_compare(make_app(), run_before=run_before, terminal_size=size)


@SIZES
def test_onboarding_mid_way(snap_compare, make_app, size):
    """Half the questions answered: the transcript, the step counter, a refused fake count."""

    async def run_before(pilot) -> None:
        for text in ("Volta", "electronics, fashion", "10k-60k", "500-3000", "5000", ""):
            await say(pilot, text)
        for text in ("25%", "yes", "1000000"):
            await say(pilot, text)
        await pilot.pause(0.2)

    assert snap_compare(make_app(), run_before=run_before, terminal_size=size)


@SIZES
def test_recommendation(snap_compare, make_app, onboard, size):
    """Cost line with its split bar, the decisions, the reason line, costs per vertical."""
    onboard(SAMPLES / "electronics_brand.csv")
    assert snap_compare(make_app(), run_before=_recommendation, terminal_size=size)


@SIZES
def test_why(snap_compare, make_app, onboard, size):
    """Why? on the first SKU: every matched rule, the winner, files written from the rules folder."""
    onboard(SAMPLES / "electronics_brand.csv")

    run_before = _on_recommendation("enter")
    assert snap_compare(make_app(), run_before=run_before, terminal_size=size)


@SIZES
def test_bars(snap_compare, make_app, onboard, size):
    """g: SKUs and monthly cost per method and per vertical as bars."""
    onboard(SAMPLES / "electronics_brand.csv")

    run_before = _on_recommendation("g")
    assert snap_compare(make_app(), run_before=run_before, terminal_size=size)


@SIZES
def test_export(snap_compare, make_app, onboard, size):
    """The export dialog kept open on a bad file name, saying why."""
    onboard(SAMPLES / "electronics_brand.csv")

    async def run_before(pilot) -> None:
        await _recommendation(pilot)
        await pilot.press("e")
        await pilot.pause()
        pilot.app.focused.value = ""
        await say(pilot, "decisions.xlsx")
        await settle(pilot, lambda: not pilot.app.screen.running)  # the export's worker
        await pilot.pause(0.2)

    assert snap_compare(make_app(), run_before=run_before, terminal_size=size)


@SIZES
def test_rules_with_a_broken_file(snap_compare, make_app, tmp_path, size):
    """The rules screen after a bad edit: every problem as file:line, the last good rules kept.

    On the suite's own small rulebook, so the picture (its version hash, its line numbers) does
    not change with every edit of the shipped rules."""
    rules = tmp_path / "rules"
    shutil.copytree(MINIBOOK, rules)

    async def run_before(pilot) -> None:
        policy = rules / "policy.yaml"
        policy.write_text(policy.read_text().replace("priority: 100", "priority: high", 1))
        await pilot.press("f5")
        await pilot.pause()
        await pilot.press("r")
        await pilot.pause(0.2)

    assert snap_compare(make_app(rules=rules), run_before=run_before, terminal_size=size)


@SIZES
def test_help(snap_compare, make_app, onboard, size):
    """F1 on the recommendation: what it shows and its keys."""
    onboard(SAMPLES / "electronics_brand.csv")

    run_before = _on_recommendation("f1")
    assert snap_compare(make_app(), run_before=run_before, terminal_size=size)


def test_desk_labels_form(snap_compare, make_app, onboard):
    """The print-labels form after 5 LPN units were received: format, size, file, replace."""
    onboard(SAMPLES / "fast_fashion_shopify.csv")

    async def run_before(pilot) -> None:
        app = await open_desk(pilot)
        sku = next(p.sku for p in app.workspace.tracker.policies() if p.method == "lpn")
        await say(pilot, f"receive {sku} --generate 5")
        await settle(pilot, lambda: app.screen.pending == 0)
        await pilot.press("ctrl+l")
        await settle(pilot, lambda: app.screen.query("#output"))
        field = app.screen.query_one("#output")
        field.value = "/srv/labels/labels-inward.zpl"  # the default names the temp folder
        field.cursor_position = len(field.value)

    assert snap_compare(make_app(), run_before=run_before, terminal_size=(80, 24))
