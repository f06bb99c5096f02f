"""`trackright track …`: the tracker's verbs (`advisor.commands`) run from a shell, outcomes drawn.

The verbs, their options, types and refusals are the command layer's; this module only draws
what a verb returns: its summary line (the same words the desk shows), then its details —
plain lines where they do, rich tables where a table helps (rich is loaded only then, so
`receive`, `ship` and `return` never import it) — warnings on stderr, and the exit code (0 done,
1 refused or done in part, 2 unusable input or store). Errors show themselves (`ShowsErrors`).
Every string is printed literally: the one rich console has markup off, so an identifier such
as `SO[/x]` shows as typed.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

import click

from advisor.cli.main import ShowsErrors
from advisor.commands import build_group
from advisor.commands.base import Outcome, VerbGroup

__all__ = ["CLI_VERBS", "STATUS_STYLE", "show", "track"]

#: Commands of this face only (drawn by themselves), as "name": "module:attribute"; a verb for
#: both faces goes in `advisor.commands.VERBS` instead.
CLI_VERBS: dict[str, str] = {}

STATUS_STYLE = {
    "IN_STOCK": "green",
    "SHIPPED": "cyan",
    "RETURNED": "blue",
    "INSPECTING": "yellow",
    "QUARANTINED": "bold red",
    "RECALLED": "bold magenta",
    "DESTROYED": "dim",
}
#: At most this many rows of each list in `stats` (the counts are always complete).
STATS_ROWS = 100


class TrackGroup(ShowsErrors, VerbGroup):
    """The `track` group of the CLI: runs a verb, draws its outcome, exits with its code."""

    def invoke(self, ctx: click.Context) -> Any:
        outcome = super().invoke(ctx)
        if isinstance(outcome, Outcome):
            show(outcome)
            if outcome.exit_code:
                ctx.exit(outcome.exit_code)
        return outcome


def show(outcome: Outcome) -> None:
    """Draw one outcome on stdout (its warnings on stderr)."""
    DRAW.get(outcome.verb, _summary)(outcome)
    for warning in outcome.warnings:
        click.echo(f"Warning: {warning}", err=True)


# -- drawing ----------------------------------------------------------------------------------


def _summary(o: Any) -> None:
    click.echo(o.summary)


def _console() -> Any:
    from rich.console import Console

    return Console(markup=False, highlight=False, soft_wrap=True)


def _table(*columns: str, title: str | None = None) -> Any:
    from rich.table import Table

    return Table(*columns, title=title)


def _status(status: str | None) -> Any:
    from rich.text import Text

    return Text(status or "", style=STATUS_STYLE.get(status or "", ""))


def _s(value: object) -> str:
    return "" if value is None else str(value)


def _policy_import(o: Any) -> None:
    click.echo(o.summary)
    if o.note:
        click.echo(o.note, err=o.note_is_warning)
    for line in o.problem_lines():
        click.echo(line, err=True)


def _policy_list(o: Any) -> None:
    table = _table("SKU", "method", "capture", "rule", "return QC", "reason", title=o.summary)
    for p in o.policies:
        table.add_row(
            p.sku, p.method, ", ".join(p.capture), p.rule, "yes" if p.return_qc else "", p.reason
        )
    _console().print(table)


def _receive(o: Any) -> None:
    click.echo(o.summary)
    for line in o.id_lines():
        click.echo(line)


def _ship(o: Any) -> None:
    click.echo(o.summary)
    for line in o.item_lines():
        click.echo(line)


def _return(o: Any) -> None:
    restock = o.result.verdict.verdict == "restock"
    click.secho(o.summary, fg="green" if restock else "red", bold=True)
    click.echo(o.now)


def _recall(o: Any) -> None:
    click.echo(o.summary)
    table = _table("SKU", "lot", "unit", "qty", "was", "now", "where", "order", "action")
    for r in o.result.rows:
        table.add_row(
            r.sku,
            r.lot,
            _s(r.id),
            str(r.qty),
            r.status_before,
            _status(r.status_after),
            _s(r.location),
            _s(r.order),
            r.action,
        )
    con = _console()
    con.print(table)
    con.print(o.contact)
    if o.report is not None:
        con.print(f"Report written to {o.report}")


def _trace(o: Any) -> None:
    """Drawn with `Grid`, not rich: a trace answers a scan at the desk (see `advisor.cli.grid`)."""
    if o.as_json:
        click.echo(o.json())
        return
    from tracker import event_qty

    from .grid import Grid

    result = o.result
    click.echo(o.summary)
    events = Grid(
        ("when", "step", "status", "where", "order", "why", "rule"),
        whole=frozenset({"when", "status"}),
    )
    for e in result.events:
        ids = f" ({len(e.ids)} units)" if len(e.ids) > 1 and result.kind != "unit" else ""
        qty = event_qty(result, e)
        what = f" x{qty}" if qty else ""
        events.add_row(
            e.time[:19].replace("T", " "),
            f"{e.biz_step}{ids}{what}",
            _s(e.status),
            _s(e.location),
            _s(e.order),
            _s(e.reason),
            _s(e.rule),
            styles=("", "", STATUS_STYLE.get(e.status or "", "")),
        )
    events.echo()
    if result.units or result.suspects:
        now = Grid(
            ("unit", "SKU", "lot", "status", "where", "order", "returns", "flags"),
            title="Where it is now",
        )
        for u in result.units:
            now.add_row(
                u.id,
                u.sku,
                _s(u.lot),
                _s(u.status),
                _s(u.location),
                _s(u.order),
                str(u.returns),
                ", ".join(u.flags),
                styles=("", "", "", STATUS_STYLE.get(u.status or "", "")),
            )
        for s in result.suspects:
            now.add_row(
                s.id,
                s.sku,
                _s(s.lot),
                _s(s.status),
                _s(s.location),
                ", ".join(s.returned_on),
                str(s.returns),
                ", ".join(s.flags) + " (handed in, never received)",
                styles=("", "", "", STATUS_STYLE.get(s.status or "", "")),
            )
        now.echo()
    lot = result.lot
    if lot is not None and lot.quantities:
        recalled = " — RECALLED" if lot.recalled else ""
        qty = Grid(
            ("where", "status", "qty"), title=f"Lot {lot.lot}: expiry {lot.expiry or '-'}{recalled}"
        )
        for loc, st, n in lot.quantities:
            qty.add_row(loc, st, str(n))
        qty.echo()


def _stats(o: Any) -> None:
    """Drawn with `Grid`, not rich, as `trace`: the figures a desk checks between scans, and rich
    took most of a `stats` run (its import, then 60 ms and more to lay out a hundred rows)."""
    from tracker.results import WAREHOUSE_COLUMNS

    from .grid import Grid

    s = o.result
    click.echo(o.summary)
    if s.warehouses:
        by_place = Grid(WAREHOUSE_COLUMNS, title="Stock by warehouse")
        for w in s.warehouses:
            by_place.add_row(*w.cells())
        by_place.echo()
    stock = Grid(("SKU", "where", "status", "qty"), title="Stock", whole=frozenset({"status"}))
    for sku, loc, st, n in s.stock:
        stock.add_row(sku, loc, st, str(n), styles=("", "", STATUS_STYLE.get(st, "")))
    stock.echo()
    rates = Grid(("SKU", "shipped", "returned", "return rate"), title="Returns")
    for r in s.returns:
        rates.add_row(r.sku, str(r.shipped), str(r.returned), f"{r.rate:.0%}")
    rates.echo()
    for title, units in (("Returned more than once", s.repeat_returners), ("Suspects", s.suspects)):
        if not units:
            click.echo(f"{title}: none")
            continue
        table = Grid(("unit", "SKU", "status", "returns", "flags"), title=title)
        for u in units[:STATS_ROWS]:
            table.add_row(u.id, u.sku, u.status, str(u.returns), ", ".join(u.flags))
        table.echo()
        if len(units) > STATS_ROWS:
            click.echo(f"  … and {len(units) - STATS_ROWS:,} more ({len(units):,} in all)")


def _labels(o: Any) -> None:
    if o.data is None:
        click.echo(o.summary)
    elif o.fmt == "zpl":
        click.echo(o.data.decode("utf-8"), nl=False)
    else:
        sys.stdout.buffer.write(o.data)
        sys.stdout.flush()


def _epcis(o: Any) -> None:
    if o.text is None:
        click.echo(o.summary)
    else:
        click.echo(o.text, nl=False)


def _advise(o: Any) -> None:
    if o.as_json:
        click.echo(o.json())
        return
    from advisor.render.observed import advice_panel
    from advisor.render.report import console

    console().print(advice_panel(o.result, o.show_all))


DRAW: dict[str, Callable[[Any], None]] = {
    "policy import": _policy_import,
    "policy list": _policy_list,
    "receive": _receive,
    "ship": _ship,
    "return": _return,
    "recall": _recall,
    "trace": _trace,
    "stats": _stats,
    "labels": _labels,
    "export epcis": _epcis,
    "advise": _advise,
}


def _imports(o: Any) -> None:
    from advisor.cli.track_imports import draw_import

    draw_import(o)


def _returns_stats(o: Any) -> None:
    from advisor.cli.track_imports import draw_returns

    draw_returns(o)


DRAW.update({"import": _imports, "stats --returns": _returns_stats})

track = build_group(TrackGroup)
track.verbs.update(CLI_VERBS)  # type: ignore[attr-defined]

if __name__ == "__main__":  # pragma: no cover
    track(sys.argv[1:])
