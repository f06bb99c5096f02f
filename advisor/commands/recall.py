"""`recall`: pull a lot (or a SKU's lots made in a date range) from stock, list every order to contact.

The report, if asked for, is reserved by the tracker before anything is recorded, so a recall
whose report cannot be written changes nothing (`tracker.operations.recall`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

import click

from advisor.commands.base import Outcome, Session, verb
from advisor.commands.types import DAY, LOT_REF, REASON, Identifier

if TYPE_CHECKING:
    from datetime import date

    from tracker.model import RecallReport

__all__ = ["Recalled", "recall"]


@dataclass(frozen=True)
class Recalled(Outcome):
    """What the recall pulled, what was already out, the orders to contact, the report written."""

    verb: ClassVar[str] = "recall"
    result: RecallReport
    report: Path | None

    @property
    def lots(self) -> str:
        return ", ".join(f"{s}:{lot}" for s, lot in self.result.lots)

    @property
    def summary(self) -> str:
        n = len(self.result.orders_to_contact)
        return f"Recalled {self.lots}: {n} order(s) to contact"

    @property
    def contact(self) -> str:
        return "Orders to contact: " + (", ".join(self.result.orders_to_contact) or "none")


@verb("recall")
@click.option("--lot", "lot_ref", type=LOT_REF, help="SKU:LOT to recall.")
@click.option(
    "--sku", type=Identifier("SKU"), help="Recall every lot of SKU made between --from and --to."
)
@click.option("--from", "date_from", type=DAY)
@click.option("--to", "date_to", type=DAY)
@click.option("--reason", type=REASON, default="recall", show_default=True)
@click.option(
    "--report",
    type=click.Path(path_type=Path),
    help="Write a new FILE.csv or FILE.json (never replaces an existing file).",
)
def recall(
    session: Session,
    lot_ref: tuple[str, str] | None,
    sku: str | None,
    date_from: date | None,
    date_to: date | None,
    reason: str,
    report: Path | None,
) -> Recalled:
    """Recall a lot (or a SKU's lots in a date range): pull stock, list orders to contact."""
    from tracker import InputError

    if lot_ref:
        sku, lot = lot_ref
    elif sku:
        lot = None
    else:
        raise InputError("give --lot SKU:LOT, or --sku SKU --from DATE --to DATE")
    result = session.tracker().recall(
        sku, lot=lot, date_from=date_from, date_to=date_to, reason=reason, report=report
    )
    return Recalled(result, report)
