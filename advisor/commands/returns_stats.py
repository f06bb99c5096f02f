"""`stats --returns`: the returns analytics (per SKU, per unit, suspects per channel) as an outcome.

The figures are `tracker.analytics` (read from the store's views, never a scan of every unit);
this module holds the outcome both faces draw and what `--csv DIR` writes. The `stats` verb
(`advisor.commands.trace`) hands over to `returns_shown` when `--returns` is given.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from advisor.commands.base import Outcome, Session

if TYPE_CHECKING:
    from tracker.analytics import DayReturns, ReturnsAnalytics

__all__ = ["ReturnsShown", "returns_shown"]

#: Rows of each table shown on screen (the CSV files hold them all).
SHOWN_ROWS = 50
#: Days the returns trend covers, ending today (a column each).
TREND_DAYS = 28


@dataclass(frozen=True)
class ReturnsShown(Outcome):
    """The returns analytics, and the CSV files written (with --csv)."""

    verb: ClassVar[str] = "stats --returns"
    result: ReturnsAnalytics
    written: tuple[Path, ...] = ()
    limit: int | None = SHOWN_ROWS
    #: returns and suspect returns a day over the last `TREND_DAYS` days, oldest first
    trend: tuple[DayReturns, ...] = ()

    @property
    def summary(self) -> str:
        a = self.result
        rate = a.returned / a.shipped if a.shipped else 0.0
        fakes = sum(c.fakes for c in a.channels)
        swaps = sum(c.swaps + c.never_shipped for c in a.channels)
        repeat = sum(1 for u in a.units if u.returned >= 2)
        return (
            f"Returns: {a.returned:,} of {a.shipped:,} shipped ({rate:.1%}); {repeat:,} unit(s) "
            f"came back twice or more; {fakes:,} fake(s) and {swaps:,} swap(s) caught"
        )


def returns_shown(session: Session, csv_dir: Path | None) -> ReturnsShown:
    """Read the analytics from the session's store (read only); write the CSV files if asked."""
    from tracker.analytics import returns_analytics, returns_by_day, write_csv

    tracker = session.tracker(readonly=True)
    result = returns_analytics(tracker.store)
    trend = returns_by_day(tracker.store, tracker.clock().date(), TREND_DAYS)
    written = tuple(write_csv(result, csv_dir)) if csv_dir is not None else ()
    return ReturnsShown(result, written, trend=trend)
