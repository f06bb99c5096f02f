"""The advisor's errors a user can act on (the shared base lives in `tracker.errors`).

    TrackrightError                 base: knows its hint and exit code, and shows itself
    ├── RulebookError (ValueError)  one or more problems in rules/*.yaml (carries every Problem)
    ├── ProfileError (ValueError)   a brand profile that cannot be used
    └── CatalogError (ValueError)   a catalog file that cannot be read at all (exit 2)

A caller shows them like this and never prints a traceback::

    try:
        book = load_rulebook(path)
    except TrackrightError as err:
        err.show()
        raise SystemExit(err.exit_code)
"""

from __future__ import annotations

from dataclasses import dataclass

from tracker.errors import TrackrightError


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong in a rules file, located precisely enough to jump to it in an editor."""

    file: str
    line: int
    message: str
    rule: str = ""
    column: int = 0  # 1-based; 0 when only the line is known

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:" + (f"{self.column}:" if self.column else "")
        who = f" rule {self.rule}:" if self.rule else ""
        return f"{where}{who} {self.message}"


class RulebookError(TrackrightError, ValueError):
    """The rulebook failed validation; `problems` lists every problem found, not just the first."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems, key=lambda p: (p.file, p.line, p.column))
        n = len(self.problems)
        head = f"{n} problem{'s' if n != 1 else ''} in the rulebook"
        super().__init__("\n".join(str(p) for p in self.problems) + f"\n{head}")


class ProfileError(TrackrightError, ValueError):
    """A brand profile file that cannot be used as written."""


class CatalogError(TrackrightError, ValueError):
    """A catalog file that cannot be read at all (empty, binary, no recognisable columns)."""


__all__ = ["CatalogError", "Problem", "ProfileError", "RulebookError", "TrackrightError"]
