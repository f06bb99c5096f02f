"""The four tasks of the README's rulebook section, done as a rule author would, in a `rules init` copy.

Raise a threshold, add a vertical with tests, add a floor in one market from a date, write a
decision table — each followed by `rules check` and `rules test`, with the editor's schemas
refreshed and validating the edited files. Run on the suite's small rulebook, so the steps stay
true whatever the bundled rules hold.
"""

from __future__ import annotations

import json
import re

import pytest
import yaml
from advisor_helpers import MINIBOOK
from click.testing import CliRunner

from advisor.cli.main import cli

jsonschema = pytest.importorskip("jsonschema")


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def editor_errors(path):
    first = path.read_text(encoding="utf-8").splitlines()[0]
    target = path.parent / re.match(r"^# yaml-language-server: \$schema=(\S+)$", first).group(1)
    schema = json.loads(target.read_text(encoding="utf-8"))

    class L(yaml.SafeLoader):
        pass

    L.add_constructor("tag:yaml.org,2002:timestamp", lambda lo, n: lo.construct_scalar(n))
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=L)
    return [e.message for e in jsonschema.Draft7Validator(schema).iter_errors(data)]


def replace(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1
    path.write_text(text.replace(old, new), encoding="utf-8")


def append(path, text):
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def green(root):
    check = run("rules", "check", str(root))
    assert check.exit_code == 0, check.output
    test = run("rules", "test", str(root))
    assert test.exit_code == 0, test.output
    return check


def test_the_four_readme_tasks_in_a_copy(tmp_path):
    """Each task ends green, with editor schemas that accept the edited files."""
    root = tmp_path / "my-rules"
    assert run("rules", "init", "--rules", str(MINIBOOK), str(root)).exit_code == 0
    green(root)

    # 1. raise a threshold: eyewear becomes "high" from 6,000 instead of 5,000
    replace(
        root / "classification.yaml",
        "{low: 0, mid: 1000, high: 5000, premium: 20000}",
        "{low: 0, mid: 1000, high: 6000, premium: 20000}",
    )
    diff = run(
        "rules",
        "diff",
        str(MINIBOOK),
        str(root),
        "--catalog",
        str(_catalog(tmp_path)),
        "--format",
        "json",
    )
    assert json.loads(diff.stdout)["rule_changes"][0]["rule"] == "value bands of eyewear"
    replace(
        root / "tests" / "basics.yaml",
        "[Frames, Eyewear, 5000, lpn, eyewear-high]",
        "[Frames, Eyewear, 6000, lpn, eyewear-high]",
    )
    append(root / "tests" / "basics.yaml", "      - [Frames, Eyewear, 5999, batch, eyewear-low]\n")
    green(root)

    # 2. a new vertical with tests
    append(
        root / "classification.yaml",
        "  watches:\n    label: Watches\n    categories: [watches]\n    keywords: [wristwatch]\n    value_bands: {low: 0, mid: 2000, high: 10000, premium: 50000}\n",
    )
    replace(root / "costs.yaml", "  general: 0.08\n", "  general: 0.08\n  watches: 0.04\n")
    append(
        root / "policy.yaml",
        "\n  - id: watches-low\n    priority: 100\n    when: {vertical: watches, value_band: low}\n    then: {method: batch, capture: [lot]}\n    reason: Cheap watches by lot\n\n  - id: watches-serial\n    priority: 100\n    when: {vertical: watches, value_band: [mid, high, premium]}\n    then: {method: serial}\n    reason: Watches are counterfeited\n",
    )
    assert "out of date" in run("rules", "check", str(root)).stderr
    assert (
        run("rules", "schema", "--rules", str(root), "--write", str(root / "schemas")).exit_code
        == 0
    )
    (root / "tests" / "watches.yaml").write_text(
        "# yaml-language-server: $schema=../schemas/ruletests.schema.json\n"
        "profile: {markets: [IN]}\ntables:\n  - name: watch bands\n"
        "    columns: [title, category, price, method, rule]\n    rows:\n"
        "      - [Quartz watch, Watches, 1999, batch, watches-low]\n"
        "      - [Steel watch, Watches, 2000, serial, watches-serial]\n",
        encoding="utf-8",
    )
    green(root)
    for name in ("classification.yaml", "policy.yaml", "costs.yaml", "tests/watches.yaml"):
        assert editor_errors(root / name) == [], name

    # 3. a floor in one market from a date
    append(
        root / "regulations.yaml",
        "\n  - id: eu-watch-lots\n    name: Watch batteries\n    jurisdiction: EU\n    source: test\n    effective_from: 2027-01-01\n    applies_to:\n      verticals: [watches]\n      when: {title: {matches: quartz}}\n    floor: batch\n    capture: [lot]\n",
    )
    append(
        root / "tests" / "watches.yaml",
        "cases:\n  - name: quartz in the EU after the date\n    profile: {markets: [EU]}\n    as_of: 2027-01-02\n    sku: {title: Quartz watch, category: Watches, price: 5000}\n    expect: {method: serial, regulations: [eu-watch-lots], capture: [lot]}\n  - name: before the date\n    profile: {markets: [EU]}\n    as_of: 2026-12-31\n    sku: {title: Quartz watch, category: Watches, price: 5000}\n    expect: {regulations: []}\n",
    )
    run("rules", "schema", "--rules", str(root), "--write", str(root / "schemas"))
    green(root)
    assert editor_errors(root / "regulations.yaml") == []

    # 4. the watch rules as a decision table
    text = (root / "policy.yaml").read_text(encoding="utf-8")
    text = text[: text.index("\n  - id: watches-low")] + (
        "\n  - table: watches\n    hit_policy: unique\n    priority: 100\n"
        "    columns: [id,             vertical, value_band,           method, capture, reason]\n"
        "    rows:\n"
        "      - [watches-low,      watches,  low,                  batch,  [lot],   Cheap watches by lot]\n"
        "      - [watches-serial,   watches,  [mid, high, premium], serial, -,       Watches are counterfeited]\n"
    )
    (root / "policy.yaml").write_text(text, encoding="utf-8")
    assert "rows of 2 tables included" in green(root).stdout
    assert editor_errors(root / "policy.yaml") == []


def _catalog(tmp_path):
    path = tmp_path / "shop.csv"
    path.write_text(
        "sku,title,category,price\nF1,Frames,Eyewear,5500\nP1,Phone,Mobile phones,20000\n",
        encoding="utf-8",
    )
    return path


def test_the_readme_yaml_blocks_work_on_the_bundled_rules(tmp_path):
    """Tasks 2–4 pasted from the README itself into a copy of the bundled rules stay green, and
    decide as the README says (so the README cannot drift from the rulebook)."""
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```yaml\n(.*?)```", readme[readme.index("### Four tasks") :], re.S)
    vertical, rules, tests, floor, floor_tests, table = blocks[:6]
    root = tmp_path / "my-rules"
    assert run("rules", "init", str(root)).exit_code == 0
    cls = (root / "classification.yaml").read_text(encoding="utf-8")
    at = cls.index("\n  gift_cards:") + 1
    (root / "classification.yaml").write_text(cls[:at] + vertical + cls[at:], encoding="utf-8")
    twice = run("rules", "check", str(root))
    assert twice.exit_code == 1 and "is also listed under general" in twice.output
    _drop_from_general(root / "classification.yaml", vertical)
    replace(
        root / "costs.yaml",
        "\n  fashion: 0.30\n",
        "\n  fashion: 0.30\n  musical_instruments: 0.08\n",
    )
    append(root / "policy.yaml", rules)
    (root / "tests" / "instruments.yaml").write_text(tests, encoding="utf-8")
    run("rules", "schema", "--rules", str(root), "--write", str(root / "schemas"))
    green(root)
    guitar = run(
        "decide",
        "--rules",
        str(root),
        "--title",
        "Yamaha acoustic guitar F310",
        "--price",
        "9500",
        "--format",
        "json",
    )
    assert json.loads(guitar.stdout)["rule"] == "instruments-valuable", guitar.output

    append(root / "regulations.yaml", floor)
    (root / "tests" / "supplement-lots.yaml").write_text(floor_tests, encoding="utf-8")
    run("rules", "schema", "--rules", str(root), "--write", str(root / "schemas"))
    green(root)
    assert run("rules", "test", str(root), "--min-coverage", "100").exit_code == 0

    replace(root / "policy.yaml", rules, table)
    assert "rows of 2 tables included" in green(root).stdout
    for name in (
        "classification.yaml",
        "policy.yaml",
        "regulations.yaml",
        "tests/instruments.yaml",
    ):
        assert editor_errors(root / name) == [], name


def _drop_from_general(path, vertical_block):
    """Task 2's second step: the words the new vertical lists leave `general`'s lists."""
    new = yaml.safe_load(vertical_block)["musical_instruments"]
    taken = {w.lower() for w in (*new["categories"], *new["keywords"])}
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    general = doc["verticals"]["general"]
    out = []
    in_general = False
    for line in lines:
        if line.startswith("  ") and not line.startswith("   "):
            in_general = line.strip() == "general:"
        key = line.strip().split(":", 1)[0]
        if in_general and key in ("categories", "keywords"):
            kept = [w for w in general[key] if w.lower() not in taken]
            line = f"    {key}: [{', '.join(kept)}]\n"
        out.append(line)
    path.write_text("".join(out), encoding="utf-8")
