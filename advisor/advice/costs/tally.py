"""The tally of decided stock SKUs the cost model prices: streamed in, one small group per kind."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from advisor.advice.costs.inputs import GroupTally, assumptions
from advisor.advice.costs.pricing import price
from advisor.advice.costs.report import CostReport
from advisor.rulebook.load import Costs
from tracker.vocabulary import METHOD_RANK


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


__all__ = ["CostAccumulator"]
