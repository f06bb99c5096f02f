"""Writing recall reports to CSV or JSON, for the people who will phone customers and pull stock."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import asdict
from pathlib import Path

from .errors import InputError
from .model import RecallReport

COLUMNS = (
    "sku",
    "lot",
    "id",
    "qty",
    "status_before",
    "status_after",
    "location",
    "order",
    "action",
)


def recall_csv(report: RecallReport) -> str:
    """One row per unit or lot quantity, in a fixed column order."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in report.rows:
        writer.writerow({k: ("" if v is None else v) for k, v in asdict(row).items()})
    return out.getvalue()


def recall_json(report: RecallReport) -> str:
    """The lots, every row, and the orders to contact."""
    return json.dumps(
        {
            "lots": [{"sku": s, "lot": lot} for s, lot in report.lots],
            "orders_to_contact": list(report.orders_to_contact),
            "rows": [asdict(r) for r in report.rows],
        },
        indent=2,
    )


def write_recall_report(report: RecallReport, path: str | Path) -> Path:
    """Write the report as CSV or JSON, chosen by the file's extension."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".json"):
        raise InputError(f"recall report {path}: the file name must end in .csv or .json")
    text = recall_csv(report) if suffix == ".csv" else recall_json(report)
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as err:
        raise InputError(f"cannot write the recall report {path}: {err.strerror}") from None
    return path
