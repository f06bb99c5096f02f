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


class ReservedReport:
    """A recall report's file, created (empty, exclusively) before the recall is recorded.

    Reserving first makes "the recall is recorded but its report cannot be written" impossible
    for every reason the file system can give (a missing or read-only folder, a name too long, a
    file that appeared meanwhile): the recall runs only once its report file exists.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.suffix = self.path.suffix.lower()
        if self.suffix not in (".csv", ".json"):
            raise InputError(f"recall report {self.path}: the file name must end in .csv or .json")
        try:
            self._fd: int | None = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        except FileExistsError:
            raise InputError(
                f"recall report {self.path} already exists; it is never overwritten",
                hint="give a new file name (the recall was not recorded)",
            ) from None
        except OSError as err:
            raise InputError(
                f"cannot write the recall report {self.path}: {err.strerror} "
                "(the recall was not recorded)"
            ) from None

    def write(self, report: RecallReport) -> Path:
        """Write the report into the reserved file (CSV or JSON by its extension)."""
        data = (recall_csv(report) if self.suffix == ".csv" else recall_json(report)).encode()
        fd, self._fd = self._fd, None
        assert fd is not None, "a reserved report is written once"
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
        except OSError as err:
            raise InputError(
                f"cannot write the recall report {self.path}: {err.strerror} "
                "(the recall is recorded)",
                hint="run the same recall again with a new --report file: it records nothing new",
            ) from None
        return self.path

    def discard(self) -> None:
        """Remove the reserved file: the recall it was for was not recorded."""
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
            self.path.unlink(missing_ok=True)


def write_recall_report(report: RecallReport, path: str | Path) -> Path:
    """Write the report as a new CSV or JSON file, chosen by the file's extension."""
    return ReservedReport(path).write(report)
