"""`trackright rules diff`: what an edit of the rules does to a catalog, before it is saved."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from advisor.cli.options import (
    AS_OF_OPTION,
    COLUMN_OPTION,
    CURRENCY_OPTION,
    column_mapping,
    profile_option,
    say_currency_plainly,
)
from advisor.cli.rules.group import rules
from advisor.errors import TrackrightError


@rules.command("diff")
@click.argument("old")
@click.argument("new")
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
    "--store",
    type=click.Path(path_type=Path),
    envvar="TRACKRIGHT_STORE",
    default=Path(".trackright") / "store.json",
    help="Workspace whose rulebook history OLD/NEW version numbers refer to.",
)
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
def diff_cmd(
    old: str,
    new: str,
    catalog: Path,
    profile_path: Path | None,
    monthly_orders: int | None,
    currency: str | None,
    columns: tuple[str, ...],
    max_flips: int | None,
    as_of,
    store: Path,
    fmt: str,
) -> None:
    """What changing the rules from OLD to NEW does to a catalog, before the change is saved.

    Shows the flip matrix (serial → batch: N SKUs …) with example SKUs and the rule change
    behind each flip, SKUs whose captures changed, the rules that were added, removed or
    changed, and the monthly cost of each rulebook's plan.

    OLD and NEW are rules folders, `bundled` (the rules installed with trackright), or versions
    the tracker accepted (`rules history`: a number such as 3, a hash prefix or a tag), so an
    auditor can compare the policy in force on a date with today's.

    Exits 1 when more SKUs flip than --max-flips, 2 when a rulebook or the catalog is broken.

    \b
    Examples:
      cp -r rules /tmp/rules-edit && $EDITOR /tmp/rules-edit/policy.yaml
      trackright rules diff rules /tmp/rules-edit --catalog shop.csv --monthly-orders 5000
      trackright rules diff main-rules pr-rules --catalog catalog.csv --max-flips 0
    """
    from dataclasses import replace

    from advisor.advice.money import resolve_currency
    from advisor.advice.profile import BrandProfile, load_profile
    from advisor.advice.run import evaluate_file
    from advisor.authoring.diff import DiffSink

    book_old, book_new = _rulebook(old, store), _rulebook(new, store)
    profile = load_profile(profile_path) if profile_path else BrandProfile()
    if monthly_orders is not None:
        profile = replace(profile, monthly_orders=monthly_orders)
    choice = resolve_currency(
        book_new.currencies, currency, profile.currency, str(profile_path or "")
    )
    sink = DiffSink(book_old, book_new, profile, as_of, choice.code)
    try:
        run = evaluate_file(
            catalog,
            book_new,
            profile,
            currency=currency,
            columns=column_mapping(columns),
            as_of=as_of,
            outputs=[sink],
            profile_name=str(profile_path or ""),
            on_currency=say_currency_plainly,
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
    from advisor.advice.amounts import format_money

    cur = impact.currency

    def signed(x: float) -> str:
        return ("+" if round(x) > 0 else "") + format_money(x, cur)

    if impact.monthly_units == 0:
        from advisor.advice.costs import NO_VOLUME

        con.print(f"Monthly cost: [yellow]{escape(NO_VOLUME)}[/yellow]")
    else:
        con.print(
            f"Monthly cost ({impact.monthly_units:,.0f} units a month): "
            f"{format_money(impact.cost_old, cur)} → {format_money(impact.cost_new, cur)} "
            f"({signed(impact.cost_change)}); it earns back {format_money(impact.benefit_old, cur)}"
            f" → {format_money(impact.benefit_new, cur)}; net {signed(impact.net_change)} a month",
            markup=False,
        )
    if max_flips is not None and impact.flip_count > max_flips:
        con.print(f"[red]{impact.flip_count:,} flips is more than --max-flips {max_flips}[/red]")


def _rulebook(ref: str, store: Path):
    """A rules folder, or a version from the workspace's rulebook history."""
    from advisor.authoring.history import find, history_folder, snapshot_dir
    from advisor.rulebook.load import load_rulebook

    path = Path(ref)
    if path.is_dir():
        return load_rulebook(path)
    if ref == "bundled":
        from advisor.rulebook.load import bundled_rules_dir

        return load_rulebook(bundled_rules_dir())
    folder = history_folder(store)
    entry = find(folder, ref)
    if entry is None:
        raise TrackrightError(
            f"{ref}: no such rules folder, and no version {ref!r} in the rulebook history ({folder})",
            hint="`trackright rules history` lists the stored versions",
        )
    return load_rulebook(snapshot_dir(folder, entry))
