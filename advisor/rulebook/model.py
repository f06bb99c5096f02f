"""The rulebook's domain objects: verticals, currencies, evidence, regulations, rules, costs, the rulebook.

Frozen dataclasses, built only by the loader (`advisor.rulebook.load`) from validated YAML, so
code that receives one never has to check it again.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from advisor.catalog.columns import ColumnTable
from advisor.rulebook.conditions import Condition, FactSpec, condition_holds
from advisor.rulebook.locate import FILES  # noqa: F401 - re-exported
from tracker.vocabulary import METHOD_RANK, METHODS, NOT_STOCK

RULE_KINDS = ("business", "regulatory")
HIT_POLICIES = ("priority",)
TABLE_HIT_POLICIES = ("unique", "any", "first")
#: What a policy rule may decide: a tracking method, or `none` for what is not stock.
OUTCOMES = (*METHODS, NOT_STOCK)
#: The record fields a rulebook may name in `currencies.yaml: unit_value`, in SkuRecord's words.
PRICE_FIELDS = ("list_price", "price")
#: The kinds of evidence classification weighs (evidence.yaml `sources`), strongest first.
SOURCES = ("nature", "taxonomy", "category", "hsn", "type", "category_parent", "title", "tags")


def method_rank(method: str) -> int:
    """Strength of a decision for floor comparisons; `none` is below every method."""
    return METHOD_RANK.get(method, -1)


@dataclass(frozen=True, slots=True)
class Vertical:
    id: str
    label: str
    hsn: tuple[str, ...]
    categories: tuple[str, ...]
    keywords: tuple[str, ...]
    bands: tuple[tuple[str, float], ...]  # (band, lower bound) ascending
    line: int
    weak: tuple[str, ...] = ()
    strong: tuple[str, ...] = ()
    patterns: tuple[str, ...] = ()
    unless: tuple[str, ...] = ()
    stock: bool = True
    requires: tuple[str, ...] = ()
    context: tuple[tuple[tuple[str, ...], str], ...] = ()  # (words, vertical they redirect to)
    typical_band: str = ""  # the band of a row with no price: a typical item ("" = the lowest)
    stays: tuple[str, ...] = ()  # words that keep this vertical's words from moving by context


@dataclass(frozen=True, slots=True)
class Rate:
    """One currency's rate into the base currency, with where and when it was taken from."""

    code: str
    rate: float
    name: str
    decimals: int
    as_of: str
    source: str
    line: int


@dataclass(frozen=True, slots=True)
class Currencies:
    """`currencies.yaml`: the base currency, every rate, the unit-value rule, the price check."""

    base: str
    rates: Mapping[str, Rate]
    unit_value: tuple[str, ...]
    plausible_low: float
    plausible_high: float
    sample_rows: int
    file: str = "currencies.yaml"

    def rate(self, code: str) -> float | None:
        """Base-currency units per unit of `code`, or None when the rulebook has no rate for it."""
        found = self.rates.get(code)
        return None if found is None else found.rate

    def multipliers(self) -> dict[str, float]:
        """Code → rate, the plain mapping the hot paths look rates up in."""
        return {code: r.rate for code, r in self.rates.items()}


@dataclass(frozen=True, slots=True)
class Evidence:
    """How evidence is weighed (evidence.yaml)."""

    weights: Mapping[str, float]  # source -> weight, in precedence order
    strong: float
    weak: float
    confidence: tuple[tuple[str, float, float], ...]  # (level, min score, min lead), best first
    nature: Mapping[
        str, tuple[str | None, tuple[str, ...], str | None]
    ]  # vertical, prefer, otherwise
    customised_vertical: str
    customised_keep: tuple[str, ...]
    neutral: tuple[str, ...]
    vague_segments: frozenset[str] = frozenset()  # whole segments that say nothing ("Sale")
    # segments that qualify the one above ("Watches > Sport", "Furniture > Garden"): the segment
    # above is read as the deepest
    qualifier_segments: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Classification:
    base_currency: str  # filled from currencies.yaml, kept here for classification's convenience
    currencies: Mapping[str, float]
    value_bands: tuple[str, ...]
    verticals: Mapping[str, Vertical]
    fallback_vertical: str
    customised_keywords: tuple[str, ...]
    evidence: Evidence | None = None
    taxonomy_paths: Mapping[tuple[str, ...], str | tuple[str, ...]] = field(default_factory=dict)
    google_ids: Mapping[int, str] = field(default_factory=dict)
    customised_unless: tuple[str, ...] = ()  # words that say a row is not personalised

    @property
    def not_stock(self) -> frozenset[str]:
        """Verticals that are not stock (gift cards, services, digital goods)."""
        return frozenset(v.id for v in self.verticals.values() if not v.stock)


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
    """costs.yaml, with every amount converted into the base currency (`currency`)."""

    currency: str
    per_unit: Mapping[str, float]
    per_lot: Mapping[str, float]
    fixed_monthly: Mapping[str, float]
    notes: Mapping[str, str]
    bad_return_share: float
    loss_per_bad_return: float
    repeat_return_share: float
    return_loop_cost: float
    lpn_catch_share: float
    return_rates: Mapping[str, float]
    default_return_rate: float
    written_in: str = ""  # the currency costs.yaml is written in, before conversion
    conversion: float = 1.0  # base-currency units per unit of `written_in`
    mismatch_share: float = 0.002
    mismatch_cost: float = 120.0
    lot_cover_months: float = 3.0
    lot_min_units: float = 15.0
    default_lot_size: float = 100.0
    lot_sizes: Mapping[str, float] = field(default_factory=dict)
    long_tail: float = 1.0
    min_shipped: int = 30
    lines: Mapping[str, int] = field(default_factory=dict)  # input → its line in costs.yaml

    def lot_size(self, vertical: str) -> float:
        """Units in one lot of a fast-selling SKU of `vertical`."""
        return self.lot_sizes.get(vertical, self.default_lot_size)


@dataclass(frozen=True, slots=True)
class Rulebook:
    """Everything in `rules/`, validated. `version` is a content hash of the files."""

    root: Path
    classification: Classification
    regulations: tuple[Regulation, ...]
    policy: RuleSet
    returns: RuleSet
    costs: Costs
    currencies: Currencies
    version: str
    human_version: str = ""
    files: tuple[str, ...] = field(default=())
    columns: ColumnTable | None = None  # columns.yaml: which header feeds which field
    # What later layers compile from this rulebook, once per rulebook rather than once per use
    # (the classifier's word automaton: 0.2 s to build for eleven languages); see `compiled_once`.
    # Not an __init__ argument, so `dataclasses.replace` starts a changed rulebook empty.
    compiled: dict[str, Any] = field(default_factory=dict, init=False, compare=False, repr=False)
    # The disk-cache entry this rulebook was loaded as (`advisor.rulebook.cache`), set only by
    # `load_rulebook`: what it compiles may then be kept on disk beside it. A rulebook made or
    # changed in code (`dataclasses.replace`) has none, so nothing stale is ever read back.
    kept_as: str = field(default="", init=False, compare=False, repr=False)

    def compiled_once(self, name: str, build: Any, code: tuple[str, ...] = ()) -> Any:
        """`build(self)` the first time `name` is asked for, the same object after that.

        What is built must not change once built: every user of this rulebook shares it.
        With `code` (the files `build` depends on beyond the rulebook's own modules), a
        rulebook loaded from a folder also keeps the built object on disk, so the next
        process unpickles it instead of building it again.
        """
        got = self.compiled.get(name)
        if got is None:
            if code and self.kept_as:
                from advisor.rulebook import cache

                key = cache.compiled_key(self.kept_as, name, code)
                got = cache.recall(key, kind=name)
                if got is None:
                    got = build(self)
                    cache.keep(key, got, kind=name)
            else:
                got = build(self)
            self.compiled[name] = got
        return got

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
    "OUTCOMES",
    "PRICE_FIELDS",
    "RULE_KINDS",
    "SOURCES",
    "TABLE_HIT_POLICIES",
    "Classification",
    "Costs",
    "Currencies",
    "Evidence",
    "Rate",
    "Regulation",
    "Rule",
    "RuleSet",
    "Rulebook",
    "Vertical",
    "method_rank",
]
