"""The value shapes several rules files share: ids, and HSN prefixes."""

from __future__ import annotations

from advisor.rulebook.shapes import Str

ID = Str(
    pattern=r"[a-z0-9][a-z0-9_.-]*",
    pattern_hint="is not a valid id: use lower-case letters, digits, '-', '_' or '.'",
)
HSN = Str(
    pattern=r"\d{2}(\d{2}){0,3}", pattern_hint="is not an HSN prefix: 2, 4, 6 or 8 digits, quoted"
)

__all__ = ["HSN", "ID"]
