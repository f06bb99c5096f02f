"""Human-readable renderings (rich) of decisions, summaries and cost reports.

Kept apart from the writers: these are for a person at a terminal and may change freely; the
CSV/JSON writers are a contract other tools read.
"""

from __future__ import annotations

from collections.abc import Iterable

from rich import box
from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from advisor.advice.costs import NO_VOLUME, CostReport
from advisor.advice.evaluate import EvaluatedRow, Summary
from advisor.catalog.records import RejectedRow
from advisor.engine.decide import Decision, match_roles

METHOD_STYLE = {"serial": "bold magenta", "lpn": "bold cyan", "batch": "bold green"}


def money(amount: float, currency: str) -> str:
    return f"{currency} {amount:,.0f}"


def _pct(x: float) -> str:
    """A share as a percentage with enough digits to be non-zero (0.04%, 1.3%, 33%)."""
    if x == 0:
        return "0%"
    if x < 0.001:
        return f"{x:.3%}"
    return f"{x:.2%}" if x < 0.01 else f"{x:.1%}"


def method_text(method: str) -> Text:
    return Text(method.upper(), style=METHOD_STYLE.get(method, "bold"))


def decisions_table(
    rows: Iterable[EvaluatedRow | RejectedRow], base_currency: str, width: int = 100
) -> Table:
    """Fits the terminal: fixed columns keep their width, text columns share what is left."""
    table = Table(
        title=f"Tracking decisions (values in {base_currency})",
        header_style="bold",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
        collapse_padding=True,
    )
    fixed = 5 + 9 + 7 + 2 * 8  # row, value, method, and the padding of eight columns
    flexible = max(width - fixed, 40)
    shares = {"SKU": 0.17, "Title": 0.31, "Vertical": 0.2, "Capture": 0.1, "Rule": 0.22}
    w = {name: max(int(flexible * share), 3) for name, share in shares.items()}
    table.add_column("Row", justify="right", style="dim", no_wrap=True, width=4)
    table.add_column("SKU", no_wrap=True, overflow="ellipsis", width=w["SKU"])
    table.add_column("Title", no_wrap=True, overflow="ellipsis", width=w["Title"])
    table.add_column("Vertical", no_wrap=True, overflow="ellipsis", width=w["Vertical"])
    table.add_column("Value", justify="right", no_wrap=True, width=8)
    table.add_column("Method", no_wrap=True, width=6)
    table.add_column("Capture", no_wrap=True, overflow="ellipsis", width=w["Capture"])
    table.add_column("Rule", no_wrap=True, overflow="ellipsis", width=w["Rule"])
    for item in rows:
        if isinstance(item, RejectedRow):
            table.add_row(
                str(item.row),
                item.sku or "—",
                Text(item.reason, style="red"),
                "",
                "",
                Text("REJECT", style="bold red"),
                "",
                "",
            )
            continue
        f, d = item.facts, item.decision
        value = "" if item.unit_value is None else f"{item.unit_value:,.0f}"
        table.add_row(
            str(item.record.row),
            item.record.sku,
            " ".join(item.record.title.split()),
            f"{f.vertical}/{f.value_band}",
            value,
            method_text(d.outcome["method"]),
            ",".join(d.outcome.get("capture", ())) or "-",
            d.rule,
        )
    return table


def summary_panel(s: Summary, source: str) -> Panel:
    lines = Table.grid(padding=(0, 2))
    lines.add_column()
    lines.add_column()
    read = s.rows_read
    lines.add_row(
        "Rows read",
        f"{read:,}" + (f"  (+{s.skipped:,} image-only rows skipped)" if s.skipped else ""),
    )
    lines.add_row("Decided", f"{s.decided:,}")
    lines.add_row("Rejected", Text(f"{s.rejected:,}", style="bold red" if s.rejected else ""))
    if s.price_missing:
        lines.add_row(
            "No own price",
            f"{s.price_missing:,} decided rows have no price of their own (0 or blank): decided "
            "on their other signals, marked price_status=missing",
        )
    if s.price_typical:
        lines.add_row(
            "Typical item",
            f"{s.price_typical:,} of them decided as a typical item of their vertical (its "
            "typical band, never the cheapest): give a price for an exact decision",
        )
    check = s.currency
    if check is not None:
        note = check.message()
        if note:
            style = "bold red" if check.plausible is False else "yellow"
            lines.add_row("Currency", Text(note, style=style))
        else:
            lines.add_row("Currency", check.describe())
    methods = Text()
    for m in ("serial", "lpn", "batch"):
        n = s.by_method.get(m, 0)
        if n:
            methods.append(
                f"{m.upper()} {n:,} ({n / max(s.decided, 1):.0%})  ", style=METHOD_STYLE[m]
            )
    lines.add_row("Methods", methods)
    if s.not_stock:
        lines.add_row(
            "Not stock",
            f"{s.not_stock:,} gift cards, services or digital goods: nothing to track (none), "
            "left out of the costs",
        )
    if s.by_confidence:
        lines.add_row(
            "Confidence",
            "  ".join(
                f"{level} {s.by_confidence[level]:,}"
                for level in ("high", "medium", "low")
                if s.by_confidence.get(level)
            )
            + "  (how strongly the row's own words point at its vertical)",
        )
    if s.markets:
        lines.add_row(
            "Markets",
            ", ".join(s.markets)
            + (
                "  (no brand profile: the default market; set `markets` in a profile)"
                if s.markets_assumed
                else "  (regulations of these markets apply)"
            ),
        )
    if s.fallback:
        lines.add_row(
            "Fallback", f"{s.fallback:,} SKUs matched no rule (see `trackright rules lint`)"
        )

    verticals = Table(title="By vertical", header_style="bold", title_justify="left")
    verticals.add_column("Vertical")
    verticals.add_column("SKUs", justify="right")
    for m in ("serial", "lpn", "batch"):
        verticals.add_column(m.upper(), justify="right", style=METHOD_STYLE[m])
    for v, n in s.by_vertical.most_common():
        verticals.add_row(
            v,
            f"{n:,}",
            *(f"{s.by_vertical_method.get((v, m), 0):,}" or "" for m in ("serial", "lpn", "batch")),
        )

    rules = Table(title="Rules that decided most SKUs", header_style="bold", title_justify="left")
    rules.add_column("Rule")
    rules.add_column("SKUs", justify="right")
    for rule, n in s.by_rule.most_common(8):
        rules.add_row(rule, f"{n:,}")
    parts: list = [lines, verticals, rules]
    if s.rejection_reasons:
        rej = Table(title="Rejected rows by reason", header_style="bold", title_justify="left")
        rej.add_column("Reason")
        rej.add_column("Rows", justify="right")
        for reason, n in s.rejection_reasons.most_common():
            rej.add_row(reason, f"{n:,}")
        parts.append(rej)
    return Panel(Group(*parts), title=f"Summary — {source}", border_style="blue")


def cost_panel(c: CostReport) -> Panel:
    cur = c.currency
    if c.monthly_units == 0:
        return Panel(
            Text(NO_VOLUME, style="yellow"),
            title="Monthly cost",
            border_style="yellow",
        )
    head = Table.grid(padding=(0, 2))
    head.add_column()
    head.add_column(justify="right")
    head.add_row("Recommended policy", Text(money(c.recommended, cur) + " / month", style="bold"))
    head.add_row("Serialise everything", money(c.serialise_all, cur) + " / month")
    head.add_row("LPN everything", money(c.lpn_all, cur) + " / month")
    head.add_row("Batch everything", money(c.batch_all, cur) + " / month")
    head.add_row(
        "Benefit of the policy",
        money(c.benefit_recommended, cur) + " / month (fakes, swaps and repeat loops caught)",
    )
    groups = Table(title="Per vertical, a month", header_style="bold", title_justify="left")
    for col in ("Vertical", "Units", "Avg value", "Policy", "All serial", "All batch"):
        groups.add_column(
            col, justify="left" if col == "Vertical" else "right", no_wrap=col != "Vertical"
        )
    breakeven = Text()
    for g in c.groups:
        groups.add_row(
            g.vertical,
            f"{g.monthly_units:,.0f}",
            money(g.avg_unit_value, cur),
            money(g.cost_recommended, cur),
            money(g.cost_serial, cur),
            money(g.cost_batch, cur),
        )
        if g.break_even_bad_share is not None:
            share = (
                f"{_pct(g.break_even_bad_share)} of returns are fakes or swaps"
                if g.break_even_bad_share <= 1
                else "never on fraud alone (it would take over 100% bad returns)"
            )
            breakeven.append(f"{g.vertical}: ", style="bold")
            breakeven.append(f"serialising pays if {share}")
            if g.break_even_unit_value is not None:
                breakeven.append(
                    f", or if units are worth {money(g.break_even_unit_value, cur)} or more"
                )
            breakeven.append(
                f" (avg value {money(g.avg_unit_value, cur)}, returns {g.return_rate:.0%}).\n"
            )
    a = c.assumptions
    note = Text(
        f"{c.monthly_units:,.0f} units a month ({c.units_assumption}). Assumptions from costs.yaml: serial "
        f"{cur} {a['serial_per_unit']:g}/unit, LPN {cur} {a['lpn_per_unit']:g}/unit, batch {cur} {a['batch_per_lot']:g}/lot; "
        f"{a['bad_return_share']:.0%} of returns are fakes or swaps, {a['repeat_return_share']:.0%} repeat returns "
        f"at {cur} {a['return_loop_cost']:g} a loop.",
        style="dim",
    )
    if c.monthly_units == 0:
        note = Text(NO_VOLUME, style="yellow")
    return Panel(
        Group(head, groups, Text("Break-even", style="bold"), breakeven, note),
        title="Monthly cost",
        border_style="green",
    )


def decision_panel(d: Decision, title: str = "Decision") -> Panel:
    o = d.outcome
    body = Table.grid(padding=(0, 2))
    body.add_column(style="bold")
    body.add_column()
    if "method" in o:
        body.add_row("Method", method_text(o["method"]))
        body.add_row("Capture", ", ".join(o.get("capture", ())) or "—")
        body.add_row("Returns to QC", "yes" if o.get("return_qc") else "no")
    else:
        for k, v in o.items():
            body.add_row(k.capitalize(), str(v))
    body.add_row("Rule", d.rule + ("  (fallback: no rule matched)" if d.fallback else ""))
    body.add_row("Why", d.reason)
    if d.raised_by:
        body.add_row("Raised by", ", ".join(d.raised_by) + " (regulatory floor)")
    return Panel(body, title=title, border_style="magenta")


def matches_table(d: Decision) -> Table:
    t = Table(title="Matched rules (winner first)", header_style="bold", title_justify="left")
    t.add_column("Rule")
    t.add_column("Kind")
    t.add_column("Priority", justify="right")
    t.add_column("Proposes")
    t.add_column("Where")
    t.add_column("Result")
    for r in match_roles(d):
        m = r.match
        if r.role == "floor-raised":
            result: str | Text = "floor (raised the method)"
        elif r.role == "floor-met":
            result = "floor (met)"
        elif r.role == "won":
            result = Text("WON", style="bold green")
        else:
            result = (
                f"lost to {r.winner.rule} (priority {r.winner.priority} > {m.priority})"
                if r.winner
                else "lost"
            )
        t.add_row(
            m.rule,
            m.kind,
            "—" if m.kind == "regulatory" else str(m.priority),
            r.proposes,
            f"{m.file}:{m.line}",
            result,
        )
    return t


def console(stderr: bool = False) -> Console:
    return Console(stderr=stderr, highlight=False, soft_wrap=False)


__all__ = [
    "console",
    "cost_panel",
    "decision_panel",
    "decisions_table",
    "matches_table",
    "money",
    "summary_panel",
]
