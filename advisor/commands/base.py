"""How a verb is defined once: the `Session` it runs in, the `Outcome` it returns, and `verb()`.

A verb is a function `fn(session, **params) -> Outcome` under click's parameter decorators;
`@verb("name")` makes it a click command that also takes every `SESSION_OPTIONS` option, runs it
in the session it finds on click's context, and hands back the outcome (with the warnings of
the stores it opened) instead of printing anything. `VerbGroup` is a click group whose verbs
load from their modules on first use, so a command pays only for the verb it runs.
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, ClassVar, TextIO

import click

from advisor.commands.options import SESSION_OPTIONS

if TYPE_CHECKING:
    from pathlib import Path

    from tracker import Tracker, VerdictFn

__all__ = ["Outcome", "Session", "VerbGroup", "return_verdicts", "verb"]


def return_verdicts(rules_dir: str | Path | None = None) -> VerdictFn:
    """The returns rulebook (rules/returns.yaml through the advisor's engine) as a verdict function.

    Loaded on the first return it decides and remembered per rulebook and facts on disk, so a
    returns desk does not pay for loading the rulebook on every scan (`advisor.advice.returns`).
    """
    from advisor.advice.returns import memoised_verdicts

    return memoised_verdicts(rules_dir)


class Session:
    """Where verbs run: the store, the rules that decide returns, and what the face can take.

    Each `SESSION_OPTIONS` option is an attribute of its name (None or False until given). The CLI
    makes one session per process from `trackright track`'s options; the app's desk makes one
    per line around its workspace (`advisor.app.desk.DeskSession` overrides `tracker`).
    """

    store: Path | str | None
    rules: Path | None
    warehouse: str | None
    read_only: bool

    def __init__(self, **given: Any) -> None:
        for option in SESSION_OPTIONS:
            setattr(self, option.name, option.empty)
        for name, value in given.items():
            if not any(o.name == name for o in SESSION_OPTIONS):
                raise TypeError(f"Session has no option {name!r}")
            setattr(self, name, value)
        self._opened: list[Tracker] = []

    @property
    def terminal(self) -> bool:
        """True when plain output (labels, an EPCIS document) would land on a terminal."""
        import sys

        return sys.stdout.isatty()

    def tracker(self, *, verdict: bool = False, readonly: bool = False) -> Tracker:
        """The tracker on the session's store; with `verdict`, returns are decided by the rules."""
        from tracker import open_tracker

        found = open_tracker(
            self.store,
            verdict=return_verdicts(self.rules) if verdict else None,
            readonly=readonly or self.read_only,
        )
        self._opened.append(found)
        return found

    def where(self, location: str | None) -> str | None:
        """The location a verb works at: its own --location, else the session's --warehouse."""
        return location or self.warehouse

    def open_text(self, path: str | Path) -> TextIO:
        """A text file the user named (`-`: standard input)."""
        return click.open_file(str(path), "r", encoding="utf-8")

    def take_warnings(self) -> tuple[str, ...]:
        """What the stores used have to say after a successful operation (then forgotten)."""
        found: list[str] = []
        for t in self._opened:
            warnings = getattr(t.store, "warnings", None)
            if warnings:
                found += warnings
                warnings.clear()
        return tuple(found)


@dataclass(frozen=True, kw_only=True)
class Outcome:
    """What a verb did, for a face to show: its summary is the one line both faces print."""

    verb: ClassVar[str] = ""
    warnings: tuple[str, ...] = ()

    @property
    def summary(self) -> str:
        return ""

    @property
    def exit_code(self) -> int:
        """0 done; 1 done in part (e.g. rows of an import skipped)."""
        return 0


def verb(name: str, **attrs: Any) -> Callable[[Callable[..., Outcome]], click.Command]:
    """Make `fn(session, **params) -> Outcome` (under click's decorators) the command `name`."""

    def make(fn: Callable[..., Outcome]) -> click.Command:
        own = list(reversed(getattr(fn, "__click_params__", [])))

        def callback(**values: Any) -> Outcome:
            session = click.get_current_context().ensure_object(Session)
            for option in SESSION_OPTIONS:
                option.take(session, values.pop(option.name))
            try:
                outcome = fn(session, **values)
            except MemoryError:
                from tracker import as_error

                raise as_error(MemoryError()) from None
            more = session.take_warnings()
            return replace(outcome, warnings=outcome.warnings + more) if more else outcome

        callback.__name__ = callback.__qualname__ = fn.__name__
        params = own + [o.after_verb() for o in SESSION_OPTIONS]
        return click.Command(
            name, callback=callback, params=params, help=inspect.getdoc(fn), **attrs
        )

    return make


class VerbGroup(click.Group):
    """A click group whose verbs load from their modules when first asked for.

    `verbs` maps a verb ("receive", or "policy import" inside the sub-group "policy") to
    "module:attribute"; `groups` gives each sub-group's help.
    """

    def __init__(
        self,
        name: str,
        verbs: Mapping[str, str],
        groups: Mapping[str, str] | None = None,
        **attrs: Any,
    ) -> None:
        super().__init__(name, **attrs)
        self.verbs = dict(verbs)
        self.groups = dict(groups or {})

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({v.split(" ", 1)[0] for v in self.verbs} | set(self.commands))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands:
            found = self._load(cmd_name)
            if found is None:
                return None
            self.add_command(found, cmd_name)
        return self.commands[cmd_name]

    def _load(self, name: str) -> click.Command | None:
        target = self.verbs.get(name)
        if target is not None:
            module, _, attr = target.partition(":")
            return getattr(importlib.import_module(module), attr)
        inner = {v[len(name) + 1 :]: t for v, t in self.verbs.items() if v.startswith(name + " ")}
        if not inner:
            return None
        return VerbGroup(name, inner, help=self.groups.get(name))
