"""The tracker desk: command line, returns desk verdicts, forms, dashboard, trace timeline."""

from __future__ import annotations

import pytest
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
        assert "does not exist" in " ".join(log_text(app).split())  # wrapped where the path ends
        with app.workspace.tracker.store.reader() as r:
            assert not r.lot(batch, "L1").recalled


def screen_lines(app) -> list[str]:
    """The terminal as the user sees it, line by line (the screenshot's text)."""
    import html
    import re

    svg = app.export_screenshot()
    rows: dict[float, dict[int, str]] = {}
    for m in re.finditer(r'<text[^>]*x="([\d.]+)" y="([\d.]+)"[^>]*>(.*?)</text>', svg, re.S):
        text = html.unescape(re.sub("<[^>]+>", "", m.group(3))).replace("\xa0", " ")
        column = round(float(m.group(1)) / 12.2)  # a cell is 12.2 wide in the SVG, from x=0
        row = rows.setdefault(float(m.group(2)), {})
        for i, ch in enumerate(text):
            row[column + i] = ch
    return [
        "".join(row.get(i, " ") for i in range(max(row, default=-1) + 1))
        for _, row in sorted(rows.items())
    ]


async def test_footer_shows_the_receive_and_ship_forms(make_app, onboard):
    """At 80×24 the desk's footer shows ctrl+r (receive form) and ctrl+o (ship form), whole."""
    onboard(SAMPLES / "electronics_brand.csv")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await accepted_desk(app, pilot)
        footer = screen_lines(app)[-1]
        assert "^r Receive" in footer and "^o Ship" in footer, footer
        assert "f1 Help" in footer and "^p palette" in footer, footer  # nothing cut at the edge
        assert "Desk f2" in screen_lines(app)[2]  # the tabs say f2, f3, f4 themselves


async def test_palette_lists_every_verb_of_the_one_table(make_app, onboard):
    """The command palette on the desk has an entry for every verb of `advisor.commands.VERBS`;
    one that takes nothing runs at once, the others are put on the command line to finish."""
    from textual.widgets import Input

    from advisor.commands import VERBS

    onboard(SAMPLES / "electronics_brand.csv")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        desk = await accepted_desk(app, pilot)
        entries = {c.title: c for c in app.get_system_commands(desk)}
        for verb in VERBS:
            assert f"Command: {verb}" in entries, verb
        assert {"Command: recall", "Command: quarantine", "Command: trace"} <= set(entries)
        entries["Command: recall"].callback()
        await settle(pilot)
        command = desk.query_one("#command", Input)
        assert command.value == "recall " and app.focused is command
        command.value = ""
        entries["Command: stats"].callback()
        await settle(pilot, lambda: desk.pending == 0)
        assert "> stats" in log_text(app) and "Store: " in log_text(app)


async def test_one_units_timeline_shows_only_that_unit(make_app, onboard):
    """Tracing one phone received and shipped with another shows no other unit's count."""
    onboard(SAMPLES / "electronics_brand.csv")
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await accepted_desk(app, pilot)
        await run(pilot, app, "receive VLT-PH-A15-128 --serial IMEI-1 --serial IMEI-2")
        await run(pilot, app, "ship SO-1 --scan IMEI-1 --scan IMEI-2")
        await run(pilot, app, "IMEI-1")
        timeline = log_text(app).split("History of unit IMEI-1", 1)[1]
        assert "receiving → IN_STOCK" in timeline and "shipping → SHIPPED" in timeline
        assert "2 units" not in timeline and "qty 2" not in timeline


async def test_log_lines_written_on_another_tab_use_the_logs_width(make_app, onboard):
    """A return taken on F3 and the "Policy accepted" note are wrapped to the log's width at
    80×24, not to a column of twenty characters."""
    onboard(SAMPLES / "electronics_brand.csv")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        desk = await accepted_desk(app, pilot)
        await run(pilot, app, "receive VLT-PH-A15-128 --serial IMEI-1")
        await run(pilot, app, "ship SO-1 --scan IMEI-1")
        await pilot.press("f3")
        await settle(pilot)
        await say(pilot, "SO-1")
        await say(pilot, "IMEI-1")
        await settle(pilot, lambda: desk.pending == 0)
        await pilot.press("f2")
        await settle(pilot)
        lines = log_text(app).splitlines()
        accepted = next(line for line in lines if line.startswith("Policy accepted"))
        assert len(accepted.rstrip()) > 40, accepted
        verdict = next(line for line in lines if line.startswith("RESTOCK"))
        assert verdict.startswith("RESTOCK — restocked (rule fallback: Genuine"), verdict
        assert max(len(line.rstrip()) for line in lines) > 60


async def desk_help(app, pilot):
    """F1 pressed on the desk after accepting, and the help it opened."""
    await accepted_desk(app, pilot)
    await pilot.press("f1")
    await settle(pilot)
    return app.screen


async def test_f1_help_fits_80_columns(make_app, onboard):
    """F1 on the desk at 80×24 shows every example line whole, none cut at the box's edge."""
    from advisor.app.desk_screen import HELP

    onboard(SAMPLES / "electronics_brand.csv")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await desk_help(app, pilot)
        shown = "\n".join(screen_lines(app))
        block = HELP.split("```")[1].removeprefix("text").strip().splitlines()
        for example in block:
            assert example.strip() in shown, example


async def test_f1_help_is_built_once_and_guesses_no_language(make_app, onboard, monkeypatch):
    """The desk's help is composed the first time only (its Markdown made the key wait about
    100 ms each time), opens at its top again, and its code block names its language: guessing
    one ran every Pygments lexer (300 ms the first time) and coloured the verbs as a Tera Term
    macro."""
    import textual.highlight

    from advisor.app.widgets import HelpScreen

    def refuse(*args, **kwargs):
        raise AssertionError("a language was guessed")

    monkeypatch.setattr(textual.highlight, "guess_language", refuse)
    onboard(SAMPLES / "electronics_brand.csv")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        first = await desk_help(app, pilot)
        assert isinstance(first, HelpScreen)
        first.query_one("VerticalScroll").scroll_end(animate=False)
        await pilot.pause()
        assert first.query_one("VerticalScroll").scroll_y > 0
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, HelpScreen)
        await pilot.press("f1")
        await settle(pilot)
        assert app.screen is first
        assert first.query_one("VerticalScroll").scroll_y == 0


async def dashboard_after_a_return(app, pilot):
    """The dashboard (f4) after a phone was received, shipped and a fake came back for it."""
    desk = await accepted_desk(app, pilot)
    await run(pilot, app, "receive VLT-PH-A15-128 --serial IMEI-7")
    await run(pilot, app, "ship SO-7 --scan IMEI-7")
    await run(pilot, app, "return SO-7 FAKE-77")
    await pilot.press("f4")
    await settle(pilot, lambda: desk.pending == 0)
    return desk


async def test_the_dashboard_shows_the_returns_analytics_and_the_advice(make_app, onboard):
    """f4 draws `track stats --returns` and `track advise` below the stock tables (issues #15.4
    and #10.6), from the same verbs as the CLI, and the pane scrolls to them."""
    onboard(SAMPLES / "electronics_brand.csv")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        desk = await dashboard_after_a_return(app, pilot)
        returns = _plain(desk.query_one("#dash-returns").content)
        advice = _plain(desk.query_one("#dash-advice").content)
        assert "Return rate per SKU" in returns and "VLT-PH-A15-128" in returns
        # the returns and suspects a day, a column each, today's fake at the right end
        trend = [line for line in returns.splitlines() if line.strip().startswith("suspects")]
        assert "Returns a day" in returns and trend and trend[0].split()[1].endswith("█")
        assert "Advice from what the tracker saw" in advice
        # onboarded with a catalog: the advice is priced from it (it used to say it had none)
        assert "no catalog given" not in advice
        dash = desk.query_one("#dash")
        dash.scroll_end(animate=False)
        await pilot.pause()
        assert dash.max_scroll_y > 0 and dash.scroll_y == dash.max_scroll_y


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_the_returns_tables_keep_ids_and_statuses_whole_at_the_panes_width(
    make_app, onboard, size
):
    """Drawn at the dashboard's own width, an id or a status is never folded mid-word
    (`VLT-PH-A15-/128`, `QUARANTI/NED`); where nine columns cannot fit, the least needed are
    left out with a line naming them, and none is cut off silently."""
    onboard(SAMPLES / "electronics_brand.csv")
    app = make_app()
    async with app.run_test(size=size) as pilot:
        desk = await dashboard_after_a_return(app, pilot)
        pane = desk.query_one("#dash-returns")
        text = _plain(pane.content, width=pane.content_region.width)
        assert all(len(line.rstrip()) <= pane.content_region.width for line in text.splitlines())
        assert "VLT-PH-A15-128" in text and "QUARANTINED" in text, text
        first = text.split("Units that keep coming back")[0]
        for header in ("swaps", "fakes", "shipped", "SKU"):
            assert header in first, first
        left_out = "not shown at this width" in first
        assert left_out == (size[0] < 100), first


def _plain(renderable, width: int = 100) -> str:
    import io

    from rich.console import Console

    console = Console(width=width, record=True, file=io.StringIO())
    console.print(renderable)
    return console.export_text()


async def test_the_desk_builds_its_hidden_tabs_after_it_opens(make_app, onboard):
    """Accepting opens the desk on its command line; the returns desk and the dashboard are
    built afterwards without being opened, and the title counts the SKUs accepted."""
    from advisor.app.desk_screen import DeskScreen

    onboard(SAMPLES / "electronics_brand.csv")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        desk = await accepted_desk(app, pilot)
        assert isinstance(desk, DeskScreen) and app.focused is desk.query_one("#command")
        await settle(pilot, lambda: bool(desk.query("#order") and desk.query("#stock")))
        assert desk.query_one("#tabs").active == "desk"
        assert "30 SKUs with a tracking method" in str(desk.query_one("#title").render())
        assert "Policy accepted: 30 SKU decisions stored" in log_text(app)
        assert "Try receiving stock:" in log_text(app)


async def test_the_first_hints_break_between_commands_never_inside_one(make_app, onboard):
    """At 80 columns the "then:" examples run over several lines; each line holds whole
    commands (a user copies one as it is), and every command the hint names is there."""
    onboard(SAMPLES / "electronics_brand.csv")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await accepted_desk(app, pilot)
        lines = log_text(app).splitlines()
        start = next(i for i, line in enumerate(lines) if line.lstrip().startswith("then: "))
        hinted = []
        for line in lines[start:]:
            text = line.strip().removeprefix("then: ")
            if not text.startswith(("ship ", "return ", "trace ")):
                break
            hinted += text.split(" · ")
        assert len(lines[start]) <= 80 and len(hinted) == 6
        assert all(cmd.split()[0] in {"ship", "return", "trace"} for cmd in hinted), hinted
        assert "return SO-2 VLT-CB-BRD2M:L1 --reason damaged" in hinted


async def test_a_tab_wanted_before_it_is_built_is_built_on_the_spot(make_app, onboard, monkeypatch):
    """With the hidden tabs not built yet, a return typed on the desk line shows its verdict
    on the returns desk, F3 opens that desk ready for a scan, and F4 draws the dashboard."""
    monkeypatch.setattr("advisor.app.desk_panes.FILL_EVERY", 3600)  # never built unasked
    onboard(SAMPLES / "electronics_brand.csv")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        desk = await accepted_desk(app, pilot)
        assert not desk.query("#order") and not desk.query("#stock")
        await run(pilot, app, "receive VLT-PH-A15-128 --serial IMEI-3")
        await run(pilot, app, "ship SO-3 --scan IMEI-3")
        await run(pilot, app, "return SO-3 IMEI-3 --reason fit")
        assert "RESTOCK" in str(desk.query_one("#verdict").render())
        await pilot.press("f3")
        await settle(pilot)
        assert desk.query_one("#tabs").active == "returns"
        assert app.focused is desk.query_one("#order")
        await pilot.press("f4")
        await settle(pilot, lambda: desk.pending == 0)
        stock = desk.query_one("#stock", DataTable)
        assert stock.row_count >= 1 and app.focused is stock
        assert len(desk.query("#stock")) == 1 and len(desk.query("#order")) == 1


async def test_a_theme_changed_while_the_desk_is_hidden_shows_on_it(make_app, onboard):
    """The desk is styled once as it opens, not on every return to it: a theme chosen while it
    was hidden still colours it when it is shown again."""
    onboard(SAMPLES / "electronics_brand.csv")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, lambda: getattr(app.screen, "rec", None) is not None)
        await pilot.press("f8")
        await settle(pilot, lambda: app.current_mode == "desk")
        desk = app.screen
        dark = desk.query_one("#log").styles.background
        await pilot.press("f7")
        await settle(pilot, lambda: app.current_mode == "advice")
        app.theme = "textual-light"
        await settle(pilot)
        await pilot.press("f8")
        await settle(pilot, lambda: app.current_mode == "desk")
        assert app.screen is desk
        light = desk.query_one("#log").styles.background
        assert light != dark and light == app.screen.query_one("#command").styles.background


async def test_a_narrow_title_drops_its_leading_parts_before_the_count(make_app, onboard):
    """At 60 columns the desk's title loses "trackright · ", not the number of SKUs."""
    onboard(SAMPLES / "electronics_brand.csv")
    app = make_app()
    async with app.run_test(size=(60, 20)) as pilot:
        desk = await accepted_desk(app, pilot)
        await settle(pilot, lambda: "30 SKUs" in str(desk.query_one("#title").render()))
        shown = str(desk.query_one("#title").render())
        assert shown.strip() == "tracker desk · 30 SKUs with a tracking method"
