"""A big catalog in the app: drawn lazily, never re-decided on relaunch, nothing clipped."""

from __future__ import annotations

import pytest
from tui_helpers import SAMPLES, hear_progress, phone_catalog, settle

import advisor.app.deciding as deciding
from advisor.app.rowtable import Column, fit_widths, shorten

ROWS = 3000


@pytest.fixture
def big_catalog(tmp_path):
    return phone_catalog(tmp_path / "big.csv", ROWS)


async def shown(app, pilot):
    await settle(pilot, lambda: getattr(app.screen, "rec", None) is not None)
    return app.screen


async def test_every_row_is_there_and_the_last_is_reachable(make_app, onboard, big_catalog):
    """3,000 rows: the table holds them all, end goes to the last, its reason shows."""
    onboard(big_catalog)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await shown(app, pilot)
        table = screen.query_one("#decisions")
        assert table.row_count == ROWS
        assert "3,000 SKUs" in str(screen.query_one("#costs").render())
        await pilot.press("end")
        await pilot.pause()
        assert table.cursor_row == ROWS - 1
        assert str(screen.query_one("#reason").render()).startswith(f"SKU-{ROWS - 1:05d}:")
        await pilot.press("pageup")
        await pilot.pause()
        page = table.scrollable_content_region.height - 1  # the heading takes a line
        assert ROWS - 1 - table.cursor_row == page > 3


async def test_the_progress_says_how_many_rows_come_from_the_first_report(
    make_app, onboard, big_catalog, monkeypatch
):
    """The catalog's lines are counted while the child decides (not before it starts), and
    every progress report, the first too, knows about how many rows come."""
    reports: list[tuple[int, int]] = []
    hear_progress(monkeypatch, lambda screen, doing, done: reports.append((done, screen._expected)))
    onboard(big_catalog)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await shown(app, pilot)
    assert reports and reports[0][0] < ROWS
    assert {expected for _, expected in reports} == {ROWS}


async def test_a_relaunch_reuses_the_saved_recommendation(
    make_app, onboard, big_catalog, monkeypatch
):
    """The second launch shows the same decisions without deciding the catalog again; a changed
    catalog file is decided again."""
    onboard(big_catalog)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        first = await shown(app, pilot)
        assert not first.reused
        await settle(pilot, lambda: app.workspace.recommendation_file.exists())
        rules = [first.query_one("#decisions").get_row_at(i)[4] for i in (0, ROWS - 1)]

    def refuse(*args, **kwargs):
        raise AssertionError("the catalog was decided again")

    monkeypatch.setattr(deciding, "recommend_from_catalog", refuse)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        again = await shown(app, pilot)
        table = again.query_one("#decisions")
        assert again.reused and table.row_count == ROWS
        assert [table.get_row_at(i)[4] for i in (0, ROWS - 1)] == rules
    monkeypatch.undo()
    with big_catalog.open("a", encoding="utf-8") as fh:
        fh.write("SKU-NEW,Moto G 5G Smartphone,Electronics > Mobile Phones,12000.00,INR\n")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        changed = await shown(app, pilot)
        assert not changed.reused and changed.query_one("#decisions").row_count == ROWS + 1


async def test_reason_line_and_footer_are_whole_at_80_columns(make_app, onboard):
    """The reason line spans the screen (it took the desk's 22-column width); p and c show."""
    onboard(SAMPLES / "electronics_brand.csv")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await shown(app, pilot)
        reason = screen.query_one("#reason")
        assert reason.region.width >= 76
        text = str(reason.render())
        assert text.startswith("VLT-PH-A15-128:") and "enter for why" in text
        shown_keys = {key for key, active in screen.active_bindings.items() if active.binding.show}
        assert {"p", "c", "a", "e"} <= shown_keys
        verticals = screen.query_one("#verticals")
        labels = [str(c.label) for c in verticals.ordered_columns]
        assert labels == ["Vertical", "SKUs", "Policy", "Earns back", "Net"]
        assert verticals.virtual_size.width <= verticals.size.width  # Net is on screen
        await pilot.resize_terminal(120, 40)
        await pilot.pause()
        assert len(verticals.ordered_columns) == 8


def test_shorten_keeps_both_ends():
    """A cell too long for its column keeps its start and its end ("lot, ex…mfg_date")."""
    assert shorten("lot, expiry, mfg_date", 14) == "lot, e…fg_date"
    assert shorten("short", 10) == "short"
    assert len(shorten("Health supplements, high end of your range", 20)) == 20
    assert shorten("Health supplements, high end of your range", 20).endswith("your range")


def test_fit_widths_shrinks_the_widest_first_and_never_below_the_least():
    """Columns keep their width while they fit; then the widest gives way, down to its least."""
    cols = [Column("Product", 40, 7), Column("Value", 7, 6), Column("Rule", 27, 6)]
    assert fit_widths(cols, 200) == [40, 7, 27]
    widths = fit_widths(cols, 60)
    assert sum(widths) + 2 == 60 and widths[1] == 7 and abs(widths[0] - widths[2]) <= 1
    assert fit_widths(cols, 5) == [7, 6, 6]
