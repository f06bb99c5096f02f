"""Bars of the recommendation, drawn with block characters: SKUs and monthly cost per method
and per vertical, for people who would rather look than read.

Plain rich `Text`, no chart library: the figures are a handful of bars, block characters draw
them exactly in any terminal and in SVG snapshots, and each method has its own fill (█ serial,
▓ LPN, ░ batch) so the bars read the same without colour.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from rich.text import Text

from advisor.advice.costs import CostReport
from advisor.render.report import money

METHODS = ("serial", "lpn", "batch")
FILL = {"serial": "█", "lpn": "▓", "batch": "░"}
_EIGHTHS = " ▏▎▍▌▋▊▉"

Style = Callable[[str], str]  # method → a rich style (the theme's tone for it)


def bar(value: float, largest: float, width: int) -> str:
    """A bar `width` cells long at `largest`, in eighths of a cell."""
    if largest <= 0 or value <= 0 or width <= 0:
        return ""
    eighths = max(1, round(8 * width * min(value / largest, 1.0)))
    full, part = divmod(eighths, 8)
    return "█" * full + (_EIGHTHS[part] if part else "")


def method_bars(counts: Mapping[str, int], width: int, style: Style) -> Text:
    """One bar per method: how many SKUs it tracks and their share."""
    total = sum(counts.get(m, 0) for m in METHODS)
    label_w, tail_w = 7, 18
    room = max(width - label_w - tail_w - 2, 4)
    out = Text()
    largest = max((counts.get(m, 0) for m in METHODS), default=0)
    for m in METHODS:
        n = counts.get(m, 0)
        share = n / total if total else 0.0
        out.append(f"{m.upper():<{label_w}}")
        drawn = bar(n, largest, room) if m == "serial" else _cells(n, largest, room, FILL[m])
        out.append(f"{drawn:<{room}}", style=style(m))
        out.append(f"  {n:>8,} {share:>6.0%}\n")
    return out


def stacked(counts: Mapping[str, int], width: int, style: Style) -> Text:
    """One line split by method in proportion to `counts`, each part in its own fill."""
    total = sum(counts.get(m, 0) for m in METHODS)
    out = Text()
    if not total or width <= 0:
        return out
    cells = {m: round(width * counts.get(m, 0) / total) for m in METHODS}
    for m in METHODS:  # every method with SKUs shows, even a tiny share
        if counts.get(m, 0) and not cells[m]:
            cells[m] = 1
    while sum(cells.values()) > width:
        biggest = max(cells, key=lambda k: cells[k])
        cells[biggest] -= 1
    for m in METHODS:
        out.append(FILL[m] * cells[m], style=style(m))
    return out


def money_bars(rows: Sequence[tuple[str, float]], currency: str, width: int) -> Text:
    """Labelled bars of amounts of money, longest first as given."""
    out = Text()
    if not rows:
        return out
    label_w = min(max(len(label) for label, _ in rows), 24)
    amounts = [money(value, currency) for _, value in rows]
    amount_w = max(len(a) for a in amounts)
    room = max(width - label_w - amount_w - 3, 4)
    largest = max(value for _, value in rows)
    for (label, value), amount in zip(rows, amounts, strict=True):
        out.append(f"{_fit(label, label_w):<{label_w}} ")
        out.append(f"{bar(value, largest, room):<{room}}")
        out.append(f"  {amount:>{amount_w}}\n")
    return out


def recommendation_charts(
    counts: Mapping[str, int],
    costs: CostReport,
    labels: Mapping[str, str],
    width: int,
    style: Style,
) -> list[Text]:
    """Every picture of one recommendation, each headed, for the pictures view."""
    parts = [Text("SKUs by method", style="bold"), method_bars(counts, width, style)]
    if costs.verticals:
        parts.append(Text("SKUs by method, per vertical  (█ serial  ▓ LPN  ░ batch)", style="bold"))
        label_w = min(max(len(labels.get(v.vertical, v.vertical)) for v in costs.verticals), 24)
        room = max(width - label_w - 10, 8)
        lines = Text()
        for v in costs.verticals:
            lines.append(f"{_fit(labels.get(v.vertical, v.vertical), label_w):<{label_w}} ")
            lines.append_text(stacked(v.methods, room, style))
            lines.append(f" {v.skus:>7,}\n")
        parts.append(lines)
    if costs.monthly_units > 0:
        cur = costs.currency
        plans = [
            ("This policy", costs.recommended),
            ("All serial", costs.serialise_all),
            ("All LPN", costs.lpn_all),
            ("All batch", costs.batch_all),
        ]
        parts += [Text("A month, by plan", style="bold"), money_bars(plans, cur, width)]
        if costs.verticals:
            rows = [
                (labels.get(v.vertical, v.vertical), v.policy.cost)
                for v in sorted(costs.verticals, key=lambda v: -v.policy.cost)
            ]
            parts += [
                Text("A month under this policy, per vertical", style="bold"),
                money_bars(rows, cur, width),
            ]
    return parts


def _cells(value: float, largest: float, width: int, fill: str) -> str:
    """A bar in whole cells of `fill` (the eighth blocks exist only as solid █)."""
    if largest <= 0 or value <= 0:
        return ""
    return fill * max(1, round(width * min(value / largest, 1.0)))


def _fit(label: str, width: int) -> str:
    return label if len(label) <= width else label[: width - 1] + "…"


__all__ = ["FILL", "bar", "method_bars", "money_bars", "recommendation_charts", "stacked"]
