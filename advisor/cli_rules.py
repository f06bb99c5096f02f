"""`trackright rules …` and `trackright decide`: the rule author's commands."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from advisor.errors import RulebookError, TrackrightError

RULES_OPTION = click.option(
    "--rules",
    "rules_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    envvar="TRACKRIGHT_RULES",
    show_envvar=True,
    help="Rules folder (default: the rules bundled with trackright).",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def rules() -> None:
    """Check, test, lint, diff and explain the rulebook in rules/."""


@rules.command("check")
@click.argument("path", required=False, type=click.Path(path_type=Path))
@click.option("-q", "--quiet", is_flag=True, help="Print nothing when the rulebook is valid.")
def check(path: Path | None, quiet: bool) -> None:
    """Validate every rules file and report every problem as file:line: rule <id>: message.

    Exits 0 when the rulebook is valid, 1 when it has problems.
    """
    from advisor.rulebook import load_rulebook, resolve_rules_dir

    root = resolve_rules_dir(path)
    try:
        book = load_rulebook(root)
    except RulebookError as err:
        for p in err.problems:
            click.echo(str(p), err=True)
        n = len(err.problems)
        click.echo(f"{n} problem{'s' if n != 1 else ''} in {root}; nothing was loaded.", err=True)
        sys.exit(1)
    if not quiet:
        pol = book.policy.rules
        n_reg = sum(1 for r in pol if r.kind == "regulatory")
        click.echo(
            f"OK {root}: {len(pol) - n_reg} policy rules, {n_reg} regulatory floors, "
            f"{len(book.returns.rules)} return rules, {len(book.classification.verticals)} verticals, "
            f"{len(book.classification.currencies)} currencies — version {book.label}"
        )


def _sku_from_options(opts: dict[str, Any], json_text: str | None):
    """The SKU given by `--json` and the field options (options win over JSON keys)."""
    from advisor.explain import SKU_ALIASES, sku_from_fields

    fields: dict[str, Any] = {}
    if json_text:
        try:
            data = json.loads(
                Path(json_text[1:]).read_text() if json_text.startswith("@") else json_text
            )
        except (OSError, json.JSONDecodeError) as exc:
            raise TrackrightError(f"--json: not a JSON object ({exc})") from None
        if not isinstance(data, dict):
            raise TrackrightError("--json expects one JSON object with the SKU's fields")
        for k, v in data.items():
            fields[SKU_ALIASES.get(k.lower(), k.lower())] = v
    for k, v in opts.items():
        if v not in (None, ()):
            fields[k] = v
    return sku_from_fields(fields, option_prefix="--")


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--sku", help="SKU code (only echoed back).")
@click.option("--title", help="Product title.")
@click.option("--category", help="Category path, e.g. 'Electronics > Mobile Phones'.")
@click.option("--product-category", help="Shopify / Google product category path.")
@click.option("--type", "product_type", help="Shopify product type.")
@click.option("--tags", help="Comma-separated tags.")
@click.option("--brand", help="Brand or vendor.")
@click.option("--price", help="Unit price, e.g. 1299, '₹1,299.00' or 'Rs. 399'.")
@click.option("--currency", help="Price currency (default: the profile's, else the base currency).")
@click.option("--hsn", help="HSN code.")
@click.option("--gtin", help="GTIN / EAN barcode.")
@click.option("--customised/--not-customised", default=None, help="Made to order / personalised.")
@click.option("--warranty-months", type=click.IntRange(min=0), help="Warranty length in months.")
@click.option(
    "--json", "json_text", metavar="JSON|@FILE", help="The SKU's fields as a JSON object."
)
@click.option(
    "--profile",
    "profile_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Brand profile YAML.",
)
@RULES_OPTION
@click.option(
    "--as-of",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Decide as on this date (regulations' effective_from).",
)
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
def decide(json_text, profile_path, rules_dir, as_of, fmt, **opts) -> None:
    """Classify one SKU and show its facts, its decision and every rule that matched.

    \b
    Examples:
      trackright decide --title "Galaxy S24" --category "Electronics > Mobile Phones" --price 79999
      trackright decide --json '{"title": "Whey protein 1kg", "hsn": "21069099", "price": 2499}'
    """
    from advisor.classify import Classifier, UnknownCurrencyError
    from advisor.engine import PolicyEngine
    from advisor.profile import BrandProfile, load_profile
    from advisor.rulebook import load_rulebook

    book = load_rulebook(rules_dir)
    profile = load_profile(profile_path) if profile_path else BrandProfile()
    rec = _sku_from_options(opts, json_text)
    if not rec.currency:
        from dataclasses import replace

        rec = replace(rec, currency=profile.currency or book.classification.base_currency)
    classifier = Classifier(book, profile, as_of.date() if as_of else None)
    try:
        facts = classifier.classify(rec)
    except UnknownCurrencyError as exc:
        raise TrackrightError(str(exc)) from None
    engine = PolicyEngine(book.policy, book.version)
    try:
        decision = engine.decide(classifier.facts(facts), cached=False)
    finally:
        engine.close()
    if fmt == "json":
        out = {
            "sku": rec.sku,
            "title": rec.title,
            "vertical": facts.vertical,
            "vertical_source": facts.vertical_source,
            "value_band": facts.value_band,
            "unit_value": facts.unit_value,
            "currency": book.classification.base_currency,
            "regulated": facts.regulated,
            "regulations": list(facts.regulations),
            "customised": facts.customised,
            "warranty": facts.warranty,
            "method": decision.method,
            "capture": list(decision.capture),
            "return_qc": decision.return_qc,
            "rule": decision.rule,
            "reason": decision.reason,
            "fallback": decision.fallback,
            "raised_by": list(decision.raised_by),
            "matched": [
                {
                    "rule": m.rule,
                    "kind": m.kind,
                    "priority": m.priority,
                    "outcome": dict(m.outcome),
                    "file": m.file,
                    "line": m.line,
                }
                for m in decision.matched
            ],
            "rulebook_version": book.version,
        }
        click.echo(json.dumps(out, indent=2, ensure_ascii=False))
        return
    from rich.table import Table

    from advisor.report import console, decision_panel, matches_table

    con = console()
    facts_table = Table.grid(padding=(0, 2))
    facts_table.add_column(style="bold")
    facts_table.add_column()
    value = (
        "—"
        if facts.unit_value is None
        else f"{book.classification.base_currency} {facts.unit_value:,.2f}"
    )
    for k, v in (
        ("Vertical", f"{facts.vertical}  ({facts.vertical_source})"),
        ("Value band", facts.value_band),
        ("Unit value", value),
        ("Regulations", ", ".join(facts.regulations) or "none"),
        ("Customised", "yes" if facts.customised else "no"),
        ("Warranty", "yes" if facts.warranty else "no"),
        ("GTIN", "yes" if facts.has_gtin else "no"),
    ):
        facts_table.add_row(k, v)
    from rich.panel import Panel

    con.print(Panel(facts_table, title=f"Facts — {rec.title or rec.sku}", border_style="blue"))
    con.print(decision_panel(decision))
    if decision.matched:
        con.print(matches_table(decision))
    con.print(f"[dim]rulebook {book.label} at {book.root}[/dim]")


# ------------------------------------------------------------------ rules test


def _rules_and_tests(paths: tuple[Path, ...], rules_dir: Path | None) -> tuple[Path, list[Path]]:
    """Which rulebook to test and which test files: see `rules test --help`."""
    from advisor.rulebook import resolve_rules_dir

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
    from advisor.rulebook import load_rulebook
    from advisor.ruletests import junit_xml, run_rule_tests

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

    from advisor.report import console

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
