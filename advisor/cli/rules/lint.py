"""`trackright rules lint`: rules that never win, tests that never matter, fallback-only gaps."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from advisor.cli.options import (
    COLUMN_OPTION,
    CURRENCY_OPTION,
    column_mapping,
    profile_option,
    say_currency_plainly,
)
from advisor.cli.rules.group import rules


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
            on_currency=say_currency_plainly,
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
