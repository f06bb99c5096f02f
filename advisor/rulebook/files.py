"""What each rules file may hold (`SCHEMAS`), and the JSON Schemas editors read, from one source.

The validator (`advisor.rulebook.shapes.Checker`) walks these shapes with YAML line numbers and
`rule_file_schemas` emits them as JSON Schema for `trackright rules schema`, so the editor and
`trackright rules check` can never disagree about a file's shape.
"""

from __future__ import annotations

from typing import Any

from advisor.rulebook.currencies import CODE as _CODE
from advisor.rulebook.currencies import CURRENCIES_SHAPE
from advisor.rulebook.emit import conditions_schema, to_json_schema
from advisor.rulebook.facts import scope_facts
from advisor.rulebook.model import (
    FILES,
    HIT_POLICIES,
    OUTCOMES,
    RULE_KINDS,
    SOURCES,
    TABLE_HIT_POLICIES,
    Rulebook,
)
from advisor.rulebook.shapes import (
    Bool,
    Conditions,
    Date,
    Enum,
    Field,
    ListOf,
    MapOf,
    Market,
    Num,
    Obj,
    Raw,
    Str,
    Tagged,
)
from tracker.vocabulary import CAPTURES, FLAGS, METHODS, VERDICTS

_ID = Str(
    pattern=r"[a-z0-9][a-z0-9_.-]*",
    pattern_hint="is not a valid id: use lower-case letters, digits, '-', '_' or '.'",
)
_HSN = Str(
    pattern=r"\d{2}(\d{2}){0,3}", pattern_hint="is not an HSN prefix: 2, 4, 6 or 8 digits, quoted"
)

POLICY_RULE = Obj(
    {
        "id": Field(_ID, True),
        "description": Field(Str()),
        "kind": Field(
            Enum(RULE_KINDS),
            False,
            "regulatory rules are floors no business rule may undercut",
        ),
        "priority": Field(Num(minimum=0, maximum=65535, integer=True), True, "higher wins"),
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
        "reason": Field(Str(), True, "one sentence a warehouse manager understands"),
    }
)

TABLE = Obj(
    {
        "table": Field(_ID, True, "the table's name"),
        "description": Field(Str()),
        "hit_policy": Field(
            Enum(TABLE_HIT_POLICIES),
            True,
            "unique: at most one row matches a SKU; any: overlapping rows decide the same; "
            "first: the first matching row wins",
        ),
        "priority": Field(
            Num(minimum=0, maximum=65535, integer=True),
            True,
            "every row competes with the other rules at this priority",
        ),
        "columns": Field(
            ListOf(Str(), min_items=3, unique=True),
            True,
            "id, then facts (conditions), then outcomes (method, capture, return_qc), then reason",
        ),
        "rows": Field(
            ListOf(ListOf(Raw()), min_items=1),
            True,
            "one list of cells per row, in column order; '-' in a condition cell means any",
        ),
    },
    doc="a decision table: each row is a rule",
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
                            "typical_band": Field(
                                Enum(source="value_bands"),
                                False,
                                "the band a row with no price is decided in: a typical item of "
                                "this vertical (one of its value_bands; default the lowest)",
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
                                Market(), True, "the market it binds in, e.g. IN, US or EU"
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
                                        "when": Field(
                                            Conditions(),
                                            False,
                                            "narrow further with policy facts (category, title, flags…), as in a rule's when:",
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
                ListOf(Tagged("table", TABLE, POLICY_RULE), min_items=1),
                True,
                "rules, and decision tables (an entry with `table:`)",
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
                        "lpn_catch_share": Field(
                            Num(minimum=0, maximum=1),
                            True,
                            "share of bad returns an LPN catches (swaps, not fakes)",
                        ),
                        "mismatch_share": Field(
                            Num(minimum=0, maximum=1),
                            False,
                            "units a month mixed up per channel or warehouse beyond the first",
                        ),
                        "mismatch_cost": Field(
                            Num(minimum=0), False, "cost of putting one mixed-up unit right"
                        ),
                    }
                ),
                True,
            ),
            "lots": Field(
                Obj(
                    {
                        "cover_months": Field(
                            Num(minimum=0.1), False, "months of a SKU's sales one lot holds"
                        ),
                        "min_units": Field(
                            Num(minimum=1), False, "fewest units in a lot (a carton, an MOQ)"
                        ),
                        "default_size": Field(
                            Num(minimum=1), False, "most units in a lot, unless `sizes` says"
                        ),
                        "sizes": Field(
                            MapOf(Num(minimum=1), key=Enum(source="verticals")),
                            False,
                            "units in one lot of a fast seller, per vertical",
                        ),
                    }
                ),
                False,
                "how stock is received: lot lines a month come from each SKU's volume",
            ),
            "sales": Field(
                Obj(
                    {
                        "long_tail": Field(
                            Num(minimum=0, maximum=3),
                            False,
                            "Zipf exponent of sales over SKUs (0: every SKU sells alike)",
                        ),
                    }
                ),
                False,
                "how a month's units spread over SKUs when the catalog gives no sales",
            ),
            "observed": Field(
                Obj(
                    {
                        "min_shipped": Field(
                            Num(minimum=1, integer=True),
                            False,
                            "units a SKU must have shipped before `track advise` uses its figures",
                        ),
                    }
                ),
                False,
                "what `trackright track advise` needs before it trusts the tracker's figures",
            ),
            "return_rates": Field(
                MapOf(Num(minimum=0, maximum=1), key=Enum(source="verticals")),
                True,
                "assumed return rate per vertical when the brand profile gives none",
            ),
            "default_return_rate": Field(Num(minimum=0, maximum=1), True),
        }
    ),
    "currencies.yaml": CURRENCIES_SHAPE,
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


JSON_SCHEMA_DIALECT = "http://json-schema.org/draft-07/schema#"


def rule_file_schemas(book: Rulebook) -> dict[str, dict[str, Any]]:
    """The JSON Schema of each rules file (by file name), enums and `when:` facts from `book`.

    Generated from `SCHEMAS`, the definitions the validator checks, so an editor flags exactly
    what `trackright rules check` would (apart from cross-file rules such as floor undercuts).
    """
    cls = book.classification
    enums = {"verticals": tuple(cls.verticals), "value_bands": cls.value_bands}
    when = {
        "regulations.yaml": conditions_schema(scope_facts(book.policy.facts)),
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


__all__ = ["JSON_SCHEMA_DIALECT", "POLICY_RULE", "SCHEMAS", "TABLE", "rule_file_schemas"]
