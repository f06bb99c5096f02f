"""Writing decisions out: CSV, JSON, JSON Lines for machines; a rich table for people.

Every writer takes decided and rejected rows in input order, so the output has one record per
input row (`status` says which), and a rejected row keeps its row number and reason.
"""

from __future__ import annotations

import csv
import json
from typing import IO, Any

from advisor.evaluate import EvaluatedRow
from advisor.records import RejectedRow

COLUMNS = (
    "row",
    "status",
    "sku",
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
    "rulebook_version",
    "error",
)


def record(item: EvaluatedRow | RejectedRow, base_currency: str, version: str) -> dict[str, Any]:
    """The JSON-able record of one input row."""
    if isinstance(item, RejectedRow):
        return {"row": item.row, "status": "rejected", "sku": item.sku, "error": item.reason}
    f, d, r = item.facts, item.decision, item.record
    return {
        "row": r.row,
        "status": "decided",
        "sku": r.sku,
        "title": r.title,
        "vertical": f.vertical,
        "value_band": f.value_band,
        "unit_value": None if f.unit_value is None else round(f.unit_value, 2),
        "currency": base_currency,
        "regulated": f.regulated,
        "regulations": list(f.regulations),
        "method": d.outcome["method"],
        "capture": list(d.outcome.get("capture", ())),
        "rule": d.rule,
        "reason": d.reason,
        "matched": [m.rule for m in d.matched],
        "fallback": d.fallback,
        "return_qc": bool(d.outcome.get("return_qc", False)),
        "vertical_source": f.vertical_source,
        "rulebook_version": version,
    }


class Writer:
    def __init__(self, out: IO[str], base_currency: str, version: str) -> None:
        self.out = out
        self.base = base_currency
        self.version = version

    def write(self, item: EvaluatedRow | RejectedRow) -> None:
        raise NotImplementedError

    def close(self) -> None:
        self.out.flush()


class JsonLinesWriter(Writer):
    def write(self, item: EvaluatedRow | RejectedRow) -> None:
        self.out.write(json.dumps(record(item, self.base, self.version), ensure_ascii=False) + "\n")


class JsonWriter(Writer):
    """A JSON array written element by element, so memory stays flat."""

    def __init__(self, out: IO[str], base_currency: str, version: str) -> None:
        super().__init__(out, base_currency, version)
        self._first = True
        out.write("[")

    def write(self, item: EvaluatedRow | RejectedRow) -> None:
        self.out.write("\n" if self._first else ",\n")
        self._first = False
        self.out.write(json.dumps(record(item, self.base, self.version), ensure_ascii=False))

    def close(self) -> None:
        self.out.write("\n]\n")
        super().close()


class CsvWriter(Writer):
    def __init__(self, out: IO[str], base_currency: str, version: str) -> None:
        super().__init__(out, base_currency, version)
        self._w = csv.writer(out, lineterminator="\n")
        self._w.writerow(COLUMNS)

    def write(self, item: EvaluatedRow | RejectedRow) -> None:
        if isinstance(item, RejectedRow):
            self._w.writerow((item.row, "rejected", item.sku, *[""] * 16, item.reason))
            return
        f, d, r = item.facts, item.decision, item.record
        o = d.outcome
        self._w.writerow(
            (
                r.row,
                "decided",
                r.sku,
                r.title,
                f.vertical,
                f.value_band,
                "" if f.unit_value is None else f"{f.unit_value:.2f}",
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
                f.vertical_source,
                self.version,
                "",
            )
        )


class ErrorsWriter:
    """Rejected rows only, as CSV: what to fix and where."""

    def __init__(self, out: IO[str]) -> None:
        self.out = out
        self._w = csv.writer(out, lineterminator="\n")
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
    "record",
]
