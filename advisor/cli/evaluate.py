"""`trackright evaluate FILE`: a decision and a reason for every row of a catalog, plus costs.

Exit codes: 0 every row decided; 1 some rows rejected (each reported with its row number);
2 unusable input (file, rulebook, profile or option).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from advisor.cli.options import (
    AS_OF_OPTION,
    COLUMN_OPTION,
    CURRENCY_OPTION,
    INPUT_FORMAT_OPTION,
    RULES_OPTION,
    column_mapping,
    load_profile_option,
    profile_option,
)
from advisor.errors import TrackrightError

TABLE_ROW_LIMIT = 500


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("file", type=click.Path(path_type=Path))
@RULES_OPTION
@profile_option(
    "Brand profile YAML (monthly orders, return rate, markets, currency, columns, ...)."
)
@CURRENCY_OPTION
@COLUMN_OPTION
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "json", "jsonl"]),
    default=None,
    help="Output format [default: table on a terminal, csv otherwise].",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write decisions here instead of standard output.",
)
@click.option(
    "--errors",
    "errors_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write rejected rows (row, sku, reason) to this CSV.",
)
@click.option(
    "--summary",
    "summary_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write the summary and costs as JSON here.",
)
@INPUT_FORMAT_OPTION
@click.option(
    "--monthly-orders",
    type=click.IntRange(min=0),
    help="Orders a month (overrides the profile) for the cost analysis.",
)
@click.option(
    "--units-per-order",
    type=click.FloatRange(min=0, min_open=True),
    help="Units per order (overrides the profile).",
)
@click.option(
    "--what-if",
    "what_ifs",
    multiple=True,
    metavar="KEY=VALUE",
    help="Try another value of an assumption or profile field and show how decisions and money "
    "move (repeat): bad_return_share=0.05, return_rate=30%, channels=3, serial_per_unit=1.5, "
    "lot_size=40, counterfeit_incidents=20, …",
)
@AS_OF_OPTION
@click.option("--no-summary", is_flag=True, help="Print only the decisions.")
@click.option(
    "--jobs",
    type=click.IntRange(1, 2),
    default=None,
    help="Processes for a big CSV catalog (default: 2 when it is large enough to pay off, else 1).",
)
@click.option(
    "--progress/--no-progress",
    default=None,
    help="Progress bar on stderr [default: only on a terminal].",
)
def evaluate(
    file,
    rules_dir,
    profile_path,
    currency,
    columns,
    fmt,
    output,
    errors_path,
    summary_path,
    input_format,
    monthly_orders,
    units_per_order,
    what_ifs,
    as_of,
    no_summary,
    jobs,
    progress,
) -> None:
    """Decide serial / batch / LPN for every row of a catalog (CSV; a Shopify, WooCommerce,
    Magento, Vendure, BigCommerce, Ecwid, Tiendanube, Wix or Squarespace export; JSON, JSON
    Lines).

    Every row ends up decided or rejected with its row number and reason; the summary shows the
    counts per method and vertical, the rules that decided most SKUs, and the monthly cost of the
    policy beside serialising or batching everything. Prices the file gives no currency for are
    read in --currency, else the profile's currency, else the base currency — and the run says
    which on stderr, loudly when the prices look implausible for it.

    Exit codes: 0 every row decided; 1 some rows rejected (the rest still decided and
    written); 2 unusable input (file, header, rulebook, profile, currency or option).

    \b
    Examples:
      trackright evaluate sample_catalogs/electronics_brand.csv --profile sample_catalogs/brand_profile.yaml
      trackright evaluate shop.csv --currency USD --format json -o decisions.json --errors rejected.csv
      trackright evaluate item_master.csv --column sku=ItemKey --column title="Item Name"
      trackright evaluate shop.csv --profile brand.yaml --what-if bad_return_share=0.05
    """
    from dataclasses import replace

    from advisor.advice.run import Collect, DecisionsFile, ErrorsFile, evaluate_file
    from advisor.advice.whatif import Redecide, parse_what_if
    from advisor.render.progress import progress_bar
    from advisor.rulebook.load import load_rulebook

    change = parse_what_if(what_ifs)
    book = load_rulebook(rules_dir)
    profile = load_profile_option(profile_path)
    if monthly_orders is not None:
        profile = replace(profile, monthly_orders=monthly_orders)
    if units_per_order is not None:
        profile = replace(profile, units_per_order=units_per_order)
    mapping = column_mapping(columns)
    to_terminal = output is None and sys.stdout.isatty()
    if fmt is None:
        fmt = (
            "table"
            if output is None and to_terminal
            else ("csv" if output is None else _format_from_suffix(output))
        )
    if fmt == "table" and output is not None:
        raise TrackrightError(
            "--format table is for the terminal; write a file as csv, json or jsonl"
        )
    show_progress = progress if progress is not None else sys.stderr.isatty()
    for path, what in (
        (output, "decisions"),
        (errors_path, "rejected rows"),
        (summary_path, "the summary"),
    ):
        if path is not None:
            _check_writable(path, what)
    shown = Collect(TABLE_ROW_LIMIT)
    outputs: list = [shown] if fmt == "table" else [DecisionsFile(output, fmt)]
    if errors_path:
        outputs.append(ErrorsFile(errors_path))
    redecide = None
    if change and change.decides_again(book):  # the rules read it: decide each row again too
        from advisor.advice.money import resolve_currency

        code = resolve_currency(
            book.currencies, currency, profile.currency, str(profile_path or "")
        ).code
        redecide = Redecide(book, change.apply(profile), as_of.date() if as_of else None, code)
        outputs.append(redecide)
    with progress_bar(Path(file).name, show_progress) as tick:
        run = evaluate_file(
            file,
            book,
            profile,
            currency=currency,
            columns=mapping,
            input_format=input_format,
            as_of=as_of,
            outputs=outputs,
            jobs=jobs,
            progress=tick,
            profile_name=str(profile_path or ""),
            on_currency=_say_currency,
        )
    result = None
    if change:
        from advisor.advice.whatif import what_if

        result = what_if(book, profile, run.costs, change, sink=redecide)
    _finish(
        result,
        run.summary,
        fmt,
        output,
        errors_path,
        summary_path,
        no_summary,
        shown.items,
        book.classification.base_currency,
        file,
        book,
    )


def _say_currency(check) -> None:
    """State the currency the run assumed, first and on stderr; loudly when prices disagree;
    and a SKU column found by a word of its name."""
    reading = check.reading_note()
    if reading:
        click.echo(f"trackright: {reading}", err=True)
    note = check.message()
    if not note:
        return
    if check.plausible is False or check.unpriced is not None:
        from advisor.render.report import console

        console(stderr=True).print(f"[bold red]{note}[/bold red]", markup=True, highlight=False)
    else:
        click.echo(f"trackright: {note}", err=True)


def _finish(
    what_if, summary, fmt, output, errors_path, summary_path, no_summary, shown, base, file, book
) -> None:
    """Show what a person needs (table, summary, costs), write the summary file, and exit."""
    from advisor.catalog.records import RejectedRow
    from advisor.render.report import console, cost_panel, decisions_table, summary_panel

    # People get the summary; a machine reading our stdout gets only the data it asked for.
    data_on_stdout = fmt != "table" and output is None
    con = console(stderr=data_on_stdout)
    if fmt == "table":
        con.print(decisions_table(shown, base, con.width))
        rejected = [r for r in shown if isinstance(r, RejectedRow)]
        if rejected:
            con.print("[bold red]Rejected rows[/bold red] (fix these in the file and run again):")
            for r in rejected:
                con.print(
                    f"  row {r.row}" + (f" ({r.sku})" if r.sku else "") + f": {r.reason}",
                    markup=False,
                )
        if summary.rows_read > len(shown):
            con.print(
                f"[dim]… {summary.rows_read - len(shown):,} more rows not shown: "
                f"use --format csv -o decisions.csv for the full list[/dim]"
            )
    if not no_summary and (not data_on_stdout or sys.stderr.isatty()):
        con.print(summary_panel(summary, str(file)))
        labels = {k: v.label for k, v in book.classification.verticals.items()}
        con.print(cost_panel(summary.costs, labels, what_if))
        if summary.rejected and not errors_path:
            con.print(
                f"[yellow]{summary.rejected:,} row(s) rejected — see the rows marked REJECTED, "
                f"or add --errors rejected.csv[/yellow]"
            )
    if data_on_stdout and summary.rejected and not sys.stderr.isatty():
        click.echo(f"trackright: {summary.rejected} of {summary.rows_read} rows rejected", err=True)
    if summary_path:
        _write_summary(summary_path, summary, file, book, what_if)
    sys.exit(1 if summary.rejected else 0)


def _check_writable(path: Path, what: str) -> None:
    """Refuse an output path up front, before minutes of work are lost to it."""
    import os

    folder = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise TrackrightError(f"{path}: is a folder; give a file name to write {what} to")
    if not folder.is_dir():
        raise TrackrightError(
            f"{path}: the folder {folder} does not exist; create it or write {what} elsewhere"
        )
    if not os.access(folder, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise TrackrightError(f"{path}: not allowed to write {what} here")


def _format_from_suffix(path: Path) -> str:
    suffix = path.suffix.lower().lstrip(".")
    return {"json": "json", "jsonl": "jsonl", "ndjson": "jsonl"}.get(suffix, "csv")


def _write_summary(path: Path, s, file: Path, book, what_if=None) -> None:
    data = {
        "file": str(file),
        "rows_read": s.rows_read,
        "decided": s.decided,
        "rejected": s.rejected,
        "skipped_rows": s.skipped,
        "fallback": s.fallback,
        "not_stock": s.not_stock,
        "markets": list(s.markets),
        "markets_assumed": s.markets_assumed,
        "by_confidence": dict(s.by_confidence),
        "by_method": dict(s.by_method),
        "by_vertical": dict(s.by_vertical),
        "by_rule": dict(s.by_rule.most_common()),
        "rejection_reasons": dict(s.rejection_reasons),
        "price_missing": s.price_missing,
        "price_typical": s.price_typical,
        "currency": s.currency.to_dict() if s.currency is not None else None,
        "rulebook_version": book.tag,
        "costs": s.costs.to_dict(),
    }
    if what_if is not None:
        data["what_if"] = what_if.to_dict()
    Path(path).write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
