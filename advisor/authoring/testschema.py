"""The shape of a rule-test file (`rules/tests/*.yaml`), as the loader checks it and as JSON Schema.

One description serves both: `advisor.authoring.testfiles` checks a file against
`TEST_FILE_SCHEMA` (every problem at its line), and `tests_json_schema` writes the same shape
for editors, with the rulebook's verticals and value bands.
"""

from __future__ import annotations

from typing import Any

from advisor.advice.profile import PROFILE_SHAPE
from advisor.authoring.sku_fields import SKU_FIELDS
from advisor.rulebook.emit import to_json_schema
from advisor.rulebook.load import (
    CAPTURES,
    FLAGS,
    JSON_SCHEMA_DIALECT,
    OUTCOMES,
    RETURN_FACTS,
    VERDICTS,
    Rulebook,
)
from advisor.rulebook.shapes import (
    Bool,
    Date,
    Enum,
    Field,
    ListOf,
    Num,
    Obj,
    OneOf,
    Raw,
    Str,
)

# ------------------------------------------------------------------ the file's shape

#: The facts of a genuine return: what a returns case is told unless it says otherwise.
GENUINE_RETURN: dict[str, Any] = {
    "id_known": True,
    "ever_shipped": True,
    "shipped_on_this_order": True,
    "already_returned_on_this_order": False,
    "lot_recalled": False,
    "lot_expired": False,
    "return_requires_qc": False,
    "return_count": 1,
    "reason": "changed_mind",
    "method": "serial",
}

_RULE_ID = Str(doc="a rule id from policy.yaml, regulations.yaml or returns.yaml")
_IDS = OneOf((_RULE_ID, ListOf(_RULE_ID, min_items=1, unique=True)))
_TEXT = Str()
_SKU_SPECS: dict[str, Any] = {
    "sku": Field(_TEXT, False, "SKU code, only shown in messages"),
    "title": Field(_TEXT),
    "category": Field(_TEXT, False, "category path, e.g. 'Electronics > Mobile Phones'"),
    "brand": Field(_TEXT),
    "price": Field(
        OneOf((Num(minimum=0), Str())), False, "a number, or text such as '₹1,299' or 'USD 12'"
    ),
    "currency": Field(
        Str(pattern=r"[A-Za-z]{3}", pattern_hint="is not a currency code like INR"),
        False,
        "default: the profile's currency, else the base currency",
    ),
    "hsn": Field(OneOf((Str(), Num(integer=True))), False, "HSN code; quote it"),
    "gtin": Field(OneOf((Str(), Num(integer=True)))),
    "product_category": Field(_TEXT, False, "Shopify / Google product category path"),
    "product_type": Field(_TEXT, False, "Shopify product type"),
    "tags": Field(OneOf((ListOf(Str()), Str())), False, "a list, or comma-separated text"),
    "customised": Field(Bool(), False, "made to order; default: read from the title"),
    "warranty_months": Field(
        Num(minimum=0, integer=True), False, "default: the profile's warranty_offered"
    ),
    "list_price": Field(
        OneOf((Num(minimum=0), Str())), False, "regular price / MRP, the unit's value when given"
    ),
    "nature": Field(
        OneOf((ListOf(Str()), Str())),
        False,
        "what the file says of the item: gift_card, no_shipping, virtual, downloadable, service",
    ),
}
assert set(_SKU_SPECS) == set(SKU_FIELDS)
POLICY_EXPECT_SHAPE = Obj(
    {
        "method": Field(
            Enum(OUTCOMES), False, "the tracking method, or none for what is not stock"
        ),
        "capture": Field(
            ListOf(Enum(CAPTURES), unique=True), False, "exactly these captures, in any order"
        ),
        "return_qc": Field(Bool()),
        "rule": Field(_RULE_ID, False, "the deciding rule (a regulation when its floor raised)"),
        "not_rule": Field(_IDS, False, "none of these decided it or won among business rules"),
        "matched": Field(_IDS, False, "all of these rules matched"),
        "not_matched": Field(_IDS, False, "none of these rules matched"),
        "vertical": Field(Enum(source="verticals")),
        "value_band": Field(Enum(source="value_bands")),
        "regulations": Field(
            ListOf(Str(), unique=True), False, "exactly these regulations apply ([] for none)"
        ),
        "fallback": Field(Bool(), False, "decided by the fallback (no rule, no floor raised)"),
    }
)
RETURN_EXPECT_SHAPE = Obj(
    {
        "verdict": Field(Enum(VERDICTS)),
        "flag": Field(Enum(FLAGS, nullable=True)),
        "rule": Field(_RULE_ID, False, "the winning return rule, or fallback"),
        "not_rule": Field(_IDS),
        "matched": Field(_IDS),
        "not_matched": Field(_IDS),
    }
)
_FACT_SPEC = {
    "bool": Bool(),
    "number": Num(minimum=0),
}
_RETURN_FACTS = Obj(
    {
        name: Field(
            Enum(spec.values) if spec.type == "enum" else _FACT_SPEC[spec.type],
            False,
            f"{spec.doc} (default {GENUINE_RETURN[name]!r})",
        )
        for name, spec in RETURN_FACTS.items()
    },
    doc="facts of the return; the rest default to a genuine return",
)
CASE_SHAPE = Obj(
    {
        "name": Field(Str(), True),
        "sku": Field(Obj(_SKU_SPECS), True, "the SKU's catalog fields"),
        "profile": Field(PROFILE_SHAPE, False, "overrides the file's profile for this case"),
        "as_of": Field(Date(), False, "decide as on this date (regulations' effective_from)"),
        "expect": Field(POLICY_EXPECT_SHAPE, True),
    }
)
RETURN_CASE_SHAPE = Obj(
    {
        "name": Field(Str(), True),
        "facts": Field(_RETURN_FACTS, True),
        "expect": Field(RETURN_EXPECT_SHAPE, True),
    }
)
_CELL = OneOf((Str(), Num(), Bool(), ListOf(Raw())))
_TABLE = Obj(
    {
        "name": Field(Str(), True),
        "profile": Field(PROFILE_SHAPE),
        "as_of": Field(Date()),
        "columns": Field(
            ListOf(Str(), min_items=2, unique=True),
            True,
            "SKU fields, then expectations; `profile.FIELD` columns set a profile field",
        ),
        "rows": Field(ListOf(ListOf(OneOf((_CELL, Raw()))), min_items=1), True),
    }
)
_RETURN_TABLE = Obj(
    {
        "name": Field(Str(), True),
        "columns": Field(
            ListOf(Str(), min_items=2, unique=True), True, "return facts, then expectations"
        ),
        "rows": Field(ListOf(ListOf(Raw()), min_items=1), True),
    }
)
TEST_FILE_SCHEMA = Obj(
    {
        "profile": Field(PROFILE_SHAPE, False, "default brand profile of every case in the file"),
        "as_of": Field(Date(), False, "default date of every case in the file"),
        "cases": Field(ListOf(CASE_SHAPE), False, "policy cases: a SKU and what it must get"),
        "tables": Field(ListOf(_TABLE), False, "policy cases, one row each"),
        "returns": Field(ListOf(RETURN_CASE_SHAPE), False, "return-verdict cases"),
        "return_tables": Field(ListOf(_RETURN_TABLE), False, "return-verdict cases, one row each"),
    },
    doc="trackright rule tests — run with `trackright rules test`",
)


def tests_json_schema(book: Rulebook) -> dict[str, Any]:
    """JSON Schema of a rule-test file, with verticals and value bands from `book`."""
    cls = book.classification
    enums = {"verticals": tuple(cls.verticals), "value_bands": cls.value_bands}
    return {
        "$schema": JSON_SCHEMA_DIALECT,
        "title": "trackright rules/tests/*.yaml",
        **to_json_schema(TEST_FILE_SCHEMA, enums),
    }


__all__ = [
    "GENUINE_RETURN",
    "CASE_SHAPE",
    "POLICY_EXPECT_SHAPE",
    "RETURN_CASE_SHAPE",
    "RETURN_EXPECT_SHAPE",
    "TEST_FILE_SCHEMA",
    "tests_json_schema",
]
