"""ZPL II for Zebra (and ZPL-compatible) thermal printers: one ^XA…^XZ format per label.

ZPL is a plain-text language, so it is written here directly rather than through a package: each
barcode is a printer-native command — the printer encodes it at its own resolution, sharper than
any bitmap we could send:

* GS1-128 and Code 128: ``^BC`` in mode N with explicit subset codes, so the printer makes exactly
  the symbol planned here: ``>;`` start C, ``>:`` start B, ``>5`` / ``>6`` switch to C / B, ``>8``
  FNC1 (first, marking GS1, and after each variable-length field), ``><`` a literal ``>``.
  Planning the subsets ourselves also gives the symbol's exact width, so it is known to fit.
* GS1 DataMatrix: ``^BX`` quality 200 with the escape character set to ``_`` (firmware defaults
  differ), ``_1`` for FNC1, ``__`` for an underscore in the data.
* QR with a GS1 Digital Link URI: ``^BQ`` model 2, error correction M.
* Text: font 0 in a one-line ``^FB`` block, so nothing prints past its box; ``^FH`` escapes the
  characters ZPL reserves (``^``, ``~``, and ``\\`` as the hex indicator).

The HRI under a barcode is printed by us (``^BC…,N``), the same on every format.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date

from .content import LabelData, gs1_fields
from .layout import AUTO, LabelSize, Layout, PlacedText, lay_out
from .symbols import CODE128, DATAMATRIX, GS1_128, QR, Symbol, encode

FNC1 = None  # a token of the Code 128 plan that is the FNC1 function character


def code128_plan(tokens: Sequence[str | None]) -> tuple[str, int]:
    """ZPL ^BC field data for `tokens` (characters, or FNC1 as None) and its codeword count.

    Subset C packs digit pairs: it is used for a run of at least 4 digits at the start or end of
    the data, or 6 inside it (an odd run leaves its first digit in subset B). The count includes
    the start and check characters, so the symbol is ``11 * count + 13`` modules wide.
    """
    out: list[str] = []
    count = 0
    n = len(tokens)

    def run(i: int) -> int:
        j = i
        while j < n and tokens[j] is not None and tokens[j].isdigit():  # type: ignore[union-attr]
            j += 1
        return j - i

    first = next((i for i, t in enumerate(tokens) if t is not FNC1), n)
    start_run = run(first)
    subset = "C" if start_run >= 4 or start_run == n - first == 2 else "B"
    out.append(">;" if subset == "C" else ">:")
    count += 1
    i = 0
    while i < n:
        tok = tokens[i]
        if tok is FNC1:
            out.append(">8")
            count += 1
            i += 1
            continue
        if subset == "C":
            if run(i) >= 2:
                out.append(tokens[i] + tokens[i + 1])  # type: ignore[operator]
                count += 1
                i += 2
                continue
            out.append(">6")
            count += 1
            subset = "B"
            continue
        digits = run(i)
        if digits >= 6 or (digits >= 4 and i + digits == n):
            if digits % 2:
                out.append(tok)
                count += 1
                i += 1
            out.append(">5")
            count += 1
            subset = "C"
            continue
        out.append("><" if tok == ">" else tok)
        count += 1
        i += 1
    return "".join(out), count + 1


def code128_tokens(label: LabelData, kind: str, today: date) -> list[str | None]:
    """What the ^BC symbol encodes: FNC1 + the element string for GS1-128, else the plain text."""
    if kind == CODE128:
        return list(label.plain_text)
    fields = gs1_fields(label, today).element_string("\x1d")
    return [FNC1] + [FNC1 if c == "\x1d" else c for c in fields]


def _encoder(symbol_kind: str, label: LabelData, today: date) -> Symbol:
    """zint's symbol, with a linear symbol's width replaced by the width of our ^BC plan."""
    sym = encode(symbol_kind, label, today, grid=False)
    if sym.linear:
        _, count = code128_plan(code128_tokens(label, symbol_kind, today))
        sym = replace(sym, cols=11 * count + 13)
    return sym


def _hex_escape(text: str) -> str:
    return text.replace("\\", "\\5C").replace("^", "\\5E").replace("~", "\\7E")


def _text(t: PlacedText) -> str:
    align = "C" if t.centred else "L"
    return (
        f"^FO{t.x},{t.y}^A0N,{t.height},{t.height}^FB{t.width},1,0,{align},0"
        f"^FH\\^FD{_hex_escape(t.text)}^FS"
    )


def zpl_format(layout: Layout, today: date, copies: int = 1) -> str:
    """One label as a ZPL format (^XA…^XZ)."""
    label = layout.label
    out = [f"^XA^CI28^PW{layout.width}^LL{layout.height}^LH0,0"]
    for p in layout.symbols:
        kind = p.symbol.kind
        if kind in (GS1_128, CODE128):
            data, _ = code128_plan(code128_tokens(label, kind, today))
            out.append(
                f"^FO{p.x},{p.y}^BY{p.module}^BCN,{p.height},N,N,N^FH\\^FD{_hex_escape(data)}^FS"
            )
        elif kind == DATAMATRIX:
            raw = gs1_fields(label, today).element_string("\x1d")
            data = raw.replace("_", "__").replace("\x1d", "_1")
            out.append(f"^FO{p.x},{p.y}^BXN,{p.module},200,,,,_^FD_1{data}^FS")
        elif kind == QR:
            out.append(f"^FO{p.x},{p.y}^BQN,2,{p.module}^FDMA,{p.symbol.data}^FS")
    out += [_text(t) for t in layout.texts]
    if copies > 1:
        out.append(f"^PQ{copies}")
    out.append("^XZ")
    return "\n".join(out) + "\n"


def write_zpl(
    labels: Sequence[LabelData],
    size: LabelSize,
    *,
    dpmm: int = 8,
    requested: Sequence[str] = (AUTO,),
    today: date,
    copies: int = 1,
) -> bytes:
    """Every label as one ZPL stream, ready to send to the printer (raw, port 9100 or a spooler)."""
    formats = [
        zpl_format(
            lay_out(label, size, dpmm, requested=requested, today=today, encoder=_encoder),
            today,
            copies,
        )
        for label in labels
    ]
    return "".join(formats).encode("utf-8")
