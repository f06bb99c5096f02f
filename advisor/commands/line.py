"""One typed command line, as the desk runs it: `receive SKU --serial X`, `ship SO-1 --line SKU:2`.

The line is split as a shell would (shlex) and parsed by the very click commands of
`trackright track` (same options, same types, same help, same refusals), then run in the
session given. A bare identifier, as a barcode scanner types it, traces that unit; `help` and
`VERB --help` give the commands' own help as an outcome instead of printing it. Every problem
with the line itself is a `UsageProblem`, a TrackrightError like any refusal.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from typing import ClassVar

import click

from advisor.commands import build_group
from advisor.commands.base import Outcome, Session
from tracker.errors import InputError

__all__ = ["EXAMPLES", "Help", "UsageProblem", "help_text", "resolve", "run_line", "verbs"]

EXAMPLES = (
    "receive VLT-PH-A15-128 --serial IMEI-001 --serial IMEI-002",
    "receive TEA-500G --lot L1 --qty 50 --expiry 2027-01-31",
    "ship SO-1 --line TEA-500G:2 --scan IMEI-001",
    "return SO-1 IMEI-001 --reason fit",
    "quarantine IMEI-001 --reason 'seal broken'",
    "recall --lot TEA-500G:L1 --report recall.csv",
    "trace IMEI-001",
    "trace --order SO-1",
    "policy set MUG-1 --method batch",
    "labels --receipt last -o inward.zpl",
    "stats",
)

_GROUP = build_group()


class UsageProblem(InputError):
    """A line that cannot be run as typed; the hint shows the verb's usage."""


@dataclass(frozen=True)
class Help(Outcome):
    """The help asked for: one verb's options, or every verb with examples."""

    verb: ClassVar[str] = "help"
    text: str

    @property
    def summary(self) -> str:
        return "help"


def verbs() -> list[str]:
    """Every verb a line may start with (and `help`)."""
    return [*_GROUP.list_commands(click.Context(_GROUP)), "help"]


def help_text(verb: str | None = None) -> str:
    """Usage of one verb (the command's own help), or the list of verbs with examples."""
    cmd: click.Command | None = _GROUP
    name = ""
    for word in (verb or "").lower().split():
        inner = cmd.get_command(click.Context(cmd), word) if isinstance(cmd, click.Group) else None
        if inner is None:
            break
        cmd, name = inner, f"{name} {word}".strip()
    if name and cmd is not None:
        return cmd.get_help(cmd.make_context(name, [], resilient_parsing=True))
    lines = ["Commands: " + ", ".join(verbs()), "", "Examples:"]
    lines += [f"  {e}" for e in EXAMPLES]
    lines += ["", "A scanned serial or LPN on its own traces it. `help VERB` shows its options."]
    return "\n".join(lines)


def resolve(tokens: list[str]) -> tuple[str, click.Command | None, list[str]]:
    """(verb name, its command or None, the arguments left) for the words of a line."""
    ctx = click.Context(_GROUP)
    name, args = tokens[0].lower(), tokens[1:]
    cmd = _GROUP.get_command(ctx, name)
    if isinstance(cmd, click.Group):
        sub = args[0] if args else ""
        inner = cmd.get_command(click.Context(cmd), sub)
        if inner is None:
            choices = ", ".join(cmd.list_commands(click.Context(cmd)))
            raise UsageProblem(f"{name} needs one of: {choices}")
        return f"{name} {sub}", inner, args[1:]
    return name, cmd, args


def run_line(session: Session, line: str) -> Outcome:
    """Parse and run one line in `session`; refusals and mistakes raise TrackrightError."""
    try:
        tokens = shlex.split(line)
    except ValueError as err:
        raise UsageProblem(f"cannot read that line: {err}") from None
    if not tokens:
        raise UsageProblem("type a command, or scan a barcode")
    if tokens[0].lower() == "help":
        return Help(help_text(" ".join(tokens[1:3]) or None))
    name, cmd, args = resolve(tokens)
    if cmd is None:
        if len(tokens) == 1:
            name, cmd, args = "trace", _GROUP.get_command(click.Context(_GROUP), "trace"), tokens
        else:
            raise UsageProblem(f"unknown command {tokens[0]!r}; try one of: {', '.join(verbs())}")
    assert cmd is not None
    if "--help" in args or "-h" in args:
        return Help(help_text(name))
    try:
        ctx = cmd.make_context(name, args, obj=session)
    except click.UsageError as err:
        usage = " ".join(cmd.collect_usage_pieces(click.Context(cmd, info_name=name)))
        raise UsageProblem(err.format_message(), hint=f"usage: {name} {usage}") from None
    with ctx:
        return cmd.invoke(ctx)
