"""The JSON Schemas editors read, and rules folders whose files point at them.

`json_schemas` generates every schema from the validator's own shapes (`rules schema`); a rules
folder keeps them in `schemas/` beside the YAML, whose first lines say, for yaml-language-server
(VS Code, Neovim, Helix, Zed…)::

    # yaml-language-server: $schema=schemas/policy.schema.json      (rules/*.yaml)
    # yaml-language-server: $schema=../schemas/ruletests.schema.json (rules/tests/*.yaml)

so completion works in the repository, beside the installed rules and in any copy.
`init_rules` makes such a copy; `stale_schemas` says when a copy's schemas no longer describe
its rulebook (a vertical added since they were written) and how to refresh them.
"""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from advisor.errors import Problem

MODELINE = re.compile(r"^# yaml-language-server: \$schema=(\S+)\s*$")
SCHEMA_DIR = "schemas"


def onboarding_schema() -> dict[str, Any]:
    """JSON Schema of rules/onboarding.yaml, from the key lists its loader checks against."""
    from advisor.advice import onboarding_file as ob

    condition: dict[str, Any] = {
        "type": "object",
        "minProperties": 1,
        "additionalProperties": False,
        "properties": {
            "answer": {"type": "string", "description": "id of an earlier question"},
            **{t: {} for t in ob._TESTS},
            "all": {"type": "array", "minItems": 1, "items": {"$ref": "#/definitions/condition"}},
            "any": {"type": "array", "minItems": 1, "items": {"$ref": "#/definitions/condition"}},
            "not": {"$ref": "#/definitions/condition"},
        },
    }
    ids = {"type": "string", "pattern": f"^(?:{ob._ID.pattern})$"}
    question = {
        "type": "object",
        "additionalProperties": False,
        "required": ["id", "kind", "prompt", "why"],
        "properties": {
            "id": ids,
            "kind": {"enum": list(ob.KINDS)},
            "prompt": {"type": "string"},
            "why": {"type": "string", "description": "Markdown"},
            "options": {
                "type": "array",
                "items": {
                    "type": "object",
                    "additionalProperties": False,
                    "properties": {
                        "value": {},
                        "label": {"type": "string"},
                        "exclusive": {"type": "boolean"},
                    },
                },
            },
            "options_from": {"enum": list(ob._OPTION_SOURCES)},
            "ask_if": {"$ref": "#/definitions/condition"},
            "depends_on": {"anyOf": [ids, {"type": "array", "items": ids}]},
            "for_each": ids,
            "default": {},
            "suggestions": {"type": "array", "items": {"type": "string"}},
            "profile_field": {"enum": [*ob._PROFILE_FIELDS, ob.CATALOG_PATH]},
            "min": {"type": "number"},
            "max": {"type": "number"},
            "unit": {"type": "string"},
            "optional": {"type": "boolean"},
        },
    }
    assert set(question["properties"]) == set(ob._QUESTION_KEYS)
    return {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "title": "trackright rules/onboarding.yaml",
        "type": "object",
        "additionalProperties": False,
        "required": ["questions"],
        "properties": {
            "version": {"type": "integer"},
            "questions": {"type": "array", "minItems": 1, "items": question},
        },
        "definitions": {"condition": condition},
    }


def json_schemas(book) -> dict[str, dict[str, Any]]:
    """Every schema `rules schema` writes, by name (`<name>.schema.json`)."""
    from advisor.authoring.ruletests import tests_json_schema
    from advisor.rulebook.load import rule_file_schemas

    out = {name.removesuffix(".yaml"): s for name, s in rule_file_schemas(book).items()}
    out["ruletests"] = tests_json_schema(book)
    out["onboarding"] = onboarding_schema()
    return out


def schema_text(schema: dict[str, Any]) -> str:
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def schema_name(yaml_path: Path) -> str:
    """Which schema a rules or rule-test file uses (`ruletests` for files under tests/)."""
    return "ruletests" if yaml_path.parent.name == "tests" else yaml_path.stem


def modeline(yaml_path: Path) -> str:
    """The first line a file needs for its schema in `<rules folder>/schemas/`."""
    rel = "../" if schema_name(yaml_path) == "ruletests" else ""
    return f"# yaml-language-server: $schema={rel}{SCHEMA_DIR}/{schema_name(yaml_path)}.schema.json"


def rule_files(root: Path) -> list[Path]:
    """The YAML files of a rules folder that have a schema: rules files, then rule tests."""
    out = sorted(p for p in root.glob("*.yaml"))
    tests = root / "tests"
    if tests.is_dir():
        out += sorted(p for p in tests.glob("*.yaml"))
    return out


def set_modeline(path: Path) -> bool:
    """Make the file's first line point at its schema beside it; True if the file changed."""
    text = path.read_text(encoding="utf-8")
    lines = text.split("\n")
    want = modeline(path)
    if lines and MODELINE.match(lines[0]):
        if lines[0] == want:
            return False
        lines[0] = want
    else:
        lines.insert(0, want)
    path.write_text("\n".join(lines), encoding="utf-8")
    return True


def write_schemas(book, folder: Path) -> list[Path]:
    """Write every schema of `book` into `folder`; the paths written."""
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for name, schema in json_schemas(book).items():
        path = folder / f"{name}.schema.json"
        path.write_text(schema_text(schema), encoding="utf-8")
        out.append(path)
    return out


def init_rules(source: Path, target: Path) -> list[Path]:
    """Copy the rules folder `source` to `target` (which must not exist or be empty), with its
    schemas generated beside it and every modeline pointing at them. Returns the files made."""
    from advisor.rulebook.load import load_rulebook

    if target.exists() and any(target.iterdir()):
        raise FileExistsError(f"{target} is not empty")
    book = load_rulebook(source)
    shutil.copytree(
        source,
        target,
        dirs_exist_ok=True,
        ignore=shutil.ignore_patterns("__pycache__", "*.py", "*.pyc", SCHEMA_DIR),
    )
    for path in rule_files(target):
        set_modeline(path)
    write_schemas(book, target / SCHEMA_DIR)
    return sorted(p for p in target.rglob("*") if p.is_file())


def refresh_command(root: Path) -> str:
    return f"trackright rules schema --rules {root} --write {root / SCHEMA_DIR}"


def _enum_values(schema: Any) -> set[str]:
    out: set[str] = set()
    if isinstance(schema, dict):
        for k, v in schema.items():
            if k == "enum" and isinstance(v, list):
                out.update(str(x) for x in v)
            else:
                out |= _enum_values(v)
    elif isinstance(schema, list):
        for v in schema:
            out |= _enum_values(v)
    return out


@dataclass(frozen=True, slots=True)
class StaleSchema:
    """A schema a rules file points at that does not describe the rulebook as it is now."""

    file: str  # the YAML file whose modeline points at it
    schema: Path
    missing: tuple[str, ...]  # names the rulebook has and the schema does not know
    exists: bool


def stale_schemas(book, root: Path) -> list[StaleSchema]:
    """The schemas the folder's modelines point at that are missing or out of date."""
    fresh = json_schemas(book)
    out: list[StaleSchema] = []
    seen: set[Path] = set()
    for path in rule_files(root):
        try:
            first = path.read_text(encoding="utf-8").split("\n", 1)[0]
        except (OSError, UnicodeDecodeError):
            continue
        m = MODELINE.match(first)
        name = schema_name(path)
        if not m or name not in fresh:
            continue
        target = (path.parent / m.group(1)).resolve()
        if target in seen:
            continue
        seen.add(target)
        if not target.is_file():
            out.append(StaleSchema(str(path), target, (), False))
            continue
        try:
            current = json.loads(target.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            current = None
        if current != fresh[name]:
            missing = tuple(sorted(_enum_values(fresh[name]) - _enum_values(current)))
            out.append(StaleSchema(str(path), target, missing, True))
    return out


def stale_warnings(book, root: Path) -> list[Problem]:
    """`stale_schemas` as warnings for `rules check`, each naming the command that refreshes them."""
    out = []
    for s in stale_schemas(book, root):
        if not s.exists:
            what = f"points at {s.schema}, which does not exist"
        elif s.missing:
            shown = ", ".join(s.missing[:6]) + (" …" if len(s.missing) > 6 else "")
            what = f"uses {s.schema.name}, which is out of date (it does not know {shown})"
        else:
            what = f"uses {s.schema.name}, which is out of date"
        out.append(
            Problem(
                s.file,
                1,
                f"{what}: editors will flag valid rules and miss wrong ones; refresh with: "
                + refresh_command(root),
            )
        )
    return out


__all__ = [
    "StaleSchema",
    "init_rules",
    "json_schemas",
    "modeline",
    "onboarding_schema",
    "refresh_command",
    "rule_files",
    "schema_text",
    "set_modeline",
    "stale_schemas",
    "stale_warnings",
    "write_schemas",
]
