"""The fast lane's Python half: when a run may take it, and the host that answers the kernel.

The kernel (`kernel.pyx`) reads a clean CSV's records, finds each title's words with its own
Aho-Corasick automaton, and writes the row's line from caches. Whatever it does not hold yet it
asks here, and every answer comes from the Python path itself — `CsvReader.reading` for a row
it will not read, `Evaluator.one` for a row it cannot finish, the scorer and the engine for a
new category, word layout, verdict or decision — so a row decided in the lane is written exactly
as the row-by-row path writes it. A verdict is kept with slots for the row's own words (the
words it quotes) only after the first row's own verdict, filled in, reads the same.
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from advisor.advice.evaluate import Evaluator, Summary
from advisor.advice.writers import CsvWriter
from advisor.catalog.readers import CsvReader, RowReading
from advisor.catalog.records import RejectedRow, SkuRecord
from advisor.catalog.rows import _grow
from advisor.rulebook.words import _BYTES, fast_norm

try:
    from advisor.advice.lane import kernel
except ImportError:  # not built (a source checkout without `pip install -e .`): the Python path
    kernel = None  # type: ignore[assignment]

#: `TRACKRIGHT_LANE=0` turns the lane off (the equivalence tests compare both paths).
ENV = "TRACKRIGHT_LANE"

_SLOT = "\x00{}\x00"  # a row's own word in a verdict kept for every row (never in a title)
_PIECE = re.compile("\\{(\\d+)\\}|\x00(\\d+)\x00")


def available() -> bool:
    return kernel is not None and os.environ.get(ENV, "1") != "0"


def header_end(path: Path, delimiter: str) -> int | None:
    """Where the header record of a UTF-8 CSV ends, in bytes (None: no plain line end)."""
    from advisor.advice import parallel

    with open(path, "rb") as fh:
        return parallel.header_end(fh, path.stat().st_size, delimiter)


def run_csv(
    ev: Evaluator,
    reader: CsvReader,
    writer: Any,
    summary: Summary,
    start: int,
    end: int,
    *,
    errors: Any = None,
    tick: Callable[[int], None] | None = None,
) -> int | None:
    """Evaluate bytes [start, end) of `reader`'s file into `writer` through the lane.

    Returns the number of rows the kernel decided itself, or None, having read nothing, when
    the run is not one the lane handles exactly (then the caller runs the Python path as
    always). `summary` is complete on return.
    """
    if not _eligible(ev, reader, writer):
        return None
    if not reader.reading().fast:
        return None
    seen = reader._builder.seen
    if seen.dups is None and not len(seen):  # (a second half's were counted for the whole file)
        cols = key_columns(reader.columns)
        dups = count_dups(reader.path, start, end, reader.delimiter, cols, len(reader.header))
        if dups is not None:
            seen.filter(dups)
    reading = reader.reading()  # its duplicate look-up is the filtered one
    host = Host(ev, reader, reading, writer, summary, errors)
    lane = kernel.Lane(host, host.params())
    out = writer.out
    out.flush()  # the header went through the text layer; the lane writes bytes after it
    raw = out.buffer
    ticked = [0]

    def progress(n: int) -> None:
        if tick is not None and n > ticked[0]:
            tick(n - ticked[0])
            ticked[0] = n

    ev.start(summary)
    with open(reader.path, "rb") as fh:
        fh.seek(start)
        left, row = lane.run(fh, end - start, reader.first_row, raw.write, progress)
    reader.rows_read += lane.rows_read
    if left:  # the rest of the range as the csv module reads it
        _python_rest(ev, reader, reading, writer, summary, end - left, end, row, errors, tick)
    ev.finish(summary)
    return lane.owned


def _eligible(ev: Evaluator, reader: Any, writer: Any) -> bool:
    return (
        available()
        and isinstance(reader, CsvReader)
        and reader.format == "csv"
        and reader.encoding in ("utf-8", "utf-8-sig")
        and len(reader.delimiter) == 1
        and reader.delimiter not in '"\r\n'
        and type(writer) is CsvWriter
        and not ev._exact_only
        and ev.rulebook.currencies.unit_value == ("list_price", "price")
        and hasattr(writer.out, "buffer")
    )


def _python_rest(ev, reader, reading, writer, summary, start, end, row, errors, tick) -> None:
    """Records from byte `start` on, read by the csv module and evaluated row by row."""
    import csv

    from advisor.advice.parallel import _Limited
    from advisor.catalog.readers import read_records

    with open(reader.path, "rb") as fh:
        fh.seek(start)
        text = io.TextIOWrapper(
            _Limited(fh, end - start), encoding="utf-8", errors="replace", newline=""
        )
        records = csv.reader(text, delimiter=reader.delimiter)
        before = reader.rows_read + reader.skipped_rows
        for item in read_records(reader, records, row, reading.read):
            _emit(ev.one(item, summary), writer, errors)
        if tick is not None:
            tick(reader.rows_read + reader.skipped_rows - before)


def _emit(item: Any, writer: Any, errors: Any) -> None:
    writer.write(item)
    if errors is not None and item.__class__ is RejectedRow:
        errors.write(item)


def key_columns(columns: Any) -> list[int]:
    """The columns a row's SKU is read from: the SKU column, then those read when it is blank."""
    return [columns.get("sku"), *columns.sku_fallbacks]


def count_dups(
    path: Path,
    start: int,
    end: int,
    delimiter: str,
    cols: list[int],
    ncols: int,
    keep_bits: bool = False,
) -> Any:
    """The counting pass over bytes [start, end): a `kernel.DupFilter` of the SKUs that may
    occur twice, or None where a record is one the kernel does not read (then every SKU is
    remembered, as without the lane). `keep_bits` keeps its Bloom filter, for
    `claim_first_half` to ask which first-half SKUs the counted range holds."""
    if not available() or None in cols:
        return None
    size = end - start
    dups = kernel.DupFilter(max(size // 64, 1024))  # a catalog row is rarely under 64 bytes
    params = _claim_params(delimiter, ncols, cols[0], None)
    params["key_cols"] = cols
    lane = kernel.Lane(None, params)
    with open(path, "rb") as fh:
        fh.seek(start)
        complete = lane.count(fh, size, dups)
    if not keep_bits:
        dups.drop_bits()
    return dups if complete else None


def claim_first_half(path: Path, plan: Any, builder: Any, across: Any = None) -> int | None:
    """The first half's SKUs claimed in the kernel (`parallel._first_half_claims`' answer), or
    None where it cannot read them so: then the Python scan runs. With `across` (the second
    half's `count_dups`, its Bloom filter kept) only the SKUs the second half may hold."""
    i_sku = plan.columns.get("sku")
    if not available() or i_sku is None or len(plan.delimiter) != 1 or plan.delimiter in '"\r\n':
        return None
    params = _claim_params(plan.delimiter, len(plan.header), i_sku, builder)
    params["key_cols"] = key_columns(plan.columns)
    lane = kernel.Lane(_Claims(builder.seen.first_row, params["key_cols"]), params)
    with open(path, "rb") as fh:
        fh.seek(plan.header_end)
        return lane.claim(fh, plan.split - plan.header_end, across)


class _Claims:
    """The one answer a claiming lane asks for: a SKU cell the reader would strip first."""

    def __init__(self, first_row: Callable[[str, int], int], cols: list[int]) -> None:
        self.first_row, self.cols = first_row, cols

    def claim(self, cell: str, row: int) -> None:
        from advisor.catalog.rows import strip_excel

        sku = cell.strip()
        if sku:
            if sku[0] == "'":
                sku = strip_excel(sku)
            self.first_row(sku, row)

    def claim_fields(self, fields: list[str], row: int) -> None:
        """A record whose SKU cell is blank: the first other SKU column that is not, as
        `CsvReader._slow` reads it."""
        for pos in self.cols:
            if pos < len(fields) and fields[pos].strip():
                self.claim(fields[pos], row)
                return


def _claim_params(delimiter: str, n: int, i_sku: int, builder: Any) -> dict[str, Any]:
    cols = dict.fromkeys(("title", "cat", "brand", "price", "cur", "hsn", "gtin", "pcat"), n)
    return {
        "terms": [],
        "gate": [],
        "has_patterns": False,
        "gate_all": False,
        "delimiter": delimiter,
        "ncols": n,
        "sku": i_sku,
        **cols,
        "plain": True,
        "table": _BYTES,
        "bounds": [],
        "seen_state": builder.seen.ready() if builder is not None else None,
        "dups": builder.seen.dups if builder is not None else None,
        "grow": _grow,
        "searches": [],
        "finditers": [],
        "pat_names": [],
        "pat_ids": {},
        "literal_patterns": [],
    }


class Host:
    """Answers the kernel from the Python path; numbers what it hands out as the kernel keeps it."""

    def __init__(
        self,
        ev: Evaluator,
        reader: CsvReader,
        reading: RowReading,
        writer: CsvWriter,
        summary: Summary,
        errors: Any,
    ) -> None:
        self.ev, self.reader, self.reading, self.writer = ev, reader, reading, writer
        self.summary, self.errors = summary, errors
        c = ev.classifier
        self.titles, self.scorer, self.categories = c.titles, c.scorer, c.categories
        self.lex = c.titles._lex
        self.seen = reading.seen
        self.cats: list[Any] = []
        self.words: list[tuple] = []
        self._words: dict[tuple, int] = {}
        self.pats_of: list[tuple] = [()]
        self._pats: dict[tuple, int] = {(): 0}
        self.klasses: list[tuple] = []
        self._klass: dict[tuple, int] = {}
        self._terms: list[str] = list(self.lex.entries)
        self._shared: dict[int, int] = {}

    def params(self) -> dict[str, Any]:
        lex = self.lex
        terms = [f" {t} ".encode() if t.isascii() else b"" for t in self._terms]
        gate = sorted({lit for _, needs, _ in lex.patterns for lit in needs})
        cols = self.reading.columns
        index = {lit: i for i, lit in enumerate(gate)}
        literal_patterns: list[list[int]] = [[] for _ in gate]
        for j, (_, needs, _) in enumerate(lex.patterns):
            for lit in needs:
                literal_patterns[index[lit]].append(j)
        seen = self.reader._builder.seen
        return {
            "seen_state": seen.ready(),
            "dups": seen.dups,
            "key_cols": key_columns(self.reader.columns),
            "grow": _grow,
            "searches": [finditer.__self__.search for _, _, finditer in lex.patterns],
            "finditers": [finditer for _, _, finditer in lex.patterns],
            "pat_names": [name for name, _, _ in lex.patterns],
            "pat_ids": self._pats,
            "literal_patterns": literal_patterns,
            "terms": terms,
            "gate": [g.encode() if g.isascii() else b"" for g in gate],
            "has_patterns": bool(lex.patterns),
            "gate_all": bool(lex.patterns) and lex.pattern_gate is None,
            "delimiter": self.reader.delimiter,
            "ncols": self.reading.ncols,
            **{k: (v if v is not None else self.reading.ncols) for k, v in cols.items()},
            "plain": self.reading.plain,
            "table": _BYTES,
            "bounds": [float(b) for b in self.ev._bounds],
        }

    # ------------------------------------------------------------------ rows it hands over

    def _line(self, item: Any) -> bytes:
        if self.errors is not None and item.__class__ is RejectedRow:
            self.errors.write(item)
        return self.writer.line(item).encode()

    def row(self, row: int, fields: list[str]) -> bytes | None:
        """A record the lane does not read: the reader's own reading, then the evaluator's."""
        item = self.reading.read(row, fields)
        if item is None:
            return None
        return self._line(self.ev.one(item, self.summary))

    def record(self, row: int, fields: list[str]) -> bytes:
        """A clean record the lane read (its SKU claimed) but does not decide itself."""
        fields.append("")
        return self._line(self.ev.one(self.reading.record(row, fields), self.summary))

    # ------------------------------------------------------------------ what the caches hold

    def currency(self, cell: str) -> tuple[float, bool] | None:
        currency = self.reading.currencies.get(cell)
        if currency is None:
            return None
        rate = self.ev.classifier._rates.get(currency or self.ev.default_currency)
        if rate is None:
            return None
        whole = currency in self.reading.whole if currency else self.reading.whole_blank
        return float(rate), bool(whole)

    def cat(self, pcat: str, cat: str, hsn: str) -> tuple[int, list[bytes]]:
        rec = SkuRecord(0, "", "", cat, "", None, "", hsn, "", pcat)
        ev = self.categories.evidence(rec)
        self.cats.append(ev)
        return ev.shape, [t.encode() for t in ev.texts]

    def layout(self, title: str, found: list[tuple[int, int]]) -> tuple[int, list] | None:
        text = fast_norm(title)
        raw = list(self.lex.iter(f" {text} "))
        terms = self._terms
        if [(e, v[1]) for e, v in raw] != [(e, terms[t]) for e, t in found]:
            return None  # the kernel's scan is not the automaton's: the Python path decides
        if not raw:
            words, context, spans = (), (), ()
        else:
            words, context, spans = self.titles._layout(raw, raw[0][0])
        key = (words, context)
        wid = self._words.get(key)
        if wid is None:
            wid = self._words[key] = len(self.words)
            self.words.append(key)
        return wid, list(spans)

    def pats(self, title: str) -> int:
        return self.pat_id(self.titles.patterns(fast_norm(title), title, True))

    def pat_id(self, found: tuple) -> int:
        """The number of a tuple of (pattern, text as written) the kernel found or was given."""
        pid = self._pats.get(found)
        if pid is None:
            pid = self._pats[found] = len(self.pats_of)
            self.pats_of.append(found)
        return pid

    def verdict(self, ci: int, wid: int, pid: int, surfaces: list[str]) -> tuple | None:
        cat, (words, context), pats = self.cats[ci], self.words[wid], self.pats_of[pid]
        slots = tuple(_SLOT.format(k) for k in range(len(words)))
        # the scorer's own memo is left to the Python path's rows: the kernel keeps this one
        decide = self.scorer._decide
        kept = decide(cat, (words, context, pats, slots), "", None)
        own = tuple(surfaces)
        real = decide(cat, (words, context, pats, () if own == words else own), "", None)
        if (kept.vertical, kept.confidence, kept.customised) != (
            real.vertical,
            real.confidence,
            real.customised,
        ):
            return None
        pieces = _pieces(kept.template)
        if pieces is None:
            return None
        said = real.template.format(*cat.texts) if cat.texts else real.template
        if _fill(pieces, cat.texts, own) != said or not said:
            return None
        k = (kept.vertical, kept.confidence, kept.customised)
        klass = self._klass.get(k)
        if klass is None:
            klass = self._klass[k] = len(self.klasses)
            self.klasses.append(k)
        return klass, [(kind, p.encode() if kind == 0 else p) for kind, p in pieces]

    def decision(
        self, klass: int, bucket: int, on_bound: bool, no_gtin: bool, row: int, fields: list[str]
    ) -> tuple | None:
        ev = self.ev
        vertical, confidence, customised = self.klasses[klass]
        fields.append("")
        rec = self.reading.record(row, fields)
        k2 = (vertical, confidence, customised, rec.hsn, bucket, on_bound, None, no_gtin)
        shared = ev._by_facts.get(k2)
        if shared is None:
            sig = self.titles.signature(rec.title)
            shared = ev._by_facts[k2] = ev.decide(rec, sig).shared
        parts = shared.render.get("csv") or self.writer._parts(shared)
        # rows of several decision keys can share one object: the kernel tallies it once
        ix = self._shared.setdefault(id(shared), len(self._shared))
        return ix, shared, parts[0].encode(), parts[1].encode(), parts[2].encode()


def _pieces(template: str) -> list[tuple[int, Any]] | None:
    """A verdict's text as literal / category text {i} / row word pieces (None: other braces)."""
    out: list[tuple[int, Any]] = []
    at = 0
    for m in _PIECE.finditer(template):
        if m.start() > at:
            out.append((0, template[at : m.start()]))
        out.append((1, int(m.group(1))) if m.group(1) is not None else (2, int(m.group(2))))
        at = m.end()
    if at < len(template):
        out.append((0, template[at:]))
    if any(kind == 0 and ("{" in p or "}" in p or "\x00" in p) for kind, p in out):
        return None
    return out


def _fill(pieces: list[tuple[int, Any]], texts: tuple, words: tuple) -> str:
    return "".join(p if kind == 0 else (texts[p] if kind == 1 else words[p]) for kind, p in pieces)


__all__ = ["ENV", "available", "header_end", "run_csv"]
