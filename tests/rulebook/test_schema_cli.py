"""`trackright rules schema`: generated JSON Schemas match the checked-in ones and the YAML files."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from advisor.cli.main import cli as root_cli
from advisor.cli.rules import json_schemas

ROOT = Path(__file__).resolve().parents[2]
SCHEMAS = ROOT / "rules" / "schemas"
YAML_FILES = sorted((ROOT / "rules").glob("*.yaml")) + sorted(
    (ROOT / "rules" / "tests").glob("*.yaml")
)
_COMMENT = re.compile(r"^# yaml-language-server: \$schema=(\S+)$")


def run(*args: str):
    return CliRunner().invoke(root_cli, list(args), catch_exceptions=False)


class _TextDates(yaml.SafeLoader):
    """YAML as an editor's language server sees it: dates stay text."""


_TextDates.add_constructor(
    "tag:yaml.org,2002:timestamp", lambda loader, node: loader.construct_scalar(node)
)


def errors(value: Any, schema: dict, root: dict, path: str = "$") -> list[str]:
    """A small JSON Schema validator for the keywords `rules schema` emits (no dependency)."""
    out: list[str] = []
    if "$ref" in schema:
        target: Any = root
        for part in schema["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        return errors(value, target, root, path)
    if "if" in schema:
        branch = "then" if not errors(value, schema["if"], root, path) else "else"
        if branch in schema:
            out.extend(errors(value, schema[branch], root, path))
    if "anyOf" in schema and not any(not errors(value, s, root, path) for s in schema["anyOf"]):
        out.append(f"{path}: matches none of anyOf")
    if "enum" in schema and value not in schema["enum"]:
        out.append(f"{path}: {value!r} not in enum")
    types = {
        "object": dict,
        "array": list,
        "string": str,
        "boolean": bool,
        "integer": int,
        "number": (int, float),
    }
    t = schema.get("type")
    if t is not None:
        ok = isinstance(value, types[t]) and not (
            t in ("integer", "number") and isinstance(value, bool)
        )
        if not ok:
            return [f"{path}: expected {t}, got {type(value).__name__}"]
    if isinstance(value, dict):
        props = schema.get("properties", {})
        for key in schema.get("required", ()):
            if key not in value:
                out.append(f"{path}: missing {key}")
        if len(value) < schema.get("minProperties", 0):
            out.append(f"{path}: too few properties")
        for key, item in value.items():
            if "propertyNames" in schema:
                out.extend(errors(key, schema["propertyNames"], root, f"{path}.{key}(key)"))
            if key in props:
                out.extend(errors(item, props[key], root, f"{path}.{key}"))
            elif schema.get("additionalProperties") is False:
                out.append(f"{path}: unknown key {key!r}")
            elif isinstance(schema.get("additionalProperties"), dict):
                out.extend(errors(item, schema["additionalProperties"], root, f"{path}.{key}"))
    if isinstance(value, list):
        if len(value) < schema.get("minItems", 0):
            out.append(f"{path}: too few items")
        if len(value) > schema.get("maxItems", len(value)):
            out.append(f"{path}: too many items")
        if schema.get("uniqueItems") and len({json.dumps(v, sort_keys=True) for v in value}) < len(
            value
        ):
            out.append(f"{path}: items not unique")
        if "items" in schema:
            for i, item in enumerate(value):
                out.extend(errors(item, schema["items"], root, f"{path}[{i}]"))
    if isinstance(value, str):
        if "pattern" in schema and not re.search(schema["pattern"], value):
            out.append(f"{path}: {value!r} does not match {schema['pattern']}")
        if len(value) < schema.get("minLength", 0):
            out.append(f"{path}: too short")
    if isinstance(value, int | float) and not isinstance(value, bool):
        if "minimum" in schema and value < schema["minimum"]:
            out.append(f"{path}: below minimum")
        if "maximum" in schema and value > schema["maximum"]:
            out.append(f"{path}: above maximum")
    return out


def schema_for(yaml_file: Path) -> tuple[Path, dict]:
    first = yaml_file.read_text(encoding="utf-8").splitlines()[0]
    match = _COMMENT.match(first)
    assert match, f"{yaml_file} does not start with a yaml-language-server $schema comment"
    path = (yaml_file.parent / match.group(1)).resolve()
    return path, json.loads(path.read_text(encoding="utf-8"))


def test_checked_in_schemas_equal_freshly_generated(book):
    """schemas/*.schema.json are exactly what `rules schema --write` produces today."""
    fresh = json_schemas(book)
    on_disk = {p.name.removesuffix(".schema.json"): p for p in SCHEMAS.glob("*.schema.json")}
    assert set(on_disk) == set(fresh)
    for name, schema in fresh.items():
        assert json.loads(on_disk[name].read_text(encoding="utf-8")) == schema, name
    assert run("rules", "schema", "--check", str(SCHEMAS)).exit_code == 0


@pytest.mark.parametrize("yaml_file", YAML_FILES, ids=lambda p: p.name)
def test_every_bundled_yaml_file_validates_against_its_schema(yaml_file):
    """Each rules and rule-test file names its schema in line 1 and satisfies it."""
    path, schema = schema_for(yaml_file)
    assert path.parent == SCHEMAS.resolve()
    data = yaml.load(yaml_file.read_text(encoding="utf-8"), Loader=_TextDates)
    assert errors(data, schema, schema) == []
    jsonschema = pytest.importorskip("jsonschema")
    jsonschema.Draft7Validator(schema).validate(data)


def test_schemas_flag_the_mistakes_an_editor_should_catch(book):
    """Unknown fields, misspelt operators and unknown verticals in `when:` fail the policy schema."""
    schema = json_schemas(book)["policy"]
    rule = {
        "id": "x",
        "priority": 100,
        "when": {"vertical": "electronics", "unit_value": {"gte": 5000}},
        "then": {"method": "serial"},
        "reason": "r",
    }
    doc = {
        "hit_policy": "priority",
        "fallback": {"method": "batch", "reason": "r"},
        "rules": [rule],
    }
    assert errors(doc, schema, schema) == []
    for bad_when in (
        {"vertical": "electronix"},
        {"unit_value": {"gtee": 5000}},
        {"unit_value": "5oo"},
        {"colour": "red"},
        {"any": [{"warranty": "yes"}]},
    ):
        bad = {**doc, "rules": [{**rule, "when": bad_when}]}
        assert errors(bad, schema, schema), bad_when
    assert errors({**doc, "hit_policy": "first"}, schema, schema)


def test_rule_test_schema_knows_expectations(book):
    """The rule-test schema accepts the documented shape and rejects a misspelt expectation."""
    schema = json_schemas(book)["ruletests"]
    good = {
        "cases": [{"name": "n", "sku": {"title": "t", "price": 1}, "expect": {"method": "lpn"}}]
    }
    assert errors(good, schema, schema) == []
    bad = {"cases": [{"name": "n", "sku": {"title": "t"}, "expect": {"methd": "lpn"}}]}
    assert errors(bad, schema, schema)


def test_cli_prints_one_schema_and_rejects_unknown_names(tmp_path):
    """`rules schema NAME` prints that schema; an unknown name exits 2; --write writes files."""
    result = run("rules", "schema", "policy")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["title"] == "trackright rules/policy.yaml"
    bad = run("rules", "schema", "polcy")
    assert bad.exit_code == 2 and "no schema named 'polcy'" in bad.stderr
    assert run("rules", "schema", "--write", str(tmp_path)).exit_code == 0
    (tmp_path / "costs.schema.json").write_text("{}\n", encoding="utf-8")
    stale = run("rules", "schema", "--check", str(tmp_path))
    assert stale.exit_code == 1 and "costs.schema.json: out of date" in stale.stderr
