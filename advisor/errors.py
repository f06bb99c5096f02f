"""Errors a user can act on.

    TrackrightError                 base: knows its location, hint and exit code
    ├── RulebookError (ValueError)  one or more problems in rules/*.yaml (carries every Problem)
    ├── ProfileError (ValueError)   a brand profile that cannot be used
    └── CatalogError (ValueError)   a catalog file that cannot be read at all (exit 2)

A caller shows them like this and never prints a traceback::

    try:
        book = load_rulebook(path)
    except TrackrightError as err:
        print(err, file=sys.stderr)
        raise SystemExit(err.exit_code)
"""

from __future__ import annotations

from dataclasses import dataclass


class TrackrightError(Exception):
    """Base of every error meant for a person rather than a developer."""

    exit_code = 2

    def __init__(self, message: str, *, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message}\n  hint: {self.hint}" if self.hint else self.message


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong in a rules file, located precisely enough to jump to it in an editor."""

    file: str
    line: int
    message: str
    rule: str = ""

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:"
        who = f" rule {self.rule}:" if self.rule else ""
        return f"{where}{who} {self.message}"


class RulebookError(TrackrightError, ValueError):
    """The rulebook failed validation; `problems` lists every problem found, not just the first."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems, key=lambda p: (p.file, p.line))
        n = len(self.problems)
        head = f"{n} problem{'s' if n != 1 else ''} in the rulebook"
        super().__init__("\n".join(str(p) for p in self.problems) + f"\n{head}")


class ProfileError(TrackrightError, ValueError):
    """A brand profile file that cannot be used as written."""


class CatalogError(TrackrightError, ValueError):
    """A catalog file that cannot be read at all (empty, binary, no recognisable columns)."""
