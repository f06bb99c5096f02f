"""A boxed text table for the scan-path verbs, drawn with the standard library only.

`trace` answers a scan at the desk, where the target is 200 ms for a whole fresh process;
importing `rich.console` alone costs about 45 ms of that, so its tables (and those of `stats`)
are drawn here in rich's own box style (heavy head, light body); every other table stays with
rich. For the same reason the terminal's width is read here rather than through `shutil`
(which imports bz2 and lzma), and `textwrap` is imported only when a cell has to wrap.
"""

from __future__ import annotations

import os
import sys
import unicodedata
from dataclasses import dataclass, field

import click

__all__ = ["Grid", "cell_width"]

#: The narrowest a column is squeezed to before the table is allowed to run wider than the screen.
MIN_COLUMN = 4


def cell_width(text: str) -> int:
    """Columns `text` takes on a terminal: wide East Asian characters count two."""
    if text.isascii():
        return len(text)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


@dataclass
class Grid:
    """Rows of plain text under a header; one cell of a row may carry a colour name."""

    headers: tuple[str, ...]
    title: str | None = None
    #: Columns kept on one line while any other column can still give way (a timestamp, a status).
    whole: frozenset[str] = frozenset()
    rows: list[tuple[str, ...]] = field(default_factory=list)
    styles: list[tuple[str, ...]] = field(default_factory=list)

    def add_row(self, *cells: str, styles: tuple[str, ...] = ()) -> None:
        if len(cells) != len(self.headers):
            raise ValueError(f"{len(cells)} cells for {len(self.headers)} columns")
        self.rows.append(tuple(cells))
        self.styles.append(styles + ("",) * (len(cells) - len(styles)))

    def widths(self, room: int) -> list[int]:
        """Each column's width: its longest cell, narrowed until the table fits the screen.

        Columns give up their slack above their longest word first (so text wraps between
        words, as rich does); only then are words broken, widest column first.
        """
        columns = [[h, *(r[i] for r in self.rows)] for i, h in enumerate(self.headers)]
        widths = [max(cell_width(c) for c in col) for col in columns]
        words = [
            widths[i]
            if h in self.whole
            else max(cell_width(w) for c in col for w in c.split() or [""])
            for i, (h, col) in enumerate(zip(self.headers, columns, strict=True))
        ]
        frame = 3 * len(widths) + 1  # "│ " before each cell, " " after, and the closing "│"
        while sum(widths) + frame > room:
            slack = [w - m for w, m in zip(widths, words, strict=True)]
            i = max(range(len(widths)), key=slack.__getitem__)
            if slack[i] <= 0:
                i = max(range(len(widths)), key=widths.__getitem__)
                if widths[i] <= MIN_COLUMN:
                    break
            widths[i] -= 1
        return widths

    def lines(self, room: int | None = None) -> list[str]:
        """The table as terminal lines (colours as ANSI codes, which click strips off a pipe)."""
        room = room or terminal_columns()
        widths = self.widths(room)
        out = [self.title] if self.title else []
        out.append(_rule("┏", "━", "┳", "┓", widths))
        out.extend(_row(self.headers, ("",) * len(widths), widths, "┃"))
        out.append(_rule("┡", "━", "╇", "┩", widths))
        for cells, styles in zip(self.rows, self.styles, strict=True):
            out.extend(_row(cells, styles, widths, "│"))
        out.append(_rule("└", "─", "┴", "┘", widths))
        return out

    def echo(self) -> None:
        for line in self.lines():
            click.echo(line)


def terminal_columns(fallback: int = 80) -> int:
    """The terminal's width as `shutil.get_terminal_size` reads it: $COLUMNS, else the terminal
    on standard output, else `fallback`."""
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns
        except (AttributeError, ValueError, OSError):
            columns = 0
    return columns or fallback


def _rule(left: str, fill: str, cross: str, right: str, widths: list[int]) -> str:
    return left + cross.join(fill * (w + 2) for w in widths) + right


def _row(cells: tuple[str, ...], styles: tuple[str, ...], widths: list[int], bar: str) -> list[str]:
    wrapped = [_wrap(c, w) for c, w in zip(cells, widths, strict=True)]
    height = max(len(w) for w in wrapped)
    lines = []
    for k in range(height):
        parts = []
        for pieces, width, style in zip(wrapped, widths, styles, strict=True):
            text = pieces[k] if k < len(pieces) else ""
            padded = text + " " * (width - cell_width(text))
            parts.append(_paint(padded, style) if text and style else padded)
        lines.append(bar + " " + f" {bar} ".join(parts) + " " + bar)
    return lines


def _wrap(text: str, width: int) -> list[str]:
    if cell_width(text) <= width:
        return [text]
    import textwrap

    return textwrap.wrap(text, width, break_on_hyphens=False) or [""]


def _paint(text: str, style: str) -> str:
    """Apply a rich-like style name ("bold red", "dim", "cyan") with click's ANSI styling."""
    words = style.split()
    colour = next((w for w in words if w not in ("bold", "dim")), None)
    return click.style(text, fg=colour, bold="bold" in words or None, dim="dim" in words or None)
