"""`trackright rules test`: run the rule tests beside the rules, with coverage."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from advisor.cli.options import (
    RULES_OPTION,
)
from advisor.cli.rules.group import rules


def _rules_and_tests(paths: tuple[Path, ...], rules_dir: Path | None) -> tuple[Path, list[Path]]:
    """Which rulebook to test and which test files: see `rules test --help`."""
    from advisor.rulebook.load import resolve_rules_dir

    found_rules: Path | None = None
    tests: list[Path] = []
    for p in paths:
        if p.is_dir() and (p / "policy.yaml").is_file():
            found_rules = found_rules or p
            tests.append(p / "tests")
        else:
            tests.append(p)
            folder = p if p.is_dir() else p.parent
            if (folder.parent / "policy.yaml").is_file() and found_rules is None:
                found_rules = folder.parent
    root = rules_dir or found_rules or resolve_rules_dir(None)
    return root, tests or [root / "tests"]


@rules.command("test")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@RULES_OPTION
@click.option(
    "--min-coverage",
    type=click.FloatRange(0, 100),
    metavar="PCT",
    help="Fail unless at least PCT% of the rules won (or, for regulations, applied in) a case.",
)
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@click.option(
    "--junit", type=click.Path(dir_okay=False, path_type=Path), help="Also write JUnit XML here."
)
@click.option("-v", "--verbose", is_flag=True, help="List every case, not only failures.")
def test_cmd(
    paths: tuple[Path, ...],
    rules_dir: Path | None,
    min_coverage: float | None,
    fmt: str,
    junit: Path | None,
    verbose: bool,
) -> None:
    """Run the rule tests (YAML cases beside the rules) and report failures and rule coverage.

    PATHS are test files or folders of them, or a rules folder (its tests/ are run); default:
    the tests/ folder of the rules. The rulebook tested is --rules if given, else the rules
    folder a test folder sits in, else the bundled rules.

    Exits 0 when every case passes (and coverage is at least --min-coverage), 1 when a case
    fails or coverage is too low, 2 when the rulebook or a test file is broken.

    \b
    Examples:
      trackright rules test
      trackright rules test --min-coverage 100 --junit rule-tests.xml
      trackright rules test my-rules/tests/phones.yaml --rules my-rules
    """
    from advisor.authoring.ruletests import junit_xml, run_rule_tests
    from advisor.rulebook.load import load_rulebook

    root, tests = _rules_and_tests(paths, rules_dir)
    book = load_rulebook(root)
    report = run_rule_tests(book, tests)
    cov = report.coverage
    low = min_coverage is not None and not cov.at_least(min_coverage)
    if junit:
        junit.write_text(junit_xml(report), encoding="utf-8")
    if fmt == "json":
        out = report.to_dict()
        out["coverage"]["minimum"] = min_coverage
        click.echo(json.dumps(out, indent=2, ensure_ascii=False))
    else:
        _print_test_report(report, verbose, min_coverage, low)
    if report.failed or low:
        sys.exit(1)


def _print_test_report(report, verbose: bool, min_coverage: float | None, low: bool) -> None:
    from rich.markup import escape

    from advisor.render.report import console

    con = console()
    con.soft_wrap = True
    current = None
    for r in report.results:
        if not (verbose or not r.passed):
            continue
        if r.case.file != current:
            current = r.case.file
            con.print(f"[bold]{escape(current)}[/bold]")
        if r.passed:
            con.print(f"  [green]✓[/green] {escape(r.case.name)}")
            continue
        con.print(f"  [red]✗ {escape(r.case.name)}[/red]  [dim]{escape(r.case.where)}[/dim]")
        for line in r.message().splitlines():
            con.print(f"      {escape(line)}")
    cov = report.coverage
    n_fail = len(report.failed)
    status = "[red]FAILED[/red]" if n_fail else "[green]OK[/green]"
    con.print(
        f"{status} {report.passed} passed, {n_fail} failed — rule coverage "
        f"{cov.percent:.1f}% ({cov.count}/{cov.total} rules) — rulebook {escape(report.rulebook)}"
    )
    uncovered = cov.uncovered()
    if uncovered and (verbose or low or min_coverage is not None):
        con.print("[yellow]Rules no case exercised:[/yellow]")
        for rule in uncovered:
            what = "applied in" if rule.kind == "regulatory" else "won"
            con.print(
                f"  {escape(rule.file)}:{rule.line}: rule {escape(rule.id)}: never {what} a case"
            )
    elif uncovered:
        con.print(f"[dim]{len(uncovered)} rules never won a case; -v lists them[/dim]")
    if low:
        con.print(f"[red]coverage {cov.percent:.1f}% is below the minimum {min_coverage:g}%[/red]")
