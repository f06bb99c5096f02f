"""Evaluating a big CSV catalog on two cores, with exactly the sequential answer.

Python runs one core at a time, so a large generic CSV is cut in two at a record boundary and
each half is evaluated by its own forked process, writing its own part; the parts are joined in
order. Three things keep the result identical to a sequential run:

* The cut is a real record boundary. It is placed at a line end with an even number of quote
  characters before it, then proved by parsing the first half with the csv module in strict
  mode: a half that does not end cleanly (a quoted field left open) means "do it sequentially".
* Row numbers. While the first worker runs, this process parses the first half once more
  (C-speed csv only) to count its records, so the second worker numbers its rows on from there.
* Duplicate SKUs across the cut. The same pass records every SKU the first half claims, in the
  reader's own duplicate index, which the second worker inherits through fork; a SKU first seen
  in the first half is a duplicate in the second, naming the right row.

Anything this module cannot do exactly (not UTF-8, not a generic CSV, too small, no fork) returns
None and the caller evaluates sequentially.

`stream_in_two` is the same cut for a caller that wants the rows themselves, in order (the app's
deciding process): this process decides the first half into the sink while a forked worker
decides the second into a file of pickled chunks (`advisor.advice.rowpickle`), which is passed on
to the sink once the first half is done. The rulebook's words are compiled before the fork, so
the worker starts with them.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import multiprocessing as mp
import os
import pickle
import shutil
import signal
import sys
import tempfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from advisor.advice.costs import CostAccumulator
from advisor.advice.evaluate import Evaluator, Summary
from advisor.advice.rowpickle import RowEncoder, decode
from advisor.catalog import open_catalog
from advisor.catalog.columns import ColumnMap, ColumnTable
from advisor.catalog.readers import CsvReader, expected_rows
from advisor.catalog.rows import RowBuilder, strip_excel
from advisor.errors import TrackrightError

MIN_BYTES = 16 * 1024 * 1024  # below this, forking costs more than it saves
# For rows streamed from a process that has the rulebook compiled already (the app's): a fork
# costs milliseconds there, and a megabyte (about 13,000 store rows) takes a second to decide.
STREAM_MIN_BYTES = 1024 * 1024
STREAM_FIRST_SHARE = 0.47  # this process also passes the second half's rows on
_CHUNK = 2000  # rows a pickled chunk of the second half
_BLOCK = 8 * 1024 * 1024
# The second half starts once this process has claimed the first half's SKUs (in the fast lane's
# kernel: a few percent of the work), so the first half is made only a little longer.
FIRST_SHARE = 0.51


@dataclass(frozen=True, slots=True)
class Plan:
    """Where the header ends and where the second half starts, in bytes."""

    header_end: int
    split: int
    size: int
    delimiter: str
    header: list[str]
    encoding: str
    columns: ColumnMap  # chosen once, from the file's first rows, for both halves


class _RangeReader(io.RawIOBase):
    """The header bytes followed by one byte range of the file: a stand-alone CSV for one half."""

    def __init__(self, path: Path, header: bytes, start: int, end: int) -> None:
        self._head = header
        self._fh = open(path, "rb")  # noqa: SIM115 - closed with this reader
        self._fh.seek(start)
        self._left = end - start

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer)
        if self._head:
            n = min(len(view), len(self._head))
            view[:n] = self._head[:n]
            self._head = self._head[n:]
            return n
        if self._left <= 0:
            return 0
        n = self._fh.readinto(view[: min(len(view), self._left)])
        self._left -= n
        return n

    def close(self) -> None:
        self._fh.close()
        super().close()


def _count_quotes(fh: IO[bytes], start: int, end: int) -> int:
    fh.seek(start)
    total, left = 0, end - start
    while left > 0:
        block = fh.read(min(_BLOCK, left))
        if not block:
            break
        total += block.count(b'"')
        left -= len(block)
    return total


def _boundary_after(fh: IO[bytes], pos: int, size: int, odd: bool) -> int | None:
    """The first line end at or after `pos` with an even number of quotes before it."""
    fh.seek(pos)
    while pos < size:
        block = fh.read(min(_BLOCK, size - pos))
        if not block:
            return None
        start = 0
        while True:
            nl = block.find(b"\n", start)
            if nl < 0:
                odd ^= block.count(b'"', start) & 1 == 1
                break
            odd ^= block.count(b'"', start, nl) & 1 == 1
            if not odd:
                return pos + nl + 1
            start = nl + 1
        pos += len(block)
    return None


def header_end(fh: IO[bytes], size: int, delimiter: str) -> int | None:
    """Where the header record ends, in bytes, as the reader finds it: after a BOM and any
    blank records before it (`readers._read_header` skips those). None: no plain line end."""
    fh.seek(0)
    pos = 3 if fh.read(3) == codecs.BOM_UTF8 else 0
    while True:
        end = _boundary_after(fh, pos, size, False)
        if end is None:
            return None
        fh.seek(pos)
        line = fh.read(end - pos).decode("utf-8", "replace")
        if any(f.strip() for row in csv.reader([line], delimiter=delimiter) for f in row):
            return end
        pos = end


def plan(
    path: Path,
    columns: dict[str, str] | None = None,
    table: ColumnTable | None = None,
    minimum: int | None = None,
    first_share: float = FIRST_SHARE,
) -> Plan | None:
    """Decide whether `path` can be split, and where; None means evaluate it sequentially.

    `columns` is the run's column mapping (``--column``) and `table` the rulebook's column
    table, so both halves read the same columns. A file under `minimum` bytes (`MIN_BYTES`;
    `TRACKRIGHT_PARALLEL_MIN_BYTES` overrides either) is not cut; `first_share` is the first
    half's share of the rows.
    """
    try:
        size = path.stat().st_size
    except OSError:
        return None
    minimum = int(os.environ.get("TRACKRIGHT_PARALLEL_MIN_BYTES", minimum or MIN_BYTES))
    if size < minimum or (os.cpu_count() or 1) < 2 or "fork" not in mp.get_all_start_methods():
        return None
    with open_catalog(path, columns=columns, table=table) as reader:
        if (
            not isinstance(reader, CsvReader)
            or reader.format != "csv"
            or reader.encoding not in ("utf-8-sig", "utf-8")
            or reader.columns is None
        ):
            return None
        delimiter, header, colmap = reader.delimiter, list(reader.header), reader.columns
    with open(path, "rb") as fh:
        bom = 3 if fh.read(3) == codecs.BOM_UTF8 else 0
        head = header_end(fh, size, delimiter)
        if head is None:
            return None
        # The second half starts only once this process has claimed the first half's SKUs, so
        # the first half is made a little longer to finish at about the same time.
        middle = head + int((size - head) * first_share)
        odd = _count_quotes(fh, head, middle) & 1 == 1
        split = _boundary_after(fh, middle, size, odd)
        if split is None or split >= size:
            return None
    return Plan(head, split, size, delimiter, header, "utf-8-sig" if bom else "utf-8", colmap)


def _first_half_claims(path: Path, p: Plan, builder: RowBuilder) -> int | None:
    """Parse the first half (strictly) to count its records and claim its SKUs, as the reader would.

    Returns the number of records, or None when the half does not end on a record boundary.
    """
    i_sku = p.columns.get("sku")
    others = p.columns.sku_fallbacks  # read when the SKU column is blank, as the reader does
    claim = builder.seen.first_row
    with open(path, "rb") as fh:
        fh.seek(p.header_end)
        raw = _Limited(fh, p.split - p.header_end)
        text = io.TextIOWrapper(raw, encoding="utf-8", errors="replace", newline="")
        rows = 0
        try:
            for fields in csv.reader(text, delimiter=p.delimiter, strict=True):
                rows += 1
                if i_sku is not None:
                    sku = fields[i_sku].strip() if i_sku < len(fields) else ""
                    for pos in others if not sku else ():
                        if pos < len(fields) and fields[pos].strip():
                            sku = fields[pos].strip()
                            break
                    if sku:
                        if sku[0] == "'":
                            sku = strip_excel(sku)  # as the reader reads it
                        claim(sku, rows)
        except csv.Error:
            return None
    return rows


class _Limited(io.RawIOBase):
    def __init__(self, fh: IO[bytes], left: int) -> None:
        self._fh, self._left = fh, left

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self._left <= 0:
            return 0
        view = memoryview(buffer)
        n = self._fh.readinto(view[: min(len(view), self._left)])
        self._left -= n
        return n


def _open_half(
    path: Path, p: Plan, builder: RowBuilder, start: int, end: int, first_row: int
) -> CsvReader:
    with open(path, "rb") as fh:
        header = fh.read(p.header_end)
    raw = _RangeReader(path, header, start, end)
    stream = io.TextIOWrapper(raw, encoding=p.encoding, errors="replace", newline="")
    reader = CsvReader(path, stream, builder, p.encoding, p.delimiter, p.columns)
    reader.first_row = first_row
    return reader


class _stdout:
    """Standard output as a context manager that flushes but never closes it."""

    def __enter__(self) -> IO[str]:
        import sys

        return sys.stdout

    def __exit__(self, *exc: object) -> None:
        import sys

        sys.stdout.flush()


def _half(args: dict[str, Any]) -> tuple[Evaluator, CsvReader]:
    """A worker's evaluator and the reader of its half."""
    ev = Evaluator(args["book"], args["profile"], args["as_of"], args["currency"])
    reader = _open_half(
        args["path"], args["plan"], args["builder"], args["start"], args["end"], args["first_row"]
    )
    return ev, reader


def _tallies(ev: Evaluator, summary: Summary, reader: CsvReader) -> tuple:
    """What a half reports once its rows are done: ("ok", summary, cost groups, rows skipped,
    rule evaluations)."""
    acc = ev._acc
    groups = dict(acc.groups) if acc else {}
    return ("ok", summary, groups, reader.skipped_rows, ev.engine.evaluations)


def _worker(conn: Any, args: dict[str, Any]) -> None:
    """Evaluate one half into its own output part; send back the tallies."""
    from advisor.advice.writers import WRITERS, ErrorsWriter

    try:
        ev, reader = _half(args)
        summary = Summary()
        first = args["first"]
        target = args["out"]
        with open(target, "w", encoding="utf-8", newline="") if target else _stdout() as out:
            kwargs: dict[str, Any] = {}
            if args["fmt"] == "csv":
                kwargs = {"header": first}
            elif args["fmt"] == "json":
                kwargs = {"opening": first, "closing": False}
            writer = WRITERS[args["fmt"]](out, args["base"], args["version"], **kwargs)
            errors = None
            if args["errors"]:
                errors = ErrorsWriter(
                    open(args["errors"], "w", encoding="utf-8", newline=""), header=first
                )  # noqa: SIM115
            write = writer.write
            done = args["done"]
            from advisor.advice.lane.drive import run_csv

            def tick(k: int) -> None:
                with done.get_lock():
                    done.value += k

            with reader:
                n = 0
                laned = run_csv(
                    ev,
                    reader,
                    writer,
                    summary,
                    args["start"],
                    args["end"],
                    errors=errors,
                    tick=tick,
                )
                for item in () if laned is not None else ev.run(reader, summary):
                    write(item)
                    if errors is not None and item.__class__.__name__ == "RejectedRow":
                        errors.write(item)
                    n += 1
                    if not n & 8191:
                        with done.get_lock():
                            done.value += 8192
                with done.get_lock():
                    done.value += n & 8191
            writer.close()
            if errors is not None:
                errors.close()
        conn.send(_tallies(ev, summary, reader))
        ev.close()
    except BaseException as exc:  # reported to the parent, which falls back or shows it
        conn.send(("error", f"{type(exc).__name__}: {exc}"))
    finally:
        conn.close()


def evaluate_in_two(
    path: Path,
    p: Plan,
    *,
    book: Any,
    profile: Any,
    as_of: Any,
    currency: str,
    fmt: str,
    output: Path | None,
    errors_path: Path | None,
    progress: Any = None,
) -> tuple[Summary, CostAccumulator, dict] | None:
    """Run both halves; write the joined output; return the merged summary, or None to fall back."""
    import sys

    sys.stdout.flush()  # a fork copies unflushed buffers: nothing may be written twice
    sys.stderr.flush()
    ctx = mp.get_context("fork")
    with open(path, "rb") as fh:  # sizes the duplicate-SKU indexes for the file
        rows_guess = expected_rows(path, fh.read(1 << 16))
    tmp = Path(tempfile.mkdtemp(prefix="trackright-parts-"))
    try:
        done = ctx.Value("q", 0)
        common = {
            "done": done,
            "book": book,
            "profile": profile,
            "as_of": as_of,
            "currency": currency,
            "fmt": fmt,
            "path": path,
            "plan": p,
            "base": book.classification.base_currency,
            "version": book.tag,
        }
        # The first half writes straight to the output (and errors file); the second to parts
        # appended once both are done.
        parts = [output, tmp / "part2"]
        errs = [errors_path, tmp / "err2"] if errors_path else [None, None]
        r1, w1 = ctx.Pipe(duplex=False)
        first = ctx.Process(
            target=_worker,
            args=(
                w1,
                {
                    **common,
                    "builder": _builder(book, currency, rows_guess * 2 // 3),
                    "start": p.header_end,
                    "end": p.split,
                    "first_row": 0,
                    "first": True,
                    "out": parts[0],
                    "errors": errs[0],
                },
            ),
            daemon=True,
        )
        first.start()
        w1.close()
        builder = _builder(book, currency, rows_guess)
        from advisor.advice.lane.drive import claim_first_half, count_dups, key_columns

        # The second half remembers only the SKUs it may repeat: those it holds twice (counted
        # first) and those the first half holds too (claimed next, from its Bloom filter), so
        # its memory does not grow with the file.
        cols = key_columns(p.columns)
        dups = count_dups(path, p.split, p.size, p.delimiter, cols, len(p.header), True)
        if dups is not None:
            builder.seen.filter(dups)
        rows_before = claim_first_half(path, p, builder, dups)
        if dups is not None:
            dups.drop_bits()
        if rows_before is None:
            builder = _builder(book, currency, rows_guess)  # every SKU, as the csv module reads
            rows_before = _first_half_claims(path, p, builder)
        if rows_before is None:
            first.kill()
            first.join()
            return None
        r2, w2 = ctx.Pipe(duplex=False)
        second = ctx.Process(
            target=_worker,
            args=(
                w2,
                {
                    **common,
                    "builder": builder,
                    "start": p.split,
                    "end": p.size,
                    "first_row": rows_before,
                    "first": False,
                    "out": parts[1],
                    "errors": errs[1],
                },
            ),
            daemon=True,
        )
        second.start()
        w2.close()
        results = []
        for proc, conn in ((first, r1), (second, r2)):
            while progress is not None and not conn.poll(0.2):
                progress(done.value)
            try:
                results.append(conn.recv())
            except EOFError:
                results.append(("error", "a worker process ended without a result"))
            proc.join()
        failed = [r[1] for r in results if r[0] != "ok"]
        if failed:
            raise TrackrightError(
                "evaluating the catalog failed in a worker process: " + "; ".join(failed),
                hint="run again with --jobs 1 to evaluate in one process",
            )
        _append(parts[1], output, closing="\n]\n" if fmt == "json" else "")
        if errors_path:
            _append(errs[1], errors_path, closing="")
        summary = Summary()
        acc = CostAccumulator(book.costs)
        info = {"skipped": 0, "durable_evaluations": 0, "workers": 2}
        for _, s, groups, skipped, evaluations in results:
            _merge(summary, s)
            info["skipped"] += skipped
            info["durable_evaluations"] += evaluations
            acc.merge(groups)
        return summary, acc, info
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _append(part: Path, target: Path | None, closing: str) -> None:
    import sys

    if target is not None and hasattr(os, "copy_file_range"):
        # copied by the kernel, never through this process's memory (unbuffered: both files'
        # own offsets are the ones that move)
        with open(target, "r+b", buffering=0) as dst, open(part, "rb", buffering=0) as src:
            dst.seek(0, os.SEEK_END)
            left = os.fstat(src.fileno()).st_size
            while left > 0:
                try:
                    n = os.copy_file_range(src.fileno(), dst.fileno(), left)
                except OSError:
                    n = 0
                if n <= 0:
                    break
                left -= n
            if left:
                shutil.copyfileobj(src, dst, 1024 * 1024)  # what the kernel would not copy
            if closing:
                dst.write(closing.encode())
        return
    out = open(target, "ab") if target else sys.stdout.buffer  # noqa: SIM115
    try:
        if target is None:
            sys.stdout.flush()
        with open(part, "rb") as fh:
            shutil.copyfileobj(fh, out, 1024 * 1024)
        if closing:
            out.write(closing.encode())
        out.flush()
    finally:
        if target:
            out.close()


def _merge(into: Summary, s: Summary) -> None:
    into.decided += s.decided
    into.rejected += s.rejected
    into.fallback += s.fallback
    into.price_missing += s.price_missing
    into.price_typical += s.price_typical
    into.not_stock += s.not_stock
    into.markets, into.markets_assumed = s.markets, s.markets_assumed
    for name in (
        "by_method",
        "by_vertical",
        "by_rule",
        "by_vertical_method",
        "rejection_reasons",
        "by_confidence",
    ):
        getattr(into, name).update(getattr(s, name) or Counter())


def _rows_worker(result: IO[bytes], args: dict[str, Any]) -> None:
    """Decide the second half into a file of pickled chunks; write back the tallies.

    Runs in a process forked with `os.fork` (the app's deciding process is a daemon, which
    multiprocessing forbids to have children). The file is unnamed (opened before the fork,
    never linked into a folder), so nothing is left behind whoever is stopped; if the process
    that forked it dies, it stops at the next chunk: nobody is left to read it.
    """
    parent = os.getppid()
    try:
        ev, reader = _half(args)
        summary = Summary()
        encoder = RowEncoder()
        out = args["out"]
        with reader:
            chunk: list = []
            for item in ev.run(reader, summary):
                chunk.append(item)
                if len(chunk) >= _CHUNK:
                    if os.getppid() != parent:
                        raise _Orphaned
                    pickle.dump(encoder.encode(chunk), out, protocol=pickle.HIGHEST_PROTOCOL)
                    chunk = []
            if chunk:
                pickle.dump(encoder.encode(chunk), out, protocol=pickle.HIGHEST_PROTOCOL)
        out.flush()
        answer = _tallies(ev, summary, reader)
        ev.close()
    except _Orphaned:
        return
    except BaseException as exc:  # reported to the parent, which shows it
        answer = ("error", f"{type(exc).__name__}: {exc}")
    result.write(pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL))
    result.flush()


class _Orphaned(Exception):
    """The process that forked this worker is gone."""


def _chunks(fh: IO[bytes]) -> Iterator[list]:
    shared: list = []
    fh.seek(0)
    while True:
        try:
            new, data = pickle.load(fh)
        except EOFError:
            return
        shared.extend(new)
        yield decode(data, shared)


def _builder(book: Any, currency: str, rows: int) -> RowBuilder:
    """A half's row builder, reading amounts as the one-process reader does (`Opened.reader`):
    the rulebook's minor units per currency and the run's currency for unlabelled prices."""
    decimals = {code: r.decimals for code, r in book.currencies.rates.items()}
    return RowBuilder(decimals=decimals, expected_rows=rows, assumed=currency)


def stream_in_two(
    path: Path,
    p: Plan,
    *,
    book: Any,
    profile: Any,
    as_of: Any,
    currency: str,
    sink: Any,
    progress: Any = None,
) -> tuple[Summary, CostAccumulator, dict] | None:
    """Both halves' rows into `sink`, in file order; the merged summary, or None to fall back.

    The second half's rows carry the worker's shared decisions (equal in every field to this
    process's, but other objects): a row's decision is the same, its object may not be.
    """
    from advisor.advice.classify.classifier import prepare

    prepare(book)  # before the fork: the worker inherits the compiled words
    with open(path, "rb") as fh:
        rows_guess = expected_rows(path, fh.read(1 << 16))
    builder = _builder(book, currency, rows_guess)
    rows_before = _first_half_claims(path, p, builder)
    if rows_before is None:
        return None
    rows_file = tempfile.TemporaryFile(prefix="trackright-rows-")  # noqa: SIM115 - closed below
    args = {
        "book": book,
        "profile": profile,
        "as_of": as_of,
        "currency": currency,
        "path": path,
        "plan": p,
        "builder": builder,
        "start": p.split,
        "end": p.size,
        "first_row": rows_before,
        "out": rows_file,
    }
    sys.stdout.flush()  # a fork copies unflushed buffers: nothing may be written twice
    sys.stderr.flush()
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the worker: decide, answer, and leave without running the caller's code
        code = 0
        try:
            os.close(read_end)
            with os.fdopen(write_end, "wb") as result:
                _rows_worker(result, args)
        except BaseException:  # noqa: BLE001 - nothing may escape a forked child
            code = 1
        finally:
            os._exit(code)
    os.close(write_end)
    receive = os.fdopen(read_end, "rb")
    try:
        ev = Evaluator(book, profile, as_of, currency)
        first = Summary()
        try:
            reader = _open_half(
                path, p, _builder(book, currency, rows_guess * 2 // 3), p.header_end, p.split, 0
            )
            write, n = sink.write, 0
            with reader:
                for item in ev.run(reader, first):
                    write(item)
                    n += 1
                    if progress is not None and not n % 5000:
                        progress(n)
            mine = _tallies(ev, first, reader)
        finally:
            ev.close()
        try:
            theirs = pickle.loads(receive.read())
        except (EOFError, pickle.UnpicklingError):
            theirs = ("error", "a worker process ended without a result")
        os.waitpid(pid, 0)
        pid = 0
        if theirs[0] != "ok":
            raise TrackrightError(
                "deciding the catalog failed in a worker process: " + theirs[1],
                hint="run again with --jobs 1 to decide it in one process",
            )
        for rows in _chunks(rows_file):
            for item in rows:
                write(item)
            n += len(rows)
            if progress is not None:
                progress(n)
        summary = Summary()
        acc = CostAccumulator(book.costs)
        info = {"skipped": 0, "durable_evaluations": 0, "workers": 2}
        for _, s, groups, skipped, evaluations in (mine, theirs):
            _merge(summary, s)
            info["skipped"] += skipped
            info["durable_evaluations"] += evaluations
            acc.merge(groups)
        return summary, acc, info
    finally:
        receive.close()
        if pid:  # this side failed first: stop the worker
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
        rows_file.close()


__all__ = ["MIN_BYTES", "STREAM_MIN_BYTES", "Plan", "evaluate_in_two", "plan", "stream_in_two"]
