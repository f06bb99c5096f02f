"""What a tracking policy costs a month, beside "serialise everything" and "batch everything".

The model is `shared/research/inventory-tracking.md` §7(d), with every input taken from
`costs.yaml` or the brand profile: labels are bought per unit received, lots cost a data-entry
line each, and a method earns the benefits it can deliver (serial catches fakes and swaps, an
LPN catches swaps and repeat loops, batch catches neither). Monthly units are spread evenly over
the catalog's SKUs unless the profile says otherwise; the report states that assumption.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from advisor.rulebook.load import METHODS, Costs

# What every view says when the monthly volume is unknown (evaluate, rules diff, the app).
NO_VOLUME = (
    "No monthly volume given: pass --monthly-orders N or a --profile with monthly_orders "
    "to see what the policy costs a month."
)


@dataclass(slots=True)
class _Group:
    skus: int = 0
    value_sum: float = 0.0
    return_rate_sum: float = 0.0
    methods: dict[str, int] = field(default_factory=lambda: dict.fromkeys(METHODS, 0))


@dataclass(frozen=True, slots=True)
class GroupCost:
    """Monthly figures for one vertical: cost of each plan, the benefits, and break-evens."""

    vertical: str
    skus: int
    methods: dict[str, int]
    avg_unit_value: float
    return_rate: float
    monthly_units: float
    cost_recommended: float
    cost_serial: float
    cost_lpn: float
    cost_batch: float
    benefit_serial: float  # fakes/swaps caught + repeat loops broken, a month
    benefit_lpn: float
    break_even_bad_share: float | None  # share of returns that must be bad for serial to pay
    break_even_unit_value: float | None  # unit value above which serial pays at the assumed share


@dataclass(frozen=True, slots=True)
class CostReport:
    currency: str
    monthly_units: float
    units_assumption: str
    groups: tuple[GroupCost, ...]
    recommended: float
    serialise_all: float
    lpn_all: float
    batch_all: float
    assumptions: dict[str, float]

    @property
    def benefit_recommended(self) -> float:
        return sum(
            g.benefit_serial * g.methods["serial"] / g.skus
            + g.benefit_lpn * g.methods["lpn"] / g.skus
            for g in self.groups
            if g.skus
        )


class CostAccumulator:
    """Collects decided SKUs (streaming, memory per vertical) and prices the plans at the end."""

    def __init__(self, costs: Costs, bad_return_share: float | None = None) -> None:
        if (
            bad_return_share is not None
        ):  # the brand's own experience beats the rulebook's assumption
            from dataclasses import replace

            costs = replace(costs, bad_return_share=bad_return_share)
        self.costs = costs
        self._groups: dict[str, _Group] = {}

    def add(self, vertical: str, unit_value: float | None, return_rate: float, method: str) -> None:
        g = self._groups.get(vertical)
        if g is None:
            g = self._groups[vertical] = _Group()
        g.skus += 1
        g.value_sum += unit_value or 0.0
        g.return_rate_sum += return_rate
        g.methods[method] += 1

    def add_many(
        self, vertical: str, n: int, value_sum: float, return_rate_sum: float, method: str
    ) -> None:
        """Add `n` SKUs at once (the evaluator tallies per distinct decision, not per row)."""
        g = self._groups.get(vertical)
        if g is None:
            g = self._groups[vertical] = _Group()
        g.skus += n
        g.value_sum += value_sum
        g.return_rate_sum += return_rate_sum
        g.methods[method] += n

    def merge(self, groups: dict[str, _Group]) -> None:
        """Fold in another accumulator's groups (one per worker process)."""
        for vertical, g in groups.items():
            mine = self._groups.setdefault(vertical, _Group())
            mine.skus += g.skus
            mine.value_sum += g.value_sum
            mine.return_rate_sum += g.return_rate_sum
            for m, n in g.methods.items():
                mine.methods[m] += n

    @property
    def groups(self) -> dict[str, _Group]:
        return self._groups

    def _method_cost(self, method: str, units: float, skus: float) -> float:
        c = self.costs
        return units * c.per_unit[method] + skus * c.lots_per_sku_month * c.per_lot[method]

    def report(self, monthly_units: float, units_assumption: str = "") -> CostReport:
        c = self.costs
        total_skus = sum(g.skus for g in self._groups.values())
        groups: list[GroupCost] = []
        for vertical, g in sorted(self._groups.items(), key=lambda kv: -kv[1].skus):
            units = monthly_units * g.skus / total_skus if total_skus else 0.0
            per_sku_units = units / g.skus if g.skus else 0.0
            p = g.value_sum / g.skus if g.skus else 0.0
            r = g.return_rate_sum / g.skus if g.skus else 0.0
            cost = {m: self._method_cost(m, units, g.skus) for m in METHODS}
            rec = sum(self._method_cost(m, per_sku_units * n, n) for m, n in g.methods.items())
            fraud = units * r * c.bad_return_share * p * c.loss_per_bad_return
            repeat = units * r * c.repeat_return_share * c.return_loop_cost
            gap = c.per_unit["serial"] - c.per_unit["batch"]
            denom = r * p * c.loss_per_bad_return
            f_star = gap / denom if denom > 0 else None
            denom_p = r * c.bad_return_share * c.loss_per_bad_return
            p_star = c.per_unit["serial"] / denom_p if denom_p > 0 else None
            groups.append(
                GroupCost(
                    vertical,
                    g.skus,
                    dict(g.methods),
                    p,
                    r,
                    units,
                    rec,
                    cost["serial"],
                    cost["lpn"],
                    cost["batch"],
                    fraud + repeat,
                    fraud * c.lpn_catch_share + repeat,
                    f_star,
                    p_star,
                )
            )
        fixed = c.fixed_monthly
        used = {m for g in groups for m, n in g.methods.items() if n}
        return CostReport(
            currency=c.currency,
            monthly_units=monthly_units,
            units_assumption=units_assumption,
            groups=tuple(groups),
            recommended=sum(g.cost_recommended for g in groups) + sum(fixed[m] for m in used),
            serialise_all=sum(g.cost_serial for g in groups) + fixed["serial"],
            lpn_all=sum(g.cost_lpn for g in groups) + fixed["lpn"],
            batch_all=sum(g.cost_batch for g in groups) + fixed["batch"],
            assumptions={
                "bad_return_share": c.bad_return_share,
                "loss_per_bad_return": c.loss_per_bad_return,
                "repeat_return_share": c.repeat_return_share,
                "return_loop_cost": c.return_loop_cost,
                "serial_per_unit": c.per_unit["serial"],
                "lpn_per_unit": c.per_unit["lpn"],
                "batch_per_lot": c.per_lot["batch"],
            },
        )


def serial_monthly_cost(costs: Costs, monthly_units: float) -> float:
    """The article's sum: units a month × the serial label cost (5,000 × INR 2 = INR 10,000)."""
    return monthly_units * costs.per_unit["serial"] + costs.fixed_monthly["serial"]


def price_groups(
    costs: Costs, rows: Iterable[tuple[str, float | None, float, str]], monthly_units: float
) -> CostReport:
    """Convenience for small inputs (onboarding): cost a list of (vertical, value, r, method)."""
    acc = CostAccumulator(costs)
    for row in rows:
        acc.add(*row)
    return acc.report(monthly_units)


__all__ = [
    "NO_VOLUME",
    "CostAccumulator",
    "CostReport",
    "GroupCost",
    "price_groups",
    "serial_monthly_cost",
]
