"""The tracker desk: command line, returns desk verdicts, forms, dashboard, trace timeline."""

from __future__ import annotations

from textual.widgets import DataTable, RichLog, Static
from tui_helpers import SAMPLES, say, settle

from advisor.app.desk_screen import ReceiveForm


def log_text(app) -> str:
    log = app.screen.query_one("#log", RichLog)
    return "\n".join(strip.text for strip in log.lines)


async def accepted_desk(app, pilot):
    """Accept the recommendation shown at start-up and wait for the desk."""
    await settle(pilot, lambda: getattr(app.screen, "rec", None) is not None)
    await pilot.press("a")
    await settle(pilot, lambda: app.current_mode == "desk")
    await settle(pilot, lambda: app.screen.pending == 0)
    return app.screen


async def run(pilot, app, line: str) -> None:
    await say(pilot, line)
    await settle(pilot, lambda: app.screen.pending == 0)


async def test_receive_ship_and_returns_desk_flag_a_counterfeit(make_app, onboard):
    """Receive two phones, ship one, then the returns desk calls an unknown serial counterfeit."""
    onboard(SAMPLES / "electronics_brand.csv")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        desk = await accepted_desk(app, pilot)
        assert "receive VLT-" in log_text(app)  # examples built from the store's own SKUs
        await run(pilot, app, "receive VLT-PH-A15-128 --serial IMEI-1 --serial IMEI-2")
        await run(pilot, app, "ship SO-1 --scan IMEI-1")
        text = log_text(app)
        assert "Received 2 x VLT-PH-A15-128 into WH1 by serial" in text
        assert "Shipped order SO-1: 1 item(s)" in text
        await pilot.press("f3")
        await pilot.pause()
        assert app.focused.id == "order"
        await say(pilot, "SO-1")
        await say(pilot, "FAKE-9")
        await settle(pilot, lambda: desk.pending == 0)
        verdict = desk.query_one("#verdict", Static)
        assert str(verdict.render()) == "COUNTERFEIT SUSPECT"
        assert verdict.has_class("-error")
        assert "QUARANTINED" in str(desk.query_one("#verdict-why").render())
        await say(pilot, "IMEI-1")
        await settle(pilot, lambda: desk.pending == 0)
        assert str(verdict.render()) == "RESTOCK" and verdict.has_class("-success")


async def test_scan_without_order_asks_for_it(make_app, onboard):
    """A unit scanned with no order number is not taken; the desk asks which order it came on."""
    onboard(SAMPLES / "electronics_brand.csv")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        desk = await accepted_desk(app, pilot)
        await pilot.press("f3")
        await pilot.pause()
        desk.query_one("#scan").focus()
        await say(pilot, "IMEI-1")
        assert str(desk.query_one("#verdict").render()) == "WHICH ORDER?"
        assert app.focused.id == "order"
        assert desk.pending == 0


async def test_refusals_and_bad_lines_are_messages_not_crashes(make_app, onboard):
    """A tracker refusal and a mistyped command each print one clear line on the desk, and the
    refused shipment is not recorded (the test fails if the ship had succeeded)."""
    onboard(SAMPLES / "electronics_brand.csv")
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await accepted_desk(app, pilot)
        await run(pilot, app, "ship SO-9 --scan NOPE-1")
        lines = log_text(app).splitlines()
        assert lines[-2:] == ["> ship SO-9 --scan NOPE-1", "✗ unit NOPE-1 is not in the store"]
        assert not any(line.startswith("Shipped order SO-9") for line in lines)
        with app.workspace.tracker.store.reader() as r:
            assert r.order("SO-9") is None
        await run(pilot, app, "recieve X")
        await run(pilot, app, "receive")
        text = log_text(app)
        assert "✗ unknown command 'recieve'" in text
        assert "✗ Missing argument 'SKU'." in text
        assert "hint: usage: receive [OPTIONS] SKU" in text


async def test_forms_trace_timeline_and_dashboard(make_app, onboard):
    """The receive form builds a lot receipt, a bare scan shows its timeline, f4 counts stock."""
    onboard(SAMPLES / "electronics_brand.csv")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        desk = await accepted_desk(app, pilot)
        batch = next(p.sku for p in app.workspace.tracker.policies() if p.method == "batch")
        await pilot.press("ctrl+r")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, ReceiveForm)
        form.query_one("#sku").value = batch
        form.query_one("#lot").value = "L7"
        form.query_one("#qty").value = "40"
        form.query_one("#sku").focus()
        await pilot.press("enter")
        await settle(pilot, lambda: app.screen is desk and desk.pending == 0)
        assert f"Received 40 x {batch} lot L7" in log_text(app)
        await run(pilot, app, "receive VLT-PH-A15-128 --serial IMEI-5")
        await run(pilot, app, "IMEI-5")
        text = log_text(app)
        assert "History of unit IMEI-5: 1 event(s)" in text
        assert "● 2026-01-15 10:30  receiving → IN_STOCK" in text
        await pilot.press("f4")
        await settle(pilot, lambda: desk.pending == 0)
        head = str(desk.query_one("#dash-head").render())
        assert "IN_STOCK 41" in head
        stock = desk.query_one("#stock", DataTable)
        assert stock.row_count == 2


async def test_help_lists_verbs_without_printing_to_the_terminal(make_app, onboard, capsys):
    """help and `VERB --help` show the CLI's own help in the log, never on stdout."""
    onboard(SAMPLES / "electronics_brand.csv")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await accepted_desk(app, pilot)
        await run(pilot, app, "ship --help")
        assert "--line SKU:QTY" in log_text(app)
    assert "--line" not in capsys.readouterr().out


async def test_markup_in_identifiers_is_shown_as_typed(make_app, onboard):
    """Rich markup in a serial or order is stored and shown literally on the desk, the returns
    desk and the dashboard, never interpreted and never a crash (issue #11, item 3)."""
    onboard(SAMPLES / "electronics_brand.csv")
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        desk = await accepted_desk(app, pilot)
        await run(pilot, app, "receive VLT-PH-A15-128 --serial 'SO[/x]' --serial '[bold]X'")
        await run(pilot, app, "ship 'SO[/x]' --scan 'SO[/x]'")
        assert "Shipped order SO[/x]" in log_text(app)
        await pilot.press("f3")
        await pilot.pause()
        await say(pilot, "SO[/x]")
        await say(pilot, "FAKE[/b]")
        await settle(pilot, lambda: desk.pending == 0)
        assert str(desk.query_one("#verdict").render()) == "COUNTERFEIT SUSPECT"
        assert "FAKE[/b]" in str(desk.query_one("#verdict-why").render())
        await pilot.press("f4")
        await settle(pilot, lambda: desk.pending == 0 and desk.query_one("#suspects").row_count)
        row = desk.query_one("#suspects", DataTable).get_row_at(0)
        assert str(row[0]) == "FAKE[/b]"


async def test_a_recall_whose_report_cannot_be_written_records_nothing(make_app, onboard, tmp_path):
    """From the desk, a recall with a report in a missing folder is refused before it is recorded
    (issue #12: it used to record the recall and then fail)."""
    onboard(SAMPLES / "electronics_brand.csv")
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await accepted_desk(app, pilot)
        batch = next(p.sku for p in app.workspace.tracker.policies() if p.method == "batch")
        await run(pilot, app, f"receive {batch} --lot L1 --qty 5 --expiry 2099-01-01")
        await run(pilot, app, f"recall --lot {batch}:L1 --report {tmp_path}/missing/r.csv")
        assert "does not exist" in log_text(app)
        with app.workspace.tracker.store.reader() as r:
            assert not r.lot(batch, "L1").recalled
