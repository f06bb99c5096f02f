"""The rendering of `track advise`: each SKU to move, its evidence, its money and its edit."""

from __future__ import annotations

from rich.console import Group
from rich.panel import Panel
from rich.text import Text

from advisor.advice.amounts import format_money
from advisor.advice.observed import SkuAdvice, TrackAdvice

__all__ = ["advice_lines", "advice_panel"]


def advice_lines(a: SkuAdvice, currency: str) -> list[str]:
    """One SKU's advice as lines of text (the CLI and the app's dashboard show the same)."""
    cur, p = currency, a.plans
    head = f"{a.sku} ({a.observation.vertical or 'vertical unknown'}"
    head += f", {a.band} value" if a.band else ""
    head += f"): {a.current} → {a.best}, nets {format_money(a.gain, cur)} more a month"
    if not a.changes:
        head = f"{a.sku}: {a.current} stays (best on its own figures)"
    money = "; ".join(
        f"{m}: costs {format_money(p[m].cost, cur)}, earns back {format_money(p[m].benefit, cur)}"
        for m in dict.fromkeys((a.current, a.best))
    )
    used = (
        f"priced at returns {a.return_rate_used:.0%}, repeat returns {a.repeat_share_used:.0%} "
        f"and fakes or swaps {a.bad_share_used:.2%} of returns (its own: "
        f"{', '.join(a.figures_own)}; the rest costs.yaml or the brand profile)"
    )
    lines = [head, "  evidence: " + a.observation.evidence(), "  money: " + money, "  " + used]
    if a.unit_value is None:
        lines.append("  no unit value (give --catalog): fakes are priced at 0")
    if a.changes:
        lines.append("  now: " + a.command)
        lines.append("  next evaluation: " + a.edit)
    return lines


def advice_panel(result: TrackAdvice, show_all: bool = False) -> Panel:
    cur = result.currency
    body = Text()
    days = result.months * 30.4375
    span = f"{days:.0f} days" if days < 60 else f"{result.months:.1f} months"
    if result.changes:
        body.append(
            f"{len(result.changes)} SKU{'s' if len(result.changes) != 1 else ''} would be "
            f"tracked better another way, on {span} of the store's records:\n\n",
            style="bold",
        )
        for a in result.changes:
            for i, line in enumerate(advice_lines(a, cur)):
                body.append(line + "\n", style="bold" if i == 0 else "")
            body.append("\n")
    else:
        body.append(f"Every judged SKU is tracked the way its own figures favour ({span}).\n")
    if show_all:
        for a in result.kept:
            for line in advice_lines(a, cur):
                body.append(line + "\n", style="dim")
    notes = []
    if result.kept and not show_all:
        notes.append(f"{len(result.kept):,} SKUs keep their method (--all lists them)")
    if result.too_few:
        notes.append(
            f"{len(result.too_few):,} SKUs shipped fewer than {result.min_shipped} units: "
            "not judged yet"
        )
    if not result.priced_values:
        notes.append("no catalog given: fakes are priced at 0 and no method is lowered")
    parts: list = [body]
    if notes:
        parts.append(Text("; ".join(notes) + ".", style="dim"))
    return Panel(Group(*parts), title="Advice from what the tracker saw", border_style="green")
