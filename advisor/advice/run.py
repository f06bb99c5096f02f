"""One evaluation of a catalog file, for every caller: the CLI, the two-process mode, the app, the
rule author's `rules diff / lint / explain --catalog`.

`evaluate_file` opens the catalog (format, column mappings), settles the currency of prices the
file leaves unlabelled (`advisor.advice.money`: option, profile, else the base currency — stated,
and checked against the prices), evaluates every row, and feeds the sinks: decision files
(`DecisionsFile`, `ErrorsFile`, which the two-process mode can write from both halves) or any
object with ``write(item)`` and ``close()``. `open_rows` is the same opening for callers that
evaluate rows themselves (`rules diff` evaluates each row under two rulebooks).

    >>> from advisor.rulebook import load_rulebook
    >>> keep = Collect()
    >>> run = evaluate_file("sample_catalogs/electronics_brand.csv", load_rulebook(), outputs=[keep])
    >>> run.summary.decided, run.currency.choice.source
    (30, 'assumed')
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Protocol

from advisor.advice.costs import CostReport
from advisor.advice.evaluate import EvaluatedRow, Evaluator, Summary, cost_report
from advisor.advice.money import (
    CurrencyChoice,
    PriceCheck,
    check_prices,
    resolve_currency,
    unit_amount,
)
from advisor.advice.profile import BrandProfile
from advisor.catalog import ColumnTable, open_catalog
from advisor.catalog.readers import CatalogReader, CsvReader
from advisor.catalog.records import RejectedRow, SkuRecord
from advisor.rulebook.load import Rulebook

__all__ = [
    "Collect",
    "DecisionsFile",
    "ErrorsFile",
    "Evaluation",
    "Opened",
    "Sink",
    "evaluate_file",
    "open_rows",
]

Item = EvaluatedRow | RejectedRow
Progress = Callable[[int], None]  # rows done so far


class Sink(Protocol):
    """Where evaluated rows go, in input order."""

    def write(self, item: Item) -> None: ...

    def close(self) -> None: ...


@dataclass(frozen=True, slots=True)
class DecisionsFile:
    """Every row's decision (or rejection) as csv, json or jsonl; `path` None is standard output."""

    path: Path | None
    format: str = "csv"


@dataclass(frozen=True, slots=True)
class ErrorsFile:
    """The rejected rows only, as CSV (row, sku, reason)."""

    path: Path


class Collect:
    """A sink that keeps the rows (all of them, or the first `limit`) for a caller to show."""

    def __init__(self, limit: int | None = None) -> None:
        self.items: list[Item] = []
        self.limit = limit

    def write(self, item: Item) -> None:
        if self.limit is None or len(self.items) < self.limit:
            self.items.append(item)

    def close(self) -> None:
        pass


@dataclass(slots=True)
class Evaluation:
    """What one evaluation produced besides the rows it wrote."""

    summary: Summary
    costs: CostReport
    currency: PriceCheck
    format: str
    workers: int = 1
    durable_evaluations: int = 0
    lane_rows: int = 0  # rows decided in the compiled fast lane (`advisor.advice.lane`)


@dataclass(frozen=True, slots=True)
class Opened:
    """How a catalog is to be read: its format, column mapping and the currency of its prices."""

    path: Path
    format: str | None
    columns: Mapping[str, str]
    currency: PriceCheck
    decimals: Mapping[str, int] = field(default_factory=dict)
    table: ColumnTable | None = None  # the rulebook's columns.yaml

    def reader(self) -> CatalogReader:
        """A fresh reader of the file (records carry "" where the file names no currency)."""
        return open_catalog(
            self.path,
            self.format,
            columns=dict(self.columns),
            decimals=dict(self.decimals),
            table=self.table,
            assumed=self.currency.choice.code,
        )


def open_rows(
    path: str | Path,
    rulebook: Rulebook,
    profile: BrandProfile | None = None,
    *,
    currency: str | None = None,
    columns: Mapping[str, str] | None = None,
    input_format: str | None = None,
    profile_name: str = "",
) -> Opened:
    """Settle how to read `path`: columns (option over profile), currency, and its price check.

    Raises `CatalogError` for a file that cannot be read and `CurrencyError` for a currency the
    rulebook has no rate for. Reads only the first rows (for the check).
    """
    profile = profile or BrandProfile()
    money = rulebook.currencies
    choice = resolve_currency(money, currency, profile.currency, profile_name)
    mapping = {**dict(profile.columns), **dict(columns or {})}
    fmt = None if input_format in (None, "auto") else input_format
    decimals = {code: r.decimals for code, r in money.rates.items()}
    p = Path(path)
    check = _sample(p, fmt, mapping, decimals, money, choice, rulebook.columns)
    return Opened(p, fmt, mapping, check, decimals, rulebook.columns)


def _sample(p, fmt, mapping, decimals, money, choice: CurrencyChoice, table) -> PriceCheck:
    amount = unit_amount(money.unit_value)
    amounts: list[float] = []
    labelled = 0
    looked = 0
    with open_catalog(
        p, fmt, columns=dict(mapping), decimals=dict(decimals), table=table, assumed=choice.code
    ) as reader:
        for item in reader:  # the first priced rows, labelled or not (a few unpriced skipped)
            looked += 1
            if len(amounts) + labelled >= money.sample_rows or looked > 5 * money.sample_rows:
                break
            if item.__class__ is not SkuRecord:
                continue
            value = amount(item)  # type: ignore[arg-type]
            if value is None:
                continue
            if item.currency:  # type: ignore[union-attr]
                labelled += 1
            else:
                amounts.append(value)
        cols = reader.columns if isinstance(reader, CsvReader) and reader.format == "csv" else None
        unpriced = None
        if looked and cols is not None and "price" not in cols and "list_price" not in cols:
            unpriced = tuple(name for _, name in cols.extra)
        by_word = (
            cols.header[cols.positions["sku"]] if cols is not None and cols.sku_by_word else None
        )
    check = check_prices(money, choice, amounts, labelled)
    return replace(check, unpriced=unpriced, sku_by_word=by_word)


def evaluate_file(
    path: str | Path,
    rulebook: Rulebook,
    profile: BrandProfile | None = None,
    *,
    currency: str | None = None,
    columns: Mapping[str, str] | None = None,
    input_format: str | None = None,
    as_of: dt.date | None = None,
    outputs: Sequence[DecisionsFile | ErrorsFile | Sink] = (),
    jobs: int | None = None,
    progress: Progress | None = None,
    monthly_units: float | None = None,
    profile_name: str = "",
    on_currency: Callable[[PriceCheck], None] | None = None,
    stream_split: int | None = None,
) -> Evaluation:
    """Evaluate every row of `path` into `outputs`; return the summary, costs and currency check.

    `jobs` None lets a big generic CSV written only to files use two processes (output
    byte-identical to one); 1 keeps one. With `stream_split` (bytes) and one sink of rows, a
    generic CSV at least that big is decided on two cores too, its rows reaching the sink in
    order (`parallel.stream_in_two`). `on_currency` hears the currency check before any row
    is evaluated (the CLI prints it first).
    """
    profile = profile or BrandProfile()
    opened = open_rows(
        path,
        rulebook,
        profile,
        currency=currency,
        columns=columns,
        input_format=input_format,
        profile_name=profile_name,
    )
    if on_currency is not None:
        on_currency(opened.currency)
    files_only = all(isinstance(o, DecisionsFile | ErrorsFile) for o in outputs)
    if jobs != 1 and opened.format in (None, "csv"):
        done = None
        if files_only:
            done = _in_two(opened, rulebook, profile, as_of, outputs, progress, monthly_units)
        elif stream_split is not None and len(outputs) == 1:
            done = _streamed_in_two(
                opened, rulebook, profile, as_of, outputs[0], progress, monthly_units, stream_split
            )
        if done is not None:
            return done
    return _in_one(opened, rulebook, profile, as_of, outputs, progress, monthly_units)


def _in_two(opened, rulebook, profile, as_of, outputs, progress, monthly_units):
    from advisor.advice import parallel

    split = parallel.plan(opened.path, dict(opened.columns), opened.table)
    if split is None:
        return None
    decisions = [o for o in outputs if isinstance(o, DecisionsFile)]
    errors = [o for o in outputs if isinstance(o, ErrorsFile)]
    if len(decisions) != 1 or len(errors) > 1:
        return None
    done = parallel.evaluate_in_two(
        opened.path,
        split,
        **_halves(opened, rulebook, profile, as_of),
        fmt=decisions[0].format,
        output=decisions[0].path,
        errors_path=errors[0].path if errors else None,
        progress=progress,
    )
    return _of_two(done, opened, profile, monthly_units)


def _streamed_in_two(opened, rulebook, profile, as_of, sink, progress, monthly_units, minimum):
    from advisor.advice import parallel

    split = parallel.plan(
        opened.path,
        dict(opened.columns),
        opened.table,
        minimum=minimum,
        first_share=parallel.STREAM_FIRST_SHARE,
    )
    if split is None:
        return None
    done = parallel.stream_in_two(
        opened.path,
        split,
        **_halves(opened, rulebook, profile, as_of),
        sink=sink,
        progress=progress,
    )
    if done is not None:
        sink.close()
    return _of_two(done, opened, profile, monthly_units)


def _halves(opened, rulebook, profile, as_of) -> dict:
    """What both halves of a file decide with."""
    return {
        "book": rulebook,
        "profile": profile,
        "as_of": as_of,
        "currency": opened.currency.choice.code,
    }


def _of_two(done, opened, profile, monthly_units) -> Evaluation | None:
    """The evaluation of a file decided in two halves (None: it was not)."""
    if done is None:
        return None
    summary, acc, info = done
    summary.skipped = info["skipped"]
    summary.costs = cost_report(acc, profile, monthly_units)
    summary.currency = opened.currency
    return Evaluation(
        summary,
        summary.costs,
        opened.currency,
        "csv",
        info["workers"],
        info["durable_evaluations"],
    )


def _in_one(opened, rulebook, profile, as_of, outputs, progress, monthly_units) -> Evaluation:
    from advisor.advice.writers import WRITERS, ErrorsWriter

    evaluator = Evaluator(rulebook, profile, as_of, opened.currency.choice.code)
    summary = Summary()
    base, version = rulebook.classification.base_currency, rulebook.tag
    try:
        with ExitStack() as stack:
            sinks: list[Sink] = []
            rejected_only: list[Sink] = []
            for o in outputs:
                if isinstance(o, DecisionsFile):
                    out = (
                        stack.enter_context(open(o.path, "w", encoding="utf-8", newline=""))
                        if o.path is not None
                        else sys.stdout
                    )
                    sinks.append(WRITERS[o.format](out, base, version))
                elif isinstance(o, ErrorsFile):
                    fh = open(o.path, "w", encoding="utf-8", newline="")  # noqa: SIM115
                    rejected_only.append(ErrorsWriter(fh))
                else:
                    sinks.append(o)
            reader = stack.enter_context(opened.reader())
            one_sink = len(sinks) == 1 and not rejected_only
            laned = _in_lane(evaluator, reader, sinks[0], summary, progress) if one_sink else None
            if laned is None:
                stream: Iterator[Item] = evaluator.run(reader, summary)
                if progress is not None:
                    stream = _ticking(stream, progress)
            if laned is not None:
                pass  # the lane wrote every row
            elif one_sink:
                write = sinks[0].write
                for item in stream:  # the hot loop of a big catalog: nothing else per row
                    write(item)
            else:
                for item in stream:
                    for s in sinks:
                        s.write(item)
                    if rejected_only and item.__class__ is RejectedRow:
                        for s in rejected_only:
                            s.write(item)
            for s in (*sinks, *rejected_only):
                s.close()
        summary.skipped = reader.skipped_rows
        summary.costs = evaluator.cost_report(monthly_units)
        summary.currency = opened.currency
        return Evaluation(
            summary,
            summary.costs,
            opened.currency,
            reader.format,
            1,
            evaluator.engine.evaluations,
            laned or 0,
        )
    finally:
        evaluator.close()


def _in_lane(evaluator, reader, sink, summary, progress) -> int | None:
    """The whole file through the fast lane (`advisor.advice.lane`), when it can take it: the
    rows the lane decided itself, or None (nothing read: the Python path runs)."""
    from advisor.advice.lane.drive import available, header_end, run_csv

    if not available() or getattr(reader, "format", "") != "csv":
        return None
    start = header_end(reader.path, reader.delimiter)
    if start is None:
        return None
    done = [0]

    def tick(n: int) -> None:
        done[0] += n
        if progress is not None:
            progress(done[0])

    return run_csv(evaluator, reader, sink, summary, start, reader.path.stat().st_size, tick=tick)


def _ticking(stream: Iterator[Item], progress: Progress) -> Iterator[Item]:
    n = 0
    for item in stream:
        n += 1
        if not n % 5000:
            progress(n)
        yield item
    progress(n)
