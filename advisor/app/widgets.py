"""Small widgets and modal dialogs shared by the screens: a title bar, help, "why?", a path prompt."""

from __future__ import annotations

from dataclasses import dataclass

from rich.console import RenderableType
from textual import events
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.color import Color, ColorParseError
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Markdown, OptionList, SelectionList, Static

METHOD_TONE = {"serial": "text-secondary", "lpn": "text-accent", "batch": "text-success"}


def tone(app: App, variable: str, bold: bool = True) -> str:
    """A rich style from a theme variable, for renderables textual does not style (table cells)."""
    value = app.get_css_variables().get(variable, "")
    try:
        color = Color.parse(value).hex if value and not value.startswith("auto") else ""
    except ColorParseError:
        color = ""
    if not color and variable == "text-muted":
        color = "dim"
    return f"{'bold ' if bold else ''}{color}".strip()


def method_style(app: App, method: str) -> str:
    return tone(app, METHOD_TONE.get(method, "text"))


class Field(Input):
    """An Input that follows the app's `blink` setting (off in tests and snapshots)."""

    def on_mount(self) -> None:
        self.cursor_blink = getattr(self.app, "blink", True)


class TitleBar(Static):
    """One line at the top: where you are and what the app is working on."""

    DEFAULT_CSS = """
    TitleBar {
        dock: top;
        height: 1;
        padding: 0 1;
        background: $panel;
        color: $text;
        text-style: bold;
    }
    """


class TypeThrough:
    """Mixin for a list beside an answer box (`#answer`): typed text goes to the box.

    Focus moves synchronously, so the rest of a fast burst of keys (a paste, a scanner, tmux
    send-keys) and its final enter land in the box too.
    """

    def on_key(self, event: events.Key) -> None:
        if not (event.character and event.is_printable):
            return
        box = self.screen.query_one("#answer", Input)  # type: ignore[attr-defined]
        # Space ticks an option, unless the person is already typing an answer ("mobile phones"):
        # keys of a fast burst can still arrive here after focus has moved to the box.
        if event.key == "space" and not box.value:
            return
        event.stop()
        event.prevent_default()
        self.screen.set_focus(box)  # type: ignore[attr-defined]
        box.insert_text_at_cursor(event.character)


class SingleChoiceList(TypeThrough, OptionList):
    """A one-of list: arrows move, enter picks; typing goes to the answer box."""


class ChoiceList(TypeThrough, SelectionList[str]):
    """A multiple-choice list: space ticks an option, enter confirms the ticked set."""

    BINDINGS = [
        Binding("space", "select", "Tick", show=True),
        Binding("enter", "done", "Done", show=True),
    ]

    @dataclass
    class Done(Message):
        """The user confirmed the ticked options."""

        choice_list: ChoiceList
        values: list[str]

    def action_done(self) -> None:
        self.post_message(self.Done(self, list(self.selected)))


class HelpScreen(ModalScreen[None]):
    """F1: what this screen is for and its keys; Escape closes it."""

    BINDINGS = [Binding("escape,f1,q", "dismiss", "Close")]
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll {
        width: 76; max-width: 100%; height: auto; max-height: 90%;
        border: round $primary; background: $surface; padding: 0 1;
    }
    """

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Markdown(self.text)


class RenderScreen(ModalScreen[None]):
    """A modal showing rich renderables (the matched rules of a decision, a help text)."""

    BINDINGS = [Binding("escape,q,enter", "dismiss", "Close")]
    DEFAULT_CSS = """
    RenderScreen { align: center middle; }
    RenderScreen > VerticalScroll {
        width: 96%; height: auto; max-height: 90%;
        border: round $accent; background: $surface; padding: 0 1;
    }
    """

    def __init__(self, title: str, *parts: RenderableType) -> None:
        super().__init__()
        self.title_text = title
        self.parts = parts

    def compose(self) -> ComposeResult:
        with VerticalScroll() as box:
            box.border_title = self.title_text
            box.border_subtitle = "Esc closes"
            for part in self.parts:
                yield Static(part)


class PathScreen(ModalScreen[str | None]):
    """Ask for a file path (export, profile, catalog); Enter confirms, Escape cancels."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]
    AUTO_FOCUS = "#path"
    DEFAULT_CSS = """
    PathScreen { align: center middle; }
    PathScreen > Vertical {
        width: 72; max-width: 100%; height: auto;
        border: round $primary; background: $surface; padding: 0 1;
    }
    PathScreen #error { color: $error; height: auto; }
    PathScreen Horizontal { height: auto; }
    PathScreen Button { margin: 0 1 0 0; }
    """

    def __init__(
        self, title: str, prompt: str, value: str = "", *, alternative: str = "", must_exist=False
    ) -> None:
        super().__init__()
        self.title_text = title
        self.prompt = prompt
        self.value = value
        self.alternative = alternative
        self.must_exist = must_exist

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = self.title_text
            yield Label(self.prompt)
            yield Field(self.value, id="path")
            yield Static("", id="error")
            with Horizontal():
                yield Button("OK", id="ok", variant="primary")
                if self.alternative:
                    yield Button(self.alternative, id="alternative")
                yield Button("Cancel", id="cancel")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._confirm(event.value)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "ok":
            self._confirm(self.query_one("#path", Input).value)
        elif event.button.id == "alternative":
            self.dismiss("")
        else:
            self.dismiss(None)

    def _confirm(self, value: str) -> None:
        from pathlib import Path

        text = value.strip().strip("'\"")
        if not text:
            self.query_one("#error", Static).update("Type a file path first.")
            return
        if self.must_exist and not Path(text).expanduser().is_file():
            self.query_one("#error", Static).update(f"There's no file at {text}.")
            return
        self.dismiss(text)

    def action_cancel(self) -> None:
        self.dismiss(None)


__all__ = [
    "ChoiceList",
    "Field",
    "method_style",
    "tone",
    "HelpScreen",
    "PathScreen",
    "RenderScreen",
    "TitleBar",
]
