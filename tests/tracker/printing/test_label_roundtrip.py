"""Labels read back: render, decode (zxing-cpp on PNG and PDF, ZPL interpreted), parse as a scan."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from label_helpers import (
    decode_image,
    decode_png,
    parse_zpl,
    pdf_pages,
    read_bc,
    read_bq,
    read_bx,
)

from tracker.labels import gs1_check_digit
from tracker.printing import LabelData, render_labels
from tracker.printing.content import CSET82
from tracker.printing.layout import SIZES, lay_out
from tracker.printing.symbols import DATAMATRIX, QR, encode
from tracker.scan import parse_scan

TODAY = date(2026, 12, 1)


def _gtin(body: str) -> str:
    return body + str(gs1_check_digit(body))


GS1_LABELS = [
    LabelData("PUMP", "serial", "SN-0001", "09506000134352", "L-7/A", date(2028, 3, 31)),
    LabelData("PUMP", "serial", "1234567", _gtin("0000012345678"), "12345", None),
    LabelData("PUMP", "serial", "ABC123", _gtin("0000000000001"), None, None),
    LabelData(
        "PUMP", "serial", "!\"%&'()*+,-./:;<=>?_", "09506000134352", "a/b-c", date(2030, 2, 28)
    ),
    LabelData("TEA", "lot", None, "80614141123458", "T1/2025-06", date(2027, 6, 30)),
    LabelData("GUM", "serial", "00001", _gtin("4017072"), "0", date(2027, 1, 1)),
    LabelData("PUMP", "serial", "Z" * 20, "09506000134352", "9" * 20, date(2029, 12, 31)),
]
PLAIN_LABELS = [
    LabelData("DRESS", "lpn", "LPN0000000000017", lot="L9"),
    LabelData("PHONE", "serial", "PHONE-0000001"),
    LabelData("PHONE", "serial", "1234567"),
    LabelData("VITC", "lot", None, None, "B-12/3", date(2027, 5, 31)),
    LabelData("PHONE", "serial", "a>b^c~d\\e_f"),
    LabelData("DRESS", "lpn", "LPN0000000000024", gtin="09506000134352"),
]
ALL = GS1_LABELS + PLAIN_LABELS


def assert_scans_as(text: str, label: LabelData) -> None:
    """The decoded text, parsed as the returns desk parses a scan, names the label's item."""
    scan = parse_scan(text)
    if label.gs1_capable:
        assert scan.gs1, text
        assert scan.gtin == label.gtin.zfill(14)
        assert (scan.serial, scan.lot, scan.expiry) == (label.identifier, label.lot, label.expiry)
    else:
        assert not scan.gs1, text
        assert scan.identifier == label.plain_text


def _ids(label: LabelData) -> str:
    return f"{label.kind}-{label.name}"


@pytest.mark.parametrize("size", ["50x25", "100x50"])
@pytest.mark.parametrize("label", ALL, ids=_ids)
def test_png_decodes_to_the_same_identifiers(label, size):
    """Every symbol on a PNG label decodes and parses to the label's GTIN, lot, expiry, serial."""
    reads = decode_png(render_labels([label], "png", size, today=TODAY))
    placed = lay_out(label, SIZES[size], 8, today=TODAY).symbols
    names = {"gs1-128": "Code128", "code128": "Code128", "datamatrix": "DataMatrix", "qr": "QRCode"}
    assert sorted(r.format for r in reads) == sorted(names[p.symbol.kind] for p in placed)
    kinds = {p.symbol.kind for p in placed}
    if not label.gs1_capable:
        assert kinds == {"code128"}
    else:  # a GS1-128 too wide (or over 48 characters) is left out by auto
        assert {"datamatrix", "qr"} if size == "100x50" else {"datamatrix"} <= kinds
    for r in reads:
        assert_scans_as(r.scanned, label)


@pytest.mark.parametrize("symbol", ["gs1-128", "datamatrix", "qr"])
def test_png_each_gs1_symbol_alone(symbol):
    """Each GS1 symbology asked for on its own prints alone and reads back."""
    label = GS1_LABELS[0]
    reads = decode_png(render_labels([label], "png", "100x50", symbols=[symbol], today=TODAY))
    assert [r.format for r in reads] == [
        {"gs1-128": "Code128", "datamatrix": "DataMatrix", "qr": "QRCode"}[symbol]
    ]
    assert_scans_as(reads[0].scanned, label)


def test_png_code128_for_a_gtin_serial_carries_the_plain_serial():
    """A plain Code 128 asked for on a GTIN label carries the serial, as typed at the desk."""
    label = GS1_LABELS[0]
    reads = decode_png(render_labels([label], "png", "50x25", symbols=["code128"], today=TODAY))
    assert [(r.format, r.scanned) for r in reads] == [("Code128", "SN-0001")]


def test_png_at_300_dpi_is_sized_and_reads():
    """At 300 dpi the PNG is 12 pixels per mm and still decodes."""
    from io import BytesIO

    from PIL import Image

    data = render_labels([GS1_LABELS[0]], "png", "50x25", dpi=300, today=TODAY)
    image = Image.open(BytesIO(data))
    assert image.size == (600, 300) and round(image.info["dpi"][0]) == 300
    assert_scans_as(decode_png(data)[0].scanned, GS1_LABELS[0])


def test_pdf_sheet_decodes_every_label():
    """On the A4 sheet every label's symbols decode (rendered by PDFium) and parse back."""
    pdf = render_labels(ALL, "pdf", today=TODAY)
    reads = [r for page in pdf_pages(pdf) for r in decode_image(page)]
    for label in ALL:
        mine = [r for r in reads if _matches(r.scanned, label)]
        assert mine, f"nothing decoded for {label.name}"
        for r in mine:
            assert_scans_as(r.scanned, label)
    gs1 = [r for r in reads if r.format in ("DataMatrix", "QRCode")]
    assert len(gs1) == 2 * len(GS1_LABELS)


def _matches(text: str, label: LabelData) -> bool:
    try:
        scan = parse_scan(text)
    except Exception:
        return False
    if label.gs1_capable:
        return scan.gs1 and (scan.serial, scan.lot) == (label.identifier, label.lot)
    return not scan.gs1 and scan.identifier == label.plain_text


def test_pdf_one_label_per_page_at_label_size():
    """With a label size, the PDF has one label per page of that size."""
    import pypdfium2 as pdfium

    pdf = render_labels(GS1_LABELS[:3], "pdf", "100x50", today=TODAY)
    doc = pdfium.PdfDocument(pdf)
    assert len(doc) == 3
    w, h = doc[0].get_size()
    assert (round(w / 72 * 25.4), round(h / 72 * 25.4)) == (100, 50)
    reads = decode_image(doc[1].render(scale=300 / 72).to_pil())
    assert {r.format for r in reads} == {"Code128", "DataMatrix", "QRCode"}
    for r in reads:
        assert_scans_as(r.scanned, GS1_LABELS[1])


# -- ZPL ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("dpi", [203, 300])
@pytest.mark.parametrize("size", ["50x25", "100x50"])
def test_zpl_structure_and_data(size, dpi):
    """One ^XA…^XZ per label, sized to the label; every field origin and symbol inside it;
    every barcode field encodes (interpreted as the printer would) exactly the label's data."""
    zpl = render_labels(ALL, "zpl", size, dpi=dpi, today=TODAY).decode()
    assert zpl.count("^XA") == zpl.count("^XZ") == len(ALL)
    dpmm = 8 if dpi == 203 else 12
    mm = {"50x25": (50, 25), "100x50": (100, 50)}[size]
    for label, fmt in zip(ALL, parse_zpl(zpl), strict=True):
        assert (fmt.width, fmt.length) == (mm[0] * dpmm, mm[1] * dpmm)
        barcodes = [f for f in fmt.fields if f.command != "A0"]
        assert barcodes, label
        for f in fmt.fields:
            assert 0 <= f.x < fmt.width and 0 <= f.y < fmt.length
            if f.block_width is not None:
                assert f.x + f.block_width <= fmt.width
        for f in barcodes:
            assert_scans_as(_zpl_scan(f, label, fmt), label)


def _zpl_scan(f, label: LabelData, fmt) -> str:
    """What the field's barcode carries, after checking it fits on the label with its quiet zone."""
    if f.command == "BC":
        module = int(f.params[0].split("=")[1])
        height = int(f.params[1])
        text, count = read_bc(f.data)
        width = (11 * count + 13) * module
        assert f.x - 10 * module >= 0 and f.x + width + 10 * module <= fmt.width
        assert f.y + height <= fmt.length
        assert f.params[2] == "N"  # the printer's own HRI is off; ours is printed as text
        return text
    if f.command == "BX":
        module, quality, escape = int(f.params[0]), f.params[1], f.params[-1]
        assert (quality, escape) == ("200", "_")
        side = encode(DATAMATRIX, label, TODAY).cols * module
        assert f.x + side <= fmt.width and f.y + side <= fmt.length
        return read_bx(f.data)
    assert f.command == "BQ"
    model, module = f.params[0], int(f.params[1])
    assert model == "2"
    side = encode(QR, label, TODAY).cols * module
    assert f.x + side <= fmt.width and f.y + side <= fmt.length
    return read_bq(f.data)


def test_zpl_copies_use_print_quantity():
    """Copies of a label are one format with ^PQ, not repeated formats."""
    zpl = render_labels([PLAIN_LABELS[0]], "zpl", copies=40, today=TODAY).decode()
    assert zpl.count("^XA") == 1 and parse_zpl(zpl)[0].copies == 40


def test_zpl_text_escapes_reserved_characters():
    """^, ~ and the hex indicator in text are written as ^FH escapes, never raw."""
    zpl = render_labels([PLAIN_LABELS[4]], "zpl", today=TODAY).decode()
    body = zpl.split("^XA", 1)[1]
    assert "^c" not in body and "~d" not in body
    texts = [f.data for f in parse_zpl(zpl)[0].fields if f.command == "A0"]
    assert "a>b^c~d\\e_f" in texts


cset82_text = st.text(alphabet=sorted(CSET82), min_size=1, max_size=20)


@settings(max_examples=40, deadline=None)
@given(serial=cset82_text, lot=st.one_of(st.none(), cset82_text))
def test_any_gs1_serial_and_lot_round_trip_through_datamatrix_and_zpl(serial, lot):
    """Any serial and lot GS1 allows reads back from the PNG DataMatrix and the ZPL ^BX / ^BC."""
    label = LabelData("PUMP", "serial", serial, "09506000134352", lot, date(2028, 3, 31))
    reads = decode_png(render_labels([label], "png", "50x25", symbols=["datamatrix"], today=TODAY))
    assert len(reads) == 1
    assert_scans_as(reads[0].scanned, label)
    fmt = parse_zpl(render_labels([label], "zpl", "100x50", today=TODAY).decode())[0]
    for f in fmt.fields:
        if f.command in ("BC", "BX", "BQ"):
            assert_scans_as(_zpl_scan(f, label, fmt), label)


@pytest.mark.parametrize(
    "sku", ["VLT-PH-A15-128", "SAMSUNG-GALAXY-S24-ULTRA-512GB-TITANIUM", "KURTA#RED/XL", "@@@"]
)
def test_a_generated_serial_fits_a_gs1_label_whatever_the_sku(sku):
    """A minted serial stays within AI (21) — 20 characters of CSET 82 — so a SKU with a GTIN
    gets its DataMatrix, which decodes back to the same serial."""
    from tracker.labels import SERIAL_MAX, make_serial

    serial = make_serial(sku, 1234)
    assert len(serial) <= SERIAL_MAX and set(serial) <= CSET82
    assert serial.endswith("-0001234") and serial != make_serial(sku, 1235)
    label = LabelData(sku, "serial", serial, "09506000134352")
    assert label.gs1_capable
    reads = decode_png(render_labels([label], "png", "50x25", today=TODAY))
    assert "DataMatrix" in {r.format for r in reads}
    for r in reads:
        assert_scans_as(r.scanned, label)
