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
