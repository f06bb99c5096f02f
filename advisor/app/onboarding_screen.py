"""The onboarding chat: draws `advisor.advice.onboarding.Conversation`, one question at a time.

The transcript is rebuilt from the conversation after every change, so typing, picking,
editing an earlier answer, going back and resuming all draw the same way. Every accepted answer
is saved in the store at once, so quitting loses nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.suggester import SuggestFromList
from textual.widgets import Input, Markdown, OptionList, Static
from textual.widgets.option_list import Option

from advisor.advice.onboarding import AnswerResult, Conversation, Question
from advisor.advice.questions import CATALOG_PATH
from advisor.app.mode_screen import ModeScreen
from advisor.app.rowtable import shorten
from advisor.app.widgets import ChoiceList, Field, KeyFooter, SingleChoiceList, TitleBar

HELP = """\
# Onboarding

Answer in your own words: numbers like `5k`, `2 lakh` or `1,200`, ranges like `500-3000`,
percentages like `8%`, and `yes` / `no`. Every answer is saved at once: quit with **ctrl+q**
and you carry on where you left off.

| key | does |
|---|---|
| enter | send the answer (an empty answer takes the suggested default) |
| → (right arrow) | accept the greyed-out suggestion |
| space / enter | in a choice list: tick an option / confirm the ticked ones |
| tab | switch between the choice list and the answer box |
| ctrl+b | go back and change the previous answer |
| ctrl+r | pick any earlier answer to change (or click it) |
| escape | stop changing an answer and keep it as it was |
| f1 | this help · ctrl+p every command · ctrl+q quit |
"""


class AnswerLine(Static):
    """An answer in the transcript; clicking it re-opens that question."""

    @dataclass
    class Picked(Message):
        question_id: str

    def __init__(self, text: str, question_id: str) -> None:
        super().__init__(text, classes="you")
        self.question_id = question_id
        self.tooltip = "Click to change this answer"

    def on_click(self) -> None:
        self.post_message(self.Picked(self.question_id))


class OnboardingScreen(ModeScreen):
    """A chat: the advisor asks, the founder answers in the box or picks from a list."""

    AUTO_FOCUS = "#answer"
    HELP = HELP
    BINDINGS = [
        Binding("ctrl+b", "back", "Back"),
        Binding("ctrl+r", "pick_edit", "Change answer"),  # whole at 60 columns
        Binding("escape", "cancel_edit", "Keep answer", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.conv: Conversation | None = None
        self.attempts: list[tuple[str, str]] = []  # refused answers to the current question
        self._stale = False  # left for the recommendation without drawing the last answer
        self._checking: str | None = None  # a catalog answer being read in a thread
        self._go_on = False  # that answer was taken under a modal: on to the recommendation

    def compose(self) -> ComposeResult:
        yield TitleBar("trackright · onboarding", id="title")
        yield VerticalScroll(id="transcript")
        yield SingleChoiceList(id="choice")
        yield ChoiceList(id="multi")
        yield Field(
            id="answer", placeholder="Type your answer and press Enter", select_on_focus=False
        )
        yield Static("", id="hint")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#transcript").anchor()
        self.conv = self.app.workspace.load_conversation()
        self.redraw()

    def on_screen_resume(self) -> None:
        """Answers may have changed elsewhere (a catalog picked on the recommendation); not
        while a catalog answer is being read (its end draws, or leaves for the recommendation)."""
        if self._checking is not None:
            return
        if self._go_on:  # the catalog answer was taken while help was open over this screen
            self._go_on = False
            self.app.show_recommendation()
            return
        if self.conv is not None and (self._stale or self.conv._reopened is None):
            self.conv = self.app.workspace.load_conversation()
            self.redraw()

    # -- drawing ---------------------------------------------------------------------------------

    def redraw(self) -> None:
        self._stale = False
        conv = self.conv
        assert conv is not None
        q = conv.current()
        step, total = conv.step()
        brand = conv.to_profile().brand
        where = f"question {step} of {total}" if q is not None else f"all {total} answered"
        title = f"trackright · onboarding{f' · {brand}' if brand else ''} · {where}"
        if conv._reopened:
            title += " · changing an answer"
        self.query_one("#title", TitleBar).update(title)
        transcript = self.query_one("#transcript", VerticalScroll)
        transcript.remove_children()
        widgets: list[Static | Markdown] = [
            Static(
                "Hi! I'll ask a few questions about your brand, then recommend how to track "
                "each product: serial numbers, batches or LPN labels, and what that costs.",
                classes="bot",
            )
        ]
        for asked, text in conv.answered():
            if q is not None and asked.id == q.id:
                break
            widgets.append(Static(asked.prompt, classes="bot asked"))
            widgets.append(AnswerLine(text, asked.id))
        if q is None:
            widgets.append(
                Static(
                    "That's everything. Press Enter to see your recommendation, or click an "
                    "answer (ctrl+r) to change it.",
                    classes="bot",
                )
            )
        else:
            prompt = Static(q.prompt, classes="bot current")
            widgets.append(prompt)
            widgets.append(Markdown(q.why, classes="why"))
            for said, reply in self.attempts:
                widgets.append(Static(said, classes="you refused"))
                widgets.append(Static(reply, classes="bot error"))
        mounted = transcript.mount_all(widgets)
        if q is None:
            transcript.anchor()
        else:
            # the question stays in view when its answers (a long choice list) leave little room:
            # scrolled to its top, which is also the end while everything below it fits
            transcript.release_anchor()

            async def show_question() -> None:
                await mounted
                self.call_after_refresh(
                    transcript.scroll_to_widget, prompt, top=True, animate=False
                )

            self.call_later(show_question)
        self._prepare_answer(q)

    def _prepare_answer(self, q: Question | None) -> None:
        box = self.query_one("#answer", Input)
        choice = self.query_one("#choice", OptionList)
        multi = self.query_one("#multi", ChoiceList)
        hint = self.query_one("#hint", Static)
        choice.display = q is not None and q.kind == "choice"
        multi.display = q is not None and q.kind == "multi_choice"
        box.value = ""
        if q is None:
            box.placeholder = "Press Enter to see your recommendation"
            box.suggester = None
            hint.update("")
            box.focus()
            return
        box.suggester = SuggestFromList(q.suggestions, case_sensitive=False)
        tip = f"e.g. {' · '.join(q.suggestions[:3])}" if q.suggestions else ""
        if q.default:
            box.placeholder = f"Enter keeps: {q.default}"
        elif q.optional:
            box.placeholder = "Type your answer, or skip"
        else:
            box.placeholder = "Type your answer and press Enter"
        if q.kind == "choice":
            choice.clear_options()
            choice.add_options([Option(o.label, id=o.value) for o in q.options])
            choice.highlighted = 0
            hint.update("↑↓ and enter to pick · or just type the name or number")
            choice.focus()
        elif q.kind == "multi_choice":
            multi.clear_options()
            current = self._current_values(q)
            multi.add_options([(o.label, o.value, o.value in current) for o in q.options])
            multi.highlighted = 0
            hint.update("↑↓ move · space ticks · enter confirms · or just type names or numbers")
            multi.focus()
        else:
            hint.update(tip)
            box.focus()

    def _current_values(self, q: Question) -> set[str]:
        assert self.conv is not None
        return set(self.conv.preselected(q))

    # -- answering -------------------------------------------------------------------------------

    def submit(self, text: str, shown: str | None = None) -> None:
        """Give `text` as the answer to the current question (or, at the end, move on)."""
        conv = self.conv
        assert conv is not None
        if self._checking is not None:
            self._still_checking()
            return
        q = conv.current()
        if q is None:
            self.app.show_recommendation()
            return
        if q.kind == "path" and q.profile_field == CATALOG_PATH:
            self._checking = text
            self.query_one("#hint", Static).update("Reading the catalog's first rows…")
            self._answer_catalog(conv, text, shown)
            return
        self._answered(text, shown, conv.answer(text))

    @work(thread=True, exclusive=True, group="catalog-check", description="checking the catalog")
    def _answer_catalog(self, conv: Conversation, text: str, shown: str | None) -> None:
        """The catalog answer, read in a thread: the check opens the file and reads its first
        rows (tens of milliseconds, more on a slow disk), and saving the answers writes the
        store; on the UI thread both held back every key, at the switch to the recommendation.
        Meanwhile nothing else may change the answers (`_still_checking`)."""
        result = conv.answer(text)
        if result.ok:
            self.app.workspace.save_conversation(conv)
        self.app.call_from_thread(self._checked, text, shown, result)

    def _checked(self, text: str, shown: str | None, result: AnswerResult) -> None:
        self._checking = None
        self._answered(text, shown, result, saved=True)

    def _still_checking(self) -> bool:
        """True (and the hint says so) while a catalog answer is being read."""
        if self._checking is None:
            return False
        self.query_one("#hint", Static).update("Still reading the catalog's first rows; a moment…")
        return True

    def _answered(
        self, text: str, shown: str | None, result: AnswerResult, saved: bool = False
    ) -> None:
        conv = self.conv
        assert conv is not None
        if not result.ok:
            self.attempts.append(
                (shown if shown is not None else text or "(empty)", result.message)
            )
            self.redraw()
            return
        self.attempts = []
        if not saved:
            self.app.workspace.save_conversation(conv)
        if conv.current() is None:  # leaving: drawn again when it is shown again
            self._stale = True
            if self.app.screen is self:
                self.app.show_recommendation()
            elif self in self.app.screen_stack:  # a key pressed meanwhile opened help: after it
                self._go_on = True
            return
        self.redraw()

    @on(Input.Submitted, "#answer")
    def _typed(self, event: Input.Submitted) -> None:
        self.submit(event.value)

    @on(OptionList.OptionSelected, "#choice")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        self.submit(str(event.option.id), str(event.option.prompt))

    @on(ChoiceList.Done)
    def _ticked(self, event: ChoiceList.Done) -> None:
        typed = self.query_one("#answer", Input).value
        if typed.strip():  # keys typed into the list went to the box: that is the answer
            self.submit(typed)
            return
        if not event.values:
            self.query_one("#hint", Static).update(
                "Tick at least one with space, then press enter (or type below)."
            )
            return
        self.submit(", ".join(event.values))

    @on(AnswerLine.Picked)
    def _clicked(self, event: AnswerLine.Picked) -> None:
        self.edit(event.question_id)

    def edit(self, question_id: str) -> None:
        assert self.conv is not None
        if self._still_checking():
            return
        self.conv.edit(question_id)
        self.attempts = []
        self.redraw()

    def action_back(self) -> None:
        assert self.conv is not None
        if self._still_checking():
            return
        if self.conv.back() is None:
            self.notify("This is the first question.")
            return
        self.attempts = []
        self.redraw()

    def action_cancel_edit(self) -> None:
        assert self.conv is not None
        if self._still_checking():
            return
        if self.conv._reopened:
            self.conv.cancel_edit()
            self.attempts = []
            self.redraw()

    def action_pick_edit(self) -> None:
        assert self.conv is not None
        if self._still_checking():
            return
        answered = self.conv.answered()
        if not answered:
            self.notify("Nothing answered yet.")
            return
        self.app.search_commands(
            [
                (f"{shorten(q.prompt, 56)} — {shorten(text, 30)}", lambda qid=q.id: self.edit(qid))
                for q, text in answered
            ],
            placeholder="Which answer do you want to change?",
        )

    def commands(self) -> list[tuple[str, str, object]]:
        """Palette entries from the current state: one "change" entry per answered question."""
        assert self.conv is not None
        out: list[tuple[str, str, object]] = []
        for q, text in self.conv.answered():
            out.append(
                (
                    f"Change answer: {shorten(q.prompt, 50)}",
                    f"now: {text}",
                    lambda qid=q.id: self.edit(qid),
                )
            )
        return out


__all__ = ["OnboardingScreen"]
