"""Writing recall reports to CSV or JSON, for the people who will phone customers and pull stock.

A report is always a new file: it is created exclusively, so no existing file (the store's files
least of all) is ever overwritten, even if one appears between the check and the write.
"""

from __future__ import annotations

import csv
import io
import json
import os
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
        writer.writerow({k: ("" if v is None else v) for k, v in row._asdict().items()})
    return out.getvalue()


def recall_json(report: RecallReport) -> str:
    """The lots, every row, and the orders to contact."""
    return json.dumps(
        {
            "lots": [{"sku": s, "lot": lot} for s, lot in report.lots],
            "orders_to_contact": list(report.orders_to_contact),
            "rows": [r._asdict() for r in report.rows],
        },
        indent=2,
    )


def write_recall_report(report: RecallReport, path: str | Path) -> Path:
    """Write the report as a new CSV or JSON file, chosen by the file's extension."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".json"):
        raise InputError(f"recall report {path}: the file name must end in .csv or .json")
    data = (recall_csv(report) if suffix == ".csv" else recall_json(report)).encode()
    again = "run the same recall again with a new --report file: it records nothing new"
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    except FileExistsError:
        raise InputError(
            f"recall report {path} already exists; it was not overwritten (the recall is recorded)",
            hint=again,
        ) from None
    except OSError as err:
        raise InputError(
            f"cannot write the recall report {path}: {err.strerror} (the recall is recorded)",
            hint=again,
        ) from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
    except OSError as err:
        raise InputError(
            f"cannot write the recall report {path}: {err.strerror} (the recall is recorded)",
            hint=again,
        ) from None
    return path
