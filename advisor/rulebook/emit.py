"""JSON Schema from the shapes in `advisor.rulebook.shapes`, for editors (`trackright rules schema`).

`to_json_schema` turns a Spec into draft-07 JSON Schema (valid in 2020-12 too) and
`conditions_schema` describes a `when:` block over a rule set's facts, operator by operator, so
an editor completes and checks exactly what `trackright rules check` accepts.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from advisor.rulebook.shapes import (
    _DATE,
    Bool,
    Conditions,
    Date,
    Enum,
    ListOf,
    MapOf,
    Market,
    Num,
    Obj,
    OneOf,
    Spec,
    Str,
    Tagged,
)


def to_json_schema(
    spec: Spec, enums: Mapping[str, tuple[str, ...]], when: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """The JSON Schema (draft-07 keywords, valid in 2020-12 too) of a Spec, for editor completion.

    `when` is the schema to use for `Conditions` (see `conditions_schema`); without it a `when:`
    block is described only as a non-empty mapping.
    """
    doc = {"description": spec.doc} if getattr(spec, "doc", "") else {}
    if isinstance(spec, Obj):
        return {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                k: {
                    **to_json_schema(f.spec, enums, when),
                    **({"description": f.doc} if f.doc else {}),
                }
                for k, f in spec.fields.items()
            },
            "required": [k for k, f in spec.fields.items() if f.required],
            **doc,
        }
    if isinstance(spec, OneOf):
        return {"anyOf": [to_json_schema(o, enums, when) for o in spec.options], **doc}
    if isinstance(spec, Tagged):
        return {
            "if": {"type": "object", "required": [spec.tag]},
            "then": to_json_schema(spec.tagged, enums, when),
            "else": to_json_schema(spec.other, enums, when),
            **doc,
        }
    if isinstance(spec, ListOf):
        out: dict[str, Any] = {
            "type": "array",
            "items": to_json_schema(spec.item, enums, when),
            **doc,
        }
        if spec.min_items:
            out["minItems"] = spec.min_items
        if spec.unique:
            out["uniqueItems"] = True
        return out
    if isinstance(spec, MapOf):
        out = {"type": "object", "additionalProperties": to_json_schema(spec.value, enums, when)}
        names = to_json_schema(spec.key, enums, when)
        names.pop("type", None)
        if names:
            out["propertyNames"] = names
        return {**out, **doc}
    if isinstance(spec, Str):
        # JSON Schema patterns search; the validator matches the whole text, so anchor them.
        pattern = {"pattern": f"^(?:{spec.pattern})$"} if spec.pattern else {}
        return {"type": "string", **pattern, **doc}
    if isinstance(spec, Num):
        out = {"type": "integer" if spec.integer else "number", **doc}
        if spec.minimum is not None:
            out["minimum"] = spec.minimum
        if spec.maximum is not None:
            out["maximum"] = spec.maximum
        return out
    if isinstance(spec, Bool):
        return {"type": "boolean", **doc}
    if isinstance(spec, Market):
        from advisor.rulebook.markets import codes

        return {"enum": list(codes()), **doc}
    if isinstance(spec, Date):
        return {"type": "string", "format": "date", "pattern": _DATE.pattern, **doc}
    if isinstance(spec, Enum):
        values = list(spec.values or enums.get(spec.source, ()))
        if spec.nullable:
            return {"enum": [*values, None], **doc}
        return {"enum": values, **doc} if values else {"type": "string", **doc}
    if isinstance(spec, Conditions):
        if when is not None:
            return {**when, **doc}
        return {"type": "object", "minProperties": 1, **doc}
    return {**doc}


def conditions_schema(facts: Mapping[str, Any]) -> dict[str, Any]:
    """JSON Schema of a `when:` block over `facts` (name → advisor.rulebook.conditions.FactSpec).

    Each fact takes the shorthand the parser accepts (a value, a list) or a block of the
    operators allowed for its type; `any:` lists alternative blocks.
    """
    from advisor.rulebook.conditions import OPS_BY_TYPE

    def scalar(spec: Any) -> dict[str, Any]:
        if spec.type == "number":
            out: dict[str, Any] = {"type": "number"}
            if spec.minimum is not None:
                out["minimum"] = spec.minimum
            if spec.maximum is not None:
                out["maximum"] = spec.maximum
            return out
        if spec.type == "bool":
            return {"type": "boolean"}
        if spec.type in ("enum", "set") and spec.values:
            return {"enum": list(spec.values)}
        return {"type": "string", "minLength": 1}

    def fact_schema(spec: Any) -> dict[str, Any]:
        one = scalar(spec)
        many = {"type": "array", "items": one, "minItems": 1, "uniqueItems": True}
        ops: dict[str, Any] = {}
        for op in OPS_BY_TYPE[spec.type]:
            if op == "between":
                ops[op] = {
                    "type": "array",
                    "items": {"type": "number"},
                    "minItems": 2,
                    "maxItems": 2,
                    "description": "[from, below]: from ≤ value < below",
                }
            elif op in ("in", "not_in"):
                ops[op] = many
            elif op == "excludes":
                ops[op] = {
                    "anyOf": [one, many],
                    "description": "one value, or a list: none of them may be present",
                }
            elif op == "matches":
                ops[op] = {
                    "type": "string",
                    "format": "regex",
                    "description": "regular expression, case-insensitive",
                }
            else:
                ops[op] = one
        block = {
            "type": "object",
            "additionalProperties": False,
            "minProperties": 1,
            "properties": ops,
        }
        shapes = [one, block]
        if spec.type in ("enum", "text", "set"):
            shapes.insert(1, many if spec.type != "set" else {**many, "maxItems": 1})
        return {"anyOf": shapes, **({"description": spec.doc} if spec.doc else {})}

    props = {name: fact_schema(spec) for name, spec in facts.items()}
    branch = {
        "type": "object",
        "additionalProperties": False,
        "minProperties": 1,
        "properties": props,
    }
    return {
        "type": "object",
        "additionalProperties": False,
        "minProperties": 1,
        "properties": {
            **props,
            "any": {
                "type": "array",
                "minItems": 1,
                "items": branch,
                "description": "alternatives: at least one of these blocks must hold",
            },
        },
    }


__all__ = ["conditions_schema", "to_json_schema"]
