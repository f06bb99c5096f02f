"""`return ORDER IDENTIFIER`: check a returned item against its order; the returns rulebook decides."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

import click

from advisor.commands.base import Outcome, Session, verb
from advisor.commands.types import REASON, Identifier, Quantity
from tracker.errors import RefusedError
from tracker.vocabulary import RETURN_REASONS

if TYPE_CHECKING:
    from tracker.model import ReturnResult

__all__ = ["ReturnRefused", "Returned", "return_"]

VERDICT_WORDS = {
    "restock": "restocked",
    "quarantine": "quarantined",
    "inspect": "sent to inspection",
    "recalled": "held as recalled",
    "refuse": "refused",
}


@dataclass(frozen=True)
class Returned(Outcome):
    """A return taken: the rulebook's verdict and where the item is now."""

    verb: ClassVar[str] = "return"
    result: ReturnResult

    @property
    def label(self) -> str:
        """The words on the returns desk: restock, counterfeit suspect, swap suspect, recalled, …"""
        v = self.result.verdict
        return (v.flag or ("restock" if v.verdict == "restock" else v.verdict)).replace("_", " ")

    @property
    def verdict_line(self) -> str:
        v = self.result.verdict
        return f"{self.label.upper()} — {VERDICT_WORDS[v.verdict]} (rule {v.rule}: {v.reason})"

    @property
    def summary(self) -> str:
        return self.verdict_line

    @property
    def now(self) -> str:
        r = self.result
        qty = f"{r.qty} x " if r.lot and not r.identifier.startswith("LPN") else ""
        return f"{qty}{r.identifier} ({r.sku}) is now {r.status}"


class ReturnRefused(RefusedError):
    """The rulebook refused the return (e.g. already returned on this order); nothing changed."""

    def __init__(self, outcome: Returned) -> None:
        r = outcome.result
        super().__init__(
            f"return of {r.identifier} on order {r.order_id} refused: {outcome.verdict_line}"
        )
        self.outcome = outcome


@verb("return")
@click.argument("order", type=Identifier("order"))
@click.argument("identifier")
@click.option(
    "--reason",
    type=REASON,
    default="other",
    show_default=True,
    help=f"One of {', '.join(RETURN_REASONS)}; other text counts as 'other'.",
)
@click.option(
    "--qty", type=Quantity(), default=1, show_default=True, help="For a batch lot return."
)
@click.option(
    "--location",
    type=Identifier("location"),
    help="Where the returned item is put (default: where it left).",
)
def return_(
    session: Session, order: str, identifier: str, reason: str, qty: int, location: str | None
) -> Returned:
    """Take a return on ORDER of IDENTIFIER (serial, LPN, GS1 barcode or SKU:LOT)."""
    t = session.tracker(verdict=True)
    outcome = Returned(
        t.process_return(
            order, identifier, reason=reason, qty=qty, location=session.where(location)
        )
    )
    if outcome.result.status is None:
        raise ReturnRefused(outcome)
    return outcome
