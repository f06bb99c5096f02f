"""The recommendation screen: per-vertical and per-SKU tables, costs, why?, export, accept."""

from __future__ import annotations

import csv
import json

import pytest
from tui_helpers import SAMPLES, say, settle, shown_text

from advisor.advice.profile import load_profile
from advisor.app.widgets import RenderScreen


def cells(table) -> list[list[str]]:
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


async def open_advice(app, pilot):
    await settle(pilot, lambda: getattr(app.screen, "rec", None) is not None)
    return app.screen


async def answer_dialog(pilot, text: str) -> None:
    """Type `text` into the open file dialog and press enter; wait for its job to finish."""
    await say(pilot, text)
    await settle(pilot, lambda: not getattr(pilot.app.screen, "running", ""))


async def test_without_catalog_each_vertical_is_decided_across_its_price_range(make_app, onboard):
    """Low, middle and high end of each vertical's range get a method, rule and a cost line."""
    onboard()
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        assert app.current_mode == "advice"
        screen = await open_advice(app, pilot)
        rows = cells(screen.query_one("#decisions"))
        products = [r[0] for r in rows]
        assert products[:3] == [
            "Consumer electronics, low end of your range",
            "Consumer electronics, middle of your range",
            "Consumer electronics, high end of your range",
        ]
        by_product = {r[0]: (r[1], r[2], r[4]) for r in rows}
        assert by_product["Consumer electronics, high end of your range"][:2] == (
            "60,000",
            "SERIAL",
        )
        assert by_product["Fashion and apparel, low end of your range"][1] == "BATCH"
        assert by_product["Fashion and apparel, high end of your range"][1] == "LPN"
        costs = str(screen.query_one("#costs").render())
        assert "6 typical products" in costs
        assert "this policy ₹" in costs and "all serial ₹10,000" in costs
        assert "all batch ₹" in costs and "earns back ₹" in costs


async def test_catalog_rows_show_method_rule_and_reason(make_app, onboard):
    """With a catalog every SKU is a row; the highlighted row's reason is shown under the table."""
    onboard(SAMPLES / "electronics_brand.csv")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_advice(app, pilot)
        table = screen.query_one("#decisions")
        rows = {r[0]: r for r in cells(table)}
        assert len(rows) == 30
        assert (
            rows["VLT-PH-A15-128"][2] == "SERIAL" and rows["VLT-PH-A15-128"][4] == "mobile-phones"
        )
        cheap = [r for r in rows.values() if r[2] == "BATCH"]
        assert cheap and all(int(r[1].replace(",", "")) < 1000 for r in cheap)
        assert "VLT-PH-A15-128:" in str(screen.query_one("#reason").render())
        assert "30 SKUs" in str(screen.query_one("#costs").render())


async def test_why_lists_every_matched_rule_and_the_winner(make_app, onboard):
    """Enter on a row opens "why?": the deciding rule marked WON, the others with their fate."""
    onboard(SAMPLES / "electronics_brand.csv")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_advice(app, pilot)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, RenderScreen)
        text = shown_text(app.screen, 78)
        assert "mobile-phones  WON" in text
        assert "floor, already met" in text  # the IMEI regulation matched as a floor
        assert "policy.yaml:" in text and "/rules/" not in text  # written from the rules folder
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, RenderScreen)


async def test_export_decisions_and_profile(make_app, onboard, tmp_path):
    """e writes every decision as CSV/JSON; p writes a profile that load_profile reads back."""
    onboard(SAMPLES / "electronics_brand.csv")
    app = make_app()
    out_csv, out_json, out_profile = (
        tmp_path / "d.csv",
        tmp_path / "d.json",
        tmp_path / "profile.yaml",
    )
    async with app.run_test(size=(80, 24)) as pilot:
        await open_advice(app, pilot)
        for key, target in (("e", out_csv), ("e", out_json), ("p", out_profile)):
            await pilot.press(key)
            await pilot.pause()
            app.focused.value = ""
            await answer_dialog(pilot, str(target))
    with out_csv.open() as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 30 and rows[0]["sku"] == "VLT-PH-A15-128" and rows[0]["method"] == "serial"
    assert len(json.loads(out_json.read_text())) == 30
    profile = load_profile(out_profile)
    assert profile.brand == "Volta" and profile.verticals == ("electronics", "fashion")


async def test_accept_stores_the_policy_and_opens_the_desk(make_app, onboard):
    """a writes one policy per catalog SKU into the store and switches to the tracker desk."""
    onboard(SAMPLES / "electronics_brand.csv")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_advice(app, pilot)
        await pilot.press("a")
        await settle(pilot, lambda: app.current_mode == "desk")
        ws = app.workspace
        policies = {p.sku: p for p in ws.tracker.policies()}
        assert len(policies) == 30 and policies["VLT-PH-A15-128"].method == "serial"
        assert policies["VLT-PH-A15-128"].rulebook_version == ws.rulebook.tag
        assert ws.accepted["skus"] == 30
    again = make_app()
    async with again.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert again.current_mode == "desk"


async def test_accept_without_catalog_asks_for_one(make_app, onboard):
    """Without a catalog, accepting asks for the catalog file and then decides every SKU in it."""
    onboard()
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_advice(app, pilot)
        await pilot.press("a")
        await pilot.pause()
        assert "needs your SKUs" in app.screen.query_one("Vertical").border_title
        await say(pilot, str(SAMPLES / "luxury_jewellery.csv"))
        await settle(pilot, lambda: app.screen.rec is not None and app.screen.rec.catalog)
        assert app.screen.rec.summary.decided == 25
        assert app.workspace.load_conversation().catalog_path.endswith("luxury_jewellery.csv")


async def test_what_if_reprices_at_once_and_moves_decisions_a_rule_reads(make_app, onboard):
    """A cost-model change re-prices instantly; a profile value a rule reads decides again."""
    onboard()
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_advice(app, pilot)
        before = screen.rec.costs
        await pilot.press("i")
        app.focused.insert_text_at_cursor("serial_per_unit=4")
        await pilot.press("enter")
        await pilot.pause()
        result = screen.what_if_result
        assert result is not None and not result.decided_again  # no worker: priced at once
        assert result.after.serialise_all == pytest.approx(2 * before.serialise_all)
        assert "No decision moves" in str(screen.query_one("#whatif").render())
        app.focused.clear()
        app.focused.insert_text_at_cursor("channels=3")
        await pilot.press("enter")
        await settle(pilot, lambda: screen.what_if_result is not result)
        moved = screen.what_if_result
        assert moved.decided_again and ("fashion", "batch", "lpn", 1) in moved.moves
        text = str(screen.query_one("#whatif").render())
        assert "Fashion and apparel: 1 SKU batch → lpn (the rules)" in text
        app.focused.clear()
        app.focused.insert_text_at_cursor("bad_retrun_share=2")
        await pilot.press("enter")
        await pilot.pause()
        assert "did you mean 'bad_return_share'" in str(screen.query_one("#whatif").render())


async def test_export_stays_open_on_an_error_and_asks_before_overwriting(
    make_app, onboard, tmp_path
):
    """A bad format keeps the dialog open with the reason; an existing file needs a second Enter."""
    from advisor.app.path_screen import PathScreen

    onboard(SAMPLES / "electronics_brand.csv")
    existing = tmp_path / "out" / "old.csv"
    existing.parent.mkdir()
    existing.write_text("keep me\n", encoding="utf-8")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_advice(app, pilot)
        await pilot.press("e")
        await pilot.pause()
        app.focused.value = ""
        await answer_dialog(pilot, str(existing.parent / "d.xlsx"))
        assert isinstance(app.screen, PathScreen)
        assert "export format must be one of" in str(app.screen.query_one("#error").render())
        assert app.focused is app.screen.query_one("#path")  # ready for the corrected name
        app.focused.value = ""
        await answer_dialog(pilot, str(existing))
        assert isinstance(app.screen, PathScreen)
        assert "already exists" in str(app.screen.query_one("#error").render())
        assert existing.read_text() == "keep me\n"
        await pilot.press("enter")
        await settle(pilot, lambda: not isinstance(app.screen, PathScreen))
    assert existing.read_text().startswith("row,") or "sku" in existing.read_text().splitlines()[0]
    assert [p.name for p in existing.parent.iterdir()] == [
        "old.csv"
    ]  # nothing half-written is left


async def test_export_runs_in_a_worker_and_escape_keeps_the_old_file(
    make_app, onboard, tmp_path, monkeypatch
):
    """While the export writes, the dialog shows a progress bar and a second Enter starts
    nothing; Escape stops it, and the file it would have replaced is left as it was."""
    import threading

    from advisor.advice import recommend
    from advisor.app.path_screen import PathScreen

    onboard(SAMPLES / "electronics_brand.csv")
    existing = tmp_path / "out" / "old.csv"
    existing.parent.mkdir()
    existing.write_text("keep me\n", encoding="utf-8")
    writing, release = threading.Event(), threading.Event()
    threads: list[threading.Thread] = []
    real_export = recommend.export_decisions

    def slow_export(rec, path, fmt=None, progress=None):
        """The real export, whose progress waits until the test lets it go on."""
        threads.append(threading.current_thread())

        def held(done: int, total: int) -> None:
            writing.set()
            release.wait(5)
            progress(done, total)

        return real_export(rec, path, fmt, held)

    monkeypatch.setattr(recommend, "EXPORT_STEP", 5)
    monkeypatch.setattr("advisor.app.advice_actions.export_decisions", slow_export)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_advice(app, pilot)
        await pilot.press("e")
        await pilot.pause()
        app.focused.value = str(existing)
        await pilot.press("enter")  # "already exists": Enter again replaces it
        await pilot.press("enter")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, PathScreen) and dialog.running == str(existing)
        assert writing.wait(5) and threads and threads[0] is not threading.main_thread()
        await pilot.press("enter")  # a second Enter while it writes starts nothing
        await pilot.pause()
        assert len(threads) == 1 and dialog.query_one("#job").display
        assert dialog.query_one("#ok").disabled
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, PathScreen)
        release.set()
        await settle(pilot)
    assert existing.read_text() == "keep me\n"
    assert [p.name for p in existing.parent.iterdir()] == ["old.csv"]


async def test_the_tracker_needs_your_skus_dialog_shows_its_whole_text(make_app, onboard):
    """The dialog's explanation wraps inside the box instead of ending "…are in your cat"."""
    onboard()
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_advice(app, pilot)
        await pilot.press("a")
        await pilot.pause()
        prompt = app.screen.query_one("#prompt")
        assert prompt.region.height >= 3
        text = str(prompt.render())
        assert text.rstrip().endswith("--method serial`.")
        assert prompt.region.right <= app.screen.query_one("Vertical").region.right


@pytest.mark.parametrize("size", [(60, 20), (80, 24)], ids=["60x20", "80x24"])
async def test_every_key_of_the_recommendation_shows_in_its_footer(make_app, onboard, size):
    """From 60 columns the footer shows each key the screen needs, whole: its own verbs, help
    and quit (the palette key joins them from 80 columns); each key does what it says."""
    from test_desk_screen import screen_lines

    onboard(SAMPLES / "electronics_brand.csv")
    app = make_app()
    async with app.run_test(size=size) as pilot:
        screen = await open_advice(app, pilot)
        await pilot.pause()
        footer = screen_lines(app)[-1]
        for key, verb in [
            ("a", "Accept"),
            ("e", "Export"),
            ("p", "Profile"),
            ("c", "Catalog"),
            ("b", "Back"),
            ("f1", "Help"),
            ("^q", "Quit"),
        ]:
            assert f"{key} {verb}" in footer, (key, footer)
        assert ("^p palette" in footer) == (size[0] >= 80)
        shown = {k for k, b in screen.active_bindings.items() if b.binding.show}
        assert {"a", "e", "p", "c", "b"} <= shown


async def test_at_60x20_the_decisions_keep_the_screen(make_app, onboard):
    """On a small terminal the table keeps its rows: a short cost line, the vertical costs in
    the bars (g) with one line saying so, nothing cut."""

    onboard(SAMPLES / "electronics_brand.csv")
    app = make_app()
    async with app.run_test(size=(60, 20)) as pilot:
        screen = await open_advice(app, pilot)
        await settle(pilot)
        assert screen.query_one("#decisions").region.height >= 8
        assert not screen.query_one("#verticals").display
        assert "press g" in str(screen.query_one("#breakeven").render())
        assert "g compares" in str(screen.query_one("#costs").render())
        await pilot.resize_terminal(80, 24)
        await settle(pilot)
        assert screen.query_one("#verticals").display
        assert "g compares" not in str(screen.query_one("#costs").render())


async def test_opening_reads_the_answers_once_and_draws_nothing_below_the_table_yet(
    make_app, onboard, monkeypatch
):
    """Opened while a catalog is decided, the screen read the answers from the store once (not
    at mount and again at resume) and shows no vertical costs until there is a result; then it
    does, and keys are answered throughout."""
    import threading

    import advisor.app.advice_screen as advice_screen
    from advisor.app.workspace import Workspace

    onboard(SAMPLES / "electronics_brand.csv")
    reads: list[int] = []
    real_load = Workspace.load_conversation
    monkeypatch.setattr(Workspace, "load_conversation", lambda ws: reads.append(1) or real_load(ws))
    release = threading.Event()
    real_decide = advice_screen.decide

    def held_decide(*args, **kwargs):
        assert release.wait(10), "the test never let deciding finish"
        return real_decide(*args, **kwargs)

    monkeypatch.setattr(advice_screen, "decide", held_decide)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert app.current_mode == "advice" and screen.rec is None
        mounted = len(reads)
        assert not screen.query_one("#verticals").display
        await pilot.press("f1")  # a key while deciding: answered at once
        assert app.screen is not screen
        await pilot.press("escape")
        release.set()
        await settle(pilot, lambda: getattr(app.screen, "rec", None) is not None)
        assert screen.query_one("#verticals").display
        assert screen.query_one("#verticals").row_count > 0
    assert mounted == 1 + 1  # the app's start (which mode to open), then the screen once
