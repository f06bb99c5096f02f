"""`ship ORDER …`: scanned units and batch lines (SKU:QTY, first-expiry-first-out) out on an order."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

import click

from advisor.commands.base import Outcome, Session, verb
from advisor.commands.types import ORDER_LINE, Identifier

if TYPE_CHECKING:
    from tracker.model import ShipResult

__all__ = ["Shipped", "ship"]


@dataclass(frozen=True)
class Shipped(Outcome):
    """What went out on the order: each unit, and each lot quantity picked."""

    verb: ClassVar[str] = "ship"
    result: ShipResult

    @property
    def summary(self) -> str:
        n = sum(i.qty for i in self.result.items)
        return f"Shipped order {self.result.order_id}: {n} item(s)"

    def item_lines(self) -> list[str]:
        lines = []
        for i in self.result.items:
            what = f"{i.id} ({i.sku})" if i.id else f"{i.qty} x {i.sku}"
            lot = f" lot {i.lot}" if i.lot else ""
            lines.append(f"  {what}{lot} from {i.location}")
        return lines


@verb("ship")
@click.argument("order", type=Identifier("order"))
@click.option("--line", "lines", type=ORDER_LINE, multiple=True, help="SKU:QTY (repeat for more).")
@click.option("--scan", "scans", multiple=True, help="A unit's serial/LPN or GS1 barcode.")
@click.option("--location", type=Identifier("location"), help="Ship from this warehouse only.")
def ship(
    session: Session,
    order: str,
    lines: tuple[tuple[str, int], ...],
    scans: tuple[str, ...],
    location: str | None,
) -> Shipped:
    """Ship ORDER: scanned units, and batch lines picked first-expiry-first-out."""
    return Shipped(
        session.tracker().ship(order, lines=lines, scans=scans, location=session.where(location))
    )
