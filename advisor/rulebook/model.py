"""The rulebook's domain objects: verticals, regulations, rules, rule sets, costs, the rulebook.

Frozen dataclasses, built only by the loader (`advisor.rulebook.load`) from validated YAML, so
code that receives one never has to check it again.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from advisor.rulebook.conditions import Condition, FactSpec, condition_holds

RULE_KINDS = ("business", "regulatory")
HIT_POLICIES = ("priority",)
TABLE_HIT_POLICIES = ("unique", "any", "first")
FILES = ("classification.yaml", "regulations.yaml", "policy.yaml", "costs.yaml", "returns.yaml")


@dataclass(frozen=True, slots=True)
class Vertical:
    id: str
    label: str
    hsn: tuple[str, ...]
    categories: tuple[str, ...]
    keywords: tuple[str, ...]
    bands: tuple[tuple[str, float], ...]  # (band, lower bound) ascending
    line: int


@dataclass(frozen=True, slots=True)
class Classification:
    base_currency: str
    currencies: Mapping[str, float]
    value_bands: tuple[str, ...]
    verticals: Mapping[str, Vertical]
    fallback_vertical: str
    customised_keywords: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Regulation:
    id: str
    name: str
    jurisdiction: str
    source: str
    effective_from: str
    verticals: tuple[str, ...]
    hsn: tuple[str, ...]
    floor: str
    capture: tuple[str, ...]
    return_qc: bool
    file: str
    line: int
    scope: Condition | None = None  # `applies_to.when`: policy-fact tests narrowing the scope

    def applies(self, facts: Mapping[str, FactSpec], values: Mapping[str, Any]) -> bool:
        """Whether the `when:` part of the scope holds for a SKU's facts (vertical, HSN,
        market and date are the classifier's to check)."""
        return self.scope is None or condition_holds(self.scope, facts, values)


@dataclass(frozen=True, slots=True)
class Rule:
    """One rule: when its condition holds it proposes an outcome, ranked by priority."""

    id: str
    file: str
    line: int
    priority: int
    kind: str
    condition: Condition
    outcome: tuple[tuple[str, Any], ...]
    reason: str
    description: str = ""
    table: str = ""  # the decision table this rule is a row of ("" for a plain rule)
    column: int = 0  # where the rule starts on its line (a table row's first cell)

    def get(self, key: str, default: Any = None) -> Any:
        return dict(self.outcome).get(key, default)


@dataclass(frozen=True, slots=True)
class RuleSet:
    """A validated set of rules over one fact vocabulary, with its hit policy and fallback."""

    name: str
    file: str
    facts: Mapping[str, FactSpec]
    rules: tuple[Rule, ...]
    fallback: tuple[tuple[str, Any], ...]
    fallback_reason: str
    hit_policy: str = "priority"
    version: str = ""


@dataclass(frozen=True, slots=True)
class Costs:
    currency: str
    per_unit: Mapping[str, float]
    per_lot: Mapping[str, float]
    fixed_monthly: Mapping[str, float]
    notes: Mapping[str, str]
    bad_return_share: float
    loss_per_bad_return: float
    repeat_return_share: float
    return_loop_cost: float
    lots_per_sku_month: float
    lpn_catch_share: float
    return_rates: Mapping[str, float]
    default_return_rate: float


@dataclass(frozen=True, slots=True)
class Rulebook:
    """Everything in `rules/`, validated. `version` is a content hash of the files."""

    root: Path
    classification: Classification
    regulations: tuple[Regulation, ...]
    policy: RuleSet
    returns: RuleSet
    costs: Costs
    version: str
    human_version: str = ""
    files: tuple[str, ...] = field(default=())

    @property
    def tag(self) -> str:
        """What every decision and policy snapshot records: `<human version>+<content hash>`."""
        return f"{self.human_version}+{self.version}" if self.human_version else self.version

    @property
    def label(self) -> str:
        return f"{self.human_version} ({self.version})" if self.human_version else self.version


__all__ = [
    "FILES",
    "HIT_POLICIES",
    "RULE_KINDS",
    "TABLE_HIT_POLICIES",
    "Classification",
    "Costs",
    "Regulation",
    "Rule",
    "RuleSet",
    "Rulebook",
    "Vertical",
]
