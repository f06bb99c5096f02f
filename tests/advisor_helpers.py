"""Paths the advisor tests share (a module with its own name, importable whatever pytest's mode)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RULES = ROOT / "rules"
SAMPLES = ROOT / "sample_catalogs"
SHARED = ROOT.parent / "shared"
# A small rulebook of the suite's own (four verticals, a decision table), fixed on purpose so
# tests of the rule author's tools do not move when the bundled rules do.
MINIBOOK = ROOT / "tests" / "data" / "minibook"


def decided_rows(path: Path, currency: str) -> dict[str, dict[str, str]]:
    """`trackright evaluate PATH --currency C --format csv` run as a process: its rows by SKU."""
    import csv
    import io
    import subprocess
    import sys

    out = subprocess.run(
        [sys.executable, "-m", "advisor.cli.entry", "evaluate", str(path), "--currency", currency]
        + ["--format", "csv", "--no-summary"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return {r["sku"]: r for r in csv.DictReader(io.StringIO(out))}
