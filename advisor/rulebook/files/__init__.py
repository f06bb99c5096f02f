"""What each rules file may hold (`SCHEMAS`), and the JSON Schemas editors read, from one source.

The validator (`advisor.rulebook.shapes.Checker`) walks these shapes with YAML line numbers and
`rule_file_schemas` emits them as JSON Schema for `trackright rules schema`, so the editor and
`trackright rules check` can never disagree about a file's shape.

Each file's shape lives beside its kin: `classification` (classification.yaml, evidence.yaml,
taxonomies.yaml, languages.yaml), `rules` (policy.yaml, regulations.yaml, returns.yaml), `costs`
(costs.yaml), `advisor.rulebook.currencies` (currencies.yaml), `columns` (columns.yaml); `ids`
holds the value shapes they share.
"""

from __future__ import annotations

from typing import Any

from advisor.rulebook.currencies import CURRENCIES_SHAPE
from advisor.rulebook.emit import conditions_schema, to_json_schema
from advisor.rulebook.facts import scope_facts
from advisor.rulebook.files.classification import (
    CLASSIFICATION_SHAPE,
    EVIDENCE_SHAPE,
    LANGUAGES_SHAPE,
    TAXONOMIES_SHAPE,
)
from advisor.rulebook.files.columns import COLUMNS_SHAPE
from advisor.rulebook.files.costs import COSTS_SHAPE
from advisor.rulebook.files.rules import POLICY_SHAPE, REGULATIONS_SHAPE, RETURNS_SHAPE
from advisor.rulebook.model import FILES, Rulebook
from advisor.rulebook.shapes import Obj

SCHEMAS: dict[str, Obj] = {
    "classification.yaml": CLASSIFICATION_SHAPE,
    "evidence.yaml": EVIDENCE_SHAPE,
    "taxonomies.yaml": TAXONOMIES_SHAPE,
    "languages.yaml": LANGUAGES_SHAPE,
    "regulations.yaml": REGULATIONS_SHAPE,
    "policy.yaml": POLICY_SHAPE,
    "costs.yaml": COSTS_SHAPE,
    "currencies.yaml": CURRENCIES_SHAPE,
    "returns.yaml": RETURNS_SHAPE,
    "columns.yaml": COLUMNS_SHAPE,
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


__all__ = ["JSON_SCHEMA_DIALECT", "SCHEMAS", "rule_file_schemas"]
