"""`trackright track labels` and `trackright track export epcis`: labels to print, events to share.

Both are thin: the store reads are `tracker.sources`, the rendering is `tracker.printing` and
`tracker.epcis`, loaded only when a command runs so `trackright track …` stays quick to start.
Importing this module adds the commands to the `track` group (advisor/cli/track.py imports it).
"""

from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path

import click

from advisor.cli.track import _tracker, export, guarded, track
from tracker import InputError

FORMATS = ("zpl", "pdf", "png")
SIZES = ("50x25", "100x50", "a4-3x8")
SYMBOLS = ("auto", "gs1-128", "datamatrix", "qr", "code128")


def _check_output(output: Path | None) -> None:
    if output is not None and str(output) != "-" and not output.resolve().parent.is_dir():
        raise InputError(f"{output}: the folder {output.parent} does not exist")


def _write(output: Path | None, data: bytes, binary: bool) -> None:
    if output is None or str(output) == "-":
        if binary and sys.stdout.isatty():
            raise InputError("a PDF or PNG is not shown on a terminal: give -o FILE")
        if not binary:
            click.echo(data.decode("utf-8"), nl=False)
            return
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    output.write_bytes(data)


@track.command("labels")
@click.argument("identifiers", nargs=-1)
@click.option("--receipt", help="'last', or a receipt's operation id: print what it received.")
@click.option("--lot", "lot_ref", help="SKU:LOT: its units still in the warehouse, or its label.")
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
@click.option("--copies", type=int, default=1, show_default=True, help="Copies of each label.")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="File to write ('-' or none: standard output).",
)
@click.pass_context
@guarded
def labels(
    ctx: click.Context,
    identifiers: tuple[str, ...],
    receipt: str | None,
    lot_ref: str | None,
    fmt: str | None,
    size: str | None,
    symbols: tuple[str, ...],
    dpi: str,
    copies: int,
    output: Path | None,
) -> None:
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
    from tracker import sources
    from tracker.printing import render_labels

    if sum(bool(x) for x in (identifiers, receipt, lot_ref)) != 1:
        raise InputError("give identifiers, --receipt last|ID or --lot SKU:LOT (one of them)")
    _check_output(output)
    if fmt is None:
        suffix = output.suffix.lower().lstrip(".") if output else ""
        fmt = suffix if suffix in FORMATS else "zpl"
    t = _tracker(ctx)
    if receipt:
        chosen = sources.labels_for_receipt(t, receipt)
    elif lot_ref:
        from tracker.operations import split_lot_ref

        ref = split_lot_ref(lot_ref)
        if ref is None:
            raise InputError(f"--lot {lot_ref!r} must be written SKU:LOT")
        chosen = sources.labels_for_lot(t, *ref)
    else:
        chosen = sources.labels_for_identifiers(t, identifiers)
    data = render_labels(
        chosen, fmt, size, symbols=symbols or ("auto",), dpi=int(dpi), copies=copies
    )
    _write(output, data, binary=fmt != "zpl")
    if output is not None and str(output) != "-":
        n = len(chosen) * copies
        click.echo(f"{n} label(s) as {fmt.upper()} written to {output}")


def _day(value: datetime | None) -> object:
    return value.date() if value else None


@export.command("epcis")
@click.option(
    "--from", "date_from", type=click.DateTime(["%Y-%m-%d"]), help="First day, YYYY-MM-DD."
)
@click.option("--to", "date_to", type=click.DateTime(["%Y-%m-%d"]), help="Last day, YYYY-MM-DD.")
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
@click.pass_context
@guarded
def export_epcis(
    ctx: click.Context,
    date_from: datetime | None,
    date_to: datetime | None,
    output: Path | None,
    base_uri: str,
    prefixes: tuple[str, ...],
) -> None:
    """The ledger as a GS1 EPCIS 2.0 JSON-LD document (ObjectEvents, CBV 2.0 vocabulary).

    Events whose day falls from --from to --to (both included; dates as recorded, UTC). Serials
    and lots of SKUs with a GTIN are GS1 identifiers (SGTIN / LGTIN with --company-prefix, else
    GS1 Digital Link URIs); everything else gets a URI under --base-uri.
    """
    from tracker import sources

    _check_output(output)
    bad = [p for p in prefixes if not (p.isdigit() and 6 <= len(p) <= 12)]
    if bad:
        raise InputError(f"--company-prefix {bad[0]!r}: a GS1 company prefix is 6 to 12 digits")
    doc = sources.export_epcis(
        _tracker(ctx),
        _day(date_from),  # type: ignore[arg-type]
        _day(date_to),  # type: ignore[arg-type]
        base_uri=base_uri,
        company_prefixes=prefixes,
    )
    text = json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
    if output is None or str(output) == "-":
        click.echo(text, nl=False)
        return
    output.write_text(text, encoding="utf-8")
    n = len(doc["epcisBody"]["eventList"])
    click.echo(f"{n} EPCIS event(s) written to {output}")


__all__ = ["export", "labels"]
