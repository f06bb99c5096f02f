"""SVG snapshots of the main screens at a fixed size, clock and store (pytest-textual-snapshot).

Update after an intended change with `pytest tests/tui/test_snapshots.py --snapshot-update`, then
look at the SVGs under `__snapshots__/` before committing them.
"""

from __future__ import annotations

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
        await settle(pilot)

    assert snap_compare(make_app(), run_before=run_before, terminal_size=(80, 24))


def test_returns_desk_counterfeit_verdict(snap_compare, make_app, onboard):
    """The returns desk after an unknown serial comes back: a big COUNTERFEIT SUSPECT."""
    onboard(SAMPLES / "electronics_brand.csv")

    async def run_before(pilot) -> None:
        app = pilot.app
        await settle(pilot, lambda: getattr(app.screen, "rec", None) is not None)
        await pilot.press("a")
        await settle(pilot, lambda: app.current_mode == "desk" and app.screen.pending == 0)
        for line in ("receive VLT-PH-A15-128 --serial IMEI-1", "ship SO-1 --scan IMEI-1"):
            await say(pilot, line)
            await settle(pilot, lambda: app.screen.pending == 0)
        await pilot.press("f3")
        await say(pilot, "SO-1")
        await say(pilot, "FAKE-9")
        await settle(pilot, lambda: app.screen.pending == 0)

    assert snap_compare(make_app(), run_before=run_before, terminal_size=(80, 24))


def test_desk_trace_timeline_wide(snap_compare, make_app, onboard):
    """The desk at 120x40 after receive, ship, a fit return and a trace drawn as a timeline."""
    onboard(SAMPLES / "electronics_brand.csv")

    async def run_before(pilot) -> None:
        app = pilot.app
        await settle(pilot, lambda: getattr(app.screen, "rec", None) is not None)
        await pilot.press("a")
        await settle(pilot, lambda: app.current_mode == "desk" and app.screen.pending == 0)
        for line in (
            "receive VLT-PH-A15-128 --serial IMEI-1 --serial IMEI-2",
            "ship SO-1 --scan IMEI-1",
            "return SO-1 IMEI-1 --reason fit",
            "IMEI-1",
        ):
            await say(pilot, line)
            await settle(pilot, lambda: app.screen.pending == 0)

    assert snap_compare(make_app(), run_before=run_before, terminal_size=(120, 40))
