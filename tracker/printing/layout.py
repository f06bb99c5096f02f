"""Where things go on a label: label and sheet sizes, which symbols to print, and their placement.

Placement is computed once, in printer dots (8 dots/mm at 203 dpi, 12 at 300 dpi), for every
format: a linear symbol across the top with its human-readable line under it, square symbols
(DataMatrix on the left, QR on the right) below it, and the text lines in the space left. Module
sizes are whole dots, so bars and cells land on the printer's grid; they are chosen as large as
fits, between 0.25 mm (the smallest X-dimension we print, readable by ordinary scanners) and
0.5 mm. A symbol asked for by name that does not fit is an error; one chosen automatically that
does not fit (a long GS1-128 on a small label) is left out.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from ..errors import InputError
from .content import LabelData, gs1_fields, is_gs1_text, text_lines
from .symbols import CODE128, DATAMATRIX, GS1_128, GS1_KINDS, KINDS, LINEAR, QR, Symbol, encode

AUTO = "auto"
MIN_MODULE_MM = 0.25
MAX_MODULE_MM = 0.5
#: Average glyph width as a share of the font height, for the fonts we print with.
CHAR_WIDTH = 0.6


@dataclass(frozen=True, slots=True)
class LabelSize:
    """A label's size and the margin kept clear of print, in millimetres."""

    name: str
    width_mm: float
    height_mm: float
    margin_mm: float


@dataclass(frozen=True, slots=True)
class Sheet:
    """A page of labels in a grid: page size, cell (label) size and the grid's top-left corner."""

    name: str
    page_mm: tuple[float, float]
    cols: int
    rows: int
    cell: LabelSize
    left_mm: float
    top_mm: float

    @property
    def per_page(self) -> int:
        return self.cols * self.rows

    def cell_origin(self, index: int) -> tuple[float, float]:
        """Top-left corner (mm from the page's top-left) of the label at `index` on its page."""
        row, col = divmod(index % self.per_page, self.cols)
        return (
            self.left_mm + col * self.cell.width_mm,
            self.top_mm + row * self.cell.height_mm,
        )


SIZES = {
    "50x25": LabelSize("50x25", 50, 25, 2),
    "100x50": LabelSize("100x50", 100, 50, 3),
}
#: A4 sheets of 3 × 8 labels of 70 × 37 mm (the common "24 per sheet" stock, e.g. Avery 3474).
SHEETS = {
    "a4-3x8": Sheet("a4-3x8", (210, 297), 3, 8, LabelSize("a4-3x8", 70, 37, 3), 0, 0.5),
}


@dataclass(frozen=True, slots=True)
class PlacedSymbol:
    """A symbol at (x, y) — the top-left of its first module — drawn `module` dots per module."""

    symbol: Symbol
    x: int
    y: int
    module: int
    height: int

    @property
    def width(self) -> int:
        return self.symbol.cols * self.module


@dataclass(frozen=True, slots=True)
class PlacedText:
    """A line of text: box top-left (x, y), font height and the box width it must stay inside."""

    text: str
    x: int
    y: int
    height: int
    width: int
    centred: bool = False


@dataclass(frozen=True, slots=True)
class Layout:
    """One label, ready to draw: its size in dots and what goes where."""

    label: LabelData
    width: int
    height: int
    dpmm: int
    symbols: tuple[PlacedSymbol, ...]
    texts: tuple[PlacedText, ...]


def choose_kinds(label: LabelData, requested: Sequence[str], size: LabelSize) -> list[str]:
    """The symbols to print, linear first; `auto` picks what suits the label and its size.

    `auto` prints GS1 symbols for a GTIN item whose serial and lot GS1 can carry, else a
    Code 128 of the identifier (which the tracker reads back just the same).
    """
    if not requested or AUTO in requested:
        gs1_text = is_gs1_text("21", label.identifier) and is_gs1_text("10", label.lot)
        if not (label.gs1_capable and gs1_text):
            return [CODE128]  # e.g. a generated serial longer than GS1's 20 characters
        kinds = [GS1_128, DATAMATRIX]
        return kinds + [QR] if size.width_mm >= 60 else kinds
    unknown = [k for k in requested if k not in KINDS]
    if unknown:
        raise InputError(f"symbol {unknown[0]!r} is not one of {', '.join((AUTO, *KINDS))}")
    kinds = list(dict.fromkeys(requested))
    if sum(k in LINEAR for k in kinds) > 1:
        raise InputError("a label carries one linear barcode: choose gs1-128 or code128")
    return sorted(kinds, key=lambda k: (k not in LINEAR, k != DATAMATRIX))


def _fit_error(label: LabelData, kind: str, size: LabelSize) -> InputError:
    other = " or --symbol datamatrix" if kind == GS1_128 else ""
    return InputError(
        f"label {label.name}: a {kind} symbol of this data does not fit on a {size.name} label "
        f"with modules of at least {MIN_MODULE_MM} mm",
        hint=f"choose a larger --size (100x50){other}",
    )


def lay_out(
    label: LabelData,
    size: LabelSize,
    dpmm: int,
    *,
    requested: Sequence[str] = (AUTO,),
    today: date,
    encoder: Callable[[str, LabelData, date], Symbol] = encode,
) -> Layout:
    """Choose, encode and place a label's symbols and text; refuse what does not fit."""
    auto = not requested or AUTO in requested
    width, height = round(size.width_mm * dpmm), round(size.height_mm * dpmm)
    margin = round(size.margin_mm * dpmm)
    x0, y0, w, h = margin, margin, width - 2 * margin, height - 2 * margin
    lo, hi = math.ceil(MIN_MODULE_MM * dpmm), math.floor(MAX_MODULE_MM * dpmm)
    kinds = choose_kinds(label, requested, size)
    if any(k in GS1_KINDS for k in kinds):
        gs1_fields(label, today)  # refuses a label that cannot be a GS1 barcode, with the reason
    symbols = []
    for kind in kinds:
        try:
            symbols.append(encoder(kind, label, today))
        except InputError:  # a GS1-128 carries at most 48 characters
            if not (auto and kind == GS1_128):
                raise
    placed: list[PlacedSymbol] = []
    texts: list[PlacedText] = []
    squares = [s for s in symbols if not s.linear]
    top = y0
    for sym in (s for s in symbols if s.linear):
        module = next(
            (
                m
                for m in range(hi, lo - 1, -1)
                if sym.cols * m <= w and (sym.cols + 2 * sym.quiet) * m <= width
            ),
            None,
        )
        if module is None:
            if auto and sym.kind == GS1_128:
                continue
            raise _fit_error(label, sym.kind, size)
        hri_h = max(round(1.6 * dpmm), min(round(h * 0.12), round(3 * dpmm)))
        hri_h = min(hri_h, int(w / (CHAR_WIDTH * max(len(sym.hri), 1))))
        bars = round(h * (0.3 if squares else 0.45))
        x = x0 + (w - sym.cols * module) // 2
        placed.append(PlacedSymbol(sym, x, top, module, bars))
        texts.append(PlacedText(sym.hri, x0, top + bars + dpmm // 2, hri_h, w, centred=True))
        top += bars + dpmm // 2 + hri_h + dpmm
    area_h = y0 + h - top
    left, right = x0, x0 + w
    for sym in squares:
        module = min(hi, area_h // (sym.cols + 2 * sym.quiet))
        if module < lo:
            if auto:
                continue
            raise _fit_error(label, sym.kind, size)
        side = sym.cols * module
        pad = sym.quiet * module
        if sym.kind == QR:
            x = right - pad - side
            right = x - pad
        else:
            x = left + pad
            left = x + side + pad
        placed.append(PlacedSymbol(sym, x, top + pad, module, side))
    if not placed:
        raise _fit_error(label, " or ".join(kinds), size)
    if right - left < 10 * dpmm and any(not p.symbol.linear for p in placed):
        raise _fit_error(label, "text", size)
    lines = list(text_lines(label))
    if any(p.symbol.kind == CODE128 for p in placed) and label.identifier:
        lines = lines[:-1]  # the Code 128's own line shows the identifier
    texts += _text_block(lines, left + dpmm, top, right - left - dpmm, y0 + h - top, dpmm)
    return Layout(label, width, height, dpmm, tuple(placed), tuple(texts))


def _text_block(
    lines: list[str], x: int, y: int, box_w: int, box_h: int, dpmm: int
) -> list[PlacedText]:
    """Lines stacked from the top of the box, as large as fit (1.6 to 3.5 mm); overflow dropped."""
    if not lines or box_h <= 0 or box_w <= 0:
        return []
    smallest, largest = round(1.6 * dpmm), round(3.5 * dpmm)
    n = max(1, min(len(lines), box_h // round(smallest * 1.2)))
    lines = lines[:n]
    longest = max(len(t) for t in lines)
    size = min(largest, int(box_h / (n * 1.2)), int(box_w / (CHAR_WIDTH * longest)))
    size = max(size, smallest)
    fits = max(4, int(box_w / (CHAR_WIDTH * size)))
    lines = [t if len(t) <= fits else t[: fits - 2] + ".." for t in lines]
    step = round(size * 1.2)
    return [PlacedText(t, x, y + i * step, size, box_w) for i, t in enumerate(lines)]
