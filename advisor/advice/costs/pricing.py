"""`price`: the one function behind every cost figure, and `reprice` for a what-if on the same SKUs."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace

from advisor.advice.costs.inputs import Assumptions, GroupTally, override
from advisor.advice.costs.plans import ZERO, bad_share, break_even, method_plan
from advisor.advice.costs.report import PLANS, CostReport, GroupCost, VerticalCost
from advisor.advice.costs.sales import lot_lines, units_by_rank
from advisor.rulebook.load import METHODS
from tracker.vocabulary import METHOD_RANK


def price(tally: Iterable[GroupTally], a: Assumptions, units_assumption: str = "") -> CostReport:
    """Every plan's cost and benefit for the tallied SKUs under assumptions `a`."""
    rows = [t for t in tally if t.skus]
    n_total = sum(t.skus for t in rows)
    U = a.monthly_units
    s = a.long_tail
    rate = {
        t: (a.return_rate if a.return_rate is not None else t.return_rate_sum / t.skus)
        for t in rows
    }
    share_of = {t: t.skus / n_total for t in rows} if n_total else {}
    units = {t: U * share_of[t] for t in rows}
    returns_total = sum(units[t] * rate[t] for t in rows)
    f_bad, f_source = bad_share(a, returns_total)
    # Lot lines per vertical's lot size: every group gets its share of the catalog's ranks.
    lines_of: dict[str, float] = {}
    for t in rows:
        if t.vertical not in lines_of:
            lines_of[t.vertical] = lot_lines(
                U,
                n_total,
                s,
                a.lot_size(t.vertical),
                a.lot_min_units,
                a.lot_cover_months,
            )
    groups: list[GroupCost] = []
    for t in rows:
        u, r = units[t], rate[t]
        p = t.value_sum / t.skus
        lines = lines_of[t.vertical] * share_of[t]
        ret = u * r
        plans = {m: method_plan(m, u, lines, ret, p, f_bad, a) for m in METHODS}
        allowed = [m for m in METHODS if METHOD_RANK[m] >= METHOD_RANK.get(t.floor, 0)]
        best = max(allowed, key=lambda m: (round(plans[m].net, 6), -METHOD_RANK[m]))
        stake = ret * p * a.loss_per_bad_return
        groups.append(
            GroupCost(
                t.vertical,
                t.band,
                t.method,
                t.floor,
                t.skus,
                u,
                p,
                r,
                plans,
                best,
                break_even("serial", plans, ret, stake, f_bad, a),
                break_even("lpn", plans, ret, stake, f_bad, a),
            )
        )
    verticals = _verticals(groups, f_bad, a)
    totals = {m: sum((g.plans[m] for g in groups), ZERO) for m in METHODS}
    policy = sum((g.chosen for g in groups), ZERO)
    used = {g.method for g in groups}
    plans = {
        "policy": replace(policy, fixed=sum(a.fixed_monthly[m] for m in used)),
        **{m: replace(totals[m], fixed=a.fixed_monthly[m]) for m in METHODS},
    }
    plans = {name: plans[name] for name in PLANS}
    groups.sort(key=lambda g: (-g.skus, g.vertical, g.band, g.method))
    return CostReport(
        currency=a.currency,
        monthly_units=U,
        units_assumption=units_assumption or _spread_words(a, n_total),
        assumptions=a,
        bad_return_share=f_bad,
        bad_share_source=f_source,
        returns=returns_total,
        skus=n_total,
        best_seller_units=units_by_rank(U, n_total, s, 1),
        median_units=units_by_rank(U, n_total, s, max((n_total + 1) // 2, 1)),
        groups=tuple(groups),
        verticals=tuple(verticals),
        plans=plans,
        tally=tuple(rows),
    )


def _verticals(groups: list[GroupCost], f_bad: float, a: Assumptions) -> list[VerticalCost]:
    by: dict[str, list[GroupCost]] = {}
    for g in groups:
        by.setdefault(g.vertical, []).append(g)
    out = []
    for vertical, gs in by.items():
        skus = sum(g.skus for g in gs)
        units = sum(g.monthly_units for g in gs)
        returns = sum(g.returns for g in gs)
        stake = sum(g.returns * g.avg_unit_value * a.loss_per_bad_return for g in gs)
        plans = {m: sum((g.plans[m] for g in gs), ZERO) for m in METHODS}
        methods = dict.fromkeys(METHODS, 0)
        for g in gs:
            methods[g.method] += g.skus
        out.append(
            VerticalCost(
                vertical,
                skus,
                methods,
                units,
                sum(g.avg_unit_value * g.skus for g in gs) / skus,
                returns / units if units else sum(g.return_rate * g.skus for g in gs) / skus,
                sum((g.chosen for g in gs), ZERO),
                plans,
                break_even("serial", plans, returns, stake, f_bad, a),
                break_even("lpn", plans, returns, stake, f_bad, a),
            )
        )
    out.sort(key=lambda v: (-v.skus, v.vertical))
    return out


def _spread_words(a: Assumptions, skus: int) -> str:
    if not skus:
        return "no stock SKUs"
    if a.long_tail == 0:
        return f"spread evenly over {skus:,} SKUs"
    return (
        f"spread over {skus:,} SKUs on a long tail (the k-th best seller sells 1/k"
        + (f"^{a.long_tail:g}" if a.long_tail != 1 else "")
        + " as much as the best)"
    )


def reprice(report: CostReport, overrides: Mapping[str, float]) -> CostReport:
    """The same SKUs priced again with some assumptions changed (a what-if; no catalog read)."""
    a = override(report.assumptions, overrides, dict(report.assumptions.sources))
    sources = dict(report.assumptions.sources)
    for key in overrides:
        sources[key.split(".")[0]] = "--what-if"
        if key == "bad_return_share":
            sources["brand_bad_return_share"] = "--what-if"
    a = replace(a, sources=sources)
    return price(report.tally, a)


__all__ = ["price", "reprice"]
