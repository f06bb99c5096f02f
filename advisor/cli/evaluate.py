"""`trackright evaluate FILE`: a decision and a reason for every row of a catalog, plus costs.

Exit codes: 0 every row decided; 1 some rows rejected (each reported with its row number);
2 unusable input (file, rulebook, profile or option).
"""

from __future__ import annotations

import json
import sys
from contextlib import ExitStack, contextmanager
from pathlib import Path

import click
from rich.console import Console

from advisor.cli.options import AS_OF_OPTION, RULES_OPTION, profile_option
from advisor.errors import TrackrightError

TABLE_ROW_LIMIT = 500


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("file", type=click.Path(path_type=Path))
@RULES_OPTION
@profile_option("Brand profile YAML (monthly orders, return rate, markets, ...).")
@click.option(
    "--currency",
    help="Currency of prices that carry none (Shopify exports); default: the profile's, else INR.",
)
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
@click.option(
    "--input-format",
    type=click.Choice(["auto", "csv", "shopify", "json", "jsonl"]),
    default="auto",
    show_default=True,
    help="Force the catalog format instead of detecting it.",
)
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
    fmt,
    output,
    errors_path,
    summary_path,
    input_format,
    monthly_orders,
    units_per_order,
    as_of,
    no_summary,
    jobs,
    progress,
) -> None:
    """Decide serial / batch / LPN for every row of a catalog (CSV, Shopify export, JSON, JSON Lines).

    Every row ends up decided or rejected with its row number and reason; the summary shows the
    counts per method and vertical, the rules that decided most SKUs, and the monthly cost of the
    policy beside serialising or batching everything.

    Exit codes: 0 every row decided; 1 some rows rejected (the rest still decided and
    written); 2 unusable input (file, rulebook, profile or option).

    \b
    Examples:
      trackright evaluate sample_catalogs/electronics_brand.csv --profile sample_catalogs/brand_profile.yaml
      trackright evaluate shop.csv --currency USD --format json -o decisions.json --errors rejected.csv
    """
    from dataclasses import replace

    from advisor.advice.evaluate import EvaluatedRow, Evaluator, Summary
    from advisor.advice.profile import BrandProfile, load_profile
    from advisor.advice.writers import WRITERS, ErrorsWriter
    from advisor.catalog import open_catalog
    from advisor.catalog.records import RejectedRow
    from advisor.rulebook.load import load_rulebook

    book = load_rulebook(rules_dir)
    profile = load_profile(profile_path) if profile_path else BrandProfile()
    if monthly_orders is not None:
        profile = replace(profile, monthly_orders=monthly_orders)
    if units_per_order is not None:
        profile = replace(profile, units_per_order=units_per_order)
    if currency:
        currency = currency.strip().upper()
        if currency not in book.classification.currencies:
            raise TrackrightError(
                f"--currency {currency}: no rate for it in classification.yaml (known: "
                f"{', '.join(sorted(book.classification.currencies))})"
            )
    default_currency = currency or profile.currency or book.classification.base_currency
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

    reader = open_catalog(
        file,
        format=None if input_format == "auto" else input_format,
        default_currency=default_currency,
    )
    base = book.classification.base_currency
    shown: list[EvaluatedRow | RejectedRow] = []
    day = as_of.date() if as_of else None
    done = None
    if fmt != "table" and jobs != 1 and input_format in ("auto", "csv"):
        from advisor.advice import parallel

        reader.close()
        split = parallel.plan(Path(file), default_currency)
        if split is not None:
            with _progress_bar(file, show_progress) as tick:
                done = parallel.evaluate_in_two(
                    Path(file),
                    split,
                    book=book,
                    profile=profile,
                    as_of=day,
                    currency=default_currency,
                    fmt=fmt,
                    output=output,
                    errors_path=errors_path,
                    progress=tick,
                )
        if done is None:
            reader = open_catalog(
                file,
                format=None if input_format == "auto" else input_format,
                default_currency=default_currency,
            )
    if done is not None:
        from advisor.advice.evaluate import cost_report

        summary, acc, info = done
        summary.skipped = info["skipped"]
        summary.costs = cost_report(acc, profile)
        _finish(
            summary, fmt, output, errors_path, summary_path, no_summary, shown, base, file, book
        )
        return
    evaluator = Evaluator(book, profile, day, default_currency)
    summary = Summary()
    with ExitStack() as stack:
        stack.enter_context(reader)
        writer = None
        if fmt != "table":
            out = (
                stack.enter_context(open(output, "w", encoding="utf-8", newline=""))
                if output
                else sys.stdout
            )
            writer = WRITERS[fmt](out, base, book.tag)
        errors = (
            ErrorsWriter(stack.enter_context(open(errors_path, "w", encoding="utf-8", newline="")))
            if errors_path
            else None
        )
        stream = evaluator.run(reader, summary)
        if show_progress:
            stream = _with_progress(stream, file)
        if writer is not None and errors is None:
            write = writer.write
            for item in stream:  # the hot loop of a big catalog: nothing else per row
                write(item)
        else:
            for item in stream:
                if writer is not None:
                    writer.write(item)
                elif len(shown) < TABLE_ROW_LIMIT:
                    shown.append(item)
                if errors is not None and isinstance(item, RejectedRow):
                    errors.write(item)
        if writer is not None:
            writer.close()
    summary.skipped = reader.skipped_rows
    summary.costs = evaluator.cost_report()
    evaluator.close()
    _finish(summary, fmt, output, errors_path, summary_path, no_summary, shown, base, file, book)


def _finish(
    summary, fmt, output, errors_path, summary_path, no_summary, shown, base, file, book
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
        con.print(cost_panel(summary.costs))
        if summary.rejected and not errors_path:
            con.print(
                f"[yellow]{summary.rejected:,} row(s) rejected — see the rows marked REJECTED, "
                f"or add --errors rejected.csv[/yellow]"
            )
    if data_on_stdout and summary.rejected and not sys.stderr.isatty():
        click.echo(f"trackright: {summary.rejected} of {summary.rows_read} rows rejected", err=True)
    if summary_path:
        _write_summary(summary_path, summary, file, book)
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


@contextmanager
def _progress_bar(file: Path, show: bool):
    """A rows-done callback drawing a rich progress bar on stderr (or nothing when not shown)."""
    if not show:
        yield None
        return
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    with Progress(
        SpinnerColumn(),
        TextColumn("[bold]Evaluating[/bold] {task.description} on 2 cores"),
        BarColumn(bar_width=None),
        TextColumn("{task.completed:,} rows"),
        TimeElapsedColumn(),
        transient=True,
        console=Console(stderr=True),
    ) as bar:
        task = bar.add_task(file.name, total=None)
        yield lambda n: bar.update(task, completed=n)


def _with_progress(stream, file: Path):
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    with Progress(
        SpinnerColumn(),
        TextColumn("[bold]Evaluating[/bold] {task.description}"),
        BarColumn(bar_width=None),
        TextColumn("{task.completed:,} rows"),
        TimeElapsedColumn(),
        transient=True,
    ) as bar:
        task = bar.add_task(file.name, total=None)
        n = 0
        for item in stream:
            n += 1
            if n % 5000 == 0:
                bar.update(task, completed=n)
            yield item
        bar.update(task, completed=n)


def _write_summary(path: Path, s, file: Path, book) -> None:
    c = s.costs
    data = {
        "file": str(file),
        "rows_read": s.rows_read,
        "decided": s.decided,
        "rejected": s.rejected,
        "skipped_rows": s.skipped,
        "fallback": s.fallback,
        "by_method": dict(s.by_method),
        "by_vertical": dict(s.by_vertical),
        "by_rule": dict(s.by_rule.most_common()),
        "rejection_reasons": dict(s.rejection_reasons),
        "rulebook_version": book.tag,
        "costs": {
            "currency": c.currency,
            "monthly_units": c.monthly_units,
            "recommended": round(c.recommended, 2),
            "serialise_all": round(c.serialise_all, 2),
            "lpn_all": round(c.lpn_all, 2),
            "batch_all": round(c.batch_all, 2),
            "benefit_recommended": round(c.benefit_recommended, 2),
            "assumptions": c.assumptions,
            "groups": [
                {
                    "vertical": g.vertical,
                    "skus": g.skus,
                    "methods": g.methods,
                    "monthly_units": g.monthly_units,
                    "avg_unit_value": round(g.avg_unit_value, 2),
                    "return_rate": round(g.return_rate, 4),
                    "cost_recommended": round(g.cost_recommended, 2),
                    "cost_serial": round(g.cost_serial, 2),
                    "cost_lpn": round(g.cost_lpn, 2),
                    "cost_batch": round(g.cost_batch, 2),
                    "benefit_serial": round(g.benefit_serial, 2),
                    "benefit_lpn": round(g.benefit_lpn, 2),
                    "break_even_bad_share": None
                    if g.break_even_bad_share is None
                    else round(g.break_even_bad_share, 8),
                    "break_even_unit_value": None
                    if g.break_even_unit_value is None
                    else round(g.break_even_unit_value, 2),
                }
                for g in c.groups
            ],
        },
    }
    Path(path).write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
