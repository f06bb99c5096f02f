"""`rules init` (#14.7): a copy with its schemas beside it; modelines resolve; stale schemas are named."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from advisor.cli.main import cli

jsonschema = pytest.importorskip("jsonschema")
MODELINE = re.compile(r"^# yaml-language-server: \$schema=(\S+)$")


class _TextDates(yaml.SafeLoader):
    """YAML as an editor's language server sees it: dates stay text."""


_TextDates.add_constructor(
    "tag:yaml.org,2002:timestamp", lambda loader, node: loader.construct_scalar(node)
)


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def schema_errors(path: Path) -> list[str]:
    """Validate a YAML file against the schema its first line names, as an editor would."""
    m = MODELINE.match(path.read_text(encoding="utf-8").splitlines()[0])
    assert m, f"{path} has no modeline"
    schema_path = (path.parent / m.group(1)).resolve()
    assert schema_path.is_file(), f"{path}: modeline points at missing {schema_path}"
    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=_TextDates)
    return [e.message for e in jsonschema.Draft7Validator(schema).iter_errors(data)]


def test_init_makes_a_copy_whose_modelines_resolve_and_validate(tmp_path):
    """Every file of the copy points at a schema inside the copy, and satisfies it."""
    target = tmp_path / "my-rules"
    result = run("rules", "init", str(target))
    assert result.exit_code == 0 and "schemas" in result.stdout
    files = sorted(target.glob("*.yaml")) + sorted((target / "tests").glob("*.yaml"))
    assert len(files) >= 10
    for f in files:
        assert schema_errors(f) == [], f
    assert run("rules", "check", str(target)).exit_code == 0


def test_init_refuses_a_folder_with_files(tmp_path):
    """An existing copy is never overwritten; the message says how to refresh its schemas."""
    (tmp_path / "x").mkdir()
    (tmp_path / "x" / "policy.yaml").write_text("x: 1\n")
    result = CliRunner().invoke(cli, ["rules", "init", str(tmp_path / "x")])
    assert result.exit_code == 2 and "already holds files" in result.stderr


def test_a_new_vertical_makes_the_schemas_stale_until_refreshed(tmp_path):
    """Add a vertical and a rule for it: the editor rejects it, `rules check` says so and how to fix it."""
    target = tmp_path / "my-rules"
    run(
        "rules",
        "init",
        "--rules",
        str(Path(__file__).parent.parent / "data" / "minibook"),
        str(target),
    )
    cls = target / "classification.yaml"
    cls.write_text(
        cls.read_text(encoding="utf-8")
        + "  watches:\n    label: Watches\n    categories: [watches]\n"
        "    value_bands: {low: 0, mid: 2000, high: 10000, premium: 50000}\n",
        encoding="utf-8",
    )
    costs = target / "costs.yaml"
    costs.write_text(
        costs.read_text(encoding="utf-8").replace(
            "  general: 0.08\n", "  general: 0.08\n  watches: 0.04\n"
        )
    )
    pol = target / "policy.yaml"
    pol.write_text(
        pol.read_text(encoding="utf-8")
        + "\n  - id: watches\n    priority: 100\n    when: {vertical: watches}\n"
        "    then: {method: serial}\n    reason: Watches are counterfeited\n",
        encoding="utf-8",
    )
    assert schema_errors(pol), "a stale schema should reject the new vertical"
    result = run("rules", "check", str(target))
    assert result.exit_code == 0
    assert "out of date (it does not know watches" in result.stderr
    command = f"trackright rules schema --rules {target} --write {target / 'schemas'}"
    assert command in result.stderr
    assert run(*command.split()[1:]).exit_code == 0
    assert schema_errors(pol) == [] and schema_errors(cls) == []
    assert "out of date" not in run("rules", "check", str(target)).stderr


def test_the_bundled_rules_point_at_schemas_beside_them():
    """Installed or checked out, rules/*.yaml find their schemas in rules/schemas."""
    from advisor_helpers import RULES

    for f in sorted(RULES.glob("*.yaml")) + sorted((RULES / "tests").glob("*.yaml")):
        m = MODELINE.match(f.read_text(encoding="utf-8").splitlines()[0])
        assert m and (f.parent / m.group(1)).resolve().parent == (RULES / "schemas").resolve()
