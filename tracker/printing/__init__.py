"""Printed labels for the identifiers the tracker mints and stores: ZPL, PDF sheets and PNG.

    >>> from tracker.printing import LabelData, render_labels
    >>> label = LabelData("PUMP", "serial", "SN-0001", gtin="09506000134352", lot="L1")
    >>> zpl = render_labels([label], "zpl", "50x25")        # bytes for a Zebra printer
    >>> zpl.startswith(b"^XA")
    True

Labels come from the tracker's records (`label_for_unit`, `label_for_lot`, or
`tracker.sources.labels_for_receipt` after a receive). Serials of a SKU with a GTIN get GS1
symbols — GS1-128 and GS1 DataMatrix with (01) GTIN, (17) expiry, (10) lot, (21) serial, and a QR
holding the GS1 Digital Link URI; LPNs and serials without a GTIN get a plain Code 128. Every label
is checked before anything is drawn, so a bad one refuses the whole batch with its reason.

Modules: `content` (what a label says, GS1 checks), `symbols` (encoding, by zint), `layout`
(sizes and placement), `zpl`, `pdf` (ReportLab), `png` (Pillow).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime

from ..errors import InputError
from .content import LOT, LPN, SERIAL, LabelData, gs1_fields, label_for_lot, label_for_unit
from .layout import AUTO, SHEETS, SIZES, LabelSize, Sheet
from .symbols import KINDS

FORMATS = ("zpl", "pdf", "png")
DPI = {203: 8, 300: 12}
DEFAULT_SIZE = {"zpl": "50x25", "png": "50x25", "pdf": "a4-3x8"}

__all__ = [
    "AUTO",
    "DEFAULT_SIZE",
    "DPI",
    "FORMATS",
    "KINDS",
    "LOT",
    "LPN",
    "SERIAL",
    "SHEETS",
    "SIZES",
    "LabelData",
    "LabelSize",
    "Sheet",
    "gs1_fields",
    "label_for_lot",
    "label_for_unit",
    "render_labels",
]


def render_labels(
    labels: Sequence[LabelData],
    fmt: str = "zpl",
    size: str | None = None,
    *,
    symbols: Sequence[str] = (AUTO,),
    dpi: int = 203,
    copies: int = 1,
    today: date | None = None,
) -> bytes:
    """Render labels as ZPL (one format each), a PDF (sheets or one label a page) or one PNG.

    `size` is ``50x25`` or ``100x50`` (mm) for every format, or ``a4-3x8`` for a PDF sheet (the
    PDF default); `symbols` names the symbols to print or is ``("auto",)``; `dpi` (203 or 300) is
    the thermal printer's resolution for ZPL and the PNG's; `today` anchors the GS1 century rule
    for expiry dates (default: today, UTC).
    """
    if fmt not in FORMATS:
        raise InputError(f"label format must be one of {', '.join(FORMATS)}, got {fmt!r}")
    size = size or DEFAULT_SIZE[fmt]
    if size in SHEETS and fmt != "pdf":
        raise InputError(f"size {size} is a sheet of labels; it is printed as a PDF (--format pdf)")
    if size not in SIZES and size not in SHEETS:
        choices = ", ".join([*SIZES, *SHEETS])
        raise InputError(f"label size must be one of {choices}, got {size!r}")
    if dpi not in DPI:
        raise InputError(f"dpi must be 203 or 300, got {dpi}")
    if copies < 1:
        raise InputError(f"copies must be at least 1, got {copies}")
    if not labels:
        raise InputError("no labels to print")
    today = today or datetime.now(UTC).date()
    if fmt == "png":
        if len(labels) != 1 or copies != 1:
            raise InputError(
                f"a PNG holds one label; {len(labels) * copies} were asked for",
                hint="print several as --format pdf or zpl, or name one identifier",
            )
        from .png import write_png

        return write_png(
            labels[0], SIZES[size], dpmm=DPI[dpi], requested=tuple(symbols), today=today
        )
    if fmt == "zpl":
        from .zpl import write_zpl

        return write_zpl(
            labels, SIZES[size], dpmm=DPI[dpi], requested=symbols, today=today, copies=copies
        )
    from .pdf import write_pdf

    target: Sheet | LabelSize = SHEETS[size] if size in SHEETS else SIZES[size]
    return write_pdf(labels, target, requested=symbols, today=today, copies=copies)
