"""Rulebook validation: every mistake a rule author can make is reported with file and line."""

from __future__ import annotations

import pytest

from advisor.errors import RulebookError
from advisor.rulebook.load import load_rulebook


def problems_for(rules_copy) -> list[str]:
    with pytest.raises(RulebookError) as info:
        load_rulebook(rules_copy.root)
    return [str(p) for p in info.value.problems]


def one(problems: list[str], *needles: str) -> str:
    hits = [p for p in problems if all(n in p for n in needles)]
    assert hits, f"no problem mentions {needles}; got:\n" + "\n".join(problems)
    return hits[0]


def test_bundled_rulebook_is_valid(book):
    """The rules shipped with trackright load without a single problem."""
    assert book.policy.rules and book.returns.rules
    assert book.version and len(book.version) == 12
    assert book.human_version == "policy-2026.11"


def test_tab_indentation_is_reported_with_its_line(rules_copy):
    """A tab used for indentation names the line and says to use spaces."""
    line = rules_copy.edit(
        "policy.yaml",
        "    priority: 100\n    columns: [",
        "    priority: 100\n\tcolumns: [",
    )
    p = one(problems_for(rules_copy), "policy.yaml", "tab")
    assert f"policy.yaml:{line + 1}:" in p


def test_bad_indentation_is_reported_with_its_line(rules_copy):
    """A key indented out of line with its siblings is a located syntax problem."""
    line = rules_copy.edit(
        "policy.yaml",
        "  - table: vertical-defaults\n    hit_policy: unique",
        "  - table: vertical-defaults\n      hit_policy: unique",
    )
    p = one(problems_for(rules_copy), "policy.yaml")
    assert f"policy.yaml:{line + 1}:" in p
    assert "indent" in p or "':'" in p


def test_unknown_key_suggests_the_right_one(rules_copy):
    """A misspelt key gets a did-you-mean with the key's own line."""
    line = rules_copy.edit(
        "policy.yaml",
        "  - id: prescription-medicines-serialised\n    priority: 100",
        "  - id: prescription-medicines-serialised\n    prority: 100",
    )
    p = one(problems_for(rules_copy), "unknown key 'prority'")
    assert "did you mean 'priority'" in p
    # file:line:column of the key
    assert f"policy.yaml:{line + 1}:5: rule prescription-medicines-serialised:" in p


def test_unknown_operator_is_named(rules_copy):
    """An operator durable-rules would reject as 'error code 202' is caught here, located."""
    line = rules_copy.edit("policy.yaml", "unit_value: {gte: 500}", "unit_value: {greater: 500}")
    p = one(problems_for(rules_copy), "unknown operator 'greater'")
    assert f"policy.yaml:{line}:" in p and "rule warranty-low-value" in p


def test_unknown_vertical_suggests_a_known_one(rules_copy):
    """A misspelt vertical is reported with the closest real one (here in a table row's cell)."""
    row = rules_copy.row("policy.yaml", "books")
    line = rules_copy.edit("policy.yaml", row, row.replace(" books,", " bookz,"))
    p = one(problems_for(rules_copy), "unknown vertical 'bookz'")
    assert "did you mean 'books'" in p and f"policy.yaml:{line}:" in p


def test_unknown_method_is_reported(rules_copy):
    """A method outside serial / batch / lpn is refused with a suggestion."""
    row = rules_copy.row("policy.yaml", "books")
    line = rules_copy.edit("policy.yaml", row, row.replace(" batch,", " serialise,"))
    p = one(problems_for(rules_copy), "serialise")
    assert f"policy.yaml:{line}:" in p and "did you mean 'serial'" in p


def test_unknown_field_is_reported(rules_copy):
    """A condition on a fact that does not exist lists the facts that do."""
    line = rules_copy.edit(
        "policy.yaml",
        "      vertical: prescription_medicines\n",
        "      verticle: prescription_medicines\n",
    )
    p = one(problems_for(rules_copy), "unknown field 'verticle'")
    assert "did you mean 'vertical'" in p and f"policy.yaml:{line}:" in p


def test_wrong_type_names_what_was_expected(rules_copy):
    """`gte: "ten thousand"` is a type error, not a string comparison."""
    line = rules_copy.edit(
        "policy.yaml", "unit_value: {gte: 500}", 'unit_value: {gte: "ten thousand"}'
    )
    p = one(problems_for(rules_copy), "expects a number")
    assert "ten thousand" in p and f"policy.yaml:{line}:" in p


def test_duplicate_rule_ids_are_reported(rules_copy):
    """Two rules with one id: the second is reported, pointing at the first."""
    row = rules_copy.row("policy.yaml", "toys")
    line = rules_copy.edit("policy.yaml", row, row.replace("[toys,", "[books,"))
    p = one(problems_for(rules_copy), "duplicate id")
    assert f"policy.yaml:{line}:" in p and "rule books" in p


def test_bad_regular_expression_is_reported(rules_copy):
    """A regex that does not compile is caught with the compiler's reason."""
    line = rules_copy.edit(
        "policy.yaml",
        "      vertical: prescription_medicines\n",
        '      vertical: prescription_medicines\n      title: {matches: "(unclosed"}\n',
    )
    line += 1
    p = one(problems_for(rules_copy), "bad regular expression")
    assert f"policy.yaml:{line}:" in p


def test_empty_conditions_are_refused(rules_copy):
    """`when: {}` would match everything: the author is pointed to the fallback."""
    line = rules_copy.edit(
        "policy.yaml",
        "when: {warranty: true, vertical: [electronics, appliances, medical_devices], "
        "value_band: low, unit_value: {gte: 500}}",
        "when: {}",
    )
    p = one(problems_for(rules_copy), "empty conditions")
    assert f"policy.yaml:{line}:" in p and "fallback" in p


def test_equal_priority_conflict_is_an_error(rules_copy):
    """Two rules of equal priority that can match one SKU but decide differently are refused."""
    line = rules_copy.append(
        "policy.yaml",
        (
            "  - id: books-lpn\n    priority: 100\n    when: {vertical: books, value_band: mid}\n"
            "    then: {method: lpn}\n    reason: test\n"
        ),
    )
    p = one(problems_for(rules_copy), "same priority 100")
    assert f"policy.yaml:{line}:" in p and "rule books-lpn" in p and "books" in p


def test_equal_priority_without_overlap_or_with_same_outcome_is_fine(rules_copy):
    """Equal priority is allowed when the conditions cannot both hold, or the outcomes agree."""
    rules_copy.append(
        "policy.yaml",
        (
            "  - id: books-impossible\n    priority: 100\n    when: {vertical: books, unit_value: {gte: 10, lt: 5}}\n"
            "    then: {method: lpn}\n    reason: never holds\n"
            "  - id: toys-premium-again\n    priority: 100\n    when: {vertical: toys, value_band: premium}\n"
            "    then: {method: serial, capture: [lot]}\n    reason: same as toys-collectible-value\n"
        ),
    )
    book = load_rulebook(rules_copy.root)
    assert {"books-impossible", "toys-premium-again"} <= {r.id for r in book.policy.rules}


def test_business_rule_cannot_undercut_a_regulation(rules_copy):
    """A cost rule choosing batch for phones is a validation error, not a tie-break."""
    line = rules_copy.append(
        "policy.yaml",
        (
            "  - id: cheap-phones-batch\n    priority: 500\n    when: {vertical: mobile_phones, value_band: low}\n"
            "    then: {method: batch}\n    reason: save money\n"
        ),
    )
    p = one(problems_for(rules_copy), "in-imei-registration", "cannot undercut")
    assert f"policy.yaml:{line}:" in p and "rule cheap-phones-batch" in p


def test_duplicate_yaml_key_is_reported(rules_copy):
    """A key given twice in one block (the second silently winning in plain YAML) is an error."""
    line = rules_copy.edit(
        "policy.yaml",
        "    then: {method: lpn}\n    reason: A warranty starts",
        "    then: {method: lpn}\n    then: {method: serial}\n    reason: A warranty starts",
    )
    p = one(problems_for(rules_copy), "appears twice")
    assert f"policy.yaml:{line + 1}:" in p


def test_missing_file_is_reported(rules_copy):
    """A rulebook without costs.yaml names the missing file."""
    (rules_copy.root / "costs.yaml").unlink()
    one(problems_for(rules_copy), "costs.yaml", "missing rules file")


def test_unknown_currency_rate_type_and_band_order(rules_copy):
    """Currency and classification data are checked too: rates are numbers and bands ascend."""
    l1 = rules_copy.edit("currencies.yaml", "  USD: {rate: 94.9552,", "  USD: {rate: eighty,")
    l2 = rules_copy.edit(
        "classification.yaml",
        "value_bands: {low: 0, mid: 500, high: 2000, premium: 6000}",
        "value_bands: {low: 0, mid: 500, high: 400, premium: 6000}",
    )
    problems = problems_for(rules_copy)
    assert f"currencies.yaml:{l1}:" in one(problems, "expects a number", "eighty")
    assert f"classification.yaml:{l2}:" in one(problems, "must be above mid")


def test_every_problem_is_reported_at_once(rules_copy):
    """Several mistakes in several files all come back in one run, sorted by file and line."""
    row = rules_copy.row("policy.yaml", "books")
    rules_copy.edit("policy.yaml", row, row.replace(" books,", " bookz,"))
    rules_copy.edit(
        "returns.yaml", "when: {return_count: {gte: 3}}", "when: {return_count: {gte: three}}"
    )
    rules_copy.edit(
        "regulations.yaml",
        "    applies_to: {verticals: [mobile_phones]}\n    floor: serial",
        "    applies_to: {verticals: [mobile_phones]}\n    floor: serialise",
    )
    problems = problems_for(rules_copy)
    files = {p.split(":")[0].rsplit("/", 1)[-1] for p in problems}
    assert {"policy.yaml", "returns.yaml", "regulations.yaml"} <= files


def test_check_command_exits_non_zero_without_traceback(rules_copy, cli):
    """`trackright rules check PATH` prints file:line problems and exits 1, never a traceback."""
    row = rules_copy.row("policy.yaml", "books")
    rules_copy.edit("policy.yaml", row, row.replace(" books,", " bookz,"))
    rules_copy.edit("policy.yaml", "unit_value: {gte: 500}", 'unit_value: {gte: "ten thousand"}')
    result = cli("rules", "check", str(rules_copy.root))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr + result.stdout
    assert "policy.yaml:" in result.stderr and "2 problems" in result.stderr


def test_check_command_is_green_on_bundled_rules(cli):
    """`trackright rules check` passes on the rules that ship."""
    result = cli("rules", "check")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("OK ")


def test_missing_rules_folder_is_a_clear_error(cli, tmp_path):
    """Pointing at a folder without rules says what was expected."""
    result = cli("rules", "check", str(tmp_path / "nope"))
    assert result.returncode == 1
    assert "no rules folder here" in result.stderr


def test_hsn_prefixes_exist_in_the_official_gst_list(book):
    """Every HSN prefix the rules use is a real chapter, heading or code of the GST portal's list."""
    import csv

    from advisor_helpers import SHARED

    official = SHARED / "data" / "hsn" / "HSN_SAC.csv"
    if not official.is_file():
        pytest.skip("the official HSN list (shared/data/hsn) is not beside this checkout")
    with official.open(encoding="utf-8-sig", newline="") as fh:
        codes = {row[0].strip() for row in csv.reader(fh) if row and row[0].strip().isdigit()}
    used = {(v.id, p) for v in book.classification.verticals.values() for p in v.hsn}
    used |= {(r.id, p) for r in book.regulations for p in r.hsn}
    # India's SAC codes (services) are GST's chapter 99, a list of their own that this file of
    # goods codes does not hold: the services vertical's "99" is checked by its own test below
    missing = sorted((who, p) for who, p in used if p not in codes and not p.startswith("99"))
    assert not missing, f"HSN prefixes not in the official list: {missing}"


def test_only_services_use_the_sac_chapter(book):
    """HSN chapter 99 is GST's services accounting codes: only the services vertical takes it."""
    users = {v.id for v in book.classification.verticals.values() for p in v.hsn if p[:2] == "99"}
    assert users == {"services"}
