"""Small widgets and modal dialogs shared by the screens: a title bar, the footer, help, "why?"."""

from __future__ import annotations

from dataclasses import dataclass

from rich.console import RenderableType
from rich.segment import Segment
from textual import events
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.color import Color, ColorParseError
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.geometry import Size
from textual.message import Message
from textual.screen import ModalScreen
from textual.strip import Strip
from textual.widgets import (
    Button,
    Checkbox,
    Footer,
    Input,
    Markdown,
    OptionList,
    SelectionList,
    Static,
)

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
    """One line at the top: where you are and what the app is working on. Too long for the
    width, it is shortened in the middle, so the end ("· from catalog.csv", "· question 3 of
    15") stays."""

    def __init__(self, text: str = "", **kwargs) -> None:
        super().__init__(text, **kwargs)
        self._full = text

    def update(self, content="") -> None:  # type: ignore[override]
        self._full = str(content)
        super().update(self._fitted())

    def _fitted(self) -> str:
        from advisor.app.rowtable import shorten

        room = self.size.width - 2  # its padding
        if room <= 0:
            return self._full
        # Whole leading parts go first ("trackright · "), so a narrow screen keeps where you
        # are and the count ("tracker desk · 30 SKUs …") rather than losing the middle.
        parts = self._full.split(" · ")
        while len(parts) > 2 and len(" · ".join(parts)) > room:
            parts.pop(0)
        return shorten(" · ".join(parts), room)

    def on_resize(self) -> None:
        super().update(self._fitted())

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

    def render_line(self, y: int) -> Strip:
        """The tick box drawn empty when unticked: `▐X▌` for both read the same without colour."""
        line = super().render_line(y)
        segments = list(line)
        try:
            option = self.get_option_at_index(int(self.scroll_offset.y) + y)
        except Exception:  # past the last option: nothing to change
            return line
        if option.value in self._selected or len(segments) < 3 or segments[1].text != "X":
            return line
        segments[1] = Segment(" ", segments[1].style, segments[1].control)
        return Strip(segments, line.cell_length)


class TickBox(Checkbox):
    """A checkbox whose box is empty when unticked: Textual draws `▐X▌` both ways, told apart
    by colour alone (the same fix as `ChoiceList`'s)."""

    @property
    def BUTTON_INNER(self) -> str:  # noqa: N802 - Textual's own attribute name
        return "X" if self.value else " "


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

    def on_screen_resume(self) -> None:
        """Kept between openings (`TrackrightApp.action_help`): each opens at the top."""
        self.query_one(VerticalScroll).scroll_home(animate=False)


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


class ConfirmScreen(ModalScreen[bool]):
    """A yes/no question before something that cannot be undone; Escape means no."""

    BINDINGS = [
        Binding("escape,n", "answer(False)", "No"),
        Binding("y", "answer(True)", "Yes"),
    ]
    AUTO_FOCUS = "#no"
    DEFAULT_CSS = """
    ConfirmScreen { align: center middle; }
    ConfirmScreen > Vertical {
        width: 72; max-width: 100%; height: auto; max-height: 100%;
        border: round $warning; background: $surface; padding: 0 1;
    }
    ConfirmScreen #question { width: 100%; height: auto; margin: 0 0 1 0; }
    ConfirmScreen Horizontal { height: auto; }
    ConfirmScreen Button { margin: 0 1 0 0; }
    """

    def __init__(self, title: str, question: str, yes: str = "Yes", no: str = "No") -> None:
        super().__init__()
        self.title_text, self.question, self.yes, self.no = title, question, yes, no

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = self.title_text
            box.border_subtitle = "y yes · n or Esc no"
            yield Static(self.question, id="question")
            with Horizontal():
                yield Button(self.yes, id="yes", variant="warning")
                yield Button(self.no, id="no", variant="primary")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "yes")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)


class KeyFooter(Footer):
    """The footer of the advisor's screens: compact (each key one space from its verb), with
    the palette key (^p) only from `PALETTE_FROM` columns, so a screen's own keys, f1 and ctrl+q
    all fit at 60 columns. ctrl+p opens the palette at any width, and help says so.

    Compact also spares the restyling of every key twice as it mounts (the wide style is set,
    then taken away again), which held keys back each time the footer was redrawn.

    Textual rebuilds a footer (every key a new widget, styled) whenever the screen says its
    bindings may have changed: each focus change, each mounted widget. This one is rebuilt only
    when the keys it shows did change; opening the desk rebuilt it eleven times."""

    PALETTE_FROM = 80

    def __init__(self) -> None:
        super().__init__(compact=True)
        self._drawn: tuple | None = None  # the keys the footer shows, as last composed

    def _keys(self, screen) -> tuple:
        """What the footer would show for `screen`: each shown key, its verb and state."""
        return (
            self.show_command_palette,
            tuple(
                (b.key, b.key_display, b.description, b.action, enabled, tooltip)
                for _, b, enabled, tooltip in screen.active_bindings.values()
                if b.show or b.key == self.app.COMMAND_PALETTE_BINDING
            ),
        )

    def bindings_changed(self, screen) -> None:
        self._bindings_ready = True
        if not (self.is_attached and screen is self.screen and screen.app.app_focus):
            return
        keys = self._keys(screen)
        if keys != self._drawn:
            self._drawn = keys
            # in the footer's own turn of the event loop, not in the screen's turn that drew
            # it (Footer waits for a refresh): a key pressed meanwhile is handled in between
            self.call_later(self.recompose)

    def on_resize(self, event: events.Resize) -> None:
        wide = event.size.width >= self.PALETTE_FROM
        if wide != self.show_command_palette:
            self.show_command_palette = wide
            self._drawn = None
            self.call_after_refresh(self.recompose)


class PagedScroll(VerticalScroll):
    """A pane of sections (tables, then text) that pages by keys even while a table inside it
    has the focus: pgdn / pgup page the pane, ctrl+end / ctrl+home go to its last and first
    section, and the footer says so. Tab alone stopped only at the tables, so nothing below them
    (the dashboard's advice) could be reached without a mouse. While everything fits the keys
    are not taken, and go to the focused table as before."""

    BINDINGS = [
        Binding("pagedown", "page_down", "Scroll", priority=True),
        Binding("pageup", "page_up", "Scroll up", show=False, priority=True),
        Binding("ctrl+end", "scroll_end", "Last section", show=False, priority=True),
        Binding("ctrl+home", "scroll_home", "First section", show=False, priority=True),
    ]
    _PAGING = frozenset({"page_down", "page_up", "scroll_end", "scroll_home"})

    _scrolls = False  # the content is taller than the pane (the keys are the pane's)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in self._PAGING:
            return self._scrolls
        return True

    def watch_virtual_size(self) -> None:
        self.call_after_refresh(self._check_overflow)

    def on_resize(self) -> None:
        self.call_after_refresh(self._check_overflow)

    def _check_overflow(self) -> None:
        scrolls = self.max_scroll_y > 0
        if scrolls != self._scrolls:
            self._scrolls = scrolls
            self.screen.refresh_bindings()  # the footer's pgdn comes and goes with it


class TooSmallScreen(ModalScreen[None]):
    """Shown while the terminal is smaller than the app can lay out; it goes once it grows."""

    DEFAULT_CSS = """
    TooSmallScreen { align: center middle; background: $background; }
    TooSmallScreen Static { width: 100%; height: auto; content-align: center middle;
        text-align: center; padding: 0 1; }
    """

    def __init__(self, least: tuple[int, int]) -> None:
        super().__init__()
        self.least = least

    def compose(self) -> ComposeResult:
        yield Static(self._text(), id="too-small")

    def _text(self, size: Size | None = None) -> str:
        w, h = size or self.app.size
        return (
            f"This terminal is {w}×{h}; trackright needs at least {self.least[0]}×{self.least[1]}."
            "\nMake the window bigger (or the font smaller): everything comes back as it was."
            "\nctrl+q quits."
        )

    def show_size(self, size: Size) -> None:
        self.query_one("#too-small", Static).update(self._text(size))


__all__ = [
    "ChoiceList",
    "ConfirmScreen",
    "Field",
    "method_style",
    "tone",
    "HelpScreen",
    "RenderScreen",
    "TickBox",
    "TitleBar",
    "TooSmallScreen",
]
