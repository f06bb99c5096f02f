"""`labels`: labels to print (ZPL, PDF, PNG) for serials, LPNs, a lot or a receipt, read from the store.

The store reads are `tracker.sources`, the drawing is `tracker.printing`, both loaded only when
the verb runs. Without `-o` the label data is the outcome's, for the face to hand on (the CLI
writes it to standard output; a binary format is refused on a terminal, before any work).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

import click

from advisor.commands.base import Outcome, Session, verb
from advisor.commands.types import LOT_REF, Quantity

__all__ = ["FORMATS", "Labels", "check_output", "labels"]

FORMATS = ("zpl", "pdf", "png")
SIZES = ("50x25", "100x50", "a4-3x8")
SYMBOLS = ("auto", "gs1-128", "datamatrix", "qr", "code128")


def check_output(output: Path | None) -> None:
    """Refuse, before any work, an output file in a folder that does not exist."""
    from tracker import InputError

    if output is not None and str(output) != "-" and not output.resolve().parent.is_dir():
        raise InputError(f"{output}: the folder {output.parent} does not exist")


@dataclass(frozen=True)
class Labels(Outcome):
    """Labels drawn: written to `output`, or in `data` for the face to hand on."""

    verb: ClassVar[str] = "labels"
    count: int
    fmt: str
    output: Path | None
    data: bytes | None = None

    @property
    def summary(self) -> str:
        where = f" written to {self.output}" if self.output is not None else ""
        return f"{self.count} label(s) as {self.fmt.upper()}{where}"


@verb("labels")
@click.argument("identifiers", nargs=-1)
@click.option("--receipt", help="'last', or a receipt's operation id: print what it received.")
@click.option(
    "--lot",
    "lot_ref",
    type=LOT_REF,
    help="SKU:LOT: its units still in the warehouse, or its label.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    help="Default: from the -o file's suffix, else zpl.",
)
@click.option(
    "--size",
    type=click.Choice(SIZES),
    help="Label in mm, or an A4 sheet of 3 x 8 (PDF). Default: 50x25, a4-3x8 for PDF.",
)
@click.option(
    "--symbol",
    "symbols",
    type=click.Choice(SYMBOLS),
    multiple=True,
    help="Barcodes to print (repeat). auto: GS1 symbols when the SKU has a GTIN, else Code 128.",
)
@click.option("--dpi", type=click.Choice(["203", "300"]), default="203", show_default=True)
@click.option(
    "--copies",
    type=Quantity(limit=10_000),
    default=1,
    show_default=True,
    help="Copies of each label.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="File to write ('-' or none: standard output).",
)
def labels(
    session: Session,
    identifiers: tuple[str, ...],
    receipt: str | None,
    lot_ref: tuple[str, str] | None,
    fmt: str | None,
    size: str | None,
    symbols: tuple[str, ...],
    dpi: str,
    copies: int,
    output: Path | None,
) -> Labels:
    """Print labels for serials / LPNs / SKU:LOTs given, a receipt, or a lot.

    Serials of a SKU with a GTIN carry GS1-128 and GS1 DataMatrix with (01) GTIN, (17) expiry,
    (10) lot and (21) serial, and a QR code with the GS1 Digital Link URI (100x50 and sheets);
    LPNs and serials without a GTIN carry a Code 128. Every label scans back into
    `track ship --scan` and `track return`.

    \b
      trackright track labels --receipt last -o inward.zpl
      trackright track labels --lot TEA:T1 --copies 40 --format pdf -o tea.pdf
      trackright track labels SN-0001 --size 100x50 -o sn.png
    """
    from tracker import InputError, sources
    from tracker.printing import render_labels

    if sum(bool(x) for x in (identifiers, receipt, lot_ref)) != 1:
        raise InputError("give identifiers, --receipt last|ID or --lot SKU:LOT (one of them)")
    check_output(output)
    to_file = output is not None and str(output) != "-"
    if fmt is None:
        suffix = output.suffix.lower().lstrip(".") if to_file and output else ""
        fmt = suffix if suffix in FORMATS else "zpl"
    if fmt != "zpl" and not to_file and session.terminal:
        raise InputError("a PDF or PNG is not shown on a terminal: give -o FILE")
    t = session.tracker(readonly=True)
    if receipt:
        chosen = sources.labels_for_receipt(t, receipt)
    elif lot_ref:
        chosen = sources.labels_for_lot(t, *lot_ref)
    else:
        chosen = sources.labels_for_identifiers(t, identifiers)
    data = render_labels(
        chosen, fmt, size, symbols=symbols or ("auto",), dpi=int(dpi), copies=copies
    )
    if not to_file:
        return Labels(len(chosen) * copies, fmt, None, data)
    assert output is not None
    output.write_bytes(data)
    return Labels(len(chosen) * copies, fmt, output)
