"""`trackright rules explain`: why one SKU gets its method, test by test, and what would flip it."""

from __future__ import annotations

import json
from pathlib import Path

import click

from advisor.cli.options import (
    AS_OF_OPTION,
    COLUMN_OPTION,
    RULES_OPTION,
    open_catalog_rows,
    profile_option,
    sku_from_catalog,
    sku_from_options,
    sku_options,
)
from advisor.cli.rules.group import rules
from advisor.errors import TrackrightError


@rules.command("explain")
@sku_options
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
        opened = open_catalog_rows(
            catalog, book, profile, opts.get("currency"), columns, profile_path
        )
        rec = sku_from_catalog(opened, catalog, opts.get("sku"))
    else:
        rec = sku_from_options(opts, json_text)
        if not rec.currency:
            from advisor.advice.money import resolve_currency

            choice = resolve_currency(
                book.currencies, None, profile.currency, str(profile_path or "")
            )
            rec = rec._replace(currency=choice.code)
    with Explainer(book, profile, as_of) as explainer:
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
    if brief:
        _print_brief(con, ex)
        return
    con.print("[bold]Rules[/bold]")
    for t in ex.traces:
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


def _print_brief(con, ex) -> None:
    """The decision in a few lines: the rules that matched, near misses, the nearest boundary."""
    from rich.markup import escape

    for t in ex.traces:
        where = f"{t.rule.file}:{t.rule.line}"
        if t.matched and t.rule.kind != "regulatory":
            role = "won" if t.role == "won" else "lost"
            con.print(f" ✓ {escape(t.rule.id)} (p{t.rule.priority}, {escape(where)}) {role}")
        elif t.matched:
            con.print(f" ✓ {escape(t.rule.id)} (floor, {escape(where)}) {escape(t.role)}")
        elif (
            t.rule.kind != "regulatory"
            and len(t.failed()) == 1
            and t.failed()[0].test.fact != "vertical"  # another vertical's rule is no near miss
        ):
            con.print(
                f" ✗ {escape(t.rule.id)} (p{t.rule.priority}, {escape(where)}) near miss: "
                f"only {escape(t.failed()[0].text)} failed"
            )
    if ex.fallback_used:
        con.print(" fallback decided: no business rule matched")
    if ex.boundaries:
        b = ex.boundaries[0]
        con.print(f" nearest boundary: {escape(b.text)} (rule {escape(b.rule)})")
