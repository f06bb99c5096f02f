"""The recommendation's what-if: a line to type changed assumptions into, and what they do to
the monthly costs and to the decisions.

A change only the cost model reads (`bad_return_share=0.05`) re-prices at once on the UI
thread; one a rule reads decides the rows in memory again, in a worker.
"""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Static

from advisor.advice.recommend import Recommendation, what_if_recommendation
from advisor.app.advice_actions import STILL_DECIDING
from advisor.app.advice_text import what_if_text
from advisor.errors import TrackrightError


class WhatIfPanel(Vertical):
    """The what-if line (hidden until asked for, i) and its answer under it."""

    DEFAULT_CSS = "WhatIfPanel { height: auto; }"
    BINDINGS = [Binding("escape", "leave", "Leave what if", show=False)]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.rec: Recommendation | None = None
        self.result = None  # the last what-if (advisor.advice.whatif.WhatIfResult)

    def compose(self) -> ComposeResult:
        yield Input(
            placeholder="what if… e.g. bad_return_share=0.05 return_rate=30% (press i)",
            id="whatif-input",
        )
        yield Static("", id="whatif")

    def on_mount(self) -> None:
        self.query_one("#whatif-input").display = False

    def reset(self, rec: Recommendation) -> None:
        """A new recommendation: what was asked of the last one no longer applies."""
        self.rec = rec
        self.query_one("#whatif", Static).update("")

    def open(self) -> None:
        box = self.query_one("#whatif-input", Input)
        box.display = True
        box.focus()

    def action_leave(self) -> None:
        box = self.query_one("#whatif-input", Input)
        if self.screen.focused is box:
            box.display = bool(box.value)
            self.screen.set_focus(self.screen.query_one(self.screen.AUTO_FOCUS or "*"))

    def _labels(self) -> dict[str, str]:
        book = self.app.workspace.rulebook
        if book is None:
            return {}
        return {k: v.label for k, v in book.classification.verticals.items()}

    @on(Input.Submitted, "#whatif-input")
    def _submitted(self, event: Input.Submitted) -> None:
        items = event.value.split()
        answer = self.query_one("#whatif", Static)
        if not items:
            answer.update("")
            return
        if self.rec is None:
            self.notify(STILL_DECIDING)
            return
        from advisor.advice.whatif import parse_what_if

        try:
            change = parse_what_if(items)
        except TrackrightError as err:
            answer.update(Text(str(err), style="bold red"))
            return
        book = self.app.workspace.rulebook
        if change.decides_again(book):
            answer.update("Deciding again with " + " ".join(items) + "…")
            self._decide_again(self.rec, items)
        else:
            self._show(what_if_recommendation(book, self.rec, items))

    @work(thread=True, exclusive=True, group="whatif", description="what if: deciding again")
    def _decide_again(self, rec: Recommendation, items: list[str]) -> None:
        ws = self.app.workspace
        try:
            with ws.engine_lock:
                result = what_if_recommendation(ws.require_rulebook(), rec, items)
        except TrackrightError as err:
            self.app.call_from_thread(
                self.query_one("#whatif", Static).update, Text(str(err), style="bold red")
            )
            return
        self.app.call_from_thread(self._show, result)

    def _show(self, result) -> None:
        self.result = result
        self.query_one("#whatif", Static).update(what_if_text(result, self._labels()))


__all__ = ["WhatIfPanel"]
