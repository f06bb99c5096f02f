"""`export epcis` and `export tinydb`: the ledger as GS1 EPCIS 2.0, the live store as one TinyDB file."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

import click

from advisor.commands.base import Outcome, Session, verb
from advisor.commands.labels import check_output
from advisor.commands.types import DAY

if TYPE_CHECKING:
    from datetime import date

__all__ = ["Epcis", "TinydbExported", "export_epcis", "export_tinydb"]


@dataclass(frozen=True)
class Epcis(Outcome):
    """An EPCIS document: written to `output`, or its `text` for the face to hand on."""

    verb: ClassVar[str] = "export epcis"
    events: int
    output: Path | None
    text: str | None = None

    @property
    def summary(self) -> str:
        where = f" written to {self.output}" if self.output is not None else ""
        return f"{self.events} EPCIS event(s){where}"


@verb("epcis")
@click.option("--from", "date_from", type=DAY, help="First day, YYYY-MM-DD.")
@click.option("--to", "date_to", type=DAY, help="Last day, YYYY-MM-DD.")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="File (default: stdout).",
)
@click.option(
    "--base-uri",
    default="https://trackright.invalid/",
    show_default=True,
    help="Where our own ids live (units without a GTIN, LPNs, lots, locations, orders).",
)
@click.option(
    "--company-prefix",
    "prefixes",
    multiple=True,
    help="A GS1 company prefix of your GTINs (repeat): serials become urn:epc:id:sgtin URIs.",
)
def export_epcis(
    session: Session,
    date_from: date | None,
    date_to: date | None,
    output: Path | None,
    base_uri: str,
    prefixes: tuple[str, ...],
) -> Epcis:
    """The ledger as a GS1 EPCIS 2.0 JSON-LD document (ObjectEvents, CBV 2.0 vocabulary).

    Events whose day falls from --from to --to (both included; dates as recorded, UTC). Serials
    and lots of SKUs with a GTIN are GS1 identifiers (SGTIN / LGTIN with --company-prefix, else
    GS1 Digital Link URIs); everything else gets a URI under --base-uri.
    """
    import json

    from tracker import InputError, sources

    check_output(output)
    bad = [p for p in prefixes if not (p.isdigit() and 6 <= len(p) <= 12)]
    if bad:
        raise InputError(f"--company-prefix {bad[0]!r}: a GS1 company prefix is 6 to 12 digits")
    doc = sources.export_epcis(
        session.tracker(readonly=True),
        date_from,
        date_to,
        base_uri=base_uri,
        company_prefixes=prefixes,
    )
    text = json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
    events = len(doc["epcisBody"]["eventList"])
    if output is None or str(output) == "-":
        return Epcis(events, None, text)
    output.write_text(text, encoding="utf-8")
    return Epcis(events, output)


@dataclass(frozen=True)
class TinydbExported(Outcome):
    """The store written as one stock TinyDB file: how many documents of each table."""

    verb: ClassVar[str] = "export tinydb"
    target: Path
    counts: tuple[tuple[str, int], ...]

    @property
    def summary(self) -> str:
        return f"Wrote {self.target}: " + ", ".join(f"{n:,} {t}" for t, n in self.counts)


@verb("tinydb")
@click.argument("target", type=click.Path(path_type=Path))
def export_tinydb(session: Session, target: Path) -> TinydbExported:
    """Write the live store as one stock TinyDB file (a new file), for programs that read TinyDB."""
    from tracker.store.export import export_tinydb as write

    counts = write(session.tracker(readonly=True).store, target)
    return TinydbExported(target, tuple(counts.items()))
