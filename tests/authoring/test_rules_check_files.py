"""`rules check` reads every file the app and the CLI read (#14.5): tests, onboarding, a profile."""

from __future__ import annotations

from click.testing import CliRunner

from advisor.cli.main import cli


def check(*args: str):
    return CliRunner().invoke(cli, ["rules", "check", *args])


def test_ok_names_everything_it_checked(minibook):
    """A valid folder: the rulebook, its onboarding questions and its rule tests are all read."""
    result = check(str(minibook.root))
    assert result.exit_code == 0, result.stderr
    assert "onboarding.yaml" in result.stdout and "5 rule tests" in result.stdout


def test_a_broken_rule_test_file_fails_check(minibook):
    """A misspelt expectation in tests/*.yaml is a check problem at its line."""
    line = minibook.edit(
        "tests/basics.yaml",
        "expect: {method: serial, rule: phones}",
        "expect: {method: serial, rule: phone}",
    )
    result = check(str(minibook.root))
    assert result.exit_code == 1
    assert (
        f"tests/basics.yaml:{line}:" in result.stderr and "did you mean 'phones'" in result.stderr
    )


def test_a_broken_onboarding_file_fails_check(minibook):
    """onboarding.yaml is validated too, each problem with its line, and nothing else is blamed."""
    line = minibook.edit(
        "onboarding.yaml", "  - id: warranty\n    kind: yes_no", "  - id: warranty\n    kind: yesno"
    )
    result = check(str(minibook.root))
    assert result.exit_code == 1
    lines = [x for x in result.stderr.splitlines() if ".yaml:" in x]
    assert len(lines) == 1 and f"onboarding.yaml:{line + 1}:" in lines[0]
    assert "did you mean 'yes_no'" in lines[0] and "Traceback" not in result.output


def test_the_onboarding_header_points_at_rules_check():
    """The file's own header says how to check it, with no Python one-liner."""
    from advisor_helpers import RULES

    head = (RULES / "onboarding.yaml").read_text(encoding="utf-8").split("version:")[0]
    assert "trackright rules check" in head and "python -c" not in head


def test_a_profile_is_checked_with_file_and_line(minibook, tmp_path):
    """`--profile FILE`: market codes (did you mean), verticals and numbers, each at its line."""
    profile = tmp_path / "brand.yaml"
    profile.write_text(
        "brand: X\nmarkets: [IN, UE]\nverticals: [phonez]\nmonthly_orders: lots\n", encoding="utf-8"
    )
    result = check(str(minibook.root), "--profile", str(profile))
    assert result.exit_code == 1
    err = result.stderr
    assert f"{profile}:2:" in err and "did you mean EU" in err
    assert f"{profile}:3:" in err and "did you mean 'phones'" in err
    assert f"{profile}:4:" in err and "expects a number" in err


def test_a_profile_in_an_eu_country_needs_no_eu_entry(minibook, tmp_path):
    """Selling in DE is selling in the EU: no warning asks for EU to be listed as well."""
    profile = tmp_path / "brand.yaml"
    profile.write_text("markets: [DE]\n", encoding="utf-8")
    result = check(str(minibook.root), "--profile", str(profile))
    assert result.exit_code == 0
    assert "add EU to markets" not in result.stderr


def test_evaluate_reports_a_bad_profile_at_its_line(tmp_path):
    """The profile loader every command uses says file:line too."""
    from advisor_helpers import SAMPLES

    profile = tmp_path / "brand.yaml"
    profile.write_text("brand: X\nmarkets: [UE]\n", encoding="utf-8")
    result = CliRunner().invoke(
        cli, ["evaluate", str(SAMPLES / "electronics_brand.csv"), "--profile", str(profile)]
    )
    assert result.exit_code == 2
    assert f"{profile}:2:" in result.stderr and "did you mean EU" in result.stderr
