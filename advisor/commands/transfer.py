"""`transfer`: move a unit, or part of a lot's quantity, to another warehouse (departing, then arriving)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import click

from advisor.commands.base import Outcome, Session, verb
from advisor.commands.types import REASON, Identifier, Quantity

__all__ = ["Transferred", "transfer"]


@dataclass(frozen=True)
class Transferred(Outcome):
    """What moved (a unit, or a quantity of a lot), from which warehouse to which."""

    verb: ClassVar[str] = "transfer"
    identifier: str
    origin: str
    target: str
    qty: int | None = None

    @property
    def summary(self) -> str:
        what = f"{self.qty} moved" if self.qty is not None else "moved"
        return f"{self.identifier}: {what} from {self.origin} to {self.target}"


@verb("transfer")
@click.argument("identifier")
@click.option(
    "--to", "to", type=Identifier("warehouse"), required=True, help="Warehouse it goes to."
)
@click.option("--qty", type=Quantity(), help="For a batch lot (SKU:LOT): how much moves.")
@click.option(
    "--from",
    "origin",
    type=Identifier("warehouse"),
    help="Warehouse it leaves (default: --warehouse; a lot in stock at one warehouse: that one).",
)
@click.option("--reason", type=REASON)
def transfer(
    session: Session,
    identifier: str,
    to: str,
    qty: int | None,
    origin: str | None,
    reason: str | None,
) -> Transferred:
    """Move a unit (serial or LPN), or --qty of a lot (SKU:LOT), to another warehouse; its
    trace shows both."""
    start, target = session.tracker().transfer(
        identifier, to, qty=qty, origin=session.where(origin), reason=reason
    )
    return Transferred(identifier, start, target, qty)
