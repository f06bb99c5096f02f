"""One label as a PNG image, drawn with Pillow at the printer's resolution (203 or 300 dpi).

The image is what a thermal printer would print for the same layout — the same module grid, one
pixel per printer dot — so it serves both as a preview of a ZPL label and as a file to print from
any desktop application. Text uses the TrueType font bundled with Pillow (≥ 10.1).
"""

from __future__ import annotations

import io
from datetime import date

from .content import LabelData
from .layout import AUTO, LabelSize, Layout, lay_out


def draw_png(layout: Layout) -> bytes:
    """The PNG of one laid-out label: black on white, 1 bit per pixel, dpi recorded."""
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("1", (layout.width, layout.height), 1)
    draw = ImageDraw.Draw(image)
    for p in layout.symbols:
        m = p.module
        for r, c, n in p.symbol.runs():
            x = p.x + c * m
            if p.symbol.linear:
                draw.rectangle((x, p.y, x + n * m - 1, p.y + p.height - 1), fill=0)
            else:
                y = p.y + r * m
                draw.rectangle((x, y, x + n * m - 1, y + m - 1), fill=0)
    for t in layout.texts:
        font = ImageFont.load_default(size=t.height)
        width = draw.textlength(t.text, font=font)
        if width > t.width:
            font = ImageFont.load_default(size=max(6, int(t.height * t.width / width)))
            width = draw.textlength(t.text, font=font)
        x = t.x + ((t.width - width) / 2 if t.centred else 0)
        draw.text((x, t.y), t.text, font=font, fill=0)
    buf = io.BytesIO()
    dpi = {8: 203, 12: 300}.get(layout.dpmm, round(layout.dpmm * 25.4))  # printers' nominal dpi
    image.save(buf, format="PNG", dpi=(dpi, dpi))
    return buf.getvalue()


def write_png(
    label: LabelData,
    size: LabelSize,
    *,
    dpmm: int = 8,
    requested: tuple[str, ...] = (AUTO,),
    today: date,
) -> bytes:
    """One label as PNG bytes."""
    return draw_png(lay_out(label, size, dpmm, requested=requested, today=today))
