"""The recommendation as text for its screen: decision rows, column widths, the cost line, the
vertical costs and the what-if line, built off the UI thread.

Plain functions over a `Recommendation` (rich `Text`, no textual), so a worker can build
everything the screen shows and the UI thread only hands it to widgets: building the cost line
and measuring 200,000 rows on the UI thread held keys back.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from rich.text import Text

from advisor.advice.evaluate import EvaluatedRow
from advisor.advice.recommend import Recommendation
from advisor.app.charts import stacked
from advisor.app.rowtable import Column
from advisor.catalog.records import RejectedRow
from advisor.render.report import (
    VERTICAL_COLUMNS,
    break_even_lines,
    change_lines,
    money,
    plan_rows,
    vertical_cells,
)

DECISION_COLUMNS = ("Product", "Value", "Method", "Capture", "Rule")
METHODS = ("serial", "lpn", "batch")
Tone = Callable[[str], str]  # a method → its rich style (the theme's tone)


def decision_cells(rec: Recommendation, styles: Mapping[str, str]):
    """The cells of one decided (or rejected) row, made when the row is drawn."""

    def cells(item: EvaluatedRow | RejectedRow) -> tuple[str | Text, ...]:
        if isinstance(item, RejectedRow):
            return (item.sku or f"row {item.row:,}", "", "—", "", f"rejected: {item.reason}")
        d = item.decision
        value = "" if item.unit_value is None else f"{item.unit_value:,.0f}"
        method = Text(d.method.upper(), style=styles.get(d.method, ""))
        return (rec.label(item), value, method, ", ".join(d.capture) or "—", d.rule)

    return cells


class DecisionWidths:
    """The widest cell of each decision column, kept up as rows pass (`add`).

    The same widths `measure_columns` finds over `decision_cells`, without making every row's
    cells: what rows share (method, capture, rule) is measured once per shared decision, and
    per row only its label and value, so a child process measures 200,000 rows as it decides."""

    def __init__(self, labels: Mapping[int, str] | None = None) -> None:
        self.labels = labels or {}
        self.widths = [len(c) for c in DECISION_COLUMNS]
        self._seen: set[int] = set()
        # the values' extremes, measured once at the end: a value's width ("12,345") only
        # grows with its distance from zero, and formatting every row's value was a third of
        # the time the child spends passing the second half's rows on
        self._low: float | None = None
        self._high: float | None = None

    def add(self, item: EvaluatedRow | RejectedRow) -> None:
        w = self.widths
        if item.__class__ is EvaluatedRow:
            record = item.record
            label = self.labels.get(record.row, record.sku) if self.labels else record.sku
            if len(label) > w[0]:
                w[0] = len(label)
            value = item.unit_value
            if value is not None:
                if -1e300 < value < 1e300:
                    if self._high is None or value > self._high:
                        self._high = value
                    if self._low is None or value < self._low:
                        self._low = value
                else:  # nan or infinite: measured as it is
                    w[1] = max(w[1], len(f"{value:,.0f}"))
            shared = item.shared
            if id(shared) not in self._seen:
                self._seen.add(id(shared))
                d = shared.decision
                w[2] = max(w[2], len(d.method))
                w[3] = max(w[3], len(", ".join(d.capture) or "—"))
                w[4] = max(w[4], len(d.rule))
            return
        w[0] = max(w[0], len(item.sku or f"row {item.row:,}"))
        w[2] = max(w[2], 1)
        w[4] = max(w[4], len(f"rejected: {item.reason}"))

    def columns(self) -> tuple[Column, ...]:
        widths = list(self.widths)
        for value in (self._low, self._high):
            if value is not None:
                widths[1] = max(widths[1], len(f"{value:,.0f}"))
        return tuple(
            Column(label, width, least=min(width, max(len(label), 6)), right=i == 1)
            for i, (label, width) in enumerate(zip(DECISION_COLUMNS, widths, strict=True))
        )


def signed(amount: float, currency: str) -> str:
    return ("+" if round(amount) > 0 else "") + money(amount, currency)


def cost_line(rec: Recommendation, tone: Tone, *, short: bool = False) -> Text:
    """The line over the table: the split of SKUs per method, then a month's cost of this
    policy beside serialising, LPN-labelling or batching everything (`short`: this policy and
    its net only, pointing at the bars, for a narrow screen)."""
    c = rec.costs
    cur = c.currency
    text = Text()
    counts = rec.summary.by_method
    split = " · ".join(f"{m.upper()} {counts[m]:,}" for m in METHODS if counts[m])
    n = rec.summary.decided
    what = f"{n:,} SKU{'s' if n != 1 else ''}" if rec.catalog else f"{n:,} typical products"
    text.append(f"{what}: {split}  ")
    text.append_text(stacked(counts, 16, tone))
    if rec.summary.rejected:
        text.append(f" · {rec.summary.rejected:,} rows rejected", style="bold")
    if rec.summary.price_missing:
        text.append(f" · {rec.summary.price_missing:,} without a price of their own")
        if rec.summary.price_typical:
            text.append(f" ({rec.summary.price_typical:,} decided as a typical item)")
    text.append("\n")
    check = rec.currency
    if check is not None and check.reading_note():
        text.append(check.reading_note() + "\n", style="italic")
    if check is not None and (check.plausible is False or check.unpriced is not None):
        text.append(check.message() + "\n", style="bold red")
    elif check is not None and check.needs_saying:
        text.append(f"Prices read as {check.describe()}.\n", style="italic")
    if c.monthly_units == 0:
        text.append("No monthly orders given, so no costs: change that answer (b).")
        return text
    text.append("A month: ")
    text.append(f"this policy {money(c.recommended, cur)}", style="bold")
    policy = c.plans["policy"]
    if short:
        text.append(f", net {signed(policy.net, cur)} · g compares")
        return text
    text.append(
        f" (earns back {money(policy.benefit, cur)}, net {signed(policy.net, cur)})"
        f" · all serial {money(c.serialise_all, cur)} · all LPN {money(c.lpn_all, cur)}"
        f" · all batch {money(c.batch_all, cur)}"
    )
    return text


@dataclass(frozen=True, slots=True)
class CostsView:
    """What the screen shows of a recommendation's costs, ready to hand to its widgets."""

    line: Text  # over the table
    short_line: Text  # the same below 80 columns: this policy and its net
    verticals: tuple[tuple[str, ...], ...]  # one row of VERTICAL_COLUMNS cells per vertical
    breakeven: tuple[str, ...]  # where serialising / an LPN pays; empty when no costs show


def costs_view(rec: Recommendation, labels: Mapping[str, str], tone: Tone) -> CostsView:
    """The cost line, the vertical rows (none without costs) and the break-even lines."""
    cur = rec.costs.currency
    shown = bool(rec.costs.verticals) and rec.costs.monthly_units > 0
    rows = tuple(vertical_cells(v, cur, labels) for v in rec.costs.verticals) if shown else ()
    lines = [*break_even_lines(rec.costs, labels), *change_lines(rec.costs, labels)]
    return CostsView(
        cost_line(rec, tone), cost_line(rec, tone, short=True), rows, tuple(lines) if shown else ()
    )


def vertical_columns(width: int) -> list[int]:
    """Which of VERTICAL_COLUMNS fit `width` columns: every plan from 100, else this policy,
    what it earns back and its net, and below 80 this policy and its net (the other plans are
    in the cost line and the bars)."""
    if width >= 100:
        return list(range(len(VERTICAL_COLUMNS)))
    return [0, 1, 2, 6, 7] if width >= 80 else [0, 1, 2, 7]


def what_if_text(result, labels: Mapping[str, str]) -> Text:
    """A what-if's plans after the change, each with how its net moved, then what moved."""
    cur = result.after.currency
    text = Text()
    text.append("What if " + ", ".join(result.what_if.given) + ": ", style="bold")
    parts = []
    for name, what in plan_rows():
        b, a = result.before.plans[name], result.after.plans[name]
        parts.append(
            f"{what.lower()} {money(a.cost, cur)}, net {signed(a.net, cur)} "
            f"({signed(a.net - b.net, cur)})"
        )
    text.append(" · ".join(parts) + "\n")
    text.append("\n".join(result.move_lines(labels)))
    return text


__all__ = [
    "DECISION_COLUMNS",
    "CostsView",
    "DecisionWidths",
    "cost_line",
    "costs_view",
    "decision_cells",
    "signed",
    "vertical_columns",
    "what_if_text",
]
