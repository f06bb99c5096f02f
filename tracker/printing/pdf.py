"""PDF label sheets (A4, 3 × 8 = 24 labels a page) or one label per page, drawn with ReportLab.

ReportLab (BSD, maintained since 2000, a pure-Python wheel) writes the PDF. Symbols are drawn as
vector rectangles from the module grids zint made — one rectangle per run of dark modules, in a
coordinate system scaled to one module, written with `Canvas.addLiteral` because ReportLab's
per-rectangle calls cost ~13 µs each and a sheet of GS1 labels has ~10,000 of them. Text is
Helvetica, one of the 14 fonts every PDF reader has, so nothing is embedded. Layouts use a
12 dots/mm grid (about 300 dpi), so modules are whole multiples of 1/12 mm.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from functools import partial

from .content import LabelData
from .layout import AUTO, LabelSize, Layout, Sheet, lay_out
from .symbols import encode

PT_PER_MM = 72 / 25.4
DPMM = 12
FONT = "Helvetica"
ASCENT = 0.72  # Helvetica's cap height is about 0.72 em


def with_grids(layout: Layout, today: date) -> Layout:
    """The layout with each placed symbol encoded again, module grid included."""
    symbols = tuple(
        replace(p, symbol=encode(p.symbol.kind, layout.label, today)) for p in layout.symbols
    )
    return replace(layout, symbols=symbols)


def _symbol_ops(layout: Layout, left_mm: float, top_pt: float) -> list[str]:
    """PDF operators filling every dark run of every symbol of one placed label."""
    ops = []
    dot = PT_PER_MM / layout.dpmm
    for p in layout.symbols:
        scale = p.module * dot
        x = left_mm * PT_PER_MM + p.x * dot
        y = top_pt - p.y * dot
        ops.append(f"q {scale:.4f} 0 0 {-scale:.4f} {x:.3f} {y:.3f} cm")
        if p.symbol.linear:
            bar = p.height / p.module
            ops += [f"{c} 0 {n} {bar:.3f} re" for _, c, n in p.symbol.runs()]
        else:
            ops += [f"{c} {r} {n} 1 re" for r, c, n in p.symbol.runs()]
        ops.append("f Q")
    return ops


def _draw(canvas: object, layout: Layout, left_mm: float, top_mm: float, page_h: float) -> None:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    top_pt = page_h - top_mm * PT_PER_MM
    canvas.addLiteral("\n".join(_symbol_ops(layout, left_mm, top_pt)))  # type: ignore[attr-defined]
    dot = PT_PER_MM / layout.dpmm
    for t in layout.texts:
        size = t.height * dot
        box = t.width * dot
        width = stringWidth(t.text, FONT, size)
        if width > box:
            size *= box / width
            width = box
        canvas.setFont(FONT, size)  # type: ignore[attr-defined]
        x = left_mm * PT_PER_MM + t.x * dot + ((box - width) / 2 if t.centred else 0)
        y = top_pt - t.y * dot - ASCENT * size
        canvas.drawString(x, y, t.text)  # type: ignore[attr-defined]


def write_pdf(
    labels: Sequence[LabelData],
    target: Sheet | LabelSize,
    *,
    requested: Sequence[str] = (AUTO,),
    today: date,
    copies: int = 1,
) -> bytes:
    """Labels on sheets (left to right, top to bottom, as many pages as needed), or one a page."""
    from reportlab.pdfgen.canvas import Canvas

    if isinstance(target, Sheet):
        sheet = target
    else:
        sheet = Sheet(target.name, (target.width_mm, target.height_mm), 1, 1, target, 0, 0)
    page_w, page_h = (v * PT_PER_MM for v in sheet.page_mm)
    # every label is checked and placed first (sizes only), so a bad one refuses the batch
    # before anything is drawn; module grids are made one label at a time while drawing
    sizes_only = partial(encode, grid=False)
    layouts = [
        lay_out(label, sheet.cell, DPMM, requested=requested, today=today, encoder=sizes_only)
        for label in labels
    ]
    buf = io.BytesIO()
    canvas = Canvas(buf, pagesize=(page_w, page_h), pageCompression=1)
    canvas.setTitle("trackright labels")
    canvas.setCreator("trackright")
    index = 0
    for placed in layouts:
        layout = with_grids(placed, today)
        for _ in range(copies):
            if index and index % sheet.per_page == 0:
                canvas.showPage()
            left, top = sheet.cell_origin(index)
            _draw(canvas, layout, left, top, page_h)
            index += 1
    canvas.showPage()
    canvas.save()
    return buf.getvalue()
