"""Rich renderings of the tracker's outcomes for the desk log: receipts, shipments, traces as timelines.

`render(outcome, style)` draws what goes under an outcome's summary line (`advisor.commands`);
`style` maps a theme variable name ("text-success") to a rich style, so colours follow the
theme. User text (identifiers, reasons) only ever goes into `Text`, never into markup.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rich import box
from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from advisor.engine.decide import Decision, match_roles
from advisor.render.observed import advice_panel
from tracker.model import (
    PolicySnapshot,
    RecallReport,
    ReceiveResult,
    ShipResult,
    Stats,
    Trace,
)
from tracker.operations.trace import event_qty
from tracker.results import WAREHOUSE_COLUMNS

Style = Callable[[str], str]
STATUS_TONE = {
    "IN_STOCK": "text-success",
    "SHIPPED": "text-primary",
    "RETURNED": "text-accent",
    "INSPECTING": "text-warning",
    "QUARANTINED": "text-error",
    "RECALLED": "text-error",
    "DESTROYED": "text-muted",
}


def status_text(status: str | None, style: Style) -> Text:
    return Text(status or "", style=style(STATUS_TONE.get(status or "", "text")))


def _t(value: object) -> Text:
    """A cell of user text (an id, SKU, lot, order): shown as typed, never read as markup."""
    return Text("" if value is None else str(value))


def _table(title: str, *columns: str) -> Table:
    t = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False, expand=False)
    for c in columns:
        t.add_column(c, overflow="fold")
    return t


def receipt(r: ReceiveResult) -> RenderableType:
    if r.method == "batch":
        return Text(f"  lot {r.lot}: {r.qty} in stock at {r.location}")
    shown = ", ".join(r.ids[:12]) + (f" … and {len(r.ids) - 12} more" if len(r.ids) > 12 else "")
    return Text(f"  {shown}")


def shipment(r: ShipResult) -> RenderableType:
    t = _table("", "SKU", "unit", "lot", "qty", "from")
    for i in r.items:
        t.add_row(_t(i.sku), _t(i.id), _t(i.lot), str(i.qty), _t(i.location))
    return t


def verdict_tone(verdict: str) -> str:
    """success / warning / error: how loudly the desk shows a return verdict."""
    if verdict == "restock":
        return "success"
    if verdict in ("inspect", "refuse"):
        return "warning"
    return "error"


def returned(now: str, verdict: str, style: Style) -> RenderableType:
    """Where the returned item is now, in the verdict's tone (the summary line says the verdict)."""
    return Text(f"  → {now}", style=style(f"text-{verdict_tone(verdict)}"))


def recall(r: RecallReport, style: Style, report: object = None) -> RenderableType:
    t = _table("", "SKU:lot", "unit / qty", "status", "where", "order", "action")
    for row in r.rows:
        status = Text(f"{row.status_before} → ")
        status.append_text(status_text(row.status_after, style))
        t.add_row(
            _t(f"{row.sku}:{row.lot}"),
            _t(row.id or f"qty {row.qty}"),
            status,
            _t(row.location),
            _t(row.order),
            row.action,
        )
    contact = ", ".join(r.orders_to_contact) or "none"
    parts: list[RenderableType] = [
        t,
        Text(f"  Orders to contact: {contact}", style=style("text-warning")),
    ]
    if report is not None:
        parts.append(Text(f"  Report written to {report}"))
    return Group(*parts)


def timeline(trace: Trace, style: Style) -> RenderableType:
    """Events top to bottom, each a dot on a line with its details under it, then where things are now."""
    parts: list[RenderableType] = []
    muted = style("text-muted")
    for n, e in enumerate(trace.events):
        last = n == len(trace.events) - 1
        line = Text("  ● ", style=style("text-primary"))
        line.append(f"{e.time[:16].replace('T', ' ')}  ", style=muted)
        line.append(e.biz_step.replace("_", " "), style="bold")
        line.append(" → ")
        line.append_text(status_text(e.status, style))
        parts.append(line)
        qty = event_qty(trace, e)
        details = [
            e.location or "",
            f"order {e.order}" if e.order else "",
            f"{len(e.ids)} units" if len(e.ids) > 1 and trace.kind != "unit" else "",
            f"qty {qty}" if qty else "",
            e.reason or "",
            f"rule {e.rule}" if e.rule else "",
        ]
        text = " · ".join(d for d in details if d)
        parts.append(Text(f"  {' ' if last else '│'}   {text}", style=muted))
    if not trace.events:
        parts.append(Text("  no events recorded", style=muted))
    for u in trace.units[:20]:
        now = Text(f"  now: {u.id} ({u.sku}{f' lot {u.lot}' if u.lot else ''}) ")
        now.append_text(status_text(u.status, style))
        now.append(f" at {u.location}")
        if u.order:
            now.append(f", order {u.order}")
        if u.returns:
            now.append(f", returned {u.returns}x")
        if u.flags:
            now.append(f"  ⚑ {', '.join(u.flags)}", style=style("text-error"))
        parts.append(now)
    for sus in trace.suspects[:20]:
        now = Text(f"  now: {sus.id} ({sus.sku}) ")
        now.append_text(status_text(sus.status, style))
        now.append(f" at {sus.location}: handed in on {', '.join(sus.returned_on)}, never received")
        now.append(f"  ⚑ {', '.join(sus.flags)}", style=style("text-error"))
        parts.append(now)
    if trace.lot is not None:
        lot = trace.lot
        qty = ", ".join(f"{st} {n} at {loc}" for loc, st, n in lot.quantities) or "none"
        recalled = " — RECALLED" if lot.recalled else ""
        parts.append(Text(f"  lot {lot.lot}, expiry {lot.expiry or '-'}{recalled}: {qty}"))
    return Group(*parts)


def why(decision: Decision, style: Style) -> RenderableType:
    """Every matched rule, winner first, in lines that fit 80 columns (cf. report.matches_table)."""
    d = decision
    o = d.outcome
    head = Text()
    head.append(
        f"{o.get('method', '').upper()}",
        style=style(f"text-{_TONE.get(o.get('method'), 'primary')}"),
    )
    if o.get("capture"):
        head.append(" + " + ", ".join(o["capture"]))
    if o.get("return_qc"):
        head.append(" · returns go to QC")
    head.append(f"\nrule {d.rule}" + (" (fallback: no rule matched)" if d.fallback else ""))
    head.append(f": {d.reason}")
    if d.raised_by:
        head.append(f"\nraised by the regulatory floor of {', '.join(d.raised_by)}")
    parts: list[RenderableType] = [
        head,
        Text("\nEvery rule that matched, winner first:", style="bold"),
    ]
    for r in match_roles(d):
        m = r.match
        if r.role == "floor-raised":
            result, tag = "floor, raised the method", style("text-warning")
        elif r.role == "floor-met":
            result, tag = "floor, already met", style("text-warning")
        elif r.role == "won":
            result, tag = "WON", style("text-success")
        else:
            result = f"lost (priority {m.priority} < {r.winner.priority if r.winner else '?'})"
            tag = style("text-muted")
        line = Text("  ● ", style=tag)
        line.append(m.rule, style="bold")
        line.append(f"  {result}", style=tag)
        prio = "" if m.kind == "regulatory" else f", priority {m.priority}"
        parts.append(line)
        # indented as a block, so a reason that wraps keeps its indent on every line
        body = Text(f"{m.kind}{prio} → {r.proposes} · {m.file}:{m.line}\n{m.reason}")
        parts.append(Padding(body, (0, 0, 0, 4)))
    if not d.matched:
        parts.append(Text("  no rule matched; the fallback decided"))
    return Group(*parts)


_TONE = {"serial": "secondary", "lpn": "accent", "batch": "success"}


def policies(snaps: list[PolicySnapshot], style: Style) -> RenderableType:
    t = _table("", "SKU", "method", "capture", "rule")
    for p in snaps[:200]:
        t.add_row(_t(p.sku), Text(p.method.upper(), style="bold"), ", ".join(p.capture), _t(p.rule))
    return t


def stats_summary(s: Stats) -> RenderableType:
    by_status: dict[str, int] = {}
    for _sku, _loc, status, qty in s.stock:
        by_status[status] = by_status.get(status, 0) + qty
    text = ", ".join(f"{st} {n}" for st, n in sorted(by_status.items())) or "no stock yet"
    return Text(f"  {text}; {len(s.suspects)} suspect(s). F4 shows the dashboard.")


def warehouses(s: Stats) -> RenderableType:
    """The dashboard's per-warehouse table: the same rows as `track stats` prints."""
    if not s.warehouses:
        return Text("")
    title = f"Stock at {s.warehouse}" if s.warehouse else "Stock by warehouse"
    table = _table(title, *WAREHOUSE_COLUMNS)
    for w in s.warehouses:
        table.add_row(*(_t(c) for c in w.cells()))
    return table


def _text(body: str, lines: int = 40) -> Text:
    """Plain output (label data, a document) as shown in the log: its first `lines` lines."""
    shown = body.splitlines()
    more = (
        f"\n… {len(shown) - lines:,} more lines (give -o FILE to write it all)"
        if len(shown) > lines
        else ""
    )
    return Text("\n".join(shown[:lines]) + more)


#: Columns of the returns tables whose cells are read whole (an id, a status), not folded.
_WHOLE_COLUMNS = frozenset({"SKU", "unit", "status", "returned", "channel", "order"})
#: What a narrow screen leaves out first, so the ids, counts and verdicts keep their width.
_DROP_FIRST = ("repeat returns", "units back 2+", "returned on", "method", "channel", "rate")


class _FittedTable:
    """One returns table drawn to the width it is given: ids and statuses whole, flag words
    wrapped between words, and where even that does not fit, the least needed columns left
    out with a line that says which (a table wider than its pane would lose its last columns
    without a word)."""

    def __init__(self, title: str, columns: tuple[str, ...], rows) -> None:
        spaced = [c in {"flags", "kind"} for c in columns]  # not_shipped_suspect wraps
        self.title, self.columns = title, columns
        self.rows = [
            tuple(c.replace("_", " ") if sp else c for c, sp in zip(row, spaced, strict=True))
            for row in rows
        ]

    def _min(self, i: int) -> int:
        header = self.columns[i]
        widest = max(len(w) for w in header.split())
        if header in _WHOLE_COLUMNS:
            widest = max(widest, min(16, max(len(row[i]) for row in self.rows)))
        return widest

    def __rich_console__(self, console, options):
        keep = list(range(len(self.columns)))
        left_out = []
        for name in _DROP_FIRST:
            if sum(self._min(i) + 2 for i in keep) <= options.max_width:
                break
            if name in self.columns and len(keep) > 3:
                keep.remove(self.columns.index(name))
                left_out.append(name)
        table = _table(self.title, *(self.columns[i] for i in keep))
        table.collapse_padding = True
        natural = sum(
            max(len(self.columns[i]), *(len(row[i]) for row in self.rows)) + 2 for i in keep
        )
        for column, i in zip(table.columns, keep, strict=True):
            column.min_width = self._min(i)
            if natural > options.max_width:
                # No wider than its widest cell or header word: a long header wraps over a
                # narrow column of counts instead of taking the room the ids need.
                column.max_width = max(self._min(i), max(len(row[i]) for row in self.rows))
        for row in self.rows:
            table.add_row(*(_t(row[i]) for i in keep))
        yield table
        if left_out:
            yield Text(f"  (not shown at this width: {', '.join(left_out)})", style="dim")


def returns_analytics(a: Any, limit: int | None = None) -> RenderableType:
    """`track stats --returns`: per SKU, units that keep coming back, fakes and swaps per
    channel, each suspect return — the same tables on the CLI and on the desk's dashboard."""
    parts: list[RenderableType] = []
    for section in a.tables(limit=limit):
        if not section.rows:
            parts.append(Text(f"{section.title}: none"))
            continue
        parts.append(_FittedTable(section.title, tuple(map(str, section.columns)), section.rows))
        if section.more:
            parts.append(Text(f"  … and {section.more:,} more (give --csv DIR for all)"))
    return Group(*parts)


_SPARKS = "▁▂▃▄▅▆▇█"


def _spark(values: list[int]) -> str:
    """One column a day: blank for none, ▁ … █ by the day's share of the busiest day."""
    top = max(values, default=0)
    if not top:
        return "·" * len(values)
    return "".join(
        "·" if v == 0 else _SPARKS[min(len(_SPARKS) - 1, (v * len(_SPARKS) - 1) // top)]
        for v in values
    )


def returns_trend(days: Any) -> RenderableType:
    """Returns and suspect returns a day as two sparklines, a column per day, oldest first:
    a week of fakes stands out at a glance where a table of figures would have to be read."""
    if not days:
        return Text("")
    returns = [d.returns for d in days]
    suspects = [d.suspects for d in days]
    first, last = days[0].day, days[-1].day
    busiest = max(days, key=lambda d: (d.returns, d.day))
    head = f"Returns a day, {_short(first)} – {_short(last)} ({len(days)} days, · none)"
    lines = [
        Text(head, style="bold"),
        Text(f"  returns   {_spark(returns)}  {sum(returns):,} in all"
             + (f", most {busiest.returns:,} on {_short(busiest.day)}" if busiest.returns else "")),
        Text(f"  suspects  {_spark(suspects)}  {sum(suspects):,} in all"),
    ]  # fmt: skip
    return Group(*lines)


def _short(iso: str) -> str:
    from datetime import date

    return date.fromisoformat(iso).strftime("%d %b")


def _import_notes(o: Any, style: Style) -> RenderableType | None:
    lines = ([o.note] if o.note else []) + o.problem_lines()
    return Text("\n".join(lines), style=style("text-warning")) if lines else None


_BODY: dict[str, Callable[[Any, Style], RenderableType | None]] = {
    "receive": lambda o, style: receipt(o.result),
    "ship": lambda o, style: shipment(o.result),
    "return": lambda o, style: returned(o.now, o.result.verdict.verdict, style),
    "recall": lambda o, style: recall(o.result, style, o.report),
    "trace": lambda o, style: _text(o.json()) if o.as_json else timeline(o.result, style),
    "stats": lambda o, style: stats_summary(o.result),
    "policy list": lambda o, style: policies(list(o.policies), style),
    "policy import": _import_notes,
    "help": lambda o, style: Text(o.text),
    "labels": lambda o, style: _text(o.data.decode("utf-8")) if o.data and o.fmt == "zpl" else None,
    "export epcis": lambda o, style: _text(o.text) if o.text else None,
    "advise": lambda o, style: _text(o.json()) if o.as_json else advice_panel(o.result, o.show_all),
    "stats --returns": lambda o, style: Group(
        returns_trend(o.trend), returns_analytics(o.result, o.limit)
    ),
}


def render(outcome: Any, style: Style) -> RenderableType | None:
    """The body to draw under an outcome's summary line, if it has one."""
    draw = _BODY.get(outcome.verb)
    return draw(outcome, style) if draw is not None else None


__all__ = [
    "STATUS_TONE",
    "render",
    "returns_analytics",
    "status_text",
    "timeline",
    "returns_trend",
    "verdict_tone",
    "warehouses",
]
