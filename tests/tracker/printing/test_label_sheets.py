"""A4 label sheets: 24 labels a page (3 × 8 of 70 × 37 mm), filled row by row, as many pages as needed."""

from __future__ import annotations

from datetime import date

import pypdfium2 as pdfium
from label_helpers import decode_image, pdf_pages

from tracker.printing import SHEETS, LabelData, render_labels
from tracker.scan import parse_scan

TODAY = date(2026, 12, 1)
DPI = 200


def _labels(n: int) -> list[LabelData]:
    return [
        LabelData("PUMP", "serial", f"SN-{i:04d}", "09506000134352", "L1", date(2028, 3, 31))
        for i in range(n)
    ]


def test_sheet_geometry_is_a4_three_by_eight():
    """The a4-3x8 sheet is A4 with 70 x 37 mm cells, 24 a page, centred top to bottom."""
    sheet = SHEETS["a4-3x8"]
    assert sheet.page_mm == (210, 297) and sheet.per_page == 24
    assert sheet.cell_origin(0) == (0, 0.5)
    assert sheet.cell_origin(2) == (140, 0.5)
    assert sheet.cell_origin(23) == (140, 0.5 + 7 * 37)
    assert sheet.cell_origin(24) == sheet.cell_origin(0)


def test_pages_are_counted_and_sized():
    """50 labels make 3 A4 pages (24 + 24 + 2)."""
    doc = pdfium.PdfDocument(render_labels(_labels(50), "pdf", today=TODAY))
    assert len(doc) == 3
    w, h = doc[0].get_size()
    assert (round(w / 72 * 25.4), round(h / 72 * 25.4)) == (210, 297)


def test_each_label_sits_in_its_cell_in_reading_order():
    """Label i of a page is in column i % 3, row i // 3: its DataMatrix decodes inside that cell."""
    pages = pdf_pages(render_labels(_labels(26), "pdf", today=TODAY), dpi=DPI)
    px = DPI / 25.4
    seen = {}
    for page_no, page in enumerate(pages):
        for r in decode_image(page):
            if r.format != "DataMatrix":
                continue
            index = int(parse_scan(r.scanned).serial[3:])
            x, y = r.centre[0] / px, r.centre[1] / px
            col, row = int(x // 70), int((y - 0.5) // 37)
            seen[index] = (page_no, row * 3 + col)
    assert seen == {i: (i // 24, i % 24) for i in range(26)}


def test_copies_repeat_each_label_in_place():
    """--copies 3 of 10 labels fills 30 cells: two pages, each label three times running."""
    pdf = render_labels(_labels(10), "pdf", copies=3, today=TODAY)
    pages = pdf_pages(pdf, dpi=DPI)
    assert len(pages) == 2
    serials = [
        parse_scan(r.scanned).serial
        for page in pages
        for r in sorted(
            (r for r in decode_image(page) if r.format == "DataMatrix"),
            key=lambda r: (int((r.centre[1] / (DPI / 25.4) - 0.5) // 37), r.centre[0]),
        )
    ]
    assert serials == [f"SN-{i:04d}" for i in range(10) for _ in range(3)]
