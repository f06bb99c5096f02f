"""`trackright rules check`: every file the app and the CLI read, each problem with file:line."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from advisor.cli.rules.group import rules


@rules.command("check")
@click.argument("path", required=False, type=click.Path(path_type=Path))
@click.option(
    "--profile",
    "profile_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also check this brand profile (markets, verticals, numbers).",
)
@click.option("-q", "--quiet", is_flag=True, help="Print nothing when everything is valid.")
def check(path: Path | None, profile_path: Path | None, quiet: bool) -> None:
    """Validate every file the app and the CLI read, each problem as file:line: message.

    The rules files, the rule tests (tests/*.yaml), the onboarding questions (onboarding.yaml),
    the brand profile given with --profile, and whether the JSON Schemas the files point at
    are up to date (a warning, with the command that refreshes them).

    Exits 0 when everything is valid, 1 when something has problems.

    \b
    Examples:
      trackright rules check
      trackright rules check my-rules --profile brand.yaml
    """
    from advisor.authoring.check import check_folder
    from advisor.rulebook.load import resolve_rules_dir

    root = resolve_rules_dir(path)
    report = check_folder(root, profile_path)
    for p in report.problems:
        click.echo(str(p), err=True)
    for w in report.warnings:
        click.echo(f"warning: {w}", err=True)
    if report.problems:
        n = len(report.problems)
        click.echo(f"{n} problem{'s' if n != 1 else ''} in {root}; nothing was loaded.", err=True)
        sys.exit(1)
    book = report.book
    if not quiet and book is not None:
        pol = book.policy.rules
        n_reg = sum(1 for r in pol if r.kind == "regulatory")
        n_tab = len({r.table for r in pol if r.table})
        tables = f" (rows of {n_tab} table{'s' if n_tab != 1 else ''} included)" if n_tab else ""
        others = [c for c in report.checked if c != "rulebook"]
        click.echo(
            f"OK {root}: {len(pol) - n_reg} policy rules{tables}, {n_reg} regulatory floors, "
            f"{len(book.returns.rules)} return rules, {len(book.classification.verticals)} verticals, "
            f"{len(book.classification.currencies)} currencies, {_header_names(book)} header names"
            f" — version {book.label}" + (f"; also checked: {', '.join(others)}" if others else "")
        )


def _header_names(book) -> int:  # type: ignore[no-untyped-def]
    """How many header names columns.yaml gives its fields (IDs included)."""
    return sum(len(names) for names in book.columns.aliases.values()) if book.columns else 0
