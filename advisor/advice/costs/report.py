"""A priced month: per SKU group, per vertical and for the catalog, with its inputs and as JSON."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from advisor.advice.costs.inputs import Assumptions, GroupTally
from advisor.advice.costs.plans import BreakEven, PlanCost

# What every view says when the monthly volume is unknown (evaluate, rules diff, the app).
NO_VOLUME = (
    "No monthly volume given: pass --monthly-orders N or a --profile with monthly_orders "
    "to see what the policy costs a month."
)
PLANS = ("policy", "serial", "lpn", "batch")


@dataclass(frozen=True, slots=True)
class GroupCost:
    """One SKU group (vertical × value band × decided method × floor): every plan's figures."""

    vertical: str
    band: str
    method: str
    floor: str
    skus: int
    monthly_units: float
    avg_unit_value: float
    return_rate: float
    plans: Mapping[str, PlanCost]  # method → its figures for these SKUs
    best: str  # the method with the highest net at or above the floor
    serial: BreakEven
    lpn: BreakEven

    @property
    def chosen(self) -> PlanCost:
        return self.plans[self.method]

    @property
    def returns(self) -> float:
        return self.monthly_units * self.return_rate


@dataclass(frozen=True, slots=True)
class VerticalCost:
    """A vertical's groups added up, with its break-evens in words."""

    vertical: str
    skus: int
    methods: Mapping[str, int]
    monthly_units: float
    avg_unit_value: float
    return_rate: float
    policy: PlanCost
    plans: Mapping[str, PlanCost]
    serial: BreakEven
    lpn: BreakEven

    # The names the first cost report used, kept for its readers.
    @property
    def cost_recommended(self) -> float:
        return self.policy.cost

    @property
    def cost_serial(self) -> float:
        return self.plans["serial"].cost

    @property
    def cost_lpn(self) -> float:
        return self.plans["lpn"].cost

    @property
    def cost_batch(self) -> float:
        return self.plans["batch"].cost

    @property
    def benefit_serial(self) -> float:
        return self.plans["serial"].benefit

    @property
    def benefit_lpn(self) -> float:
        return self.plans["lpn"].benefit

    @property
    def break_even_bad_share(self) -> float | None:
        return self.serial.share

    @property
    def break_even_unit_value(self) -> float | None:
        return self.serial.unit_value


@dataclass(frozen=True, slots=True)
class CostReport:
    """A month of the policy and of serial / LPN / batch everywhere, and everything behind it."""

    currency: str
    monthly_units: float
    units_assumption: str
    assumptions: Assumptions
    bad_return_share: float  # the share of returns that are fakes or swaps, as used
    bad_share_source: str  # where that share came from, in words
    returns: float  # expected returns a month
    skus: int
    best_seller_units: float  # units a month of the best-selling SKU under the long tail
    median_units: float  # … and of the median SKU
    groups: tuple[GroupCost, ...]
    verticals: tuple[VerticalCost, ...]
    plans: Mapping[str, PlanCost]  # policy, serial, lpn, batch: catalog totals
    tally: tuple[GroupTally, ...] = ()

    @property
    def recommended(self) -> float:
        return self.plans["policy"].cost

    @property
    def serialise_all(self) -> float:
        return self.plans["serial"].cost

    @property
    def lpn_all(self) -> float:
        return self.plans["lpn"].cost

    @property
    def batch_all(self) -> float:
        return self.plans["batch"].cost

    @property
    def benefit_recommended(self) -> float:
        return self.plans["policy"].benefit

    @property
    def net_recommended(self) -> float:
        return self.plans["policy"].net

    @property
    def changes(self) -> tuple[GroupCost, ...]:
        """Groups whose numbers favour another method than the rules chose, biggest gain first."""
        moved = [g for g in self.groups if g.best != g.method]
        return tuple(sorted(moved, key=lambda g: -(g.plans[g.best].net - g.plans[g.method].net)))

    def inputs(self) -> list[tuple[str, str, str]]:
        """(input, value, where it came from) for every assumption a figure used."""
        a, cur = self.assumptions, self.currency
        from advisor.advice.amounts import format_money as fm

        return [
            ("units a month", f"{self.monthly_units:,.0f}", a.source("monthly_units")),
            (
                "sales over SKUs",
                f"long tail, exponent {a.long_tail:g}" if a.long_tail else "even",
                a.source("long_tail"),
            ),
            (
                "serial label",
                fm(a.per_unit["serial"], cur) + " a unit",
                a.source("serial_per_unit"),
            ),
            ("LPN label", fm(a.per_unit["lpn"], cur) + " a unit", a.source("lpn_per_unit")),
            ("lot line", fm(a.per_lot["batch"], cur) + " a lot", a.source("batch_per_lot")),
            (
                "lot size",
                f"{a.lot_cover_months:g} months of sales, {a.lot_min_units:g}–"
                f"{a.default_lot_size:g} units (per vertical)",
                a.source("lot_size"),
            ),
            (
                "return rate",
                f"{a.return_rate:.1%} of units" if a.return_rate is not None else "per vertical",
                a.source("return_rate"),
            ),
            ("fakes and swaps", f"{self.bad_return_share:.2%} of returns", self.bad_share_source),
            (
                "loss per fake",
                f"{a.loss_per_bad_return:.0%} of the unit's value",
                a.source("loss_per_bad_return"),
            ),
            (
                "repeat returns",
                f"{a.repeat_return_share:.0%} of returns, {fm(a.return_loop_cost, cur)} a loop",
                a.source("repeat_return_share"),
            ),
            (
                "LPN catches",
                f"{a.lpn_catch_share:.0%} of fakes and swaps",
                a.source("lpn_catch_share"),
            ),
            (
                "mix-ups",
                f"{a.mismatch_share:.2%} of units per extra channel or warehouse "
                f"({a.extra_locations} extra: {a.channels} channels, {a.warehouses} warehouses), "
                f"{fm(a.mismatch_cost, cur)} each",
                a.source("mismatch_share"),
            ),
        ]

    def to_dict(self) -> dict[str, Any]:
        """The report as JSON data (`--summary`, the app's export, `track advise --json`)."""

        def plan(p: PlanCost) -> dict[str, float]:
            return {
                "cost": round(p.cost, 2),
                "labels": round(p.labels, 2),
                "lot_lines": round(p.lot_lines, 2),
                "lots": round(p.lots, 2),
                "fixed": round(p.fixed, 2),
                "benefit": round(p.benefit, 2),
                "fakes_caught": round(p.fakes_caught, 3),
                "fraud": round(p.fraud, 2),
                "loops_broken": round(p.loops, 3),
                "repeat": round(p.repeat, 2),
                "mixups_avoided": round(p.mixups, 3),
                "mismatch": round(p.mismatch, 2),
                "net": round(p.net, 2),
            }

        def breakeven(b: BreakEven, what: str) -> dict[str, Any]:
            return {
                "share": None if b.share is None else round(b.share, 8),
                "unit_value": None if b.unit_value is None else round(b.unit_value, 2),
                "pays": b.pays,
                "words": b.words(what),
            }

        a = self.assumptions
        return {
            "currency": self.currency,
            "monthly_units": self.monthly_units,
            "units_assumption": self.units_assumption,
            "skus": self.skus,
            "best_seller_units": round(self.best_seller_units, 2),
            "median_units": round(self.median_units, 4),
            "returns": round(self.returns, 2),
            "bad_return_share": round(self.bad_return_share, 8),
            "bad_share_source": self.bad_share_source,
            "recommended": round(self.recommended, 2),
            "serialise_all": round(self.serialise_all, 2),
            "lpn_all": round(self.lpn_all, 2),
            "batch_all": round(self.batch_all, 2),
            "benefit_recommended": round(self.benefit_recommended, 2),
            "net_recommended": round(self.net_recommended, 2),
            "plans": {name: plan(p) for name, p in self.plans.items()},
            "assumptions": {
                "serial_per_unit": a.per_unit["serial"],
                "lpn_per_unit": a.per_unit["lpn"],
                "batch_per_lot": a.per_lot["batch"],
                "bad_return_share": round(self.bad_return_share, 8),
                "loss_per_bad_return": a.loss_per_bad_return,
                "repeat_return_share": a.repeat_return_share,
                "return_loop_cost": a.return_loop_cost,
                "lpn_catch_share": a.lpn_catch_share,
                "mismatch_share": a.mismatch_share,
                "mismatch_cost": a.mismatch_cost,
                "extra_locations": a.extra_locations,
                "lot_cover_months": a.lot_cover_months,
                "lot_min_units": a.lot_min_units,
                "default_lot_size": a.default_lot_size,
                "long_tail": a.long_tail,
                "return_rate": a.return_rate,
            },
            "inputs": [{"input": n, "value": v, "source": s} for n, v, s in self.inputs()],
            "verticals": [
                {
                    "vertical": v.vertical,
                    "skus": v.skus,
                    "methods": dict(v.methods),
                    "monthly_units": round(v.monthly_units, 2),
                    "avg_unit_value": round(v.avg_unit_value, 2),
                    "return_rate": round(v.return_rate, 4),
                    "policy": plan(v.policy),
                    "plans": {m: plan(p) for m, p in v.plans.items()},
                    "break_even": {
                        "serial": breakeven(v.serial, v.vertical),
                        "lpn": breakeven(v.lpn, v.vertical),
                    },
                }
                for v in self.verticals
            ],
            "groups": [
                {
                    "vertical": g.vertical,
                    "band": g.band,
                    "method": g.method,
                    "floor": g.floor,
                    "best": g.best,
                    "skus": g.skus,
                    "monthly_units": round(g.monthly_units, 2),
                    "avg_unit_value": round(g.avg_unit_value, 2),
                    "return_rate": round(g.return_rate, 4),
                    "plans": {m: plan(p) for m, p in g.plans.items()},
                    "break_even": {
                        "serial": breakeven(g.serial, f"{g.band} {g.vertical}"),
                        "lpn": breakeven(g.lpn, f"{g.band} {g.vertical}"),
                    },
                }
                for g in self.groups
            ],
        }


__all__ = ["CostReport", "GroupCost", "NO_VOLUME", "PLANS", "VerticalCost"]
