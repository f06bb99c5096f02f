"""`transfer`: move a unit to another warehouse (recorded as departing, then arriving)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import click

from advisor.commands.base import Outcome, Session, verb
from advisor.commands.types import REASON, Identifier

__all__ = ["Transferred", "transfer"]


@dataclass(frozen=True)
class Transferred(Outcome):
    """Which unit moved, from which warehouse to which."""

    verb: ClassVar[str] = "transfer"
    identifier: str
    origin: str
    target: str

    @property
    def summary(self) -> str:
        return f"{self.identifier}: moved from {self.origin} to {self.target}"


@verb("transfer")
@click.argument("identifier")
@click.option(
    "--to", "to", type=Identifier("warehouse"), required=True, help="Warehouse it goes to."
)
@click.option("--reason", type=REASON)
def transfer(session: Session, identifier: str, to: str, reason: str | None) -> Transferred:
    """Move a unit (serial or LPN) to another warehouse; its trace shows both."""
    origin, target = session.tracker().transfer(identifier, to, reason=reason)
    return Transferred(identifier, origin, target)
