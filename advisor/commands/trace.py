"""`trace` and `stats`: the history of a unit, lot or order, and the store at a glance (read only)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

import click

from advisor.commands.base import Outcome, Session, verb
from advisor.commands.types import LOT_REF, Identifier

if TYPE_CHECKING:
    from tracker.model import Stats, Trace

__all__ = ["StatsShown", "Traced", "stats", "trace"]

#: At most this many rows of each list in `stats` (the counts are always complete).
STATS_ROWS = 100


@dataclass(frozen=True)
class Traced(Outcome):
    """Every event of a unit, lot or order, and where each of its units is now."""

    verb: ClassVar[str] = "trace"
    result: Trace
    as_json: bool = False

    @property
    def summary(self) -> str:
        r = self.result
        return f"History of {r.kind} {r.key}: {len(r.events)} event(s)"

    def json(self) -> str:
        import json

        return json.dumps([e.to_doc() for e in self.result.events], indent=2)


@verb("trace")
@click.argument("identifier", required=False)
@click.option("--lot", "lot_ref", type=LOT_REF, help="SKU:LOT")
@click.option("--order", type=Identifier("order"))
@click.option("--json", "as_json", is_flag=True, help="Print the events as JSON.")
def trace(
    session: Session,
    identifier: str | None,
    lot_ref: tuple[str, str] | None,
    order: str | None,
    as_json: bool,
) -> Traced:
    """The full history of a serial/LPN, a lot (--lot SKU:LOT) or an order (--order O)."""
    from tracker import InputError, trace_lot, trace_order, trace_unit

    if not (identifier or lot_ref or order):
        raise InputError("give a serial/LPN, --lot SKU:LOT or --order ORDER")
    store = session.tracker(readonly=True).store
    if identifier:
        result = trace_unit(store, identifier)
    elif lot_ref:
        result = trace_lot(store, *lot_ref)
    else:
        assert order is not None
        result = trace_order(store, order)
    return Traced(result, as_json)


@dataclass(frozen=True)
class StatsShown(Outcome):
    """Stock by status and location, return rates, repeat returners, suspects, the store's size."""

    verb: ClassVar[str] = "stats"
    result: Stats

    @property
    def summary(self) -> str:
        where = (
            f" (figures below: warehouse {self.result.warehouse})" if self.result.warehouse else ""
        )
        return (
            "Store: " + ", ".join(f"{n:,} {name}" for name, n in self.result.counts.items()) + where
        )


@verb("stats")
@click.option(
    "--returns",
    "returns",
    is_flag=True,
    help="Returns analytics: rate per SKU and per unit, repeat returners, suspects per channel.",
)
@click.option(
    "--csv",
    "csv_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="With --returns: write each table as a CSV file in this folder.",
)
def stats(session: Session, returns: bool, csv_dir: Path | None) -> Outcome:
    """Stock by warehouse, and by SKU, status and location (with --warehouse: that warehouse's
    stock, repeat returners and suspects), return rates, repeat returners and suspects."""
    if returns or csv_dir is not None:
        from advisor.commands.returns_stats import returns_shown

        return returns_shown(session, csv_dir)
    from tracker import stats as store_stats

    return StatsShown(store_stats(session.tracker(readonly=True).store, session.warehouse))
