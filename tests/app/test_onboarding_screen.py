"""The onboarding chat driven by keys: typed answers, refusals, choice lists, edits, resume."""

from __future__ import annotations

from textual.widgets import Input
from tui_helpers import SAMPLES, say, settle, type_keys

from advisor.app.widgets import ChoiceList

ANSWERS_TO_CHANNELS = [
    "Volta",  # brand
    "electronics, fashion",  # verticals (typed while the choice list has focus)
    "10k-60k",  # price_range.electronics
    "500-3000",  # price_range.fashion
    "5000",  # monthly_orders
    "",  # units_per_order: enter keeps the default 1
    "8%",  # return_rate
    "yes",  # counterfeit_seen
    "3",  # counterfeit_monthly
    "yes",  # warranty
    "no",  # customised
    "no",  # regulated
]


async def answer_all(pilot, answers) -> None:
    for text in answers:
        await say(pilot, text)


async def test_full_onboarding_reaches_the_recommendation(make_app):
    """Typed answers, an invalid one, a ticked choice list and a catalog end on the per-SKU table."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        await type_keys(pilot, "Volta")
        assert screen.conv.current().id == "verticals"
        assert isinstance(app.focused, ChoiceList)
        await type_keys(pilot, "electronics, fashion")
        assert screen.conv.current().id == "price_range.electronics"
        await say(pilot, "10k-60k")
        await say(pilot, "a lot")  # not a price range
        assert screen.conv.current().id == "price_range.fashion"
        said, reply = screen.attempts[-1]
        assert said == "a lot" and "price range like 500-3000" in reply
        assert "price range like 500-3000" in str(screen.query(".error").last().render())
        await answer_all(pilot, ANSWERS_TO_CHANNELS[3:])
        assert screen.attempts == []
        assert screen.conv.current().id == "channels"
        await pilot.press("space", "down", "space", "enter")  # tick Own website and Amazon
        await pilot.pause()
        assert (
            dict((q.id, t) for q, t in screen.conv.answered())["channels"] == "Own website, Amazon"
        )
        await say(pilot, "2")
        await say(pilot, str(SAMPLES / "electronics_brand.csv"))
        await settle(pilot, lambda: getattr(app.screen, "rec", None) is not None)
        assert app.current_mode == "advice"
        profile = app.screen.rec.profile
        assert profile.brand == "Volta" and profile.monthly_orders == 5000
        assert profile.channels == ("website", "amazon") and profile.warehouses == 2
        assert profile.price_ranges == (
            ("electronics", 10000.0, 60000.0),
            ("fashion", 500.0, 3000.0),
        )


async def test_regulated_verticals_get_a_typed_multiple_choice(make_app):
    """A regulated vertical skips the yes/no and asks which regulated products, by typed number."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        await answer_all(pilot, ["FitRoots", "supplements"])
        await answer_all(pilot, ["300-2000", "1000", "", "skip", "no", "no", "no"])
        assert screen.conv.current().id == "regulated_products"
        assert screen.query_one("#multi", ChoiceList).display
        await say(pilot, "2")
        assert screen.conv.to_profile().regulated_products == ("supplements",)
        assert screen.conv.current().id == "channels"


async def test_enter_on_empty_tick_list_explains(make_app):
    """Confirming a multiple-choice list with nothing ticked is refused with a hint."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await say(pilot, "Volta")
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.conv.current().id == "verticals"
        assert "Tick at least one" in str(app.screen.query_one("#hint").render())


async def test_editing_an_earlier_answer(make_app):
    """Ctrl+b re-opens the previous answer pre-filled; a new value replaces it and moves on."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        await answer_all(pilot, ANSWERS_TO_CHANNELS[:5])
        assert screen.conv.current().id == "units_per_order"
        await pilot.press("ctrl+b")
        await pilot.pause()
        q = screen.conv.current()
        assert q.id == "monthly_orders" and q.default == "5,000"
        assert "Enter keeps: 5,000" in app.focused.placeholder
        await say(pilot, "7k")
        assert screen.conv.to_profile().monthly_orders == 7000
        assert screen.conv.current().id == "units_per_order"


async def test_clicking_an_answer_reopens_it_and_escape_keeps_it(make_app):
    """Clicking a past answer re-opens that question; escape keeps the answer as it was."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        await answer_all(pilot, ANSWERS_TO_CHANNELS[:3])
        line = next(w for w in screen.query("AnswerLine") if w.question_id == "brand")
        screen.edit(line.question_id)  # what AnswerLine.on_click does
        await pilot.pause()
        assert screen.conv.current().id == "brand"
        assert "changing an answer" in str(screen.query_one("#title").render())
        await pilot.press("escape")
        await pilot.pause()
        assert screen.conv.current().id == "price_range.fashion"
        assert screen.conv.to_profile().brand == "Volta"


async def test_resume_after_restart(make_app):
    """Answers are saved per answer: a new app on the same store continues at the next question."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await answer_all(pilot, ANSWERS_TO_CHANNELS[:4])
    again = make_app()
    async with again.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = again.screen
        assert screen.conv.current().id == "monthly_orders"
        assert screen.conv.to_profile().brand == "Volta"
        shown = [str(w.render()) for w in screen.query("AnswerLine")]
        assert "Volta" in shown and "500 – 3,000" in shown
        assert isinstance(again.focused, Input)


async def test_space_reaching_the_list_mid_answer_is_typed_not_ticked(make_app):
    """In a fast burst (paste, tmux) a space can reach the tick list after typing began: it is text."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await type_keys(pilot, "Volta")
        choices = app.screen.query_one(ChoiceList)
        box = app.screen.query_one("#answer", Input)
        await pilot.press("m", "o", "b", "i", "l", "e")
        app.set_focus(choices)  # as if the burst's next key were dispatched before focus moved
        await pilot.press("space", "p", "h", "o", "n", "e", "s")
        assert box.value == "mobile phones"
        assert choices.selected == []
        app.set_focus(choices)
        box.value = ""
        await pilot.press("space")  # with nothing typed, space still ticks
        assert len(choices.selected) == 1


async def test_a_multi_choice_question_keeps_its_text_in_view_at_60x20(make_app):
    """At 60x20 the choice list leaves the question's prompt on screen above it."""
    app = make_app()
    async with app.run_test(size=(60, 20)) as pilot:
        await say(pilot, "Volta")
        await pilot.pause(0.2)
        screen = app.screen
        prompt = screen.query_one(".current")
        transcript = screen.query_one("#transcript")
        assert "What do you sell?" in str(prompt.render())
        assert transcript.region.contains_region(prompt.region) or (
            prompt.region.y >= transcript.region.y and prompt.region.height > 0
        )
        assert prompt.region.y >= transcript.region.y
        assert prompt.region.bottom <= transcript.region.bottom
        assert "question 2 of" in str(screen.query_one("#title").render())


async def test_ticked_and_unticked_options_differ_without_colour(make_app):
    """The tick box of an unticked option is empty; a ticked one shows an X."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await say(pilot, "Volta")
        await pilot.press("space")  # tick the first option
        await pilot.pause()
        multi = app.screen.query_one("#multi")
        ticked = "".join(seg.text for seg in multi.render_line(0))
        unticked = "".join(seg.text for seg in multi.render_line(1))
        assert ticked.lstrip().startswith("▐X▌") and unticked.lstrip().startswith("▐ ▌")


async def test_the_catalog_is_read_off_the_ui_thread_with_the_rulebooks_columns(
    make_app, onboard, monkeypatch
):
    """The catalog answer is checked in a thread with the column table already loaded (no
    columns.yaml read again); keys typed meanwhile are handled at once, a second Enter does not
    answer twice, and the recommendation follows once the check is done."""
    import threading

    import advisor.advice.answers as answers
    import advisor.rulebook.columns as columns

    onboard(stop_at="catalog")
    reads: list[str] = []
    real_bundled = columns.bundled_columns
    monkeypatch.setattr(
        columns, "bundled_columns", lambda *a, **k: reads.append("yaml") or real_bundled(*a, **k)
    )
    release, checking = threading.Event(), threading.Event()
    threads: list[threading.Thread] = []
    tables: list[object] = []
    real_check = answers.check_catalog

    def slow_check(path, table=None, **kwargs):
        threads.append(threading.current_thread())
        tables.append(table)
        checking.set()
        assert release.wait(10), "the test never let the check finish"
        return real_check(path, table, **kwargs)

    monkeypatch.setattr(answers, "check_catalog", slow_check)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        assert screen.conv.current().id == "catalog"
        path = str(SAMPLES / "electronics_brand.csv")
        await say(pilot, path)
        while not checking.is_set():
            await pilot.pause(0.01)
        await pilot.press("x")  # the UI thread is free: the key lands in the box at once
        box = screen.query_one("#answer", Input)
        assert box.value == path + "x"
        await pilot.press("enter")  # answered once only
        assert "Still reading the catalog" in str(screen.query_one("#hint").render())
        assert app.current_mode == "onboarding"
        release.set()
        await settle(pilot, lambda: getattr(app.screen, "rec", None) is not None)
        assert app.current_mode == "advice" and app.screen.rec.catalog == path
    assert len(threads) == 1 and threads[0] is not threading.main_thread()
    assert tables == [app.workspace.rulebook.columns] and tables[0] is not None
    assert reads == []


async def test_a_file_that_is_no_catalog_is_refused_in_the_chat(make_app, onboard, tmp_path):
    """A README given as the catalog is refused in the chat, as before the check moved to a
    thread: the reason shows, and the question is asked again."""
    onboard(stop_at="catalog")
    readme = tmp_path / "README.md"
    readme.write_text("# My shop\n\nWe sell kurtas.\n", encoding="utf-8")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        await say(pilot, str(readme))
        await settle(pilot, lambda: screen._checking is None)
        assert app.current_mode == "onboarding" and screen.conv.current().id == "catalog"
        said, reply = screen.attempts[-1]
        assert said == str(readme) and "README.md isn't a catalog I can read" in reply
        assert "isn't a catalog I can read" in str(screen.query(".error").last().render())


async def test_help_opened_while_the_catalog_is_read_leads_on_to_the_recommendation(
    make_app, onboard, monkeypatch
):
    """F1 pressed while the catalog answer is read opens help at once; the answer is taken
    meanwhile, and closing help goes on to the recommendation, as if F1 had come after."""
    import threading

    import advisor.advice.answers as answers

    onboard(stop_at="catalog")
    release, checking = threading.Event(), threading.Event()
    real_check = answers.check_catalog

    def slow_check(*args, **kwargs):
        checking.set()
        assert release.wait(10), "the test never let the check finish"
        return real_check(*args, **kwargs)

    monkeypatch.setattr(answers, "check_catalog", slow_check)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        chat = app.screen
        await say(pilot, str(SAMPLES / "electronics_brand.csv"))
        while not checking.is_set():
            await pilot.pause(0.01)
        await pilot.press("f1")
        assert type(app.screen).__name__ == "HelpScreen"
        release.set()
        await settle(pilot, lambda: chat._checking is None)
        assert chat.conv.current() is None
        assert type(app.screen).__name__ == "HelpScreen" and app.current_mode == "onboarding"
        await pilot.press("escape")
        await settle(pilot, lambda: getattr(app.screen, "rec", None) is not None)
        assert app.current_mode == "advice"
