"""Loading and validating the rulebook in `rules/`: every problem found, with file and line.

The rulebook is several YAML files, one per concern:

    classification.yaml  verticals, their signals and value bands
    currencies.yaml      the base currency, rates with their date and source, the unit-value rule
    regulations.yaml     regulations as floors (minimum method, required captures)
    policy.yaml          the tracking-method rules, hit policy and fallback
    costs.yaml           per-unit costs and the cost/benefit assumptions
    returns.yaml         the return-verdict rules the tracker's returns desk uses

`load_rulebook` reads them all and raises one `RulebookError` listing every problem
(`file:line: rule <id>: message`); only a rulebook with no problems is ever compiled onto
durable-rules. The shapes live in `SCHEMAS` so `trackright rules schema` emits the same thing.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from advisor.errors import Problem, RulebookError
from advisor.rulebook.conditions import Condition, ConditionParser, FactSpec, Test, may_overlap
from advisor.rulebook.shapes import (
    Bool,
    Checker,
    Conditions,
    Date,
    Enum,
    Field,
    ListOf,
    MapOf,
    Num,
    Obj,
    Str,
    conditions_schema,
    to_json_schema,
)
from advisor.rulebook.words import norm
from advisor.rulebook.yamlsrc import load_located
from tracker.vocabulary import (  # noqa: E402 - the rulebook speaks the tracker's vocabulary
    CAPTURES,
    FLAGS,
    METHOD_RANK,
    METHODS,
    NOT_STOCK,
    RETURN_REASONS,
    VERDICTS,
)

#: What a policy rule may decide: a tracking method, or `none` for what is not stock.
OUTCOMES = (*METHODS, NOT_STOCK)


def method_rank(method: str) -> int:
    """Strength of a decision for floor comparisons; `none` is below every method."""
    return METHOD_RANK.get(method, -1)


RULE_KINDS = ("business", "regulatory")
HIT_POLICIES = ("priority",)
FILES = (
    "classification.yaml",
    "regulations.yaml",
    "policy.yaml",
    "costs.yaml",
    "returns.yaml",
    "currencies.yaml",
    "evidence.yaml",
    "taxonomies.yaml",
)
#: The record fields a rulebook may name in `currencies.yaml: unit_value`, in SkuRecord's words.
PRICE_FIELDS = ("list_price", "price")
SOURCES = ("nature", "taxonomy", "category", "hsn", "type", "category_parent", "title", "tags")

_ID = Str(
    pattern=r"[a-z0-9][a-z0-9_.-]*",
    pattern_hint="is not a valid id: use lower-case letters, digits, '-', '_' or '.'",
)
_CODE = Str(pattern=r"[A-Z]{3}", pattern_hint="is not a 3-letter currency code like INR")
_HSN = Str(
    pattern=r"\d{2}(\d{2}){0,3}", pattern_hint="is not an HSN prefix: 2, 4, 6 or 8 digits, quoted"
)

SCHEMAS: dict[str, Obj] = {
    "classification.yaml": Obj(
        {
            "value_bands": Field(
                ListOf(_ID, min_items=1, unique=True), True, "band names, lowest first"
            ),
            "fallback_vertical": Field(
                Enum(source="verticals"), True, "vertical for a SKU no signal identifies"
            ),
            "signals": Field(
                Obj({"customised": Field(Obj({"keywords": Field(ListOf(Str()), True)}))})
            ),
            "verticals": Field(
                MapOf(
                    Obj(
                        {
                            "label": Field(Str(), True, "name shown to people"),
                            "hsn": Field(
                                ListOf(_HSN, unique=True), False, "HSN chapter/heading prefixes"
                            ),
                            "categories": Field(
                                ListOf(Str(), unique=True),
                                False,
                                "category-path words, Shopify type or tags",
                            ),
                            "keywords": Field(
                                ListOf(Str(), unique=True), False, "title words or phrases"
                            ),
                            "weak": Field(
                                ListOf(Str(), unique=True),
                                False,
                                "title words that yield to any specific word (a dosage form)",
                            ),
                            "strong": Field(
                                ListOf(Str(), unique=True),
                                False,
                                "title words that outweigh a category (e-book, gift card)",
                            ),
                            "patterns": Field(
                                ListOf(Str(), unique=True),
                                False,
                                "regular expressions on the lower-case title",
                            ),
                            "unless": Field(
                                ListOf(Str(), unique=True),
                                False,
                                "words that, anywhere in the row, cancel this vertical's words",
                            ),
                            "requires": Field(
                                ListOf(Str(), unique=True),
                                False,
                                "words one of which must be in the row for this vertical's words to count",
                            ),
                            "context": Field(
                                ListOf(
                                    Obj(
                                        {
                                            "words": Field(ListOf(Str(), min_items=1), True),
                                            "vertical": Field(Enum(source="verticals"), True),
                                        }
                                    )
                                ),
                                False,
                                "with any of `words` in the row, this vertical's words mean `vertical`",
                            ),
                            "stock": Field(
                                Bool(),
                                False,
                                "false: not stock (the policy may decide `none` for it)",
                            ),
                            "value_bands": Field(
                                MapOf(Num(minimum=0), key=Enum(source="value_bands")),
                                True,
                                "lower bound of each band in the base currency",
                            ),
                        }
                    ),
                    key=_ID,
                ),
                True,
            ),
        }
    ),
    "evidence.yaml": Obj(
        {
            "sources": Field(
                Obj({s: Field(Num(minimum=0), True) for s in SOURCES}),
                True,
                "weight of one hit of each source; listed strongest first (the precedence)",
            ),
            "multipliers": Field(
                Obj(
                    {
                        "strong": Field(Num(minimum=0), True, "factor of a `strong` title word"),
                        "weak": Field(Num(minimum=0), True, "factor of a `weak` title word"),
                    }
                ),
                True,
            ),
            "confidence": Field(
                Obj(
                    {
                        level: Field(
                            Obj(
                                {
                                    "score": Field(Num(minimum=0), True),
                                    "lead": Field(Num(minimum=0), True),
                                }
                            ),
                            True,
                        )
                        for level in ("high", "medium")
                    }
                ),
                True,
                "winner's score and lead over the runner-up for high / medium; else low",
            ),
            "nature": Field(
                MapOf(
                    Obj(
                        {
                            "vertical": Field(Enum(source="verticals"), False),
                            "prefer": Field(ListOf(Enum(source="verticals"), unique=True), False),
                            "otherwise": Field(Enum(source="verticals", nullable=True), False),
                        }
                    ),
                    key=_ID,
                ),
                True,
                "what a nature word from the file (gift_card, no_shipping, ...) proves",
            ),
            "customised": Field(
                Obj(
                    {
                        "vertical": Field(Enum(source="verticals"), True),
                        "keep": Field(ListOf(Enum(source="verticals"), unique=True), False),
                    }
                ),
                True,
                "personalised goods become `vertical` unless their vertical is in `keep`",
            ),
            "neutral": Field(
                ListOf(Str(), unique=True), False, "phrases that point at no vertical"
            ),
        }
    ),
    "taxonomies.yaml": Obj(
        {
            "paths": Field(
                MapOf(ListOf(Str(), unique=True), key=Enum(source="verticals")),
                True,
                "standard taxonomy paths (A > B > C) by vertical; the longest listed prefix wins",
            ),
            "either": Field(
                MapOf(ListOf(Enum(source="verticals"), min_items=1, unique=True)),
                False,
                "paths whose vertical the row's other evidence chooses among these (first by default)",
            ),
            "google_ids": Field(
                MapOf(
                    ListOf(Num(minimum=1, integer=True), unique=True), key=Enum(source="verticals")
                ),
                False,
                "Google product taxonomy ids by vertical",
            ),
        }
    ),
    "regulations.yaml": Obj(
        {
            "regulations": Field(
                ListOf(
                    Obj(
                        {
                            "id": Field(_ID, True),
                            "name": Field(Str(), True),
                            "jurisdiction": Field(
                                Str(
                                    pattern=r"[A-Z]{2,3}",
                                    pattern_hint="is not a market code like IN, US or EU",
                                ),
                                True,
                            ),
                            "source": Field(Str(), True, "where the obligation is written down"),
                            "effective_from": Field(Date(), True),
                            "applies_to": Field(
                                Obj(
                                    {
                                        "verticals": Field(
                                            ListOf(
                                                Enum(source="verticals"), min_items=1, unique=True
                                            ),
                                            True,
                                        ),
                                        "hsn": Field(
                                            ListOf(_HSN, unique=True),
                                            False,
                                            "narrow to these HSN prefixes",
                                        ),
                                    }
                                ),
                                True,
                            ),
                            "floor": Field(Enum(METHODS), True, "the weakest method allowed"),
                            "capture": Field(
                                ListOf(Enum(CAPTURES), unique=True),
                                False,
                                "data that must be captured",
                            ),
                            "return_qc": Field(
                                Bool(),
                                False,
                                "returned units go to QC quarantine, never straight back to stock",
                            ),
                            "note": Field(Str()),
                        }
                    )
                ),
                True,
            ),
        }
    ),
    "policy.yaml": Obj(
        {
            "version": Field(Str(), False, "your own name for this version of the policy"),
            "hit_policy": Field(
                Enum(HIT_POLICIES),
                True,
                "priority: every matching rule is collected, the highest priority wins",
            ),
            "fallback": Field(
                Obj(
                    {
                        "method": Field(Enum(METHODS), True),
                        "capture": Field(ListOf(Enum(CAPTURES), unique=True)),
                        "return_qc": Field(Bool()),
                        "reason": Field(Str(), True),
                    }
                ),
                True,
                "decision for a SKU no rule matches",
            ),
            "rules": Field(
                ListOf(
                    Obj(
                        {
                            "id": Field(_ID, True),
                            "description": Field(Str()),
                            "kind": Field(
                                Enum(RULE_KINDS),
                                False,
                                "regulatory rules are floors no business rule may undercut",
                            ),
                            "priority": Field(
                                Num(minimum=0, maximum=65535, integer=True), True, "higher wins"
                            ),
                            "when": Field(Conditions(), True),
                            "then": Field(
                                Obj(
                                    {
                                        "method": Field(
                                            Enum(OUTCOMES),
                                            True,
                                            "none: not stock (only for verticals with stock: false)",
                                        ),
                                        "capture": Field(ListOf(Enum(CAPTURES), unique=True)),
                                        "return_qc": Field(Bool()),
                                    }
                                ),
                                True,
                            ),
                            "reason": Field(
                                Str(), True, "one sentence a warehouse manager understands"
                            ),
                        }
                    ),
                    min_items=1,
                ),
                True,
            ),
        }
    ),
    "costs.yaml": Obj(
        {
            "currency": Field(_CODE, True),
            "methods": Field(
                Obj(
                    {
                        m: Field(
                            Obj(
                                {
                                    "per_unit": Field(
                                        Num(minimum=0), True, "label + scan cost per unit received"
                                    ),
                                    "per_lot": Field(
                                        Num(minimum=0), False, "data capture per lot line received"
                                    ),
                                    "fixed_monthly": Field(
                                        Num(minimum=0),
                                        False,
                                        "printers, scanners, software, per month",
                                    ),
                                    "note": Field(Str()),
                                }
                            ),
                            True,
                        )
                        for m in METHODS
                    }
                ),
                True,
            ),
            "assumptions": Field(
                Obj(
                    {
                        "bad_return_share": Field(
                            Num(minimum=0, maximum=1),
                            True,
                            "f_bad: share of returns that are fakes or swapped units",
                        ),
                        "loss_per_bad_return": Field(
                            Num(minimum=0, maximum=1),
                            True,
                            "L: share of unit value lost per undetected bad return",
                        ),
                        "repeat_return_share": Field(
                            Num(minimum=0, maximum=1),
                            True,
                            "f_rep: share of returns that are the same unit again",
                        ),
                        "return_loop_cost": Field(
                            Num(minimum=0), True, "C_loop: cost of one avoidable ship + return loop"
                        ),
                        "lots_per_sku_month": Field(
                            Num(minimum=0), True, "lot lines received per SKU per month"
                        ),
                        "lpn_catch_share": Field(
                            Num(minimum=0, maximum=1),
                            True,
                            "share of bad returns an LPN catches (swaps, not fakes)",
                        ),
                    }
                ),
                True,
            ),
            "return_rates": Field(
                MapOf(Num(minimum=0, maximum=1), key=Enum(source="verticals")),
                True,
                "assumed return rate per vertical when the brand profile gives none",
            ),
            "default_return_rate": Field(Num(minimum=0, maximum=1), True),
        }
    ),
    "currencies.yaml": Obj(
        {
            "base_currency": Field(
                _CODE, True, "currency every price is converted to before bands are compared"
            ),
            "as_of": Field(Date(), True, "date of the rates (an entry's own as_of wins)"),
            "source": Field(Str(), True, "where the rates come from (an entry's own source wins)"),
            "unit_value": Field(
                ListOf(Enum(PRICE_FIELDS), min_items=1, unique=True),
                True,
                "which price is the unit's value: the first of these a row has",
            ),
            "plausible_median": Field(
                Obj(
                    {
                        "low": Field(
                            Num(minimum=0), True, "lowest plausible median, base currency"
                        ),
                        "high": Field(Num(minimum=0), True, "highest plausible median"),
                        "sample_rows": Field(
                            Num(minimum=1, integer=True), True, "priced rows the check reads"
                        ),
                    }
                ),
                True,
                "the check on prices whose currency a run assumed",
            ),
            "currencies": Field(
                MapOf(
                    Obj(
                        {
                            "rate": Field(
                                Num(minimum=1e-12),
                                True,
                                "1 unit of this currency in the base currency",
                            ),
                            "name": Field(Str(), False, "the currency's name"),
                            "decimals": Field(
                                Num(minimum=0, maximum=4, integer=True),
                                False,
                                "ISO 4217 minor unit digits (default 2)",
                            ),
                            "as_of": Field(Date(), False, "date of this rate"),
                            "source": Field(Str(), False, "where this rate comes from"),
                        }
                    ),
                    key=_CODE,
                ),
                True,
                "every currency a price may be in, with its rate",
            ),
        }
    ),
    "returns.yaml": Obj(
        {
            "version": Field(Str()),
            "hit_policy": Field(Enum(HIT_POLICIES), True),
            "fallback": Field(
                Obj(
                    {
                        "verdict": Field(Enum(VERDICTS), True),
                        "flag": Field(Enum(FLAGS, nullable=True)),
                        "reason": Field(Str(), True),
                    }
                ),
                True,
            ),
            "rules": Field(
                ListOf(
                    Obj(
                        {
                            "id": Field(_ID, True),
                            "description": Field(Str()),
                            "priority": Field(Num(minimum=0, maximum=65535, integer=True), True),
                            "when": Field(Conditions(), True),
                            "then": Field(
                                Obj(
                                    {
                                        "verdict": Field(Enum(VERDICTS), True),
                                        "flag": Field(Enum(FLAGS, nullable=True)),
                                    }
                                ),
                                True,
                            ),
                            "reason": Field(Str(), True),
                        }
                    ),
                    min_items=1,
                ),
                True,
            ),
        }
    ),
}


def policy_facts(
    verticals: tuple[str, ...], bands: tuple[str, ...], regulations: tuple[str, ...]
) -> dict[str, FactSpec]:
    """The facts policy rules may test; classification and the brand profile fill them."""
    specs = [
        FactSpec("vertical", "enum", "the SKU's vertical (classification.yaml)", verticals),
        FactSpec("value_band", "enum", "the SKU's value band within its vertical", bands),
        FactSpec("unit_value", "number", "unit price in the base currency", minimum=0),
        FactSpec("regulated", "bool", "at least one regulation applies"),
        FactSpec("regulation", "set", "ids of the regulations that apply", regulations),
        FactSpec("customised", "bool", "made to order / personalised unit"),
        FactSpec("warranty", "bool", "the SKU carries a warranty"),
        FactSpec("has_gtin", "bool", "the catalog gives a GTIN / EAN barcode"),
        FactSpec("category", "text", "the catalog's category path, lower case"),
        FactSpec("title", "text", "the product title (use `matches`)"),
        FactSpec("brand", "text", "brand or vendor"),
        FactSpec("monthly_orders", "number", "brand profile: orders a month", minimum=0),
        FactSpec("monthly_units", "number", "brand profile: units shipped a month", minimum=0),
        FactSpec(
            "return_rate",
            "number",
            "brand profile return rate, else the vertical's assumption (0-1)",
            minimum=0,
            maximum=1,
        ),
        FactSpec(
            "counterfeit_incidents",
            "number",
            "brand profile: fake or wrong-item returns seen a month",
            minimum=0,
        ),
        FactSpec("warranty_offered", "bool", "brand profile: the brand offers warranties"),
        FactSpec("customised_goods", "bool", "brand profile: the brand sells customised goods"),
        FactSpec("multi_channel", "bool", "brand profile: sells on more than one channel"),
        FactSpec("multi_warehouse", "bool", "brand profile: stock sits in more than one warehouse"),
        FactSpec("warehouses", "number", "brand profile: number of warehouses", minimum=0),
    ]
    return {s.name: s for s in specs}


RETURN_FACTS: dict[str, FactSpec] = {
    s.name: s
    for s in [
        FactSpec("id_known", "bool", "the scanned serial / LPN / lot is in the store"),
        FactSpec("ever_shipped", "bool", "the unit was ever shipped"),
        FactSpec(
            "shipped_on_this_order",
            "bool",
            "the unit (or lot) went out on the order being returned",
        ),
        FactSpec(
            "already_returned_on_this_order", "bool", "it was already returned against this order"
        ),
        FactSpec("lot_recalled", "bool", "its lot is recalled"),
        FactSpec("lot_expired", "bool", "its lot is past expiry"),
        FactSpec("return_requires_qc", "bool", "the SKU's policy sends returns to QC"),
        FactSpec(
            "return_count",
            "number",
            "times this unit has been returned, this return included",
            minimum=0,
        ),
        FactSpec("reason", "enum", "the customer's return reason", RETURN_REASONS),
        FactSpec("method", "enum", "tracking method of the SKU", (*METHODS, "unknown")),
    ]
}


# ------------------------------------------------------------------ domain objects


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

    @property
    def not_stock(self) -> frozenset[str]:
        """Verticals that are not stock (gift cards, services, digital goods)."""
        return frozenset(v.id for v in self.verticals.values() if not v.stock)


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
    lots_per_sku_month: float
    lpn_catch_share: float
    return_rates: Mapping[str, float]
    default_return_rate: float
    written_in: str = ""  # the currency costs.yaml is written in, before conversion
    conversion: float = 1.0  # base-currency units per unit of `written_in`


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

    @property
    def tag(self) -> str:
        """What every decision and policy snapshot records: `<human version>+<content hash>`."""
        return f"{self.human_version}+{self.version}" if self.human_version else self.version

    @property
    def label(self) -> str:
        return f"{self.human_version} ({self.version})" if self.human_version else self.version


# ------------------------------------------------------------------ locating the rules


def bundled_rules_dir() -> Path:
    """The rules beside the running code: the checkout's `rules/`, else the installed copy.

    `rules/` holds YAML only, so it installs as the namespace package `trackright_rules`. A
    source checkout wins over an installed copy, so that code and rules always come together.
    """
    import importlib.util

    beside = Path(__file__).resolve().parents[2] / "rules"  # advisor/rulebook/load.py → checkout
    if (beside / "policy.yaml").is_file():
        return beside
    try:
        spec = importlib.util.find_spec("trackright_rules")
    except (ImportError, ValueError):
        spec = None
    for location in (spec.submodule_search_locations or []) if spec else []:
        path = Path(location)
        if (path / "policy.yaml").is_file():
            return path
    return beside


def resolve_rules_dir(path: str | Path | None = None) -> Path:
    """An explicit path, else $TRACKRIGHT_RULES, else the bundled rules."""
    if path:
        return Path(path)
    env = os.environ.get("TRACKRIGHT_RULES")
    return Path(env) if env else bundled_rules_dir()


# ------------------------------------------------------------------ loading


def _display(root: Path, name: str) -> str:
    p = root / name
    try:
        return str(p.relative_to(Path.cwd()))
    except ValueError:
        return str(p)


def load_rulebook(path: str | Path | None = None) -> Rulebook:
    """Load and validate the whole rulebook; raise RulebookError listing every problem."""
    root = resolve_rules_dir(path)
    problems: list[Problem] = []
    if not root.is_dir():
        raise RulebookError(
            [
                Problem(
                    str(root),
                    1,
                    "no rules folder here: expected a folder holding " + ", ".join(FILES),
                )
            ]
        )
    docs: dict[str, Any] = {}
    names: dict[str, str] = {}
    digest = hashlib.sha256()
    for fname in FILES:
        display = _display(root, fname)
        names[fname] = display
        fpath = root / fname
        if not fpath.is_file():
            problems.append(Problem(display, 1, f"missing rules file: the rulebook needs {fname}"))
            continue
        digest.update(fname.encode() + b"\0" + fpath.read_bytes() + b"\0")
        data, found = load_located(fpath, display)
        problems.extend(found)
        if data is None and not found:
            problems.append(Problem(display, 1, "the file is empty"))
        docs[fname] = data

    enums: dict[str, tuple[str, ...]] = {}
    cls_doc = docs.get("classification.yaml")
    if isinstance(cls_doc, Mapping):
        if isinstance(cls_doc.get("verticals"), Mapping):
            enums["verticals"] = tuple(str(k) for k in cls_doc["verticals"])
        if isinstance(cls_doc.get("value_bands"), list):
            enums["value_bands"] = tuple(str(v) for v in cls_doc["value_bands"])

    checked: dict[str, bool] = {}
    for fname, doc in docs.items():
        if doc is None:
            continue
        checker = Checker(names[fname], enums)
        checked[fname] = checker.check(doc, SCHEMAS[fname], getattr(doc, "line", 1))
        problems.extend(checker.problems)

    money = _currencies(docs.get("currencies.yaml"), names["currencies.yaml"], checked, problems)
    _moved_keys(docs.get("classification.yaml"), names["classification.yaml"], problems)
    classification = _classification(docs, names, checked, problems, money)
    regulations = _regulations(docs, names, problems)
    reg_ids = tuple(r.id for r in regulations)
    facts = policy_facts(enums.get("verticals", ()), enums.get("value_bands", ()), reg_ids)
    not_stock = classification.not_stock if classification else frozenset()
    policy = _ruleset(
        "policy",
        docs.get("policy.yaml"),
        names["policy.yaml"],
        facts,
        problems,
        regulations,
        not_stock,
    )
    returns = _ruleset(
        "returns", docs.get("returns.yaml"), names["returns.yaml"], RETURN_FACTS, problems, ()
    )
    costs = _costs(
        docs.get("costs.yaml"),
        checked.get("costs.yaml", False),
        money,
        names["costs.yaml"],
        problems,
    )
    # Conflicts are only meaningful between rules whose every part is valid.
    if policy is not None and checked.get("policy.yaml") and checked.get("regulations.yaml"):
        problems.extend(_hit_policy_conflicts(policy, regulations))
    if returns is not None and checked.get("returns.yaml"):
        problems.extend(_hit_policy_conflicts(returns, ()))
    if problems or not (classification and policy and returns and costs and money):
        raise RulebookError(problems or [Problem(str(root), 1, "the rulebook could not be loaded")])
    version = digest.hexdigest()[:12]
    human = (
        str(docs["policy.yaml"].get("version", ""))
        if isinstance(docs.get("policy.yaml"), Mapping)
        else ""
    )
    return Rulebook(
        root,
        classification,
        tuple(regulations),
        policy,
        returns,
        costs,
        money,
        version,
        human,
        tuple(names[f] for f in FILES),
    )


def _currencies(doc, file, checked, problems) -> Currencies | None:
    """`currencies.yaml` as typed rates; the base currency must be listed at rate 1."""
    if not checked.get("currencies.yaml"):
        return None
    base = doc["base_currency"]
    table = doc["currencies"]
    rates: dict[str, Rate] = {}
    for code, entry in table.items():
        rates[code] = Rate(
            code,
            float(entry["rate"]),
            str(entry.get("name", code)),
            int(entry.get("decimals", 2)),
            str(entry.get("as_of", doc["as_of"])),
            str(entry.get("source", doc["source"])),
            table.line_of(code),
        )
    ok = True
    if base not in rates:
        problems.append(
            Problem(
                file,
                doc.line_of("currencies"),
                f"currencies: the base currency {base} must be listed, with rate 1",
            )
        )
        ok = False
    elif rates[base].rate != 1:
        problems.append(
            Problem(
                file,
                rates[base].line,
                f"currencies.{base}: the base currency's rate must be 1, got {rates[base].rate:g}",
            )
        )
        ok = False
    check = doc["plausible_median"]
    if float(check["high"]) <= float(check["low"]):
        problems.append(
            Problem(
                file,
                check.line_of("high"),
                f"plausible_median.high: must be above low ({float(check['low']):g}), "
                f"got {float(check['high']):g}",
            )
        )
        ok = False
    if not ok:
        return None
    return Currencies(
        base,
        rates,
        tuple(doc["unit_value"]),
        float(check["low"]),
        float(check["high"]),
        int(check["sample_rows"]),
        file,
    )


def _moved_keys(doc, file, problems) -> None:
    """A rules copy made before currencies.yaml existed: say where the keys went (instead of
    the schema's plain "unknown key"), and where to get the file."""
    for i, p in enumerate(problems):
        if p.file.endswith("currencies.yaml") and p.message.startswith("missing rules file"):
            problems[i] = Problem(
                p.file,
                p.line,
                p.message + f" (copy it from the bundled rules, {bundled_rules_dir()}, "
                "and move base_currency and currencies into it)",
            )
    if not isinstance(doc, Mapping):
        return
    moved = [key for key in ("base_currency", "currencies") if key in doc]
    problems[:] = [
        p
        for p in problems
        if not (p.file == file and any(p.message.startswith(f"unknown key '{k}'") for k in moved))
    ]
    for key in moved:
        problems.append(
            Problem(
                file,
                doc.line_of(key),
                f"'{key}' moved to currencies.yaml: move it there (rates are written "
                "`USD: {rate: 94.96}` with a date and source; see the bundled currencies.yaml)",
            )
        )


def _classification(docs, names, checked, problems, money) -> Classification | None:
    doc = docs.get("classification.yaml")
    if not checked.get("classification.yaml"):
        _band_order(doc, names["classification.yaml"], problems)
        return None
    file = names["classification.yaml"]
    bands = tuple(doc["value_bands"])
    verticals: dict[str, Vertical] = {}
    for vid, v in doc["verticals"].items():
        vline = doc["verticals"].line_of(vid)
        raw_bands = v["value_bands"]
        if bands[0] not in raw_bands or raw_bands[bands[0]] != 0:
            problems.append(
                Problem(
                    file,
                    vline,
                    f"verticals.{vid}.value_bands: the lowest band '{bands[0]}' must start at 0 so every price has a band",
                )
            )
        ordered = [(b, float(raw_bands[b])) for b in bands if b in raw_bands]
        for (b1, x1), (b2, x2) in zip(ordered, ordered[1:], strict=False):
            if x2 <= x1:
                problems.append(
                    Problem(
                        file,
                        raw_bands.line_of(b2),
                        f"verticals.{vid}.value_bands.{b2}: must be above {b1} ({x1:g}), got {x2:g}",
                    )
                )
        for i, pattern in enumerate(v.get("patterns", ())):
            try:
                re.compile(pattern)
            except re.error as exc:
                problems.append(
                    Problem(
                        file,
                        v["patterns"].line_of(i),
                        f"verticals.{vid}.patterns[{i}]: bad regular expression {pattern!r}: {exc}",
                    )
                )
        verticals[vid] = Vertical(
            vid,
            v["label"],
            tuple(v.get("hsn", ())),
            tuple(norm(c) for c in v.get("categories", ())),
            tuple(norm(k) for k in v.get("keywords", ())),
            tuple(ordered),
            vline,
            tuple(norm(k) for k in v.get("weak", ())),
            tuple(norm(k) for k in v.get("strong", ())),
            tuple(v.get("patterns", ())),
            tuple(norm(k) for k in v.get("unless", ())),
            bool(v.get("stock", True)),
            tuple(norm(k) for k in v.get("requires", ())),
            tuple(
                (tuple(norm(k) for k in c["words"]), str(c["vertical"]))
                for c in v.get("context", ())
            ),
        )
    problems.extend(_ambiguous_words(doc, file))
    seen_hsn: dict[str, str] = {}
    for vid, vert in verticals.items():
        for prefix in vert.hsn:
            if prefix in seen_hsn:
                problems.append(
                    Problem(
                        file,
                        vert.line,
                        f"verticals.{vid}.hsn: prefix {prefix} is also listed under {seen_hsn[prefix]}; an HSN prefix can identify only one vertical",
                    )
                )
            seen_hsn[prefix] = vid
    keywords = tuple(
        norm(k) for k in doc.get("signals", {}).get("customised", {}).get("keywords", ())
    )
    evidence = _evidence(docs.get("evidence.yaml")) if checked.get("evidence.yaml") else None
    paths: dict[tuple[str, ...], str] = {}
    ids: dict[int, str] = {}
    if checked.get("taxonomies.yaml"):
        tax = docs["taxonomies.yaml"]
        problems.extend(_ambiguous_taxonomy(tax, names["taxonomies.yaml"]))
        for vid, items in tax["paths"].items():
            for path in items:
                paths.setdefault(taxonomy_key(path), vid)
        for path, candidates in (tax.get("either") or {}).items():
            k = taxonomy_key(path)
            if k in paths:
                problems.append(
                    Problem(
                        names["taxonomies.yaml"],
                        tax["either"].line_of(path),
                        f"either: path {path!r} is also listed under paths.{paths[k]}; list it in "
                        f"one place only",
                    )
                )
            paths[k] = tuple(candidates)
        for vid, items in (tax.get("google_ids") or {}).items():
            for gid in items:
                ids.setdefault(int(gid), vid)
    if money is None:  # currencies.yaml reports its own problems
        return None
    return Classification(
        money.base,
        money.multipliers(),
        bands,
        verticals,
        doc["fallback_vertical"],
        keywords,
        evidence,
        paths,
        ids,
    )


def taxonomy_key(path: str) -> tuple[str, ...]:
    """A taxonomy path as compared: its segments, normalised ("A > B" -> ("a", "b"))."""
    return tuple(norm(seg) for seg in re.split(r">+|/|\|", path) if norm(seg))


def _evidence(doc) -> Evidence:
    nature = {
        str(k): (v.get("vertical"), tuple(v.get("prefer", ())), v.get("otherwise"))
        for k, v in doc["nature"].items()
    }
    conf = tuple(
        (level, float(doc["confidence"][level]["score"]), float(doc["confidence"][level]["lead"]))
        for level in ("high", "medium")
    )
    return Evidence(
        {k: float(v) for k, v in doc["sources"].items()},
        float(doc["multipliers"]["strong"]),
        float(doc["multipliers"]["weak"]),
        conf,
        nature,
        doc["customised"]["vertical"],
        tuple(doc["customised"].get("keep", ())),
        tuple(norm(n) for n in doc.get("neutral", ())),
    )


_WORD_KINDS = (
    ("categories", "category word"),
    ("keywords", "keyword"),
    ("weak", "keyword"),
    ("strong", "keyword"),
)


def _ambiguous_words(doc, file: str) -> list[Problem]:
    """A category word, or a keyword, listed under two verticals: one error naming both places."""
    problems: list[Problem] = []
    seen: dict[tuple[str, str], tuple[str, str, int]] = {}
    for vid, v in doc["verticals"].items():
        if not isinstance(v, Mapping):
            continue
        for key, kind in _WORD_KINDS:
            items = v.get(key) or ()
            for i, word in enumerate(items):
                if not isinstance(word, str):
                    continue
                line = items.line_of(i) if hasattr(items, "line_of") else doc.line
                slot = (kind, norm(word))
                first = seen.get(slot)
                if first is None:
                    seen[slot] = (vid, key, line)
                elif first[0] != vid:
                    problems.append(
                        Problem(
                            file,
                            line,
                            f"verticals.{vid}.{key}: {kind} {word!r} is also listed under "
                            f"{first[0]}.{first[1]} ({file}:{first[2]}); a {kind} can identify only "
                            f"one vertical — keep it under the one it means and remove it here, or "
                            f'list a longer phrase ("{word} …") for this one',
                        )
                    )
    return problems


def _ambiguous_taxonomy(doc, file: str) -> list[Problem]:
    """A taxonomy path or id listed under two verticals."""
    problems: list[Problem] = []
    for section, key_of in (("paths", taxonomy_key), ("google_ids", int)):
        seen: dict[Any, tuple[str, int]] = {}
        block = doc.get(section) or {}
        for vid, items in block.items():
            for i, item in enumerate(items or ()):
                line = items.line_of(i) if hasattr(items, "line_of") else 1
                k = key_of(item)
                first = seen.get(k)
                if first is None:
                    seen[k] = (vid, line)
                elif first[0] != vid:
                    what = "path" if section == "paths" else "id"
                    problems.append(
                        Problem(
                            file,
                            line,
                            f"{section}.{vid}: {what} {item!r} is also listed under {first[0]} "
                            f"({file}:{first[1]}); a taxonomy {what} maps to one vertical — remove "
                            f"one of the two (a deeper path can map a subtree elsewhere)",
                        )
                    )
    return problems


def _band_order(doc, file, problems) -> None:
    """Band bounds must ascend; checked even when other parts of the file are broken."""
    if not isinstance(doc, Mapping) or not isinstance(doc.get("verticals"), Mapping):
        return
    bands = doc.get("value_bands") if isinstance(doc.get("value_bands"), list) else []
    for vid, v in doc["verticals"].items():
        raw = v.get("value_bands") if isinstance(v, Mapping) else None
        if not isinstance(raw, Mapping):
            continue
        ordered = [(b, raw[b]) for b in bands if b in raw and isinstance(raw[b], int | float)]
        for (b1, x1), (b2, x2) in zip(ordered, ordered[1:], strict=False):
            if x2 <= x1:
                problems.append(
                    Problem(
                        file,
                        raw.line_of(b2),
                        f"verticals.{vid}.value_bands.{b2}: must be above {b1} ({x1:g}), got {x2:g}",
                    )
                )


def _regulations(docs, names, problems) -> list[Regulation]:
    doc = docs.get("regulations.yaml")
    file = names["regulations.yaml"]
    out: list[Regulation] = []
    if not isinstance(doc, Mapping) or not isinstance(doc.get("regulations"), list):
        return out
    seen: dict[str, int] = {}
    items = doc["regulations"]
    for i, r in enumerate(items):
        line = items.line_of(i)
        if not isinstance(r, Mapping) or not isinstance(r.get("id"), str):
            continue
        if r["id"] in seen:
            problems.append(
                Problem(file, line, f"duplicate id: already used on line {seen[r['id']]}", r["id"])
            )
            continue
        seen[r["id"]] = line
        try:
            out.append(
                Regulation(
                    r["id"],
                    str(r["name"]),
                    str(r["jurisdiction"]),
                    str(r["source"]),
                    str(r["effective_from"]),
                    tuple(r["applies_to"]["verticals"]),
                    tuple(r["applies_to"].get("hsn", ())),
                    str(r["floor"]),
                    tuple(r.get("capture", ())),
                    bool(r.get("return_qc", False)),
                    file,
                    line,
                )
            )
        except (KeyError, TypeError):
            continue  # the schema check already reported what is missing
    return out


def _none_allowed(cond, not_stock, file, line, rid, outcome, problems) -> bool:
    """`method: none` only for SKUs every branch pins to verticals that are not stock."""
    where = f"{file}:{line}"
    if outcome.get("capture") or outcome.get("return_qc"):
        problems.append(
            Problem(
                file,
                line,
                f"then.method: none means not stock, so nothing is captured; remove capture / "
                f"return_qc from this rule ({where})",
                rid,
            )
        )
        return False
    for branch in cond.branches():
        pinned: set[str] | None = None
        for t in branch:
            if t.fact == "vertical" and t.op in ("eq", "in"):
                vals = {t.value} if t.op == "eq" else set(t.value)
                pinned = vals if pinned is None else pinned & vals
        if pinned is None or not pinned <= not_stock:
            stock = sorted((pinned or set()) - not_stock)
            problems.append(
                Problem(
                    file,
                    line,
                    "then.method: none (not stock) is only for verticals marked `stock: false` in "
                    f"classification.yaml ({', '.join(sorted(not_stock)) or 'none are'}); "
                    + (
                        f"this rule can also match {', '.join(stock)}"
                        if stock
                        else "this rule does not say `vertical:`"
                    )
                    + " — narrow `when.vertical` to them, or choose batch, lpn or serial",
                    rid,
                )
            )
            return False
    return True


def _ruleset(
    name, doc, file, facts, problems, regulations, not_stock=frozenset()
) -> RuleSet | None:
    if not isinstance(doc, Mapping):
        return None
    parser = ConditionParser(facts, file)
    rules: list[Rule] = []
    ok = True
    seen: dict[str, int] = {r.id: r.line for r in regulations}
    items = doc.get("rules")
    for i, r in enumerate(items if isinstance(items, list) else ()):
        line = items.line_of(i)
        if not isinstance(r, Mapping):
            ok = False
            continue
        rid = r.get("id") if isinstance(r.get("id"), str) else f"#{i + 1}"
        if rid in seen:
            where = (
                "line " + str(seen[rid])
                if not any(g.id == rid for g in regulations)
                else "regulations.yaml"
            )
            problems.append(
                Problem(file, r.line_of("id"), f"duplicate id: already used on {where}", rid)
            )
            ok = False
        seen[rid] = line
        n_before = len(problems)
        cond = parser.parse(
            r.get("when"), r.line_of("when") if "when" in r else line, rid, problems
        )
        if len(problems) > n_before or cond is None:
            ok = False
            continue
        then = r.get("then")
        if (
            not isinstance(then, Mapping)
            or not isinstance(r.get("priority"), int)
            or not isinstance(r.get("reason"), str)
        ):
            ok = False
            continue
        outcome = dict(then)
        if "capture" in outcome:
            outcome["capture"] = tuple(outcome["capture"] or ())
        if outcome.get("method") == NOT_STOCK and not _none_allowed(
            cond, not_stock, file, then.line_of("method"), rid, outcome, problems
        ):
            ok = False
            continue
        rules.append(
            Rule(
                rid,
                file,
                line,
                int(r["priority"]),
                str(r.get("kind", "business")),
                cond,
                tuple(sorted(outcome.items())),
                r["reason"],
                str(r.get("description", "")),
            )
        )
    for reg in regulations:
        tests = [Test("regulation", "includes", reg.id, reg.line)]
        rules.append(
            Rule(
                reg.id,
                reg.file,
                reg.line,
                65535,
                "regulatory",
                Condition(tuple(tests)),
                (("capture", reg.capture), ("method", reg.floor), ("return_qc", reg.return_qc)),
                f"{reg.name} ({reg.jurisdiction}, from {reg.effective_from}) requires at least "
                f"{reg.floor}" + (f" with {', '.join(reg.capture)}" if reg.capture else ""),
                reg.source,
            )
        )
    fb = doc.get("fallback")
    if not ok or not isinstance(fb, Mapping) or not isinstance(fb.get("reason"), str):
        return None
    fallback = dict(fb)
    reason = fallback.pop("reason")
    if "capture" in fallback:
        fallback["capture"] = tuple(fallback["capture"] or ())
    return RuleSet(
        name,
        file,
        facts,
        tuple(rules),
        tuple(sorted(fallback.items())),
        reason,
        str(doc.get("hit_policy", "priority")),
        str(doc.get("version", "")),
    )


def _costs(doc, ok, money, file, problems) -> Costs | None:
    """costs.yaml with its amounts converted from the currency it is written in to the base."""
    if not ok or money is None:
        return None
    written = doc["currency"]
    k = money.rate(written)
    if k is None:
        problems.append(
            Problem(
                file,
                doc.line_of("currency"),
                f"currency: {written} has no rate in {money.file}; add one there "
                f"(`{written}: {{rate: …, as_of: …, source: …}}` under currencies) or write the "
                f"costs in a currency it lists, such as {money.base}",
            )
        )
        return None
    m = doc["methods"]
    a = doc["assumptions"]
    return Costs(
        money.base,
        {key: float(v["per_unit"]) * k for key, v in m.items()},
        {key: float(v.get("per_lot", 0)) * k for key, v in m.items()},
        {key: float(v.get("fixed_monthly", 0)) * k for key, v in m.items()},
        {key: str(v.get("note", "")) for key, v in m.items()},
        float(a["bad_return_share"]),
        float(a["loss_per_bad_return"]),
        float(a["repeat_return_share"]),
        float(a["return_loop_cost"]) * k,
        float(a["lots_per_sku_month"]),
        float(a["lpn_catch_share"]),
        {key: float(v) for key, v in doc["return_rates"].items()},
        float(doc["default_return_rate"]),
        written,
        k,
    )


def _implied_tests(
    rule: Rule, regulations: tuple[Regulation, ...] | list[Regulation]
) -> tuple[Test, ...]:
    """What a regulation rule's condition implies about plain facts (it applies only to its verticals)."""
    for reg in regulations:
        if reg.id == rule.id:
            return (Test("vertical", "in", reg.verticals, reg.line),)
    return ()


def _hit_policy_conflicts(rs: RuleSet, regulations) -> list[Problem]:
    """Equal-priority rules that can match one SKU but decide differently, and floor undercuts."""
    problems: list[Problem] = []
    business = [r for r in rs.rules if r.kind == "business"]
    floors = [r for r in rs.rules if r.kind == "regulatory"]
    for i, a in enumerate(business):
        for b in business[i + 1 :]:
            if a.priority != b.priority or a.outcome == b.outcome:
                continue
            if may_overlap(a.condition, b.condition, rs.facts):
                problems.append(
                    Problem(
                        b.file,
                        b.line,
                        (
                            f"same priority {b.priority} as rule {a.id} (line {a.line}), both can match the same SKU, "
                            f"and they decide differently; give one a higher priority or make their conditions exclusive"
                        ),
                        b.id,
                    )
                )
    for reg in floors:
        floor = reg.get("method")
        implied = _implied_tests(reg, regulations)
        for b in business:
            if floor is None or "method" not in dict(b.outcome):
                continue
            if method_rank(b.get("method")) >= method_rank(floor):
                continue
            if may_overlap(reg.condition, b.condition, rs.facts, implied):
                problems.append(
                    Problem(
                        b.file,
                        b.line,
                        (
                            f"chooses {b.get('method')}, but regulatory rule {reg.id} ({reg.file}:{reg.line}) requires at least "
                            f"{floor} for SKUs this rule can also match; a business rule cannot undercut a regulation — "
                            f"raise the method to {floor} or narrow the conditions so they exclude the regulated SKUs"
                        ),
                        b.id,
                    )
                )
    return problems


JSON_SCHEMA_DIALECT = "http://json-schema.org/draft-07/schema#"


def rule_file_schemas(book: Rulebook) -> dict[str, dict[str, Any]]:
    """The JSON Schema of each rules file (by file name), enums and `when:` facts from `book`.

    Generated from `SCHEMAS`, the definitions the validator checks, so an editor flags exactly
    what `trackright rules check` would (apart from cross-file rules such as floor undercuts).
    """
    cls = book.classification
    enums = {"verticals": tuple(cls.verticals), "value_bands": cls.value_bands}
    when = {
        "policy.yaml": conditions_schema(book.policy.facts),
        "returns.yaml": conditions_schema(book.returns.facts),
    }
    out: dict[str, dict[str, Any]] = {}
    for fname in FILES:
        body = to_json_schema(SCHEMAS[fname], enums, when.get(fname))
        out[fname] = {
            "$schema": JSON_SCHEMA_DIALECT,
            "title": f"trackright rules/{fname}",
            **body,
        }
    return out


__all__ = [
    "CAPTURES",
    "Classification",
    "Costs",
    "Currencies",
    "Evidence",
    "METHODS",
    "METHOD_RANK",
    "OUTCOMES",
    "PRICE_FIELDS",
    "RETURN_FACTS",
    "Rate",
    "Regulation",
    "Rule",
    "RuleSet",
    "Rulebook",
    "SCHEMAS",
    "Vertical",
    "bundled_rules_dir",
    "load_rulebook",
    "method_rank",
    "policy_facts",
    "resolve_rules_dir",
    "rule_file_schemas",
    "taxonomy_key",
]
