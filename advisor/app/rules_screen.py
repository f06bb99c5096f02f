"""The rules in force: every policy and returns rule with its place in the YAML, and whether the
files on disk are valid. Editing happens outside; `r` (or the file watch) reloads, and a broken
edit is listed as file:line problems while the last good rulebook keeps running.
"""

from __future__ import annotations

from dataclasses import replace

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Static

from advisor.app.mode_screen import ModeScreen
from advisor.app.rowtable import shorten
from advisor.app.widgets import KeyFooter, TitleBar, tone
from advisor.app.workspace import Workspace
from advisor.errors import Problem

HELP = """\
# Rules

The rules live in YAML files in the rules folder (`--rules DIR`, else `$TRACKRIGHT_RULES`, else
the bundled rules). Edit them in any editor: the app notices the change within a second and
reloads (or press **r**). If the new files have problems, each one is listed here as
`file:line: message` and the **last good rules keep running**, so the desk never stops.

Every problem is listed here with its `file:line`, the same list `trackright rules check`
prints; the rule tests (`trackright rules test`) run from the shell.

| key | does |
|---|---|
| r | reload the rules now |
| ↑ ↓ | move through the rules |
| escape | back to where you were |
"""


def relative_problem(problem: Problem, ws: Workspace) -> str:
    """A problem line (`policy.yaml:31: …`) with its file written from the rules folder."""
    return str(replace(problem, file=ws.in_rules(problem.file)))


class RulesScreen(ModeScreen):
    """The active rules and the validation state of the files on disk."""

    HELP = HELP
    AUTO_FOCUS = "#rules"
    BINDINGS = [
        Binding("r", "reload", "Reload"),
        Binding("escape", "leave", "Back"),
    ]
    DEFAULT_CSS = """
    RulesScreen #status-box { height: auto; max-height: 45%; background: $boost; }
    RulesScreen #status { height: auto; padding: 0 1; }
    RulesScreen #rules { height: 1fr; }
    """

    def compose(self) -> ComposeResult:
        yield TitleBar("trackright · rules", id="title")
        with VerticalScroll(id="status-box"):
            yield Static("", id="status")
        yield DataTable(id="rules", cursor_type="row", zebra_stripes=True)
        yield KeyFooter()

    def on_mount(self) -> None:
        table = self.query_one("#rules", DataTable)
        # what a rule decides right after where it is: at 80 columns the last ones scroll
        for name in ("Rule", "Where", "Outcome", "Pri", "Kind", "Set"):
            table.add_column(name, key=name)
        self.show_status()

    def on_screen_resume(self) -> None:
        self.show_status()

    def on_resize(self) -> None:
        self.show_status()

    def show_status(self) -> None:
        ws = self.app.workspace
        status = ws.status
        text = Text()
        if status.ok:
            text.append("✓ Rules valid", style=tone(self.app, "text-success"))
            text.append(f" · running {status.running} · loaded {status.loaded_at}")
            text.append(f"\n{ws.rules_dir}", style=tone(self.app, "text-muted", bold=False))
        else:
            n = len(status.problems)
            text.append(
                f"✗ {n} problem{'s' if n != 1 else ''} in the rules on disk",
                style=tone(self.app, "text-error"),
            )
            running = status.running or "nothing (no valid rules loaded yet)"
            text.append(f" · still running {running} · checked {status.loaded_at}\n")
            for p in status.problems:  # all of them: the box scrolls
                text.append(f"{relative_problem(p, ws)}\n")
        self.query_one("#status", Static).update(text)
        table = self.query_one("#rules", DataTable)
        table.clear()
        book = ws.rulebook
        if book is None:
            return
        # Below 80 columns a long rule name gives way (shortened in the middle), so what the
        # rule decides stays on screen beside where it is written.
        width = 24 if 0 < self.size.width < 80 else 1_000
        for set_name, ruleset in (("policy", book.policy), ("returns", book.returns)):
            for r in ruleset.rules:
                outcome = dict(r.outcome)
                what = outcome.get("method") or outcome.get("verdict") or ""
                if outcome.get("capture"):
                    what += " + " + ",".join(outcome["capture"])
                if outcome.get("flag"):
                    what += f" ({outcome['flag']})"
                where = f"{ws.in_rules(r.file)}:{r.line}"
                table.add_row(shorten(r.id, width), where, what, str(r.priority), r.kind, set_name)

    def action_reload(self) -> None:
        self.app._reload()

    def action_leave(self) -> None:
        ws = self.app.workspace
        if ws.rulebook is None:
            self.notify("Fix the rules first: nothing can be decided without them.")
            return
        back = getattr(self.app, "mode_before_rules", None)
        if back is None:
            back = "desk" if ws.accepted else "onboarding"
        if back == "advice":
            self.app.show_recommendation()  # decided again if the reload changed the rules
        else:
            self.app.switch_mode(back)


__all__ = ["RulesScreen"]
