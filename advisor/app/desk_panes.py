"""The desk's hidden tabs (returns, dashboard): built after the desk is on screen, one per frame.

Why: the desk opens on its command line, and accepting a policy switches to it. Mounting and
styling the returns desk and the dashboard with it (two thirds of the screen's widgets, none of
them visible) held every key back for a quarter of a second. So the screen composes the command
line only; once it has been drawn, each hidden tab is filled in a frame of its own, keys handled
in between, and a tab wanted before that (F3, a verdict to show, dashboard figures) is filled
on the spot (`LazyPanes.ensure_pane`).
"""

from __future__ import annotations

from collections.abc import Callable

from textual.containers import Horizontal
from textual.widget import AwaitMount, Widget
from textual.widgets import DataTable, Select, Static, TabPane

from advisor.app.widgets import Field, PagedScroll
from tracker.vocabulary import RETURN_REASONS

RETURNS_HINT = "Type the order number, then scan each returned unit."


def returns_widgets() -> list[Widget]:
    """The returns desk: order, scanned unit and reason on one line, then the verdict, big."""
    return [
        Horizontal(
            Field(id="order", placeholder="Order number"),
            Field(id="scan", placeholder="Scan the returned unit"),
            Select(
                [(r.replace("_", " "), r) for r in RETURN_REASONS],
                value="other" if "other" in RETURN_REASONS else RETURN_REASONS[0],
                allow_blank=False,
                id="reason",
            ),
            id="return-fields",
        ),
        Static(RETURNS_HINT, id="verdict"),
        Static("", id="verdict-why"),
    ]


def dashboard_widgets() -> list[Widget]:
    """The dashboard: stock by status, then warehouses, stock, return rates, suspects, the
    returns analytics and the advice, in one pane that pages by keys."""
    stock = DataTable(id="stock", cursor_type="row")
    stock.add_columns("SKU", "where", "status", "qty")
    rates = DataTable(id="rates", cursor_type="none")
    rates.add_columns("SKU", "shipped", "returned", "rate")
    suspects = DataTable(id="suspects", cursor_type="none")
    suspects.add_columns("unit", "SKU", "status", "returns", "flags")
    return [
        Static("", id="dash-head"),
        PagedScroll(
            Static("", id="dash-warehouses"),
            stock,
            rates,
            suspects,
            Static("", id="dash-returns"),
            Static("", id="dash-advice"),
            id="dash",
        ),
    ]


FILL_EVERY = 0.02  # seconds between filling one hidden tab and the next

#: What each hidden tab holds, in the order they are filled once the desk is drawn.
PANES: dict[str, Callable[[], list[Widget]]] = {
    "returns": returns_widgets,
    "dashboard": dashboard_widgets,
}


class LazyPanes:
    """Fills the screen's hidden tabs (`PANES`, each an empty TabPane of that id at compose)."""

    _filled: set[str]

    def fill_panes_later(self) -> None:
        """Fill each hidden tab once the desk is drawn, one tab per turn of the event loop."""
        self._filled = getattr(self, "_filled", set())
        self.call_after_refresh(self._fill_soon)  # type: ignore[attr-defined]

    def _fill_soon(self) -> None:
        # A timer runs in a task of its own: callbacks after a refresh all run in the screen's
        # one turn, and keys would wait for every tab at once.
        self.set_timer(FILL_EVERY, self._fill_next)  # type: ignore[attr-defined]

    def _fill_next(self) -> None:
        waiting = [p for p in PANES if p not in self._filled]
        if waiting:
            self.ensure_pane(waiting[0])
        if len(waiting) > 1:
            self._fill_soon()

    def ensure_pane(self, pane: str) -> AwaitMount | None:
        """Fill `pane` now if it is not yet: its widgets can be queried when this returns
        (they finish mounting soon after; await the result to wait for that)."""
        self._filled = getattr(self, "_filled", set())
        if pane not in PANES or pane in self._filled:
            return None
        self._filled.add(pane)
        holder = self.query_one(f"#{pane}", TabPane)  # type: ignore[attr-defined]
        return holder.mount_all(PANES[pane]())


__all__ = ["PANES", "RETURNS_HINT", "LazyPanes", "dashboard_widgets", "returns_widgets"]
