"""The cost model's inputs: the decided SKUs tallied by group, and every assumption with its source.

Assumptions come from costs.yaml, then the brand profile, then a what-if (`override`), and each
remembers where it came from so a report can print it beside the figure it feeds.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from advisor.rulebook.load import METHODS, Costs


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
        a = override(a, overrides, sources)
    return replace(a, sources=sources)


def override(a: Assumptions, overrides: Mapping[str, float], sources: dict[str, str]) -> Any:
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


__all__ = ["Assumptions", "GroupTally", "MODEL_KEYS", "assumptions", "override"]
