"""`import orders FILE` and `import returns FILE`: the shop's orders shipped and returns taken, line by line.

The core is `tracker.imports` (readers, the desk's own operations, idempotence by key); these
verbs open the session's store, run it, write the `--report` CSV and hand back an `Imported`
outcome that both faces draw: its summary, then the lines rejected (and, for returns, each
verdict in the desk's words).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

import click

from advisor.commands.base import Outcome, Session, verb
from advisor.commands.types import Identifier

if TYPE_CHECKING:
    from tracker.imports import ImportReport, LineResult

__all__ = ["Imported", "import_orders", "import_returns"]

#: Lines listed one by one on screen (the counts and the --report file are always complete).
SHOWN_LINES = 200


@dataclass(frozen=True)
class Imported(Outcome):
    """Every line of an imported file: applied, rejected, unchanged (imported before), skipped."""

    verb: ClassVar[str] = "import"
    report: ImportReport
    written: Path | None = None

    @property
    def summary(self) -> str:
        r = self.report
        counts = ", ".join(
            f"{r.count(s):,} {self._word(s)}"
            for s in ("applied", "rejected", "unchanged", "skipped")
            if r.count(s) or s in ("applied", "rejected")
        )
        what = "order lines" if r.kind == "orders" else "returns"
        head = f"Dry run of {r.file}" if r.dry_run else f"Imported {r.file}"
        tail = " — nothing was recorded" if r.dry_run else ""
        return f"{head}: {len(r.results):,} {what} ({r.format}): {counts}{tail}"

    def _word(self, status: str) -> str:
        if not self.report.dry_run:
            return {"unchanged": "unchanged (imported before)"}.get(status, status)
        return {
            "applied": "would be applied",
            "rejected": "would be rejected",
            "unchanged": "unchanged (imported before)",
            "skipped": "skipped",
        }[status]

    @property
    def exit_code(self) -> int:
        """1 when any line was rejected (the rest were applied), as `policy import`."""
        return 1 if self.report.rejected else 0

    def shown(self) -> tuple[LineResult, ...]:
        """The lines a face lists: the rejected ones; for returns every line (its verdict)."""
        rows = self.report.results if self.report.kind == "returns" else self.report.rejected
        return rows[:SHOWN_LINES]

    @property
    def more(self) -> str:
        listed = self.report.results if self.report.kind == "returns" else self.report.rejected
        if len(listed) <= SHOWN_LINES:
            return ""
        where = f" in {self.written}" if self.written else " (give --report FILE.csv for all)"
        return f"… and {len(listed) - SHOWN_LINES:,} more{where}"

    @staticmethod
    def verdict_of(line: LineResult) -> tuple[str, str]:
        """A return's verdict as the returns desk words it (`COUNTERFEIT SUSPECT — quarantined`),
        and the rule that gave it; empty for a line that never reached the rulebook."""
        from advisor.commands.returns import VERDICT_WORDS, Returned

        if line.returned is None:
            return "", ""
        v = line.returned.verdict
        label = Returned(line.returned).label.upper()
        return f"{label} — {VERDICT_WORDS[v.verdict]}", v.rule


def _finish(report: ImportReport, path: Path | None) -> Imported:
    if path is not None:
        from tracker.imports.report import write_report

        write_report(report, path)
    return Imported(report, path)


def _check_report(path: Path | None) -> None:
    from advisor.commands.labels import check_output

    check_output(path)


DRY_RUN = click.option(
    "--dry-run", is_flag=True, help="Show what each line would do; record nothing."
)
REPORT = click.option(
    "--report",
    "report_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write every line's result (line, status, verdict, why) to this CSV file.",
)
LOCATION = click.option(
    "--location", type=Identifier("location"), help="Where lines that name none ship from / go."
)


@verb("orders")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@DRY_RUN
@REPORT
@LOCATION
@click.option("--channel", default="", help="Sales channel of lines that name none (amazon, pos…).")
def import_orders(
    session: Session,
    file: Path,
    dry_run: bool,
    report_path: Path | None,
    location: str | None,
    channel: str,
) -> Imported:
    """Ship the orders of a Shopify orders export or a CSV (order, sku, qty, date, serial).

    Each order is shipped as `track ship` would ship it (units by their serial or LPN, lots
    first-expiry-first-out), whole or not at all; every line is applied, rejected (with its
    line number and why), skipped (cancelled, not fulfilled, needs no shipping) or unchanged
    (imported before: importing a file twice ships nothing twice). Exit code 1 when any line
    was rejected.

    \b
      trackright track import orders orders_export.csv --dry-run
      trackright track import orders orders_export.csv --report report.csv
    """
    from tracker.checks import text
    from tracker.imports import import_orders as run

    _check_report(report_path)
    t = session.tracker()
    report = run(
        t.store,
        file,
        dry_run=dry_run,
        channel=text(channel, "--channel")[:64],
        location=location,
    )
    return _finish(report, report_path)


@verb("returns")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@DRY_RUN
@REPORT
@LOCATION
def import_returns(
    session: Session,
    file: Path,
    dry_run: bool,
    report_path: Path | None,
    location: str | None,
) -> Imported:
    """Take the returns of a CSV list (order, identifier or SKU, reason, date, qty).

    Each line is a `track return`, with the verdict the desk gives (restock, counterfeit or
    swap suspect, repeat returner, recalled lot …). A bare SKU of a batch product is returned
    from the lot its order shipped; a serial or LPN product needs the unit's own identifier.
    Lines already imported are unchanged. Exit code 1 when any line was rejected or refused.

    \b
      trackright track import returns returns.csv --dry-run
      trackright track import returns returns.csv --report verdicts.csv
    """
    from tracker.imports import import_returns as run

    _check_report(report_path)
    t = session.tracker(verdict=True)
    assert t.verdict is not None
    report = run(t.store, file, verdict=t.verdict, dry_run=dry_run, location=location)
    return _finish(report, report_path)
