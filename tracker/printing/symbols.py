"""Barcode symbols as module grids: GS1-128, GS1 DataMatrix, Digital Link QR and plain Code 128.

Encoding is done by **zint** (the `zint-bindings` wheel: libzint, the reference open-source barcode
encoder since 2008, compiled into one binary wheel for Linux, macOS and Windows — no system
library). It was chosen over the alternatives because it is the one pip-installable encoder that
does all four symbologies *and* GS1 properly: FNC1 in first position, FNC1 separators after
variable-length AIs, GS1 mode for DataMatrix, optimal Code 128 subset switching (odd digit runs
included). ReportLab's own ECC200 DataMatrix is fixed at 44×44 C40 with no FNC1, so it cannot make
a GS1 DataMatrix; python-barcode has no DataMatrix; pylibdmtx needs the libdmtx system library.

A `Symbol` is the encoded grid — rows of 0/1 modules — and the quiet zone it needs; the PDF and PNG
writers draw it, and the ZPL writer takes only its size (a Zebra printer encodes the data itself
with ^BC / ^BX / ^BQ).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from ..errors import InputError
from .content import LabelData, gs1_fields

GS1_128, DATAMATRIX, QR, CODE128 = "gs1-128", "datamatrix", "qr", "code128"
KINDS = (GS1_128, DATAMATRIX, QR, CODE128)
LINEAR = frozenset({GS1_128, CODE128})
GS1_KINDS = frozenset({GS1_128, DATAMATRIX, QR})
#: Quiet zone each side, in modules (ISO/IEC 15417 Code 128: 10; ISO/IEC 16022: 1; ISO/IEC 18004: 4).
QUIET = {GS1_128: 10, CODE128: 10, DATAMATRIX: 1, QR: 4}

# one byte per bit, least significant bit first (zint packs each row of modules that way)
_BITS = [bytes((b >> i) & 1 for i in range(8)) for b in range(256)]
_RUN = re.compile(b"\x01+")


@dataclass(frozen=True, slots=True)
class Symbol:
    """One encoded symbol: what it carries and its module grid (one row for a linear symbol)."""

    kind: str
    data: str
    hri: str
    rows: int
    cols: int
    grid: tuple[bytes, ...]

    @property
    def linear(self) -> bool:
        return self.kind in LINEAR

    @property
    def quiet(self) -> int:
        return QUIET[self.kind]

    def runs(self) -> list[tuple[int, int, int]]:
        """Dark runs as (row, first column, length): a linear symbol's bars, a matrix's rows."""
        return [
            (r, a, b - a)
            for r, row in enumerate(self.grid)
            for a, b in map(re.Match.span, _RUN.finditer(row))
        ]


def _zint(
    symbology: object, data: str, what: str, *, gs1: bool = False, option_1: int = 0
) -> object:
    import zint

    sym = zint.Symbol()
    sym.symbology = symbology
    sym.warn_level = zint.WarningLevel.FAIL_ALL
    if gs1:
        sym.input_mode = zint.InputMode.GS1
    if symbology == zint.Symbology.DATAMATRIX:
        sym.option_3 = zint.DataMatrixOptions.SQUARE
    if option_1:
        sym.option_1 = option_1
    try:
        sym.encode(data)
    except Exception as err:  # zint raises a plain error carrying its errtxt
        raise InputError(
            f"{what} cannot carry this label's data: {err}",
            hint="print a GS1 DataMatrix (--symbol datamatrix) or choose a larger --size",
        ) from None
    return sym


def _grid(sym: object) -> tuple[bytes, ...]:
    packed = sym.encoded_data  # type: ignore[attr-defined]
    width = sym.width  # type: ignore[attr-defined]
    nbytes = (width + 7) // 8
    stride = packed.shape[1]
    raw = packed.tobytes()
    return tuple(
        b"".join(_BITS[b] for b in raw[r * stride : r * stride + nbytes])[:width]
        for r in range(sym.rows)  # type: ignore[attr-defined]
    )


def encode(kind: str, label: LabelData, today: date, *, grid: bool = True) -> Symbol:
    """Encode one symbol of a label; GS1 kinds check the label's GS1 data first.

    `grid=False` keeps only the symbol's size (the ZPL writer lets the printer draw it).
    """
    import zint

    cells = _grid if grid else (lambda sym: ())

    if kind == CODE128:
        text = label.plain_text
        sym = _zint(zint.Symbology.CODE128, text, f"label {label.name}: a Code 128")
        return Symbol(kind, text, text, sym.rows, sym.width, cells(sym))
    if kind not in GS1_KINDS:
        raise ValueError(f"unknown symbol kind {kind!r}")
    fields = gs1_fields(label, today)
    if kind == QR:
        uri = fields.digital_link()
        what = f"label {label.name}: a QR code"
        sym = _zint(zint.Symbology.QRCODE, uri, what, option_1=2)  # error correction level M
        return Symbol(kind, uri, uri, sym.rows, sym.width, cells(sym))
    symbology = zint.Symbology.GS1_128 if kind == GS1_128 else zint.Symbology.DATAMATRIX
    sym = _zint(symbology, fields.bracketed(), f"label {label.name}: a {kind}", gs1=True)
    return Symbol(kind, fields.bracketed(), fields.hri(), sym.rows, sym.width, cells(sym))
