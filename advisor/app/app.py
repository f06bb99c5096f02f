"""The trackright terminal app: onboarding, recommendation, tracker desk and rules, as modes.

The App only wires modes, global keys and the command palette; each screen draws itself from the
shared `Workspace` (store, rulebook, saved onboarding).
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable
from pathlib import Path

from textual import events
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.geometry import Size
from textual.screen import Screen
from textual.widget import AwaitMount, Widget

from advisor.app.workspace import Workspace

GLOBAL_HELP = """

## Everywhere

| key | does |
|---|---|
| ctrl+p | command palette: every verb of the app, searchable |
| f1 | help for the screen you are on |
| f5 | rules: see the active rules, reload after editing the YAML |
| f6 / f7 / f8 | onboarding answers / recommendation / tracker desk |
| ctrl+q | quit (everything is already saved in the store) |
"""


MIN_SIZE = (60, 20)  # columns, lines: every screen is laid out to work from here up


class TrackrightApp(App[None]):
    """Advisor and tracker in one terminal app, on one workspace store."""

    TITLE = "trackright"
    # The advisor's sheets (each rule scoped to its screen) are read at start: read on the first
    # switch to a screen, parsing them stalled the keys of the Enter that opened it.
    CSS_PATH = ["app.tcss", "onboarding.tcss", "advice.tcss", "desk.tcss"]
    ENABLE_COMMAND_PALETTE = True
    BINDINGS = [
        Binding("ctrl+q", "quit", "Quit", priority=True),
        Binding("f1", "help", "Help"),
        Binding("f5", "mode('rules')", "Rules", show=False),
        Binding("f6", "mode('onboarding')", "Answers", show=False),
        Binding("f7", "mode('advice')", "Recommendation", show=False),
        Binding("f8", "mode('desk')", "Tracker", show=False),
    ]

    def __init__(
        self,
        workspace: Workspace | None = None,
        *,
        store: str | Path | None = None,
        rules: str | Path | None = None,
        blink: bool = True,
        watch_rules: bool = True,
    ) -> None:
        super().__init__()
        self.workspace = workspace or Workspace(store or Path(".trackright"), rules)
        self.blink = blink
        self.watch_rules = watch_rules
        #: the screen the rules screen was opened from: its Esc goes back there
        self.mode_before_rules: str | None = None

    def switch_mode(self, mode: str) -> AwaitMount:
        if mode == "rules" and self.current_mode not in ("rules", "_default", None):
            self.mode_before_rules = self.current_mode
        return super().switch_mode(mode)

    def on_mount(self) -> None:
        from advisor.app.advice_screen import AdviceScreen
        from advisor.app.desk_screen import DeskScreen
        from advisor.app.onboarding_screen import OnboardingScreen
        from advisor.app.rules_screen import RulesScreen

        self._read_widget_css()
        self.add_mode("onboarding", self._fresh(OnboardingScreen))
        self.add_mode("advice", self._fresh(AdviceScreen))
        self.add_mode("desk", self._fresh(DeskScreen))
        self.add_mode("rules", self._fresh(RulesScreen))
        if self.workspace.rulebook is None:
            self.switch_mode("rules")
        elif self.workspace.accepted:
            self.switch_mode("desk")
        elif self.workspace.load_conversation().is_complete():
            self.switch_mode("advice")
        else:
            self.switch_mode("onboarding")
        if self.watch_rules:
            self.set_interval(1.0, self._check_rules)
        self._check_size()
        self.call_after_refresh(self._prepare_rules)

    def _prepare_rules(self) -> None:
        """The rulebook's words compiled in a thread, once the first screen is up."""
        self.run_worker(
            self._prepare_and_freeze,
            thread=True,
            group="prepare-rules",
            exclusive=True,
            description="compiling the rulebook's words",
        )

    def _prepare_and_freeze(self) -> None:
        """Compile the rulebook's words, then move every object alive now (the rulebook, its
        compiled words, the screens, the imported modules) out of the cyclic collector's sight.

        They live as long as the app, so tracing them can never free anything, yet each full
        collection traced them all: 80 to 250 ms with the GIL held, in whichever thread
        happened to allocate (typing an answer, the catalog check, a screen drawn), and every
        key waited for it. Frozen objects are still freed by reference counting (an old
        rulebook after a reload is, unless it sits in a reference cycle)."""
        self.workspace.prepare_rules()
        gc.freeze()

    def _read_widget_css(self) -> None:
        """Every imported widget type's DEFAULT_CSS into the stylesheet once, at start.

        Textual reads a type's CSS when its first widget mounts, and each new type made the
        whole stylesheet parse again: opening the recommendation (its table, bar and inputs)
        held keys back for a third of a second. Parsed here, the sheet has them all before the
        first screen is styled."""
        seen: set[type] = set()
        todo: list[type] = [Widget]
        while todo:
            for sub in todo.pop().__subclasses__():
                if sub not in seen:
                    seen.add(sub)
                    todo.append(sub)
        for widget_type in sorted(seen, key=lambda t: (t.__module__, t.__qualname__)):
            if not widget_type.__dict__.get("DEFAULT_CSS"):
                continue
            node = widget_type.__new__(widget_type)  # only its class is read
            for read_from, css, tie_breaker, scope in node._get_default_css():
                self.stylesheet.add_source(
                    css,
                    read_from=read_from,
                    is_default_css=True,
                    tie_breaker=tie_breaker,
                    scope=scope,
                )

    def _fresh(self, screen_type: type[Screen]) -> Callable[[], Screen]:
        """A mode's screen, marked as styled by the current stylesheet (it is, as it mounts):
        else Textual re-parses and re-applies every sheet to the whole app, twice, on the
        first switch to each mode."""

        def make() -> Screen:
            screen = screen_type()
            screen._css_update_count = self._css_update_count
            return screen

        return make

    def on_resize(self, event: events.Resize) -> None:
        self._check_size(event.size)  # runs before App's own handler has stored the new size

    def _check_size(self, size: Size | None = None) -> None:
        """Below `MIN_SIZE` say so, instead of drawing screens that cannot fit."""
        from advisor.app.widgets import TooSmallScreen

        size = size or self.size
        small = size.width < MIN_SIZE[0] or size.height < MIN_SIZE[1]
        showing = isinstance(self.screen, TooSmallScreen)
        if small and not showing:
            self.push_screen(TooSmallScreen(MIN_SIZE))
        elif small:
            self.screen.show_size(size)
        elif showing:
            self.pop_screen()

    # -- navigation ------------------------------------------------------------------------------

    def action_mode(self, mode: str) -> None:
        if mode in ("onboarding", "advice") and self.workspace.rulebook is None:
            self.notify(
                "Fix the rules first: nothing can be decided without them.", severity="error"
            )
            mode = "rules"
        if mode == "advice":
            self.show_recommendation()
            return
        self.switch_mode(mode)

    def show_recommendation(self) -> None:
        """Open the recommendation for the answers as they are now."""
        self.switch_mode("advice")  # the screen decides again on resume if the answers changed

    def show_onboarding(self, question_id: str | None = None) -> None:
        self.switch_mode("onboarding")
        if question_id and hasattr(self.screen, "edit"):
            self.screen.edit(question_id)

    def action_help(self) -> None:
        from advisor.app.widgets import HelpScreen

        text = getattr(self.screen, "HELP", "# trackright")
        # built once per screen type and kept (installed): composing the help's Markdown, a
        # widget per paragraph and table cell, held the key back for about 100 ms each time
        name = f"help:{type(self.screen).__name__}"
        if not self.is_screen_installed(name):
            self.install_screen(HelpScreen(text + GLOBAL_HELP), name)
        self.push_screen(name)

    def _check_rules(self) -> None:
        if not self.workspace.rules_changed():
            return
        status = self.workspace.reload_rules()
        if status.ok:
            self._prepare_rules()
            self.notify(f"Rules reloaded: now running {status.running}.")
        else:
            first = status.problems[0]
            self.notify(
                f"{first}\nStill running the last good rules. F5 shows every problem.",
                title="Rules have problems",
                severity="error",
                timeout=8,
            )
        if hasattr(self.screen, "show_status"):
            self.screen.show_status()

    # -- command palette -------------------------------------------------------------------------

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield SystemCommand(
            "Onboarding answers", "Go through (or change) the questions", self._go("onboarding")
        )
        yield SystemCommand(
            "Recommendation", "What to serialise, batch or LPN, and the cost", self._go("advice")
        )
        yield SystemCommand(
            "Tracker desk", "Receive, ship, returns, recall, trace, stats", self._go("desk")
        )
        yield SystemCommand(
            "Rules", "The active rules and their validation state", self._go("rules")
        )
        yield SystemCommand(
            "Reload rules", "Read the YAML again; errors keep the last good rules", self._reload
        )
        yield SystemCommand("Help", "Keys and what this screen does", self.action_help)
        yield SystemCommand(
            "Start onboarding again",
            "Forget the saved answers and the accepted policy",
            self._restart,
        )
        commands = getattr(screen, "commands", None)
        if commands is not None:
            for title, help_text, callback in commands():
                yield SystemCommand(title, help_text, callback)
        yield SystemCommand("Quit", "Quit trackright (ctrl+q)", self.exit)
        for cmd in super().get_system_commands(screen):
            if cmd.title in ("Theme", "Keys"):
                yield cmd

    def _go(self, mode: str):
        return lambda: self.action_mode(mode)

    def _reload(self) -> None:
        status = self.workspace.reload_rules()
        if status.ok:
            self._prepare_rules()
            self.notify(f"Rules reloaded: running {status.running}.")
        else:
            n = len(status.problems)
            self.notify(
                f"{n:,} problem{'s' if n != 1 else ''}; still running the last good rules.",
                severity="error",
            )
        if hasattr(self.screen, "show_status"):
            self.screen.show_status()

    def _restart(self) -> None:
        """Ask first: this forgets every answer, and cannot be undone."""
        from advisor.app.widgets import ConfirmScreen

        answered = len(self.workspace.load_conversation().answered())
        with self.workspace.store_lock:
            stored = len(self.workspace.tracker.policies())
        kept = (
            f"\n\nThe {stored:,} SKU policies already in the tracker stay (units received "
            "under them need them); accepting a new recommendation replaces them SKU by SKU."
            if stored
            else ""
        )
        question = (
            f"This forgets your {answered:,} answers, the recommendation and the accepted "
            f"policy, and asks every question again.{kept}"
        )
        self.push_screen(
            ConfirmScreen("Start onboarding again?", question, "Forget and start again", "Keep"),
            self._restarted,
        )

    def _restarted(self, yes: bool | None) -> None:
        from advisor.app.advice_screen import AdviceScreen
        from advisor.app.onboarding_screen import OnboardingScreen

        if not yes:
            return
        self.workspace.forget_conversation()
        if self.current_mode in ("onboarding", "advice"):
            self.switch_mode("rules")
        for mode, screen in (("onboarding", OnboardingScreen), ("advice", AdviceScreen)):
            self.remove_mode(mode)
            self.add_mode(mode, self._fresh(screen))
        self.switch_mode("onboarding")
        self.notify("Answers, recommendation and accepted policy forgotten.")


__all__ = ["MIN_SIZE", "TrackrightApp"]
