"""App-wide state: starting onboarding again (asked, then really forgotten) and a too-small
terminal."""

from __future__ import annotations

from tui_helpers import SAMPLES, settle

from advisor.app.widgets import ConfirmScreen, TooSmallScreen


async def test_start_onboarding_again_asks_then_forgets_answers_and_accepted_policy(
    make_app, onboard
):
    """ "Keep" changes nothing; "Forget" drops the answers, the acceptance and the saved
    recommendation, and the next launch starts the questions again."""
    onboard(SAMPLES / "electronics_brand.csv")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, lambda: getattr(app.screen, "rec", None) is not None)
        await pilot.press("a")
        await settle(pilot, lambda: app.current_mode == "desk" and app.workspace.accepted)
        app._restart()
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        text = str(app.screen.query_one("#question").render())
        assert "forgets your 14 answers" in text and "30 SKU policies" in text
        await pilot.press("n")
        await pilot.pause()
        assert app.workspace.accepted and app.workspace.load_conversation().is_complete()
        app._restart()
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert app.current_mode == "onboarding"
        assert app.workspace.accepted is None
        assert app.workspace.load_conversation().answered() == []
        assert not app.workspace.recommendation_file.exists()
        assert "question 1 of" in str(app.screen.query_one("#title").render())
    again = make_app()
    async with again.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert again.current_mode == "onboarding"


async def test_a_terminal_below_the_workable_size_is_told_so(make_app):
    """Below 60x20 a notice says the size and the least; growing the window brings it all back."""
    app = make_app()
    async with app.run_test(size=(50, 15)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, TooSmallScreen)
        text = str(app.screen.query_one("#too-small").render())
        assert "50×15" in text and "60×20" in text
        await pilot.resize_terminal(60, 20)
        await pilot.pause()
        assert not isinstance(app.screen, TooSmallScreen)
        assert app.current_mode == "onboarding" and app.screen.query_one("#answer")


async def test_a_long_title_keeps_its_end_at_60_columns(make_app, onboard):
    """ "· from electronics_brand.csv" stays readable when the title is too long for the line:
    the leading "trackright · " gives way first, then the middle of what is left."""
    onboard(SAMPLES / "electronics_brand.csv")
    app = make_app()
    async with app.run_test(size=(60, 20)) as pilot:
        await settle(pilot, lambda: getattr(app.screen, "rec", None) is not None)
        await pilot.pause()
        shown = str(app.screen.query_one("#title").render())
        assert len(shown) <= 58 and shown.endswith("electronics_brand.csv")
        assert shown.strip().startswith("recommendation for Volta")  # "trackright · " went first


async def test_the_rulebooks_words_are_compiled_in_the_background_once_the_app_is_up(make_app):
    """So the first catalog, decided in a process forked from the app, does not build them."""
    app = make_app()
    async with app.run_test() as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        assert "lexicon" in app.workspace.rulebook.compiled


async def test_what_lives_as_long_as_the_app_is_out_of_the_collectors_sight(make_app):
    """Once the rulebook's words are compiled, the rulebook and its words are frozen (no full
    collection traces them again, holding keys back), while what the app makes later is still
    collected."""
    import gc

    gc.unfreeze()  # what earlier tests froze: this one sees only its own app's freeze
    app = make_app()
    async with app.run_test() as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        book = app.workspace.rulebook
        watched = {id(o) for o in gc.get_objects()}
        assert gc.get_freeze_count() > 0
        assert id(book) not in watched and id(book.compiled["lexicon"]) not in watched
        later = [[]]  # made after the freeze: the collector still sees it
        assert id(later) in {id(o) for o in gc.get_objects()}
