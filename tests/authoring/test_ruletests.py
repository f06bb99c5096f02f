"""Rule tests (`trackright rules test`): loading, running, failure messages, coverage, outputs."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner

from advisor.authoring.ruletests import (
    Coverage,
    RuleTestError,
    load_tests,
    run_rule_tests,
)
from advisor.cli.main import cli as root_cli

ROOT = Path(__file__).resolve().parents[2]
BUNDLED_TESTS = ROOT / "rules" / "tests"


def run(*args: str):
    return CliRunner().invoke(root_cli, list(args), catch_exceptions=False)


def write(tmp_path: Path, text: str, name: str = "t.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


PHONE_FAIL = """\
cases:
  - name: phone is serial
    sku: {title: Galaxy S24, category: Mobile Phones, price: 79999}
    expect: {method: serial, rule: mobile-phones}
  - name: earbuds wrongly expected serial
    sku: {title: Earbuds, category: Electronics > Audio, price: 999}
    expect: {method: serial, rule: electronics-serial}
"""


def test_bundled_rule_tests_pass_and_cover_every_rule(book):
    """The bundled rules' own tests all pass and every rule wins (or, as a floor, applies) in one."""
    report = run_rule_tests(book, [BUNDLED_TESTS])
    assert [r.case.where for r in report.failed] == []
    assert report.coverage.uncovered() == []
    assert report.coverage.count == len(book.policy.rules) + len(book.returns.rules)


def test_cli_min_coverage_100_passes_on_bundled_rules():
    """`rules test --min-coverage 100` exits 0 on the bundled rules and says OK."""
    result = run("rules", "test", "--rules", str(ROOT / "rules"), "--min-coverage", "100")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("OK ")
    assert "100.0%" in result.stdout


def test_failing_case_reports_expected_got_winner_and_matches(book, tmp_path):
    """A failure names the key, what was expected, what came out, the deciding rule and the matches."""
    report = run_rule_tests(book, [write(tmp_path, PHONE_FAIL)])
    (failed,) = report.failed
    assert failed.case.line == 5
    line = next(r.line for r in book.policy.rules if r.id == "electronics-accessories-low")
    assert failed.message().splitlines() == [
        "method: expected serial, got batch",
        "rule: expected electronics-serial, got electronics-accessories-low",
        f"decided by electronics-accessories-low (rules/policy.yaml:{line}); "
        "matched: electronics-accessories-low",
    ]


def test_cli_exit_1_on_failure_with_file_and_line(tmp_path):
    """The text report shows the failing case at file:line and the command exits 1."""
    path = write(tmp_path, PHONE_FAIL)
    result = run("rules", "test", str(path), "--rules", str(ROOT / "rules"))
    assert result.exit_code == 1
    assert f"{path}:5" in result.stdout
    assert "FAILED 1 passed, 1 failed" in result.stdout


def test_table_rows_become_cases_at_their_own_lines(book, tmp_path):
    """Each table row is one case located at its row, with the SKU columns and expectations split."""
    path = write(
        tmp_path,
        """\
tables:
  - name: band edge
    columns: [title, category, price, method, rule]
    rows:
      - [Earbuds, Electronics > Audio, 999, batch, electronics-accessories-low]
      - [Earbuds, Electronics > Audio, 1000, batch, electronics-accessories-low]
""",
    )
    report = run_rule_tests(book, [path])
    assert [(r.case.line, r.passed) for r in report.results] == [(5, True), (6, False)]
    assert report.results[1].case.sku["price"] == 1000


def test_profile_columns_and_case_profiles_override_the_file_profile(book, tmp_path):
    """`profile.FIELD` columns and a case's `profile:` override the file's default profile."""
    path = write(
        tmp_path,
        """\
profile: {counterfeit_incidents: 0}
cases:
  - name: file profile keeps an LPN
    sku: {title: Leather handbag, category: Bags > Handbags, price: 8999}
    expect: {rule: fashion-mid}
tables:
  - name: fakes seen
    columns: [title, category, price, profile.counterfeit_incidents, rule]
    rows:
      - [Leather handbag, Bags > Handbags, 8999, 1, counterfeit-seen-high-value]
""",
    )
    assert run_rule_tests(book, [path]).failed == []


def test_broken_test_file_is_exit_2_with_file_line(tmp_path):
    """An unknown key, a bad method or a YAML error stops the run with exit 2 and file:line."""
    path = write(
        tmp_path,
        """\
cases:
  - name: typo
    sku: {title: X}
    expect: {methd: serial}
""",
    )
    result = run("rules", "test", str(path), "--rules", str(ROOT / "rules"))
    assert result.exit_code == 2
    assert f"{path}:4:14: cases[0].expect: unknown key 'methd' (did you mean 'method'?)" in (
        result.stderr
    )
    bad_yaml = write(tmp_path, "cases:\n  - name: x\n   sku: {}\n", "bad.yaml")
    result = run("rules", "test", str(bad_yaml), "--rules", str(ROOT / "rules"))
    assert result.exit_code == 2
    assert f"{bad_yaml}:3:" in result.stderr


def test_unknown_rule_id_in_expect_is_a_problem_with_a_hint(book, tmp_path):
    """Expecting a rule the rulebook does not have is a load problem, with a did-you-mean."""
    path = write(
        tmp_path,
        """\
cases:
  - name: misspelt
    sku: {title: Galaxy S24, category: Mobile Phones, price: 79999}
    expect: {rule: mobile-phone}
""",
    )
    with pytest.raises(RuleTestError) as err:
        load_tests([path], book)
    assert "no rule 'mobile-phone' in the rulebook (did you mean 'mobile-phones'?)" in str(
        err.value
    )
    # #14.10: at the `rule:` itself, not at the case that holds it
    assert (err.value.problems[0].line, err.value.problems[0].column) == (4, 20)


def test_row_with_wrong_number_of_values_is_reported(book, tmp_path):
    """A table row with fewer values than columns is a problem at the row's line."""
    path = write(
        tmp_path,
        """\
tables:
  - name: short row
    columns: [title, price, method]
    rows:
      - [Earbuds, 999]
""",
    )
    with pytest.raises(RuleTestError) as err:
        load_tests([path], book)
    (problem,) = err.value.problems
    assert (problem.line, "has 2 value(s) but there are 3 columns" in problem.message) == (5, True)


def test_coverage_below_minimum_fails_and_lists_uncovered_rules(book, tmp_path):
    """With --min-coverage the run fails when too few rules won, and lists them with file:line."""
    path = write(tmp_path, PHONE_FAIL.split("  - name: earbuds")[0])
    result = run("rules", "test", str(path), "--rules", str(ROOT / "rules"), "--min-coverage", "50")
    assert result.exit_code == 1
    line = next(r.line for r in book.policy.rules if r.id == "electronics-accessories-low")
    assert f"rules/policy.yaml:{line}: rule electronics-accessories-low: never won a case" in (
        result.stdout
    )
    assert "rules/regulations.yaml:15: rule in-imei-registration" not in result.stdout
    assert "below the minimum 50%" in result.stdout


def test_coverage_threshold_is_exact_not_rounded(book):
    """199 of 200 rules is 99.5%: it passes 99.5 but not 100 (no rounding up, unlike OPA #6307)."""
    from dataclasses import replace

    rules = tuple(replace(book.policy.rules[0], id=f"r{i}") for i in range(200))
    cov = Coverage(rules, frozenset(f"r{i}" for i in range(199)))
    assert (cov.at_least(99.5), cov.at_least(100)) == (True, False)


def test_junit_and_json_outputs(tmp_path):
    """--junit writes a testsuite with a <failure>; --format json reports the same counts."""
    path = write(tmp_path, PHONE_FAIL)
    junit = tmp_path / "out.xml"
    result = run(
        "rules",
        "test",
        str(path),
        "--rules",
        str(ROOT / "rules"),
        "--junit",
        str(junit),
        "--format",
        "json",
    )
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert (data["passed"], data["failed"]) == (1, 1)
    assert data["cases"][1]["mismatches"][0] == {
        "key": "method",
        "expected": "serial",
        "got": "batch",
    }
    root = ET.fromstring(junit.read_text(encoding="utf-8"))
    cases = root.findall("./testsuite/testcase")
    assert [c.get("name") for c in cases] == ["phone is serial", "earbuds wrongly expected serial"]
    assert cases[1].find("failure").get("message") == "method: expected serial, got batch"


def test_return_cases_default_to_a_genuine_return(book, tmp_path):
    """Return facts left out are a genuine return, so `{}` restocks and one fact changes the verdict."""
    path = write(
        tmp_path,
        """\
returns:
  - name: genuine
    facts: {}
    expect: {verdict: restock, rule: fallback}
  - name: expired
    facts: {lot_expired: true}
    expect: {verdict: quarantine, flag: expired}
""",
    )
    report = run_rule_tests(book, [path])
    assert [r.passed for r in report.results] == [True, True]
    assert report.coverage.covered == {"expired-lot"}


def test_not_rule_also_rejects_the_business_winner_under_a_floor(book, tmp_path):
    """`not_rule` fails when the rule won among business rules even if a floor decided."""
    path = write(
        tmp_path,
        """\
profile: {markets: [IN]}
cases:
  - name: feature phone
    sku: {title: Keypad phone, category: Mobiles, price: 999}
    expect: {not_rule: mobile-phones}
""",
    )
    (result,) = run_rule_tests(book, [path]).results
    assert not result.passed
    assert result.mismatches[0].key == "not_rule"


def test_rules_folder_argument_runs_its_tests(rules_copy):
    """Given a rules folder, `rules test` tests that rulebook with the tests inside it."""
    row = rules_copy.row("policy.yaml", "electronics-accessories-low")
    rules_copy.edit("policy.yaml", row, row.replace(" batch,  [lot],", " lpn,    -,    "))
    result = run("rules", "test", str(rules_copy.root))
    assert result.exit_code == 1
    assert "method: expected batch, got lpn" in result.stdout
    assert str(rules_copy.root / "tests" / "verticals.yaml") in result.stdout
