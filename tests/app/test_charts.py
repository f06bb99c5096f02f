"""The recommendation's bars: exact text of each picture, and the pictures view in the app."""

from __future__ import annotations

from tui_helpers import SAMPLES, settle, shown_text

from advisor.app.charts import bar, method_bars, money_bars, stacked
from advisor.app.widgets import RenderScreen


def plain(style: str) -> str:
    return ""


def test_bar_is_drawn_in_eighths_and_never_empty_for_a_positive_value():
    """Full cells then one partial cell; a tiny value still shows one eighth."""
    assert bar(10, 10, 4) == "████"
    assert bar(5, 10, 4) == "██"
    assert bar(1, 80, 1) == "▏"
    assert bar(0, 10, 4) == "" and bar(3, 0, 4) == ""


def test_method_bars_give_count_share_and_a_fill_per_method():
    """Serial █, LPN ▓, batch ░: the methods differ without colour; counts carry separators."""
    text = method_bars({"serial": 3000, "lpn": 1000, "batch": 0}, 60, plain).plain
    lines = text.splitlines()
    assert lines[0].startswith("SERIAL ███") and lines[0].endswith("3,000    75%")
    assert lines[1].startswith("LPN    ▓") and lines[1].endswith("1,000    25%")
    assert lines[2].startswith("BATCH ") and lines[2].endswith("0     0%")
    assert "▓" not in lines[0] and "█" not in lines[1]


def test_stacked_splits_one_line_in_proportion_and_keeps_a_tiny_share():
    """A 1-in-100 share still gets a cell; the line is exactly as wide as asked."""
    line = stacked({"serial": 50, "lpn": 1, "batch": 49}, 20, plain).plain
    assert len(line) == 20 and line.count("▓") == 1
    assert line.startswith("█" * 9) and line.endswith("░" * 10)


def test_money_bars_line_up_the_amounts():
    """Each amount right-aligned in one column, the largest bar the full width."""
    text = money_bars([("This policy", 8000), ("All serial", 10000)], "INR", 50).plain
    first, second = text.splitlines()
    assert first.endswith(" ₹8,000") and second.endswith("₹10,000")
    assert len(first) == len(second) == 50
    assert second.count("█") > first.count("█")


async def test_g_opens_the_bars_of_the_recommendation(make_app, onboard):
    """g on the recommendation shows the SKU split and the costs per plan and vertical as bars."""
    onboard(SAMPLES / "electronics_brand.csv")
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, lambda: getattr(app.screen, "rec", None) is not None)
        assert "█" in str(app.screen.query_one("#costs").render())
        await pilot.press("g")
        await pilot.pause()
        assert isinstance(app.screen, RenderScreen)
        text = shown_text(app.screen, 98)
        for heading in (
            "SKUs by method",
            "SKUs by method, per vertical",
            "A month, by plan",
            "A month under this policy, per vertical",
        ):
            assert heading in text
        assert "All serial" in text and "₹" in text
