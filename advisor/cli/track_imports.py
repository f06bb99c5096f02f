"""Drawing the outcomes of `track import orders|returns` and `track stats --returns` on a terminal.

Kept beside `advisor.cli.track` (whose `DRAW` table points here) so that the imports and the
returns analytics draw their tables in one place; rich is loaded only when a table is drawn.
"""

from __future__ import annotations

from typing import Any

import click

__all__ = ["draw_import", "draw_returns"]

_STATUS_STYLE = {
    "applied": "green",
    "rejected": "bold red",
    "unchanged": "dim",
    "skipped": "yellow",
}


def _console() -> Any:
    from rich.console import Console

    return Console(markup=False, highlight=False, soft_wrap=True)


def _table(*columns: str, title: str | None = None) -> Any:
    from rich.table import Table

    return Table(*columns, title=title)


def _styled(text: str, style: str) -> Any:
    from rich.text import Text

    return Text(text, style=style)


def draw_import(o: Any) -> None:
    """The summary; rejected lines (orders) or every line's verdict (returns); where the report is."""
    report = o.report
    click.echo(o.summary)
    shown = o.shown()
    con = _console()
    if report.kind == "returns" and shown:
        table = _table("line", "order", "returned", "status", "verdict", "now", title="Returns")
        for r in shown:
            verdict, _rule = o.verdict_of(r)
            now = r.returned.status if r.returned is not None and r.returned.status else ""
            table.add_row(
                str(r.line),
                r.order,
                r.item,
                _styled(r.status, _STATUS_STYLE[r.status]),
                verdict or r.detail,
                now or "",
            )
        con.print(table)
    elif shown:
        title = "Lines that would be rejected" if report.dry_run else "Rejected lines"
        table = _table("line", "order", "item", "qty", "why", title=title)
        for r in shown:
            table.add_row(str(r.line), r.order, r.item, str(r.qty), r.detail)
        con.print(table)
    if o.more:
        con.print(o.more)
    if o.written is not None:
        con.print(f"Report of every line written to {o.written}")


def draw_returns(o: Any) -> None:
    """The returns analytics: per SKU, units that keep coming back, suspects per channel."""
    from advisor.render.tracker import returns_analytics, returns_trend

    click.echo(o.summary)
    con = _console()
    con.print(returns_trend(o.trend))
    con.print(returns_analytics(o.result, o.limit))
    for path in o.written:
        con.print(f"Written {path}")
