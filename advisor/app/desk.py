"""The desk's command line: the tracker's verbs (`advisor.commands`) run on the app's workspace.

A line is parsed and run by the command layer exactly as `trackright track` runs it (same
options, same refusals, same messages: `advisor.commands.line`), in a `DeskSession` whose store
is the workspace's; only the drawing differs (`advisor.app.desk_screen`). No textual here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import click

from advisor.commands import VERBS
from advisor.commands.base import Outcome, Session
from advisor.commands.line import EXAMPLES, help_text, resolve, run_line, verbs
from advisor.commands.options import SESSION_OPTIONS
from tracker.errors import InputError

if TYPE_CHECKING:
    from advisor.app.workspace import Workspace
    from tracker import Tracker
    from tracker.model import PolicySnapshot

__all__ = [
    "EXAMPLES",
    "DeskSession",
    "PaletteVerb",
    "PolicyDigest",
    "help_text",
    "palette_verbs",
    "policy_digest",
    "run",
    "verb_names",
]


class DeskSession(Session):
    """A session on the app's workspace: its store, its rules, its returns verdicts.

    The desk works on the one store the app opened: `--store` on a line is refused rather than
    silently ignored, and `--read-only` opens that store read only.
    """

    def __init__(self, workspace: Workspace) -> None:
        super().__init__()
        self.workspace = workspace
        self.rules = workspace.rules_dir

    @property
    def terminal(self) -> bool:
        return True  # the desk's log is a terminal: text is shown there, binary data is not

    def tracker(self, *, verdict: bool = False, readonly: bool = False) -> Tracker:
        if self.store is not None:
            raise InputError(
                "the desk works on the app's store; to use another, start "
                "`trackright app --store PATH`"
            )
        if self.read_only:
            from tracker import open_tracker

            found = open_tracker(self.workspace.store_path, readonly=True)
            self._opened.append(found)
            return found
        self._opened.append(self.workspace.tracker)
        return self.workspace.tracker

    def open_text(self, path: Any) -> Any:
        if str(path) == "-":
            raise InputError("the desk has no standard input: give the file's name")
        return super().open_text(path)


def run(workspace: Workspace, line: str) -> Outcome:
    """Parse and run one line on the workspace; refusals and mistakes raise TrackrightError."""
    return run_line(DeskSession(workspace), line)


@dataclass(frozen=True)
class PolicyDigest:
    """What the desk's title and first hints need of the stored policies: how many SKUs have a
    tracking method, and the first SKU of each method (the hints receive stock of those)."""

    count: int
    firsts: tuple[PolicySnapshot, ...]


def policy_digest(workspace: Workspace) -> PolicyDigest:
    """`policy list` on the workspace, boiled down to its `PolicyDigest`.

    Why not the list itself: after an accept it holds every SKU of the catalog, and the desk
    asks for it in a child process (`advisor.app.offload`) so that reading 20,000 policies does
    not hold the UI's GIL; what comes back over the pipe should be small."""
    firsts: dict[str, PolicySnapshot] = {}
    listed = run(workspace, "policy list")
    for p in listed.policies:
        firsts.setdefault(p.method, p)
    return PolicyDigest(len(listed.policies), tuple(firsts.values()))


def verb_names() -> list[str]:
    """The verbs a desk line may start with (for suggestions)."""
    return verbs()


@dataclass(frozen=True)
class PaletteVerb:
    """A verb as the command palette lists it: its words, its one line of help, and whether it
    runs as it is (it takes nothing of its own) or is put on the command line for the rest."""

    name: str
    help: str
    runs_alone: bool


#: Options that name what a verb works on or writes to: a verb with one has nothing to do bare
#: (a recall of no lot, an export to nowhere), though click cannot mark one of them required.
_TARGETS = {"lot_ref", "output"}


def _runs_alone(own: list[click.Parameter]) -> bool:
    """A verb runs from the palette as it is when nothing of its own is needed: no argument, no
    required option, no target option (`stats`, `advise`, `policy list`); flags may refine it."""
    return not any(isinstance(p, click.Argument) or p.required or p.name in _TARGETS for p in own)


def palette_verbs() -> list[PaletteVerb]:
    """Every verb of the one table (`advisor.commands.VERBS`), for the palette."""
    found = []
    for name in VERBS:
        _, cmd, _ = resolve(name.split())
        if cmd is None:
            continue
        session = {o.name for o in SESSION_OPTIONS}
        own = [p for p in cmd.params if p.name not in session and p.name != "help"]
        found.append(PaletteVerb(name, cmd.get_short_help_str(70), _runs_alone(own)))
    return found
