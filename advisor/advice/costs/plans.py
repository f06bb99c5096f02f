"""One method for a set of SKUs, a month: what it costs, what it earns back, and where it pays.

The benefits come from the brand's evidence where it gives some (`bad_share`): fakes and swaps
caught at the returns desk, repeat-return loops broken and channel or warehouse mix-ups avoided.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from advisor.advice.costs.inputs import Assumptions


@dataclass(frozen=True, slots=True)
class PlanCost:
    """One method for a set of SKUs, a month: what it costs and what it earns back."""

    labels: float  # units × per-unit cost
    lot_lines: float  # how many lot lines are received
    lots: float  # lot lines × per-lot cost
    fakes_caught: float  # bad returns caught, units a month
    fraud: float  # their value
    loops: float  # repeat loops broken, a month
    repeat: float  # their cost
    mixups: float  # channel / warehouse mix-ups avoided, a month
    mismatch: float  # their cost
    fixed: float = 0.0

    @property
    def cost(self) -> float:
        return self.labels + self.lots + self.fixed

    @property
    def benefit(self) -> float:
        return self.fraud + self.repeat + self.mismatch

    @property
    def net(self) -> float:
        return self.benefit - self.cost

    def __add__(self, other: PlanCost) -> PlanCost:
        return PlanCost(*(a + b for a, b in zip(_astuple(self), _astuple(other), strict=True)))


ZERO = PlanCost(0, 0, 0, 0, 0, 0, 0, 0, 0, 0)


def _astuple(p: PlanCost) -> tuple[float, ...]:
    return (
        p.labels,
        p.lot_lines,
        p.lots,
        p.fakes_caught,
        p.fraud,
        p.loops,
        p.repeat,
        p.mixups,
        p.mismatch,
        p.fixed,
    )


@dataclass(frozen=True, slots=True)
class BreakEven:
    """Where serialising (or an LPN) pays against batch for a set of SKUs.

    `share` is the share of returns that must be fakes or swaps for the method's benefits to
    cover its extra cost: None when nothing is returned, 0 when it pays with no fakes at all
    (repeat loops and mix-ups alone), above 1 when fakes alone can never pay for it.
    `unit_value` is the value above which it pays at the share assumed.
    """

    method: str
    share: float | None
    unit_value: float | None
    assumed_share: float

    @property
    def pays(self) -> bool:
        return self.share is not None and self.share <= self.assumed_share

    def words(self, what: str, money: Any = None) -> str:
        """ "serialising phones pays once more than 1 in 160 returns is a fake or swap"."""
        verb = "serialising" if self.method == "serial" else "an LPN on"
        head = f"{verb} {what}"
        if self.share is None:
            return f"{head}: nothing is returned, so nothing to catch"
        if self.share <= 0:
            return f"{head} pays even with no fakes: repeat returns and mix-ups alone cover it"
        if self.share > 1:
            return (
                f"{head} never pays on fakes and swaps alone (it would take more than every return)"
            )
        return f"{head} pays once more than {one_in(self.share)} returns is a fake or swap"


def one_in(share: float) -> str:
    """0.00625 → '1 in 160'; 0.4 → '2 in 5'; for a founder, not a statistician."""
    if share <= 0:
        return "none of the"
    if share >= 0.5:
        return f"{round(share * 10)} in 10"
    n = 1 / share
    n = round(n) if n < 20 else int(round(n, -1 if n < 1000 else -2))
    return f"1 in {n:,}"


def bad_share(a: Assumptions, returns: float) -> tuple[float, str]:
    """The share of returns that are fakes or swaps, and where it came from.

    The brand's own share first; else its fakes and swaps a month ÷ the month's expected
    returns (capped at every return); else costs.yaml's assumption.
    """
    if a.brand_bad_return_share is not None:
        return a.brand_bad_return_share, a.source("brand_bad_return_share")
    if a.counterfeit_incidents > 0 and returns > 0:
        share = min(a.counterfeit_incidents / returns, 1.0)
        where = a.source("counterfeit_incidents")
        return share, (
            f"{a.counterfeit_incidents:,.0f} fakes or swaps a month ÷ {returns:,.0f} expected "
            f"returns ({where})"
        )
    return a.bad_return_share, a.source("bad_return_share")


def method_plan(
    method: str,
    units: float,
    lines: float,
    returns: float,
    value: float,
    f_bad: float,
    a: Assumptions,
) -> PlanCost:
    catch = {"serial": 1.0, "lpn": a.lpn_catch_share}.get(method, 0.0)
    tracked = method in ("serial", "lpn")
    fakes = returns * f_bad * catch
    loops = returns * a.repeat_return_share if tracked else 0.0
    mixups = units * a.mismatch_share * a.extra_locations if tracked else 0.0
    return PlanCost(
        labels=units * a.per_unit[method],
        lot_lines=lines if a.per_lot[method] or method == "batch" else 0.0,
        lots=lines * a.per_lot[method],
        fakes_caught=fakes,
        fraud=fakes * value * a.loss_per_bad_return,
        loops=loops,
        repeat=loops * a.return_loop_cost,
        mixups=mixups,
        mismatch=mixups * a.mismatch_cost,
    )


def break_even(
    method: str,
    plans: Mapping[str, PlanCost],
    returns: float,
    stake: float,
    f_bad: float,
    a: Assumptions,
) -> BreakEven:
    """Where `method` starts to pay against batch for SKUs with these `plans`.

    `stake` is Σ returns × unit value × loss per bad return: what fakes and swaps would cost if
    every return were one. The method's extra cost less its other benefits (repeat loops,
    mix-ups), over the stake it can catch, is the share of returns that must be bad.
    """
    if returns <= 0:
        return BreakEven(method, None, None, f_bad)
    catch = 1.0 if method == "serial" else a.lpn_catch_share
    m, b = plans[method], plans["batch"]
    gap = (m.cost - b.cost) - (m.repeat + m.mismatch)
    if catch <= 0 or stake <= 0:
        return BreakEven(method, 0.0 if gap <= 0 else math.inf, None, f_bad)
    share = max(gap / (stake * catch), 0.0)
    per_value = returns * f_bad * catch * a.loss_per_bad_return
    value = max(gap / per_value, 0.0) if per_value > 0 else None
    return BreakEven(method, share, value, f_bad)


__all__ = ["BreakEven", "PlanCost", "ZERO", "bad_share", "break_even", "method_plan", "one_in"]
