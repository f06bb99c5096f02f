"""Human-readable renderings (rich) of decisions, summaries and cost reports.

Kept apart from the writers: these are for a person at a terminal and may change freely; the
CSV/JSON writers are a contract other tools read.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from rich import box
from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from advisor.advice.amounts import format_money
from advisor.advice.costs import NO_VOLUME, CostReport, one_in
from advisor.advice.evaluate import EvaluatedRow, Summary
from advisor.catalog.records import RejectedRow
from advisor.engine.decide import Decision, match_roles

METHOD_STYLE = {"serial": "bold magenta", "lpn": "bold cyan", "batch": "bold green"}


def money(amount: float, currency: str) -> str:
    """An amount as its currency's readers write it (₹1,23,456; $123,456)."""
    return format_money(amount, currency)


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
    if check is not None and check.reading_note():
        lines.add_row("SKU column", Text(check.reading_note(), style="yellow"))
    if check is not None:
        note = check.message()
        if note:
            loud = check.plausible is False or check.unpriced is not None
            label = "Prices" if check.unpriced is not None else "Currency"
            lines.add_row(label, Text(note, style="bold red" if loud else "yellow"))
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


def _label(labels: Mapping[str, str] | None, vertical: str) -> str:
    return (labels or {}).get(vertical, vertical.replace("_", " "))


def _signed(amount: float, currency: str) -> str:
    return ("+" if round(amount) > 0 else "") + money(amount, currency)


def cost_panel(
    c: CostReport, labels: Mapping[str, str] | None = None, what_if: Any = None
) -> Panel:
    """The month in money: every plan, per vertical, the break-evens in words, and the inputs.

    `labels` names verticals as the rulebook does ("Mobile phones"); `what_if` is an
    `advisor.advice.whatif.WhatIfResult` to show beside the figures.
    """
    cur = c.currency
    if c.monthly_units == 0:
        return Panel(
            Text(NO_VOLUME, style="yellow"),
            title="Monthly cost",
            border_style="yellow",
        )
    head = Table(box=box.SIMPLE_HEAD, header_style="bold", pad_edge=False)
    for col in ("A month", "Costs", "Earns back", "Net"):
        head.add_column(col, justify="left" if col == "A month" else "right", no_wrap=True)
    for name, what in plan_rows():
        p = c.plans[name]
        style = "bold" if name == "policy" else ""
        head.add_row(
            Text(what, style=style),
            Text(money(p.cost, cur), style=style),
            money(p.benefit, cur),
            _signed(p.net, cur),
        )
    verticals = Table(
        title="Per vertical, a month",
        header_style="bold",
        title_justify="left",
        box=box.SIMPLE_HEAD,
    )
    for col in VERTICAL_COLUMNS:
        left = col == "Vertical"
        verticals.add_column(col, justify="left" if left else "right", no_wrap=not left)
    for v in c.verticals:
        verticals.add_row(*vertical_cells(v, cur, labels))
    breakeven = Text()
    for line in break_even_lines(c, labels):
        breakeven.append("• " + line + "\n")
    parts: list = [head, verticals, Text("Where serial and LPN pay", style="bold"), breakeven]
    moves = change_lines(c, labels)
    if moves:
        parts.append(Text("The numbers favour another method here", style="bold"))
        parts.append(Text("".join("• " + m + "\n" for m in moves)))
    inputs = Table(title="Inputs", header_style="bold", title_justify="left", box=box.SIMPLE_HEAD)
    for col in ("Input", "Value", "From"):
        inputs.add_column(col)
    for name, value, source in c.inputs():
        inputs.add_row(name, value, Text(source, style="dim"))
    parts.append(inputs)
    parts.append(Text(units_line(c), style="dim"))
    if what_if is not None:
        parts.append(what_if_panel(what_if, labels))
    return Panel(Group(*parts), title="Monthly cost", border_style="green")


#: The plans every face lists, in order, with their names in words.
def plan_rows() -> tuple[tuple[str, str], ...]:
    return (
        ("policy", "This policy"),
        ("serial", "Serial everywhere"),
        ("lpn", "LPN everywhere"),
        ("batch", "Batch everywhere"),
    )


VERTICAL_COLUMNS = (
    "Vertical",
    "SKUs",
    "Policy",
    "All serial",
    "All LPN",
    "All batch",
    "Earns back",
    "Net",
)


def vertical_cells(v: Any, cur: str, labels: Mapping[str, str] | None = None) -> tuple[str, ...]:
    """One vertical's row, the same strings in the CLI table and the app's."""
    return (
        _label(labels, v.vertical),
        f"{v.skus:,}",
        money(v.policy.cost, cur),
        money(v.plans["serial"].cost, cur),
        money(v.plans["lpn"].cost, cur),
        money(v.plans["batch"].cost, cur),
        money(v.policy.benefit, cur),
        _signed(v.policy.net, cur),
    )


#: A share read from the rulebook's costs.yaml rather than from the brand.
_RULEBOOK_SOURCE = re.compile(r"costs\.yaml(:\d+)?$")


def break_even_lines(c: CostReport, labels: Mapping[str, str] | None = None) -> list[str]:
    """Per vertical: where serialising (and an LPN) pays, beside the share the brand has."""
    cur = c.currency
    yours = f"{one_in(c.bad_return_share)} returns" if c.bad_return_share else "no returns"
    out = []
    for v in c.verticals:
        what = _label(labels, v.vertical).lower()
        line = v.serial.words(what)
        if v.serial.unit_value is not None and v.serial.share and 0 < v.serial.share <= 1:
            line += f", or once its units are worth {money(v.serial.unit_value, cur)} or more"
        lpn = v.lpn
        if lpn.share is not None and 0 < lpn.share <= 1:
            line += f"; an LPN pays from {one_in(lpn.share)}"
        elif lpn.share == 0:
            line += "; an LPN pays even with no fakes"
        line += f" (avg value {money(v.avg_unit_value, cur)}, returns {v.return_rate:.0%})"
        out.append(line)
    if out:
        if _RULEBOOK_SOURCE.search(c.bad_share_source):
            # Not the brand's figure (it said it has seen none, or gave none): say whose it is.
            out.append(
                f"Assumed: {yours} are fakes or swaps ({c.bad_share_source}, the rulebook's "
                "typical share)."
            )
        else:
            out.append(f"You: {yours} are fakes or swaps ({c.bad_share_source}).")
    return out


def change_lines(c: CostReport, labels: Mapping[str, str] | None = None) -> list[str]:
    """SKU groups whose numbers favour another method than the rules chose."""
    cur = c.currency
    out = []
    for g in c.changes[:8]:
        gain = g.plans[g.best].net - g.plans[g.method].net
        out.append(
            f"{_label(labels, g.vertical)}, {g.band or 'any'} value ({g.skus:,} SKUs): the rules "
            f"say {g.method}, {g.best} nets {money(gain, cur)} more a month"
        )
    if len(c.changes) > 8:
        out.append(f"… and {len(c.changes) - 8} more groups (see --summary)")
    return out


def units_line(c: CostReport) -> str:
    return (
        f"{c.monthly_units:,.0f} units a month, {c.units_assumption}: the best seller "
        f"{c.best_seller_units:,.1f} a month, the median SKU {c.median_units:,.2f}. Recall "
        "narrowing is earned by every method alike (lots captured), so it is left out."
    )


def what_if_panel(w: Any, labels: Mapping[str, str] | None = None) -> Panel:
    """A what-if beside the figures: each plan before → after, and the decisions that move."""
    before, after = w.before, w.after
    cur = after.currency
    t = Table(box=box.SIMPLE_HEAD, header_style="bold", pad_edge=False)
    for col in ("A month", "Costs", "Earns back", "Net", "Net moves"):
        t.add_column(col, justify="left" if col == "A month" else "right", no_wrap=True)
    for name, what in plan_rows():
        b, a = before.plans[name], after.plans[name]
        t.add_row(
            what,
            money(a.cost, cur),
            money(a.benefit, cur),
            _signed(a.net, cur),
            _signed(a.net - b.net, cur),
        )
    body: list = [t]
    moves = Text()
    for line in w.move_lines(labels):
        moves.append("• " + line + "\n")
    body.append(moves)
    return Panel(Group(*body), title="What if " + ", ".join(w.what_if.given), border_style="cyan")


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
    "VERTICAL_COLUMNS",
    "break_even_lines",
    "change_lines",
    "console",
    "cost_panel",
    "decision_panel",
    "decisions_table",
    "matches_table",
    "money",
    "plan_rows",
    "summary_panel",
    "units_line",
    "vertical_cells",
    "what_if_panel",
]
