"""Loading `columns.yaml` into the catalog readers' `ColumnTable`, and the checks that need both lines.

The shape is checked like every rules file (`advisor.rulebook.files.columns`); here are the
checks a shape cannot express: a header name listed under two fields (or two roles of one
platform) is one problem naming both places — the readers would otherwise take the first
silently — and a name with no letter or digit, which could never match a header.
`bundled_columns` reads a folder's file on its own, for the callers that open a catalog
without a rulebook at hand (onboarding's check of a file, tests).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from advisor.catalog.columns import FIELDS, ColumnTable, PlatformColumns, normalise
from advisor.errors import Problem, RulebookError

__all__ = ["bundled_columns", "column_table"]


def _line(items: Any, i: int, default: int) -> int:
    return items.line_of(i) if hasattr(items, "line_of") else default


def _norm(name: str) -> str:
    """A platform name's comparable form, keeping the ``{n}`` of numbered columns."""
    return "{n}".join(normalise(part) for part in name.split("{n}"))


def _names(
    items: Any, where: str, file: str, seen: dict[str, tuple[str, str, int]], problems: list
) -> tuple[str, ...]:
    """The names of one list, each checked against every list read before it (`seen`)."""
    out = []
    for i, name in enumerate(items):
        line = _line(items, i, 1)
        key = _norm(str(name))
        if not key.replace("{n}", ""):
            problems.append(
                Problem(
                    file, line, f"{where}: {name!r} has no letter or digit; it can match no header"
                )
            )
            continue
        first = seen.get(key)
        if first is None:
            seen[key] = (where, str(name), line)
        elif first[0] != where:
            problems.append(
                Problem(
                    file,
                    line,
                    f"{where}: header name {name!r} is also listed under {first[0]} as "
                    f"{first[1]!r} ({file}:{first[2]}); a header can feed only one of them — keep it "
                    "under the one it means and remove it here",
                )
            )
        out.append(str(name))
    return tuple(out)


def column_table(doc: Any, file: str, problems: list[Problem]) -> ColumnTable | None:
    """The table of a `columns.yaml` whose shape is valid; problems are appended to `problems`."""
    found: list[Problem] = []
    seen: dict[str, tuple[str, str, int]] = {}
    fields = doc["fields"]
    aliases: dict[str, tuple[str, ...]] = {
        f: _names(fields[f], f"fields.{f}", file, seen, found) for f in FIELDS if f in fields
    }
    ids = _names(doc.get("ids") or (), "ids", file, seen, found)
    id_rank = len(aliases.get("sku", ()))
    aliases["sku"] = (*aliases.get("sku", ()), *ids)
    # a product key is also a SKU or ID column (a product without variants: its own SKU)
    keys = _names(doc.get("product_keys") or (), "product_keys", file, {}, found)
    platforms: dict[str, PlatformColumns] = {}
    for kind, block in doc["platforms"].items():
        cols = block["columns"]
        own: dict[str, tuple[str, str, int]] = {}
        written = {
            role: _names(names, f"platforms.{kind}.columns.{role}", file, own, found)
            for role, names in cols.items()
        }
        columns = {role: tuple(_norm(n) for n in names) for role, names in written.items()}
        labels = {role: names[0] for role, names in written.items() if names}
        marks = block["mark"]
        told: set[str] = set()
        for i, mark in enumerate(marks):
            for role in (r for r in mark if r not in columns and r not in told):
                told.add(role)
                found.append(
                    Problem(
                        file,
                        _line(marks, i, getattr(block, "line", 1)),
                        f"platforms.{kind}.mark: role {role!r} has no names under "
                        f"platforms.{kind}.columns, so this mark can never be found",
                    )
                )
        platforms[kind] = PlatformColumns(columns, tuple(frozenset(m) for m in marks), labels)
    id_words = _words(doc.get("id_words") or (), file, found)
    problems.extend(found)
    if found:
        return None
    return ColumnTable(
        aliases,
        id_rank,
        platforms,
        qualifiers=_qualifiers(doc),
        product_keys=tuple(normalise(k) for k in keys),
        id_words=frozenset(id_words),
    )


def _words(words: Any, file: str, problems: list[Problem]) -> list[str]:
    """`id_words`, normalised; a word of several words could never match one word of a header."""
    from advisor.catalog.columns import header_words

    out = []
    for i, word in enumerate(words):
        parts = header_words(str(word))
        if len(parts) != 1:
            problems.append(
                Problem(
                    file,
                    _line(words, i, getattr(words, "line", 1)),
                    f"id_words: {word!r} is not one word; list each word alone (a header matches "
                    "when any one of its words is listed)",
                )
            )
            continue
        out.append(parts[0])
    return out


def _qualifiers(doc: Any) -> tuple[tuple[str, float], ...]:
    """The tax endings, normalised, longest first: `incl btw` is tried before `btw`."""
    spec = doc.get("tax_qualifiers") or {}
    out: dict[str, float] = {}
    for kind, extra in (("inclusive", 0.0), ("exclusive", 0.5)):
        for q in spec.get(kind) or ():
            out.setdefault(normalise(str(q)), extra)
    return tuple(sorted(((q, x) for q, x in out.items() if q), key=lambda e: -len(e[0])))


def bundled_columns(root: str | Path | None = None) -> ColumnTable:
    """The column table of the rules folder `root` (default: the bundled rules), checked alone.

    Raises `RulebookError` when the file is missing or wrong, as `load_rulebook` would.
    """
    from advisor.rulebook.files.columns import COLUMNS_SHAPE
    from advisor.rulebook.locate import resolve_rules_dir
    from advisor.rulebook.shapes import Checker
    from advisor.rulebook.yamlsrc import load_located

    path = resolve_rules_dir(root) / "columns.yaml"
    doc, problems = load_located(path, str(path))
    if doc is None and not problems:
        problems = [Problem(str(path), 1, "the file is empty")]
    if not problems:
        checker = Checker(str(path), {})
        if checker.check(doc, COLUMNS_SHAPE, getattr(doc, "line", 1)):
            table = column_table(doc, str(path), problems)
            if table is not None and not problems:
                return table
        problems.extend(checker.problems)
    raise RulebookError(problems)
