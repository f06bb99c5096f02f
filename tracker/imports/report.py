"""The import report as a CSV file: every line of the imported file, what became of it and why.

One row per line, in file order, so a warehouse manager can filter the rejected ones, fix
them in the shop's file and import it again (lines applied before stay unchanged).
"""

from __future__ import annotations

import csv
import os

from ..errors import InputError
from .records import ImportReport

COLUMNS = ("line", "order", "item", "qty", "status", "verdict", "flag", "rule", "now", "detail")


def write_report(report: ImportReport, path: str | os.PathLike[str]) -> None:
    """Write every line's result to `path` (UTF-8 CSV); InputError if it cannot be written."""
    try:
        with open(path, "w", encoding="utf-8", newline="") as fh:
            out = csv.writer(fh)
            out.writerow(COLUMNS)
            for r in report.results:
                ret = r.returned
                v = ret.verdict if ret is not None else None
                out.writerow(
                    (
                        r.line,
                        r.order,
                        r.item,
                        r.qty,
                        r.status,
                        v.verdict if v else "",
                        (v.flag or "") if v else "",
                        v.rule if v else "",
                        (ret.status or "") if ret is not None else "",
                        r.detail,
                    )
                )
    except OSError as err:
        raise InputError(f"{path}: {err.strerror or err}") from None


__all__ = ["COLUMNS", "write_report"]
