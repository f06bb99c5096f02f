"""The desk's dashboard per warehouse: the same figures as `track stats`, above the stock tables."""

from __future__ import annotations

import io

from rich.console import Console
from test_desk_screen import accepted_desk, run
from tui_helpers import SAMPLES, settle


def _rows(renderable) -> dict[str, list[str]]:
    """The table's rows by warehouse, as drawn."""
    console = Console(width=100, record=True, file=io.StringIO())
    console.print(renderable)
    rows = {}
    for line in console.export_text().splitlines():
        cells = line.split()
        if cells and cells[0].startswith("WH"):
            rows[cells[0]] = cells[1:]
    return rows


async def test_the_dashboard_shows_each_warehouse_and_follows_a_transfer(make_app, onboard):
    """Stock received at two warehouses shows as two rows (sellable, held, on hand, shipped,
    destroyed, SKUs); after a lot transfer typed on the desk, f4 shows the moved quantity."""
    onboard(SAMPLES / "electronics_brand.csv")
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        desk = await accepted_desk(app, pilot)
        batch = next(p.sku for p in app.workspace.tracker.policies() if p.method == "batch")
        await run(pilot, app, "receive VLT-PH-A15-128 --serial IMEI-1 --serial IMEI-2")
        await run(pilot, app, f"receive {batch} --lot L7 --qty 40 --location WH2")
        await run(pilot, app, "quarantine IMEI-2 --reason dented")
        await pilot.press("f4")
        await settle(pilot, lambda: desk.pending == 0)
        table = desk.query_one("#dash-warehouses").content
        assert "Stock by warehouse" in str(_title(table))
        assert _rows(table) == {
            "WH1": ["1", "1", "2", "0", "0", "1"],
            "WH2": ["40", "0", "40", "0", "0", "1"],
        }
        await pilot.press("f2")
        await run(pilot, app, f"transfer {batch}:L7 --qty 15 --to WH1")
        await pilot.press("f4")
        await settle(pilot, lambda: desk.pending == 0)
        assert _rows(desk.query_one("#dash-warehouses").content) == {
            "WH1": ["16", "1", "17", "0", "0", "2"],
            "WH2": ["25", "0", "25", "0", "0", "1"],
        }


def _title(table) -> str:
    return getattr(table, "title", "") or ""
