"""`receive SKU …`: serials, scans, minted LPN labels or a lot quantity into stock, as the policy says."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

import click

from advisor.commands.base import Outcome, Session, verb
from advisor.commands.types import DAY, Identifier, Quantity
from tracker.checks import MAX_UNITS

if TYPE_CHECKING:
    from datetime import date

    from tracker.model import ReceiveResult

__all__ = ["Received", "receive"]

#: Identifiers listed under a receipt (the count is always complete).
SHOWN_IDS = 20


@dataclass(frozen=True)
class Received(Outcome):
    """What one receipt put into stock."""

    verb: ClassVar[str] = "receive"
    result: ReceiveResult

    @property
    def summary(self) -> str:
        r = self.result
        if r.method == "batch":
            return f"Received {r.qty} x {r.sku} lot {r.lot} into {r.location}"
        lot = f" (lot {r.lot})" if r.lot else ""
        return f"Received {len(r.ids)} x {r.sku}{lot} into {r.location} by {r.method}"

    def id_lines(self) -> list[str]:
        ids = self.result.ids
        lines = [f"  {ident}" for ident in ids[:SHOWN_IDS]]
        if len(ids) > SHOWN_IDS:
            lines.append(f"  … and {len(ids) - SHOWN_IDS} more")
        return lines


@verb("receive")
@click.argument("sku", type=Identifier("SKU"))
@click.option("--serial", "serials", multiple=True, help="A serial (repeat for more).")
@click.option(
    "--serials-file",
    type=click.Path(dir_okay=False, allow_dash=True, path_type=Path),
    help="One serial per line ('-' = standard input).",
)
@click.option("--scan", "scans", multiple=True, help="A scanned serial or GS1 barcode.")
@click.option(
    "--generate",
    type=Quantity(minimum=0, limit=MAX_UNITS),
    default=0,
    help="Mint N serials / LPN labels.",
)
@click.option("--lot", type=Identifier("lot"))
@click.option("--qty", type=Quantity())
@click.option("--mfg", type=DAY, help="Manufacture date YYYY-MM-DD.")
@click.option("--expiry", type=DAY, help="Expiry date YYYY-MM-DD.")
@click.option(
    "--location",
    type=Identifier("location"),
    help="Where it goes (default: --warehouse, else WH1).",
)
def receive(
    session: Session,
    sku: str,
    serials: tuple[str, ...],
    serials_file: Path | None,
    scans: tuple[str, ...],
    generate: int,
    lot: str | None,
    qty: int | None,
    mfg: date | None,
    expiry: date | None,
    location: str | None,
) -> Received:
    """Receive stock of SKU: serials, LPN labels or a lot quantity, as the SKU's policy says."""
    every = list(serials)
    if serials_file is not None:
        every += _read_serials(session, serials_file)
    result = session.tracker().receive(
        sku,
        serials=every,
        scans=scans,
        generate=generate,
        lot=lot,
        qty=qty,
        mfg=mfg,
        expiry=expiry,
        location=session.where(location) or "WH1",
    )
    return Received(result)


def _read_serials(session: Session, path: Path) -> list[str]:
    """The serials of a file, one a line; refused as soon as there are more than one receipt takes."""
    from tracker import RefusedError

    found: list[str] = []
    with session.open_text(path) as lines:
        for line in lines:
            if line.strip():
                found.append(line.strip())
                if len(found) > MAX_UNITS:
                    raise RefusedError(
                        f"more than {MAX_UNITS:,} serials in one receipt; split the file"
                    )
    return found
