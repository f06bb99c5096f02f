"""What a tracking policy costs a month, what it earns back, and where each method starts to pay.

The model is `shared/research/inventory-tracking.md` §7(d), every input rule data (`costs.yaml`)
or the brand's own (the profile), each figure carrying where its inputs came from:

- **Units.** The month's units (orders × units per order) spread over the stock SKUs on a long
  tail: the k-th best seller sells 1/k^s of the best (`sales.long_tail`, Zipf; 0 = evenly).
  Which SKU sells best is not known, so every group of SKUs gets its share of the ranks.
- **Labels** are bought per unit received (serial, LPN); **lot lines** per lot received. A lot
  holds `lots.cover_months` of one SKU's sales, at least `lots.min_units` and at most its
  vertical's lot size, so a SKU selling 3 units a month is received a few times a year, never
  more lot lines than units, and a fast seller in full lots.
- **Benefits** a method can earn: fakes and swapped units caught at the returns desk (serial
  all, LPN `lpn_catch_share`, batch none), repeat-return loops broken (serial, LPN) and
  mix-ups between channels and warehouses avoided (serial, LPN). Narrowing a recall to a lot is
  earned by all three alike, so it does not change the comparison and is left out.
- **The brand's evidence** replaces assumptions: `return_rate`, `bad_return_share` (else
  `counterfeit_incidents` ÷ the month's expected returns), `channels` and `warehouses`.

`price(tally, assumptions)` is the one function behind every figure: `trackright evaluate`
(table and `--summary` JSON), the app's recommendation, `rules diff`'s cost change and
`trackright track advise`. A `CostReport` keeps its tally and assumptions, so `reprice` gives a
what-if without reading the catalog again.

    >>> from advisor.rulebook import load_rulebook
    >>> costs = load_rulebook().costs
    >>> acc = CostAccumulator(costs)
    >>> acc.add_many("mobile_phones", 10, 10 * 20000.0, 10 * 0.05, "serial")
    >>> report = price(acc.tally(), assumptions(costs, monthly_units=5000))
    >>> round(report.serialise_all)
    10000
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any

from advisor.rulebook.load import METHODS, Costs
from tracker.vocabulary import METHOD_RANK

# What every view says when the monthly volume is unknown (evaluate, rules diff, the app).
NO_VOLUME = (
    "No monthly volume given: pass --monthly-orders N or a --profile with monthly_orders "
    "to see what the policy costs a month."
)
PLANS = ("policy", "serial", "lpn", "batch")

__all__ = [
    "NO_VOLUME",
    "PLANS",
    "Assumptions",
    "BreakEven",
    "CostAccumulator",
    "CostReport",
    "GroupCost",
    "GroupTally",
    "PlanCost",
    "VerticalCost",
    "assumptions",
    "lot_lines",
    "one_in",
    "price",
    "reprice",
    "units_by_rank",
]


# ------------------------------------------------------------------------------------ inputs


@dataclass(frozen=True, slots=True)
class GroupTally:
    """Decided stock SKUs sharing a vertical, value band, method and regulatory floor."""

    vertical: str
    band: str
    method: str
    floor: str  # the weakest method a regulation allows these SKUs ("batch": no floor)
    skus: int
    value_sum: float
    return_rate_sum: float


@dataclass(frozen=True, slots=True)
class Assumptions:
    """Every input of the model, in the base currency, and where each came from.

    `sources` maps an input's name to its origin in words ("costs.yaml:37", "brand profile",
    "--what-if"), which every report prints beside the figure.
    """

    currency: str
    monthly_units: float
    per_unit: Mapping[str, float]
    per_lot: Mapping[str, float]
    fixed_monthly: Mapping[str, float]
    bad_return_share: float  # costs.yaml's assumption
    loss_per_bad_return: float
    repeat_return_share: float
    return_loop_cost: float
    lpn_catch_share: float
    mismatch_share: float
    mismatch_cost: float
    lot_cover_months: float
    lot_min_units: float
    default_lot_size: float
    lot_sizes: Mapping[str, float]
    long_tail: float
    brand_bad_return_share: float | None = None  # the profile's own share, if it gives one
    counterfeit_incidents: float = 0.0  # fakes and swaps the brand sees a month
    return_rate: float | None = None  # one rate for every SKU (profile / what-if), else per group
    channels: int = 1
    warehouses: int = 1
    sources: Mapping[str, str] = field(default_factory=dict)

    @property
    def extra_locations(self) -> int:
        """Channels and warehouses beyond the first of each: where stock can get mixed up."""
        return max(self.channels - 1, 0) + max(self.warehouses - 1, 0)

    def lot_size(self, vertical: str) -> float:
        return self.lot_sizes.get(vertical, self.default_lot_size)

    def source(self, name: str) -> str:
        return self.sources.get(name, "costs.yaml")


#: Names a what-if (and a report's inputs list) may use for the model's own assumptions.
MODEL_KEYS = (
    "serial_per_unit",
    "lpn_per_unit",
    "batch_per_unit",
    "serial_per_lot",
    "lpn_per_lot",
    "batch_per_lot",
    "bad_return_share",
    "loss_per_bad_return",
    "repeat_return_share",
    "return_loop_cost",
    "lpn_catch_share",
    "mismatch_share",
    "mismatch_cost",
    "lot_cover_months",
    "lot_min_units",
    "lot_size",
    "long_tail",
    "return_rate",
    "monthly_units",
    "counterfeit_incidents",
    "channels",
    "warehouses",
)


def assumptions(
    costs: Costs,
    profile: Any = None,
    *,
    monthly_units: float | None = None,
    overrides: Mapping[str, float] | None = None,
    units_source: str = "",
) -> Assumptions:
    """The model's inputs: costs.yaml, then the brand `profile`, then `overrides` (a what-if).

    `profile` is a `BrandProfile` (or None); `monthly_units` beats the profile's volume.
    `overrides` uses `MODEL_KEYS` (`lot_size` sets every vertical's; `lot_size.fashion` one).
    """
    lines = costs.lines

    def at(key: str) -> str:
        line = lines.get(key)
        return f"costs.yaml:{line}" if line else "costs.yaml"

    sources: dict[str, str] = {
        "serial_per_unit": at("methods.serial"),
        "lpn_per_unit": at("methods.lpn"),
        "batch_per_lot": at("methods.batch"),
        "bad_return_share": at("assumptions.bad_return_share"),
        "loss_per_bad_return": at("assumptions.loss_per_bad_return"),
        "repeat_return_share": at("assumptions.repeat_return_share"),
        "return_loop_cost": at("assumptions.return_loop_cost"),
        "lpn_catch_share": at("assumptions.lpn_catch_share"),
        "mismatch_share": at("assumptions.mismatch_share"),
        "mismatch_cost": at("assumptions.mismatch_cost"),
        "lot_cover_months": at("lots.cover_months"),
        "lot_min_units": at("lots.min_units"),
        "lot_size": at("lots.sizes") if costs.lot_sizes else at("lots.default_size"),
        "long_tail": at("sales.long_tail"),
        "return_rate": at("return_rates"),
    }
    a = Assumptions(
        currency=costs.currency,
        monthly_units=0.0,
        per_unit=dict(costs.per_unit),
        per_lot=dict(costs.per_lot),
        fixed_monthly=dict(costs.fixed_monthly),
        bad_return_share=costs.bad_return_share,
        loss_per_bad_return=costs.loss_per_bad_return,
        repeat_return_share=costs.repeat_return_share,
        return_loop_cost=costs.return_loop_cost,
        lpn_catch_share=costs.lpn_catch_share,
        mismatch_share=costs.mismatch_share,
        mismatch_cost=costs.mismatch_cost,
        lot_cover_months=costs.lot_cover_months,
        lot_min_units=costs.lot_min_units,
        default_lot_size=costs.default_lot_size,
        lot_sizes=dict(costs.lot_sizes),
        long_tail=costs.long_tail,
    )
    changes: dict[str, Any] = {}
    if profile is not None:
        changes.update(
            monthly_units=float(profile.monthly_units),
            brand_bad_return_share=profile.bad_return_share,
            counterfeit_incidents=float(profile.counterfeit_incidents),
            return_rate=profile.return_rate,
            channels=max(len(profile.channels), 1),
            warehouses=max(int(profile.warehouses), 1),
        )
        sources["monthly_units"] = "brand profile (monthly_orders × units_per_order)"
        if profile.bad_return_share is not None:
            sources["brand_bad_return_share"] = "brand profile (bad_return_share)"
        if profile.counterfeit_incidents:
            sources["counterfeit_incidents"] = "brand profile (counterfeit_incidents)"
        if profile.return_rate is not None:
            sources["return_rate"] = "brand profile (return_rate)"
        sources["channels"] = sources["warehouses"] = "brand profile"
    if monthly_units is not None:
        changes["monthly_units"] = float(monthly_units)
        sources["monthly_units"] = units_source or "given (--monthly-orders × units per order)"
    a = replace(a, **changes)
    if overrides:
        a = _override(a, overrides, sources)
    return replace(a, sources=sources)


def _override(a: Assumptions, overrides: Mapping[str, float], sources: dict[str, str]) -> Any:
    changes: dict[str, Any] = {}
    per_unit, per_lot = dict(a.per_unit), dict(a.per_lot)
    sizes = dict(a.lot_sizes)
    for key, value in overrides.items():
        sources[key.split(".")[0]] = "--what-if"
        method, _, part = key.partition("_per_")
        if part in ("unit", "lot") and method in METHODS:
            (per_unit if part == "unit" else per_lot)[method] = float(value)
        elif key == "lot_size":
            sizes = dict.fromkeys(sizes, float(value))
            changes["default_lot_size"] = float(value)
        elif key.startswith("lot_size."):
            sizes[key.split(".", 1)[1]] = float(value)
        elif key == "bad_return_share":
            changes["brand_bad_return_share"] = float(value)
            sources["brand_bad_return_share"] = "--what-if"
        elif key == "counterfeit_incidents":
            changes["counterfeit_incidents"] = float(value)
            if "bad_return_share" not in overrides:  # the count is the evidence now
                changes["brand_bad_return_share"] = None
        elif key in ("channels", "warehouses"):
            changes[key] = max(int(value), 1)
        elif key in Assumptions.__dataclass_fields__:
            changes[key] = float(value)
        else:
            raise KeyError(key)
    return replace(a, per_unit=per_unit, per_lot=per_lot, lot_sizes=sizes, **changes)


# ------------------------------------------------------------------------------ the tally


@dataclass(slots=True)
class _Group:
    skus: int = 0
    value_sum: float = 0.0
    return_rate_sum: float = 0.0


class CostAccumulator:
    """Collects decided stock SKUs (streaming, memory per SKU group) for `price` to cost."""

    def __init__(self, costs: Costs, bad_return_share: float | None = None) -> None:
        self.costs = costs  # `bad_return_share` is accepted for old callers; the profile says it
        self._groups: dict[tuple[str, str, str, str], _Group] = {}

    def add(self, vertical: str, unit_value: float | None, return_rate: float, method: str) -> None:
        self.add_many(vertical, 1, unit_value or 0.0, return_rate, method)

    def add_many(
        self,
        vertical: str,
        n: int,
        value_sum: float,
        return_rate_sum: float,
        method: str,
        band: str = "",
        floor: str = "batch",
    ) -> None:
        """Add `n` SKUs at once (the evaluator tallies per distinct decision, not per row)."""
        key = (vertical, band, method, floor)
        g = self._groups.get(key)
        if g is None:
            g = self._groups[key] = _Group()
        g.skus += n
        g.value_sum += value_sum
        g.return_rate_sum += return_rate_sum

    def add_decided(self, facts: Any, decision: Any, n: int, value_sum: float) -> None:
        """The evaluator's hand-off: `n` rows sharing `facts` (SkuFacts) and `decision`."""
        floors = [
            dict(m.outcome).get("method", "batch")
            for m in decision.matched
            if m.kind == "regulatory"
        ]
        floor = max(floors, key=METHOD_RANK.__getitem__) if floors else "batch"
        self.add_many(
            facts.vertical,
            n,
            value_sum,
            facts.return_rate * n,
            decision.method,
            facts.value_band,
            floor,
        )

    def merge(self, groups: Mapping[tuple[str, str, str, str], _Group]) -> None:
        """Fold in another accumulator's groups (one per worker process)."""
        for key, g in groups.items():
            mine = self._groups.setdefault(key, _Group())
            mine.skus += g.skus
            mine.value_sum += g.value_sum
            mine.return_rate_sum += g.return_rate_sum

    @property
    def groups(self) -> dict[tuple[str, str, str, str], _Group]:
        return self._groups

    def tally(self) -> tuple[GroupTally, ...]:
        return tuple(
            GroupTally(v, b, m, f, g.skus, g.value_sum, g.return_rate_sum)
            for (v, b, m, f), g in sorted(self._groups.items())
            if g.skus
        )

    def report(self, monthly_units: float, units_assumption: str = "") -> CostReport:
        """Price at `monthly_units` with costs.yaml's assumptions only (no brand profile)."""
        a = assumptions(self.costs, monthly_units=monthly_units, units_source=units_assumption)
        return price(self.tally(), a)


# ------------------------------------------------------------------------- sales and lots

_EXACT = 4096  # ranks summed term by term; beyond, an integral (error far below a rupee)


@lru_cache(maxsize=16)
def _prefix(s: float) -> tuple[float, ...]:
    out = [0.0]
    total = 0.0
    for k in range(1, _EXACT + 1):
        total += k**-s
        out.append(total)
    return tuple(out)


def _harmonic(n: float, s: float) -> float:
    """Σ_{k=1..n} k^-s for whole n ≥ 0."""
    n = int(n)
    if n <= 0:
        return 0.0
    if s == 0:
        return float(n)
    pre = _prefix(s)
    if n <= _EXACT:
        return pre[n]
    lo, hi = _EXACT + 0.5, n + 0.5
    tail = math.log(hi / lo) if s == 1 else (hi ** (1 - s) - lo ** (1 - s)) / (1 - s)
    return pre[_EXACT] + tail


def units_by_rank(monthly_units: float, skus: int, long_tail: float, rank: int) -> float:
    """Units a month of the `rank`-th best seller (1 = best) among `skus` on the long tail."""
    if skus <= 0:
        return 0.0
    return monthly_units * rank**-long_tail / _harmonic(skus, long_tail)


def _lot(u: float, size: float, min_units: float, cover: float) -> float:
    return min(size, max(min(min_units, size), u * cover))


def lot_lines(
    monthly_units: float,
    skus: int,
    long_tail: float,
    size: float,
    min_units: float,
    cover: float,
) -> float:
    """Lot lines received a month by `skus` SKUs selling `monthly_units` on the long tail.

    Each SKU's lot is `cover` months of its sales, clamped to [min_units, size]; lot lines are
    its units ÷ its lot, so never more than its units (a lot holds at least one unit).
    """
    if skus <= 0 or monthly_units <= 0:
        return 0.0
    small = min(min_units, size)
    if long_tail == 0:
        u = monthly_units / skus
        return skus * u / _lot(u, size, small, cover)
    s, h = long_tail, _harmonic(skus, long_tail)
    scale = monthly_units / h  # the best seller's units

    def last_rank(units: float) -> int:  # the last rank that sells at least `units`
        if units <= 0:
            return skus
        ratio = (
            scale / units
        )  # rank r sells scale / r**s: r = ratio ** (1/s), in logs (s may be tiny)
        if ratio < 1:
            return 0
        exponent = math.log(ratio) / s
        return skus if exponent >= math.log(skus) else min(skus, int(math.exp(exponent) + 1e-9))

    full = last_rank(size / cover)  # ranks whose cover fills a whole lot
    covered = max(last_rank(small / cover), full)  # ranks received every `cover` months
    fast = scale * _harmonic(full, s) / size
    middle = (covered - full) / cover
    slow = scale * (h - _harmonic(covered, s)) / small
    return fast + middle + slow


# ------------------------------------------------------------------------------- results


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


_ZERO = PlanCost(0, 0, 0, 0, 0, 0, 0, 0, 0, 0)


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


# --------------------------------------------------------------------------------- pricing


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


def _plan(
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


def _break_even(
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
        plans = {m: _plan(m, u, lines, ret, p, f_bad, a) for m in METHODS}
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
                _break_even("serial", plans, ret, stake, f_bad, a),
                _break_even("lpn", plans, ret, stake, f_bad, a),
            )
        )
    verticals = _verticals(groups, f_bad, a)
    totals = {m: sum((g.plans[m] for g in groups), _ZERO) for m in METHODS}
    policy = sum((g.chosen for g in groups), _ZERO)
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
        plans = {m: sum((g.plans[m] for g in gs), _ZERO) for m in METHODS}
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
                sum((g.chosen for g in gs), _ZERO),
                plans,
                _break_even("serial", plans, returns, stake, f_bad, a),
                _break_even("lpn", plans, returns, stake, f_bad, a),
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
    a = _override(report.assumptions, overrides, dict(report.assumptions.sources))
    sources = dict(report.assumptions.sources)
    for key in overrides:
        sources[key.split(".")[0]] = "--what-if"
        if key == "bad_return_share":
            sources["brand_bad_return_share"] = "--what-if"
    a = replace(a, sources=sources)
    return price(report.tally, a)
