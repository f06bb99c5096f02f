"""Reading printed labels back: decode PNG and PDF with zxing-cpp, interpret ZPL barcode fields.

A scanner in its usual setting sends a GS1 barcode as its symbology identifier (``]C1``, ``]d2``)
followed by the element string with GS separators, and a plain Code 128 or QR code as its text;
`scanned` builds exactly that, so tests feed it to `tracker.scan.parse_scan` as the desk would.
The ZPL interpreter reads ``^BC`` subset codes, ``^BX`` escapes and ``^BQ`` data the way the
Zebra programming guide describes them, so a ZPL label is checked for the data it makes a printer
encode, not for a string we wrote.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field

import zxingcpp
from PIL import Image


@dataclass(frozen=True)
class Read:
    """One decoded symbol: format name, what a scanner would send, and its centre in pixels."""

    format: str
    scanned: str
    centre: tuple[float, float]


def scanned(barcode: zxingcpp.Barcode) -> str:
    """What a scanner sends for this symbol (symbology prefix only for GS1 content)."""
    raw = barcode.bytes.decode("latin-1")
    if barcode.content_type == zxingcpp.ContentType.GS1:
        return barcode.symbology_identifier + raw
    return raw


def decode_image(image: Image.Image) -> list[Read]:
    """Every symbol zxing-cpp finds in the image."""
    reads = []
    for b in zxingcpp.read_barcodes(image.convert("L")):
        p = b.position
        xs = (p.top_left.x, p.top_right.x, p.bottom_left.x, p.bottom_right.x)
        ys = (p.top_left.y, p.top_right.y, p.bottom_left.y, p.bottom_right.y)
        reads.append(Read(b.format.name, scanned(b), (sum(xs) / 4, sum(ys) / 4)))
    return reads


def decode_png(data: bytes) -> list[Read]:
    return decode_image(Image.open(io.BytesIO(data)))


def pdf_pages(data: bytes, dpi: int = 300) -> list[Image.Image]:
    """The PDF's pages as images, rendered by PDFium."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(data)
    return [page.render(scale=dpi / 72).to_pil() for page in doc]


# -- ZPL -------------------------------------------------------------------------------------------

GS = "\x1d"


@dataclass
class ZplField:
    """One ^FO…^FS field: its origin, the barcode / font command and the decoded field data."""

    x: int
    y: int
    command: str
    params: list[str]
    data: str
    block_width: int | None = None


@dataclass
class ZplLabel:
    """One ^XA…^XZ format."""

    width: int
    length: int
    fields: list[ZplField] = field(default_factory=list)
    copies: int = 1


def _unhex(data: str, indicator: str | None) -> str:
    if not indicator:
        return data
    return re.sub(
        re.escape(indicator) + "([0-9A-Fa-f]{2})", lambda m: chr(int(m.group(1), 16)), data
    )


def parse_zpl(text: str) -> list[ZplLabel]:
    """Split a ZPL stream into formats and fields (the commands trackright writes)."""
    labels = []
    for body in re.findall(r"\^XA(.*?)\^XZ", text, flags=re.S):
        width = int(re.search(r"\^PW(\d+)", body).group(1))
        length = int(re.search(r"\^LL(\d+)", body).group(1))
        label = ZplLabel(width, length)
        pq = re.search(r"\^PQ(\d+)", body)
        if pq:
            label.copies = int(pq.group(1))
        for m in re.finditer(r"\^FO(\d+),(\d+)(.*?)\^FS", body, flags=re.S):
            x, y, inner = int(m.group(1)), int(m.group(2)), m.group(3)
            cmd = re.search(r"\^(BC|BX|BQ|A0)([^\^]*)", inner)
            hexmark = re.search(r"\^FH(.?)", inner)
            data = inner.split("^FD", 1)[1]
            fb = re.search(r"\^FB(\d+)", inner)
            label.fields.append(
                ZplField(
                    x,
                    y,
                    cmd.group(1),
                    cmd.group(2).lstrip("N,").split(",") if cmd.group(2) else [],
                    _unhex(data, hexmark.group(1) if hexmark else None),
                    int(fb.group(1)) if fb else None,
                )
            )
            by = re.search(r"\^BY(\d+)", inner)
            if by:
                label.fields[-1].params.insert(0, "module=" + by.group(1))
        labels.append(label)
    return labels


def read_bc(data: str) -> tuple[str, int]:
    """What a ^BC (mode N) field encodes, as a scanner sends it, and its codeword count."""
    out: list[str] = []
    count = 0
    subset = None
    gs1 = False
    i = 0
    while i < len(data):
        if data[i] == ">" and i + 1 < len(data):
            code = data[i + 1]
            i += 2
            count += 1
            if code in ";:9":
                subset = {";": "C", ":": "B", "9": "A"}[code]
            elif code in "567":
                subset = {"5": "C", "6": "B", "7": "A"}[code]
            elif code == "8":
                if count == 2:
                    gs1 = True
                else:
                    out.append(GS)
            elif code == "<":
                out.append(">")
            else:
                raise AssertionError(f"unexpected invocation code >{code}")
            continue
        assert subset is not None, "^BC data must begin with a start code"
        if subset == "C":
            pair = data[i : i + 2]
            assert len(pair) == 2 and pair.isdigit(), f"subset C needs digit pairs, got {pair!r}"
            out.append(pair)
            i += 2
        else:
            out.append(data[i])
            i += 1
        count += 1
    text = "".join(out)
    return ("]C1" + text if gs1 else text), count + 1  # + the check character


def read_bx(data: str) -> str:
    """What a ^BX quality-200 field with escape character '_' encodes, as a scanner sends it."""
    assert data.startswith("_1"), "a GS1 DataMatrix starts with FNC1"
    out, i = [], 2
    while i < len(data):
        if data[i] == "_":
            nxt = data[i + 1]
            out.append("_" if nxt == "_" else GS if nxt == "1" else None)
            assert out[-1] is not None, f"unexpected escape _{nxt}"
            i += 2
        else:
            out.append(data[i])
            i += 1
    return "]d2" + "".join(out)


def read_bq(data: str) -> str:
    """The text of a ^BQ field (after the error-correction / input-mode prefix)."""
    assert re.match(r"^[HQML]A,", data), data
    return data[3:]
