"""`quarantine`, `release`, `scrap`: take a unit or a lot quantity out of stock, back in, or destroy it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import click

from advisor.commands.base import Outcome, Session, verb
from advisor.commands.types import REASON, Identifier, Quantity

__all__ = ["Held", "quarantine", "release", "scrap"]


@dataclass(frozen=True)
class Held(Outcome):
    """How many of the identifier are now in which status."""

    verb: ClassVar[str] = "hold"
    action: str
    identifier: str
    status: str
    count: int

    @property
    def summary(self) -> str:
        return f"{self.identifier}: {self.count} now {self.status}"


def _hold(action: str, doc: str, override: bool = False) -> click.Command:
    @click.argument("identifier")
    @click.option("--reason", type=REASON, required=True)
    @click.option("--qty", type=Quantity(), help="For a batch lot (SKU:LOT).")
    @click.option("--location", type=Identifier("location"))
    def run(
        session: Session,
        identifier: str,
        reason: str,
        qty: int | None,
        location: str | None,
        **supervisor: bool,
    ) -> Held:
        t = session.tracker()
        status, count = getattr(t, action)(
            identifier, reason, qty=qty, location=session.where(location), **supervisor
        )
        return Held(action, identifier, status, count)

    run.__doc__ = doc
    run.__name__ = action
    if override:
        run = click.option(
            "--override", is_flag=True, help="Supervisor override for suspect units."
        )(run)
    return verb(action)(run)


quarantine = _hold("quarantine", "Take a unit (or --qty of SKU:LOT) out of sellable stock.")
release = _hold("release", "Return a quarantined or inspected unit to stock.", override=True)
scrap = _hold("scrap", "Destroy a quarantined, recalled or inspected unit (final).")
