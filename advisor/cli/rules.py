"""`trackright rules …` and `trackright decide`: the rule author's commands."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from advisor.cli.options import (  # noqa: E402 - shared with every deciding command
    AS_OF_OPTION,
    COLUMN_OPTION,
    CURRENCY_OPTION,
    RULES_OPTION,
    column_mapping,
    profile_option,
)
from advisor.errors import RulebookError, TrackrightError

__all__ = ["AS_OF_OPTION", "RULES_OPTION", "profile_option", "rules"]


def _say_currency_plainly(check) -> None:
    note = check.message()
    if note:
        click.echo(f"trackright: {note}", err=True)


def _open_catalog_rows(catalog: Path, book, profile, currency, columns, profile_path):
    """The catalog as `evaluate` reads it (same columns, same currency); its check is stated."""
    from advisor.advice.run import open_rows

    opened = open_rows(
        catalog,
        book,
        profile,
        currency=currency,
        columns=column_mapping(columns),
        profile_name=str(profile_path or ""),
    )
    _say_currency_plainly(opened.currency)
    return opened


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
    from advisor.rulebook.load import load_rulebook, resolve_rules_dir

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
    from advisor.authoring.explain import SKU_ALIASES, sku_from_fields

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
@profile_option("Brand profile YAML.")
@RULES_OPTION
@AS_OF_OPTION
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
    from advisor.advice.classify import Classifier, UnknownCurrencyError
    from advisor.advice.money import resolve_currency
    from advisor.advice.profile import BrandProfile, load_profile
    from advisor.engine.decide import PolicyEngine
    from advisor.rulebook.load import load_rulebook

    book = load_rulebook(rules_dir)
    profile = load_profile(profile_path) if profile_path else BrandProfile()
    rec = _sku_from_options(opts, json_text)
    if not rec.currency:
        choice = resolve_currency(book.currencies, None, profile.currency, str(profile_path or ""))
        rec = rec._replace(currency=choice.code)
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
            "confidence": facts.confidence,
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

    from advisor.render.report import console, decision_panel, matches_table

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
        ("Confidence", facts.confidence),
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


# ------------------------------------------------------------------ rules lint


@rules.command("lint")
@click.argument("path", required=False, type=click.Path(path_type=Path))
@click.option(
    "--catalog",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also report rules no SKU of this catalog triggers and SKUs only the fallback decides.",
)
@profile_option("Brand profile used to evaluate --catalog.")
@CURRENCY_OPTION
@COLUMN_OPTION
@click.option(
    "--fail-on",
    type=click.Choice(["error", "warning", "info", "never"]),
    default="warning",
    show_default=True,
    help="Exit 1 when a finding this severe (or worse) is found.",
)
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@click.option("-v", "--verbose", is_flag=True, help="Also list info findings (overlaps, unused).")
def lint_cmd(
    path: Path | None,
    catalog: Path | None,
    profile_path: Path | None,
    currency: str | None,
    columns: tuple[str, ...],
    fail_on: str,
    fmt: str,
    verbose: bool,
) -> None:
    """Find rules that never win, tests that never matter, gaps only the fallback decides.

    Findings print as file:line: severity: rule <id>: message. Errors: a rule that can never
    match. Warnings: a rule shadowed under the hit policy, an always-true or always-false test,
    a vertical × value band × regulated combination only the fallback decides and, with
    --catalog, SKUs only the fallback decides. Info (listed with -v): overlapping rules with
    different outcomes at different priorities, and rules no catalog SKU triggers.

    Exits 1 when a finding at or above --fail-on is found (default: any warning), 2 when the
    rulebook is broken, else 0.

    \b
    Examples:
      trackright rules lint
      trackright rules lint my-rules --catalog shop.csv --profile brand.yaml -v
    """
    from advisor.advice.profile import BrandProfile, load_profile
    from advisor.authoring.lint import SEVERITIES, lint_rulebook
    from advisor.rulebook.load import load_rulebook

    book = load_rulebook(path)
    profile = load_profile(profile_path) if profile_path else BrandProfile()
    if catalog is not None:
        from advisor.advice.run import evaluate_file
        from advisor.authoring.lint import CatalogLint

        sink = CatalogLint(book, str(catalog))
        evaluate_file(
            catalog,
            book,
            profile,
            currency=currency,
            columns=column_mapping(columns),
            outputs=[sink],
            profile_name=str(profile_path or ""),
            on_currency=_say_currency_plainly,
        )
        findings = lint_rulebook(book, profile=profile, catalog_lint=sink)
    else:
        findings = lint_rulebook(book)
    counts = {s: sum(1 for f in findings if f.severity == s) for s in SEVERITIES}
    if fmt == "json":
        click.echo(
            json.dumps(
                {
                    "rulebook_version": book.label,
                    "counts": counts,
                    "findings": [f.to_dict() for f in findings],
                },
                indent=2,
                ensure_ascii=False,
            )
        )
    else:
        for f in findings:
            if f.severity != "info" or verbose:
                click.echo(str(f))
        hidden = "" if verbose or not counts["info"] else " (-v lists the info findings)"
        click.echo(
            f"{counts['error']} errors, {counts['warning']} warnings, {counts['info']} info"
            f"{hidden} — rulebook {book.label}"
        )
    if fail_on != "never":
        worst = SEVERITIES.index(fail_on)
        if any(SEVERITIES.index(f.severity) <= worst for f in findings):
            sys.exit(1)


# ------------------------------------------------------------------ rules diff


@rules.command("diff")
@click.argument("old", type=click.Path(file_okay=False, path_type=Path))
@click.argument("new", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--catalog",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="Catalog to evaluate under both rulebooks (CSV, Shopify export, JSON, JSON Lines).",
)
@profile_option("Brand profile (markets, return rate, monthly orders, …).")
@click.option(
    "--monthly-orders",
    type=click.IntRange(min=0),
    help="Orders a month for the cost change (overrides the profile).",
)
@CURRENCY_OPTION
@COLUMN_OPTION
@click.option(
    "--max-flips",
    type=click.IntRange(min=0),
    help="Exit 1 when more than this many SKUs change method (a CI gate).",
)
@AS_OF_OPTION
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
def diff_cmd(
    old: Path,
    new: Path,
    catalog: Path,
    profile_path: Path | None,
    monthly_orders: int | None,
    currency: str | None,
    columns: tuple[str, ...],
    max_flips: int | None,
    as_of,
    fmt: str,
) -> None:
    """What changing the rules from OLD to NEW does to a catalog, before the change is saved.

    Shows the flip matrix (serial → batch: N SKUs …) with example SKUs and the rule change
    behind each flip, SKUs whose captures changed, the rules that were added, removed or
    changed, and the monthly cost of each rulebook's plan.

    Exits 1 when more SKUs flip than --max-flips, 2 when a rulebook or the catalog is broken.

    \b
    Examples:
      cp -r rules /tmp/rules-edit && $EDITOR /tmp/rules-edit/policy.yaml
      trackright rules diff rules /tmp/rules-edit --catalog shop.csv --monthly-orders 5000
      trackright rules diff main-rules pr-rules --catalog catalog.csv --max-flips 0
    """
    from dataclasses import replace

    from advisor.advice.profile import BrandProfile, load_profile
    from advisor.authoring.diff import DiffSink
    from advisor.rulebook.load import load_rulebook

    book_old, book_new = load_rulebook(old), load_rulebook(new)
    profile = load_profile(profile_path) if profile_path else BrandProfile()
    if monthly_orders is not None:
        profile = replace(profile, monthly_orders=monthly_orders)
    from advisor.advice.money import resolve_currency
    from advisor.advice.run import evaluate_file

    choice = resolve_currency(
        book_new.currencies, currency, profile.currency, str(profile_path or "")
    )
    day = as_of.date() if as_of else None
    sink = DiffSink(book_old, book_new, profile, day, choice.code)
    try:
        run = evaluate_file(
            catalog,
            book_new,
            profile,
            currency=currency,
            columns=column_mapping(columns),
            as_of=day,
            outputs=[sink],
            profile_name=str(profile_path or ""),
            on_currency=_say_currency_plainly,
        )
    finally:
        sink.ev_old.close()
    impact = sink.finish(run.costs)
    if fmt == "json":
        out = impact.to_dict()
        out["max_flips"] = max_flips
        click.echo(json.dumps(out, indent=2, ensure_ascii=False))
    else:
        _print_impact(impact, catalog, max_flips)
    if max_flips is not None and impact.flip_count > max_flips:
        sys.exit(1)


def _print_impact(impact, catalog: Path, max_flips: int | None) -> None:
    from rich.markup import escape
    from rich.table import Table

    from advisor.render.report import METHOD_STYLE, console

    con = console()
    con.soft_wrap = True
    con.print(
        f"[bold]{escape(impact.old_version)}[/bold] → [bold]{escape(impact.new_version)}[/bold] "
        f"on {escape(str(catalog))}: {impact.rows:,} rows, {impact.flip_count:,} change method, "
        f"{impact.capture_count:,} change captures, {impact.unchanged:,} unchanged"
        + (f", {impact.rejected:,} rejected" if impact.rejected else "")
    )
    if impact.changes:
        con.print("[bold]Rule changes[/bold]")
        for c in impact.changes:
            con.print(f"  {escape(c.file)}:{c.line}: {escape(c.text())}")
    else:
        con.print("[dim]No rule, fallback or band changed.[/dim]")
    for title, groups in (
        ("Method flips", impact.flips),
        ("Capture changes", impact.capture_changes),
    ):
        if not groups:
            continue
        table = Table(title=title, title_justify="left", header_style="bold", show_lines=True)
        table.add_column("Change", no_wrap=True)
        table.add_column("SKUs", justify="right")
        table.add_column("Because")
        table.add_column("Examples")
        for g in sorted(groups.values(), key=lambda g: -g.count):
            style = METHOD_STYLE.get(g.new, "bold")
            because = "\n".join(
                f"{o} → {n}: {escape(w)} ({c})" for (o, n, w), c in g.causes.most_common(4)
            )
            examples = "\n".join(
                f"{escape(e['sku'])} {escape(e['title'][:40])}" for e in g.examples
            )
            table.add_row(
                f"[{style}]{escape(g.old)} → {escape(g.new)}[/{style}]",
                f"{g.count:,}",
                because,
                examples,
            )
        con.print(table)
    if impact.rule_only:
        con.print(
            f"{impact.rule_only:,} SKUs keep their outcome but are decided by a different rule."
        )
    cur = impact.currency
    sign = "+" if impact.cost_change > 0 else ""
    con.print(
        f"Monthly cost ({impact.monthly_units:,.0f} units a month): {cur} {impact.cost_old:,.0f} → "
        f"{cur} {impact.cost_new:,.0f} ({sign}{cur} {impact.cost_change:,.0f})"
    )
    if max_flips is not None and impact.flip_count > max_flips:
        con.print(f"[red]{impact.flip_count:,} flips is more than --max-flips {max_flips}[/red]")


# ------------------------------------------------------------------ rules explain


def _sku_options(f):
    """The SKU field options of `decide`, shared with `explain`."""
    for decorator in reversed(
        [
            click.option("--sku", help="SKU code (with --catalog: the SKU to explain)."),
            click.option("--title", help="Product title."),
            click.option("--category", help="Category path, e.g. 'Electronics > Mobile Phones'."),
            click.option("--product-category", help="Shopify / Google product category path."),
            click.option("--type", "product_type", help="Shopify product type."),
            click.option("--tags", help="Comma-separated tags."),
            click.option("--brand", help="Brand or vendor."),
            click.option("--price", help="Unit price, e.g. 1299, '₹1,299.00' or 'Rs. 399'."),
            click.option(
                "--currency",
                metavar="CODE",
                help="Price currency (with --catalog: of prices the file gives none for); "
                "default: the profile's, else the base currency.",
            ),
            click.option("--hsn", help="HSN code."),
            click.option("--gtin", help="GTIN / EAN barcode."),
            click.option(
                "--customised/--not-customised", default=None, help="Made to order / personalised."
            ),
            click.option(
                "--warranty-months", type=click.IntRange(min=0), help="Warranty length in months."
            ),
            click.option(
                "--json", "json_text", metavar="JSON|@FILE", help="The SKU's fields as JSON."
            ),
        ]
    ):
        f = decorator(f)
    return f


def _sku_from_catalog(opened, catalog: Path, sku: str | None):
    from advisor.catalog.records import SkuRecord

    if not sku:
        raise TrackrightError("--catalog needs --sku: which SKU of the catalog to explain")
    with opened.reader() as reader:
        for item in reader:
            if isinstance(item, SkuRecord) and item.sku == sku:
                if not item.currency:  # as `evaluate` reads it
                    item = item._replace(currency=opened.currency.choice.code)
                return item
            if not isinstance(item, SkuRecord) and item.sku == sku:
                raise TrackrightError(
                    f"{catalog}: row {item.row}: SKU {sku} was rejected: {item.reason}"
                )
    raise TrackrightError(f"{catalog}: no SKU {sku!r}")


@rules.command("explain")
@_sku_options
@click.option(
    "--catalog",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Take the SKU (--sku) from this catalog file.",
)
@COLUMN_OPTION
@profile_option("Brand profile YAML.")
@RULES_OPTION
@AS_OF_OPTION
@click.option("--brief", is_flag=True, help="Only the rules that matched or nearly matched.")
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
def explain_cmd(
    json_text, catalog, columns, profile_path, rules_dir, as_of, brief, fmt, **opts
) -> None:
    """Why one SKU gets its method: every rule's tests with the SKU's values, and what would flip it.

    For each rule (business rules, regulations as floors, the fallback): each test with the
    SKU's actual value and whether it held; the winner and why the others lost; and the nearest
    boundary, e.g. "would be serial if unit value ≥ INR 5,000 (now INR 4,800)".

    \b
    Examples:
      trackright rules explain --title "Earbuds" --category "Electronics > Audio" --price 999
      trackright rules explain --catalog sample_catalogs/electronics_brand.csv --sku VLT-PB-10K
    """
    from advisor.advice.classify import UnknownCurrencyError
    from advisor.advice.profile import BrandProfile, load_profile
    from advisor.authoring.explain import Explainer
    from advisor.rulebook.load import load_rulebook

    book = load_rulebook(rules_dir)
    profile = load_profile(profile_path) if profile_path else BrandProfile()
    if catalog is not None:
        opened = _open_catalog_rows(
            catalog, book, profile, opts.get("currency"), columns, profile_path
        )
        rec = _sku_from_catalog(opened, catalog, opts.get("sku"))
    else:
        rec = _sku_from_options(opts, json_text)
        if not rec.currency:
            from advisor.advice.money import resolve_currency

            choice = resolve_currency(
                book.currencies, None, profile.currency, str(profile_path or "")
            )
            rec = rec._replace(currency=choice.code)
    with Explainer(book, profile, as_of.date() if as_of else None) as explainer:
        try:
            ex = explainer.explain(rec)
        except UnknownCurrencyError as exc:
            raise TrackrightError(str(exc)) from None
    if fmt == "json":
        click.echo(json.dumps(ex.to_dict(), indent=2, ensure_ascii=False))
        return
    _print_explanation(ex, brief)


def _print_explanation(ex, brief: bool) -> None:
    from rich.markup import escape

    from advisor.render.report import METHOD_STYLE, console

    con = console()
    con.soft_wrap = True
    f, d = ex.sku, ex.decision
    value = "no price" if f.unit_value is None else f"{ex.currency} {f.unit_value:,.2f}"
    con.print(
        f"[bold]{escape(ex.record.title or ex.record.sku)}[/bold] — {f.vertical} "
        f"({escape(f.vertical_source)}), band {f.value_band}, unit value {value}, "
        f"regulations: {', '.join(f.regulations) or 'none'}"
    )
    style = METHOD_STYLE.get(d.method, "bold")
    cap = f" capture {', '.join(d.capture)}" if d.capture else ""
    qc = ", returns to QC" if d.return_qc else ""
    con.print(
        f"Decision: [{style}]{d.method.upper()}[/{style}]{cap}{qc} — by {escape(d.rule)}: "
        f"{escape(d.reason)}"
    )
    con.print("[bold]Rules[/bold]")
    for t in ex.traces:
        failed = t.failed()
        if brief and not t.matched and len(failed) > 1:
            continue
        mark = "[green]✓[/green]" if t.matched else "[red]✗[/red]"
        kind = "floor" if t.rule.kind == "regulatory" else f"p{t.rule.priority}"
        role = {"won": "[bold green]WON[/bold green]", "floor raised": "[bold]RAISED[/bold]"}.get(
            t.role, t.role
        )
        con.print(
            f" {mark} {escape(t.rule.id)} ({kind}, {escape(t.rule.file)}:{t.rule.line}) {role}: "
            f"{escape(t.why)}"
        )
        if t.rule.kind == "regulatory":
            continue
        for r in t.all_of:
            con.print(f"     {'✓' if r.held else '✗'} {escape(r.text)}")
        for i, branch in enumerate(t.any_of):
            con.print(
                f"     any #{i + 1}: "
                + "; ".join(f"{'✓' if r.held else '✗'} {escape(r.text)}" for r in branch)
            )
    if ex.fallback_used:
        con.print(" [yellow]fallback[/yellow]: no business rule matched, so the fallback decided")
    else:
        con.print(" [dim]fallback: not used (a business rule matched)[/dim]")
    if ex.boundaries:
        con.print("[bold]Nearest boundary[/bold]")
        for b in ex.boundaries[:4]:
            con.print(f"  {escape(b.text)} (rule {escape(b.rule)})")
    else:
        con.print("[dim]No unit value or profile number changes the method.[/dim]")
    for w in ex.what_ifs:
        con.print(f"  would be {escape(w.method)} if {escape(w.change)} (rule {escape(w.rule)})")
    con.print(f"[dim]rulebook {escape(ex.rulebook)}[/dim]")


# ------------------------------------------------------------------ rules schema


def _onboarding_schema() -> dict[str, Any]:
    """JSON Schema of rules/onboarding.yaml, from the key lists its loader checks against."""
    from advisor.advice import onboarding as ob

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
    out["onboarding"] = _onboarding_schema()
    return out


def _schema_text(schema: dict[str, Any]) -> str:
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


@rules.command("schema")
@click.argument("name", required=False)
@RULES_OPTION
@click.option(
    "--write",
    "write_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Write <name>.schema.json files into this folder (the repository keeps them in schemas/).",
)
@click.option(
    "--check",
    "check_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Exit 1 if the schemas in this folder differ from freshly generated ones.",
)
def schema_cmd(
    name: str | None, rules_dir: Path | None, write_dir: Path | None, check_dir: Path | None
) -> None:
    """JSON Schema of the rules files, for editor autocompletion, generated from the validator.

    NAME is one of classification, regulations, policy, costs, returns, currencies, ruletests (files in
    rules/tests/), onboarding; without NAME every schema is printed as one JSON object. Enums
    (verticals, value bands) and the facts a `when:` block may test come from the rulebook.
    Each rules file points at its schema with a first-line comment editors read:

      # yaml-language-server: $schema=../schemas/policy.schema.json

    \b
    Examples:
      trackright rules schema policy
      trackright rules schema --write schemas
      trackright rules schema --check schemas     # in CI: fail when schemas/ is stale
    """
    from advisor.rulebook.load import load_rulebook

    book = load_rulebook(rules_dir)
    schemas = json_schemas(book)
    if name is not None:
        key = name.removesuffix(".yaml").removesuffix(".schema.json")
        if key not in schemas:
            raise TrackrightError(f"no schema named {name!r}; known: {', '.join(schemas)}")
        schemas = {key: schemas[key]}
    if check_dir is not None:
        stale = [
            k
            for k, s in schemas.items()
            if not (check_dir / f"{k}.schema.json").is_file()
            or (check_dir / f"{k}.schema.json").read_text(encoding="utf-8") != _schema_text(s)
        ]
        for k in stale:
            click.echo(f"{check_dir / f'{k}.schema.json'}: out of date", err=True)
        if stale:
            click.echo(f"run: trackright rules schema --write {check_dir}", err=True)
            sys.exit(1)
        click.echo(f"OK {len(schemas)} schemas in {check_dir} are up to date")
        return
    if write_dir is not None:
        write_dir.mkdir(parents=True, exist_ok=True)
        for k, s in schemas.items():
            (write_dir / f"{k}.schema.json").write_text(_schema_text(s), encoding="utf-8")
            click.echo(f"wrote {write_dir / f'{k}.schema.json'}")
        return
    if name is not None:
        click.echo(_schema_text(next(iter(schemas.values()))), nl=False)
    else:
        click.echo(_schema_text(schemas), nl=False)
