"""The dashboard pane scrolls by keys: the advice below the tables is reachable without a mouse,
and the footer says which key does it."""

from __future__ import annotations

from test_desk_screen import accepted_desk, dashboard_after_a_return, screen_lines
from tui_helpers import SAMPLES, settle


async def test_the_advice_below_the_tables_is_reached_by_keys_at_80x24(make_app, onboard):
    """f4, then pgdn (shown in the footer) until the advice section is on screen; ctrl+home
    goes back to the top. Focus stays on the stock table throughout."""
    onboard(SAMPLES / "electronics_brand.csv")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        desk = await dashboard_after_a_return(app, pilot)
        await pilot.pause()
        title = "Advice from what the tracker saw"
        assert not any(title in line for line in screen_lines(app))
        assert "pgdn Scroll" in screen_lines(app)[-1]
        for _ in range(10):
            if any(title in line for line in screen_lines(app)):
                break
            await pilot.press("pagedown")
            await pilot.pause()
        assert any(title in line for line in screen_lines(app))
        assert app.focused is desk.query_one("#stock")
        await pilot.press("ctrl+home")
        await pilot.pause()
        assert desk.query_one("#dash").scroll_y == 0
        await pilot.press("ctrl+end")
        await pilot.pause()
        dash = desk.query_one("#dash")
        assert dash.scroll_y == dash.max_scroll_y > 0


async def test_page_keys_stay_the_tables_while_everything_fits(make_app, onboard):
    """On a tall terminal with nothing received nothing overflows: pgdn is not in the footer
    (the key stays the table's)."""
    onboard(SAMPLES / "electronics_brand.csv")
    app = make_app()
    async with app.run_test(size=(120, 60)) as pilot:
        desk = await accepted_desk(app, pilot)
        await pilot.press("f4")
        await settle(pilot, lambda: desk.pending == 0)
        await pilot.pause()
        dash = desk.query_one("#dash")
        assert dash.max_scroll_y == 0
        assert "Scroll" not in screen_lines(app)[-1]
        assert dash.check_action("page_down", ()) is False
