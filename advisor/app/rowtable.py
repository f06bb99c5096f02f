"""A read-only table that draws only the rows on screen, for catalogs of hundreds of thousands.

Textual's `DataTable` builds a row object and measures every cell on the UI thread as rows are
added, which froze the app for seconds on a 20,000-row catalog. `RowTable` takes any sequence
and a function that turns one item into its cells; it formats a row only when that row is
drawn, so handing it 200,000 decisions costs nothing and a keypress never waits for the table.
Column widths are measured once, where the caller likes (a worker thread), with
`measure_columns`. Cells that do not fit are shortened in the middle, keeping both ends
("Health sup…high end of your range", "lot, ex…mfg_date").
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

Cell = str | Text
Format = Callable[[Any], Sequence[Cell]]


@dataclass(frozen=True, slots=True)
class Column:
    """A column: its heading, how wide its widest cell is, the least it may shrink to, and
    whether numbers in it line up on the right."""

    label: str
    width: int
    least: int = 6
    right: bool = False


def shorten(text: str, width: int) -> str:
    """`text` in `width` cells, cut in the middle so the start and the end both stay readable."""
    if len(text) <= width:
        return text
    if width <= 1:
        return "…"[:width]
    head = (width - 1) // 2
    tail = width - 1 - head
    return text[:head] + "…" + (text[-tail:] if tail else "")


def measure_columns(
    labels: Sequence[str], items: Sequence[Any], cells: Format, *, right: Sequence[int] = ()
) -> tuple[Column, ...]:
    """Each column's widest cell (heading included) over `items`: slow for big catalogs, so call
    it from the worker that produced them."""
    widths = [len(label) for label in labels]
    for item in items:
        for i, cell in enumerate(cells(item)):
            n = len(cell.plain) if isinstance(cell, Text) else len(cell)
            if n > widths[i]:
                widths[i] = n
    return tuple(
        Column(label, width, least=min(width, max(len(label), 6)), right=i in right)
        for i, (label, width) in enumerate(zip(labels, widths, strict=True))
    )


def fit_widths(columns: Sequence[Column], room: int, gap: int = 1) -> list[int]:
    """Widths that fit `room`: columns keep their natural width while they fit; otherwise the
    widest columns give way first, never below their least width."""
    widths = [c.width for c in columns]
    room -= gap * max(len(columns) - 1, 0)
    while sum(widths) > room:
        candidates = [i for i, c in enumerate(columns) if widths[i] > c.least]
        if not candidates:
            break
        widest = max(candidates, key=lambda i: widths[i])
        widths[widest] -= 1
    return widths


class RowTable(ScrollView, can_focus=True):
    """Rows from a sequence, one cursor row; Highlighted and Selected say which item."""

    BINDINGS = [
        Binding("up", "cursor(-1)", "Up", show=False),
        Binding("down", "cursor(1)", "Down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("home,ctrl+home", "first", "First", show=False),
        Binding("end,ctrl+end", "last", "Last", show=False),
        Binding("enter", "select", "Select", show=False),
    ]
    COMPONENT_CLASSES = {"row-table--header", "row-table--cursor", "row-table--even"}
    DEFAULT_CSS = """
    RowTable { background: $surface; scrollbar-gutter: stable; }
    RowTable > .row-table--header { background: $panel; color: $foreground; text-style: bold; }
    RowTable > .row-table--cursor { background: $block-cursor-blurred-background; }
    RowTable:focus > .row-table--cursor {
        background: $block-cursor-background; color: $block-cursor-foreground; text-style: bold;
    }
    RowTable > .row-table--even { background: $surface-lighten-1; }
    """

    cursor_row: reactive[int] = reactive(0, always_update=False, init=False)

    @dataclass
    class Highlighted(Message):
        """The cursor moved to item `index`."""

        table: RowTable
        index: int

        @property
        def control(self) -> RowTable:
            return self.table

    @dataclass
    class Selected(Message):
        """Enter (or a click on the cursor row) on item `index`."""

        table: RowTable
        index: int

        @property
        def control(self) -> RowTable:
            return self.table

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._items: Sequence[Any] = ()
        self._cells: Format = lambda item: ()
        self._columns: tuple[Column, ...] = ()
        self._fitted: tuple[tuple, list[int]] = ((), [])  # (width, columns) → fitted widths

    # -- data ------------------------------------------------------------------------------------

    def show(self, columns: Sequence[Column], items: Sequence[Any], cells: Format) -> None:
        """Show `items` (not copied) under `columns`; `cells(item)` is called only to draw."""
        self._columns = tuple(columns)
        self._items = items
        self._cells = cells
        self.virtual_size = Size(0, len(items) + 1)
        self.set_reactive(RowTable.cursor_row, 0)
        self.scroll_to(y=0, animate=False, immediate=True)
        self.refresh()
        if items:
            self.post_message(self.Highlighted(self, 0))

    def clear(self) -> None:
        self.show(self._columns, (), self._cells)

    @property
    def row_count(self) -> int:
        return len(self._items)

    @property
    def items(self) -> Sequence[Any]:
        return self._items

    def get_row_at(self, index: int) -> list[str]:
        """The cells of one row as plain text, unshortened (tests, copy)."""
        return [c.plain if isinstance(c, Text) else c for c in self._cells(self._items[index])]

    def move_cursor(self, *, row: int) -> None:
        self.cursor_row = row

    # -- keys ------------------------------------------------------------------------------------

    def validate_cursor_row(self, row: int) -> int:
        return max(0, min(row, len(self._items) - 1))

    def watch_cursor_row(self, old: int, new: int) -> None:
        visible = max(self.scrollable_content_region.height - 1, 1)
        if new < self.scroll_y:
            self.scroll_to(y=new, animate=False, immediate=True)
        elif new >= self.scroll_y + visible:
            self.scroll_to(y=new - visible + 1, animate=False, immediate=True)
        self.refresh()
        if self._items:
            self.post_message(self.Highlighted(self, new))

    def action_cursor(self, step: int) -> None:
        self.cursor_row += step

    def action_page(self, pages: int) -> None:
        visible = max(self.scrollable_content_region.height - 1, 1)
        self.cursor_row += pages * visible

    def action_first(self) -> None:
        self.cursor_row = 0

    def action_last(self) -> None:
        self.cursor_row = len(self._items) - 1

    def action_select(self) -> None:
        if self._items:
            self.post_message(self.Selected(self, self.cursor_row))

    def on_click(self, event: events.Click) -> None:
        index = int(self.scroll_y) + event.y - 1
        if event.y < 1 or not 0 <= index < len(self._items):
            return
        if index == self.cursor_row:
            self.action_select()
        else:
            self.cursor_row = index

    # -- drawing ---------------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        base = self.rich_style
        if y == 0:
            style = base + self.get_component_rich_style("row-table--header")
            return self._strip([c.label for c in self._columns], width, style)
        index = int(self.scroll_y) + y - 1
        if index >= len(self._items):
            return Strip.blank(width, base)
        if index == self.cursor_row:
            style = base + self.get_component_rich_style("row-table--cursor")
        elif index % 2:
            style = base + self.get_component_rich_style("row-table--even")
        else:
            style = base
        return self._strip(self._cells(self._items[index]), width, style)

    def _strip(self, cells: Sequence[Cell], width: int, style: Style) -> Strip:
        if self._fitted[0] != (width, self._columns):
            self._fitted = ((width, self._columns), fit_widths(self._columns, width))
        widths = self._fitted[1]
        segments: list[Segment] = []
        for i, (column, cell, room) in enumerate(zip(self._columns, cells, widths, strict=False)):
            if i:
                segments.append(Segment(" ", style))
            plain = cell.plain if isinstance(cell, Text) else cell
            text = shorten(plain, room)
            padded = text.rjust(room) if column.right else text.ljust(room)
            cell_style = style
            if isinstance(cell, Text) and cell.style:
                cell_style = style + Style.parse(str(cell.style))
            segments.append(Segment(padded, cell_style))
        return Strip(segments).crop_extend(0, width, style)


__all__ = ["Column", "RowTable", "fit_widths", "measure_columns", "shorten"]
