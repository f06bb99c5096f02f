"""Writing decisions out: CSV, JSON, JSON Lines for machines.

Every writer takes decided and rejected rows in input order, so the output has one record per
input row (`status` says which), and a rejected row keeps its row number and reason. The parts
of a row that rows with the same decision share are rendered once per decision and reused, which
is most of the cost of writing a million rows.
"""

from __future__ import annotations

import csv
import io
import json
import re
from typing import IO, Any

from advisor.advice.evaluate import EvaluatedRow, Shared
from advisor.catalog.records import RejectedRow

COLUMNS = (
    "row",
    "status",
    "sku",
    "gtin",
    "title",
    "vertical",
    "value_band",
    "unit_value",
    "currency",
    "regulated",
    "regulations",
    "method",
    "capture",
    "rule",
    "reason",
    "matched",
    "fallback",
    "return_qc",
    "vertical_source",
    "confidence",
    "rulebook_version",
    "price_status",
    "flags",
    "error",
)


def _static(shared: Shared, base: str, version: str) -> dict[str, Any]:
    f, d = shared.facts, shared.decision
    o = d.outcome
    return {
        "vertical": f.vertical,
        "value_band": f.value_band,
        "currency": base,
        "regulated": f.regulated,
        "regulations": list(f.regulations),
        "method": o["method"],
        "capture": list(o.get("capture", ())),
        "rule": d.rule,
        "reason": d.reason,
        "matched": [m.rule for m in d.matched],
        "fallback": d.fallback,
        "return_qc": bool(o.get("return_qc", False)),
        "confidence": f.confidence,
        "rulebook_version": version,
    }


def price_status(rec: Any) -> tuple[str, tuple[str, ...]]:
    """("ok" | "missing", flags): whether the row has a price of its own, and what was used."""
    if rec.price is not None and not rec.price_from:
        return "ok", ()
    if rec.price_from:
        return "missing", ("price_from_" + rec.price_from.replace(" ", "_"),)
    return "missing", ("no_price",)


def _row_part(item: EvaluatedRow) -> dict[str, Any]:
    """What is this row's own in its record (the rest is shared by its decision)."""
    r = item.record
    status, flags = price_status(r)
    v = item.unit_value
    return {
        "row": r.row,
        "status": "decided",
        "sku": r.sku,
        "gtin": r.gtin,
        "title": r.title,
        "unit_value": None if v is None else round(v, 2),
        "vertical_source": item.source or item.shared.facts.vertical_source,
        "price_status": status,
        "flags": list(flags),
    }


def record(item: EvaluatedRow | RejectedRow, base_currency: str, version: str) -> dict[str, Any]:
    """The JSON-able record of one input row: the one definition every writer and export uses."""
    if isinstance(item, RejectedRow):
        return {"row": item.row, "status": "rejected", "sku": item.sku, "error": item.reason}
    out = _row_part(item)
    out.update(_static(item.shared, base_currency, version))
    return out


class Writer:
    def __init__(self, out: IO[str], base_currency: str, version: str) -> None:
        self.out = out
        self.base = base_currency
        self.version = version

    def write(self, item: EvaluatedRow | RejectedRow) -> None:
        raise NotImplementedError

    def close(self) -> None:
        self.out.flush()


def _json_row(item: EvaluatedRow, base: str, version: str, key: str) -> str:
    """One decided row as JSON text: `record`'s content, the shared part rendered once."""
    sh = item.shared
    tail = sh.render.get(key)
    if tail is None:
        tail = sh.render[key] = json.dumps(_static(sh, base, version), ensure_ascii=False)[1:]
    return json.dumps(_row_part(item), ensure_ascii=False)[:-1] + ", " + tail


class JsonLinesWriter(Writer):
    def write(self, item: EvaluatedRow | RejectedRow) -> None:
        if item.__class__ is EvaluatedRow:
            self.out.write(_json_row(item, self.base, self.version, "jsonl") + "\n")
        else:
            self.out.write(
                json.dumps(record(item, self.base, self.version), ensure_ascii=False) + "\n"
            )


class JsonWriter(Writer):
    """A JSON array written element by element, so memory stays flat."""

    def __init__(
        self,
        out: IO[str],
        base_currency: str,
        version: str,
        *,
        opening: bool = True,
        closing: bool = True,
    ) -> None:
        super().__init__(out, base_currency, version)
        # A part of a longer array (parallel evaluation) may lack its opening or closing bracket.
        self._sep = "\n" if opening else ",\n"
        self._closing = closing
        if opening:
            out.write("[")

    def write(self, item: EvaluatedRow | RejectedRow) -> None:
        if item.__class__ is EvaluatedRow:
            text = _json_row(item, self.base, self.version, "jsonl")
        else:
            text = json.dumps(record(item, self.base, self.version), ensure_ascii=False)
        self.out.write(self._sep + text)
        self._sep = ",\n"

    def close(self) -> None:
        if self._closing:
            self.out.write("\n]\n")
        super().close()


_NEEDS_QUOTE = re.compile(r'[",\r\n]').search


def _csv_cell(text: str) -> str:
    if _NEEDS_QUOTE(text) is None:
        return text
    return '"' + text.replace('"', '""') + '"'


def _csv_line(values: tuple) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="").writerow(values)
    return buf.getvalue()


class CsvWriter(Writer):
    """CSV with the shared columns pre-rendered per decision and lines written in blocks."""

    _BLOCK = 2000

    def __init__(
        self, out: IO[str], base_currency: str, version: str, *, header: bool = True
    ) -> None:
        super().__init__(out, base_currency, version)
        self._w = csv.writer(out, lineterminator="\n")
        if header:
            self._w.writerow(COLUMNS)
        self._lines: list[str] = []
        self._cells: dict[str, str] = {}

    def _parts(self, sh: Shared) -> tuple[str, str, str]:
        """The shared columns as text: up to unit_value, between it and the row's evidence, after."""
        f, d = sh.facts, sh.decision
        o = d.outcome
        head = _csv_line((f.vertical, f.value_band))
        tail = _csv_line(
            (
                self.base,
                "yes" if f.regulations else "no",
                ";".join(f.regulations),
                o["method"],
                ";".join(o.get("capture", ())),
                d.rule,
                d.reason,
                ";".join(m.rule for m in d.matched),
                "yes" if d.fallback else "no",
                "yes" if o.get("return_qc") else "no",
            )
        )
        end = _csv_line((f.confidence, self.version))
        parts = sh.render["csv"] = (f",{head},", f",{tail},", f",{end},")
        return parts

    def write(self, item: EvaluatedRow | RejectedRow) -> None:
        lines = self._lines
        lines.append(self.line(item))
        if len(lines) >= self._BLOCK:
            self.out.write("".join(lines))
            lines.clear()

    def line(self, item: EvaluatedRow | RejectedRow) -> str:
        """The item's line, newline included (what `write` writes; the fast lane's host too)."""
        if item.__class__ is not EvaluatedRow:
            return (
                _csv_line((item.row, "rejected", item.sku, *[""] * (len(COLUMNS) - 4), item.reason))
                + "\n"
            )
        else:
            sh = item.shared
            parts = sh.render.get("csv") or self._parts(sh)
            r = item.record
            v = item.unit_value
            sku, title = r.sku, r.title
            if _NEEDS_QUOTE(sku + title) is not None:  # one search for the common clean row
                if _NEEDS_QUOTE(sku) is not None:
                    sku = _csv_cell(sku)
                if _NEEDS_QUOTE(title) is not None:
                    title = _csv_cell(title)
            source = item.source or sh.facts.vertical_source  # this row's own evidence
            # rows sharing an explanation share its string (see Evaluator.run): quoted once
            cell = self._cells.get(source)
            if cell is None:
                cell = _csv_cell(source)
                if len(self._cells) < 20_000:
                    self._cells[source] = cell
            if r.price is not None and not r.price_from:
                price = "ok,,\n"
            else:
                price = f"missing,{';'.join(price_status(r)[1])},\n"
            return (
                f"{r.row},decided,{sku},{r.gtin},{title}{parts[0]}"
                f"{'' if v is None else f'{v:.2f}'}{parts[1]}{cell}{parts[2]}{price}"
            )

    def close(self) -> None:
        self.out.write("".join(self._lines))
        self._lines.clear()
        super().close()


class ErrorsWriter:
    """Rejected rows only, as CSV: what to fix and where."""

    def __init__(self, out: IO[str], *, header: bool = True) -> None:
        self.out = out
        self._w = csv.writer(out, lineterminator="\n")
        if header:
            self._w.writerow(("row", "sku", "reason"))

    def write(self, item: RejectedRow) -> None:
        self._w.writerow((item.row, item.sku, item.reason))

    def close(self) -> None:
        self.out.close()


WRITERS = {"csv": CsvWriter, "json": JsonWriter, "jsonl": JsonLinesWriter}

__all__ = [
    "COLUMNS",
    "WRITERS",
    "CsvWriter",
    "ErrorsWriter",
    "JsonLinesWriter",
    "JsonWriter",
    "price_status",
    "record",
]
