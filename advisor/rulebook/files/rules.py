"""What policy.yaml (rules and decision tables), regulations.yaml and returns.yaml may hold."""

from __future__ import annotations

from advisor.rulebook.files.ids import HSN, ID
from advisor.rulebook.model import HIT_POLICIES, OUTCOMES, RULE_KINDS, TABLE_HIT_POLICIES
from advisor.rulebook.shapes import (
    Bool,
    Conditions,
    Date,
    Enum,
    Field,
    ListOf,
    Market,
    Num,
    Obj,
    Raw,
    Str,
    Tagged,
)
from tracker.vocabulary import CAPTURES, FLAGS, METHODS, VERDICTS

POLICY_RULE = Obj(
    {
        "id": Field(ID, True),
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
        "table": Field(ID, True, "the table's name"),
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

POLICY_SHAPE = Obj(
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
)

REGULATIONS_SHAPE = Obj(
    {
        "regulations": Field(
            ListOf(
                Obj(
                    {
                        "id": Field(ID, True),
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
                                        ListOf(Enum(source="verticals"), min_items=1, unique=True),
                                        True,
                                    ),
                                    "hsn": Field(
                                        ListOf(HSN, unique=True),
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
)

RETURNS_SHAPE = Obj(
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
                        "id": Field(ID, True),
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
)

__all__ = ["POLICY_RULE", "POLICY_SHAPE", "REGULATIONS_SHAPE", "RETURNS_SHAPE", "TABLE"]
