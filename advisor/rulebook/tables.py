"""Decision tables in `policy.yaml`: columns are facts, each row a rule, the hit policy stated.

A table is an entry of `rules:` with `table:` instead of `id:`::

    - table: vertical-defaults
      hit_policy: unique          # unique | any | first
      priority: 100
      columns: [id,          vertical, value_band,  method, capture, reason]
      rows:
        - [phones,           phones,   -,           serial, -,       "Every handset needs its IMEI"]
        - [eyewear-low,      eyewear,  [low, mid],  batch,  [lot],   "Cheap frames: a lot is enough"]

`id` and `reason` (and optionally `description`) are columns like any other; a fact column's
cell is what a `when:` would say of that fact (a value, a list of values, `{gte: 5000}`), and
`-` (or an empty `~`) means "any"; an outcome column's cell is what `then:` would say. Each row
compiles to exactly the `Rule` the long form would give, at the table's priority, so every
check, test, lint, diff, explanation, floor and the profile cache treat both forms alike.

Hit policies, as in DMN: `unique` — no two rows may match one SKU; `any` — rows may overlap
only where they decide the same; `first` — the first matching row (top to bottom) wins. Errors
point at the cell: `file:line:column`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from advisor.errors import Problem
from advisor.rulebook.analysis import may_overlap
from advisor.rulebook.conditions import ConditionParser, FactSpec
from advisor.rulebook.files.ids import ID
from advisor.rulebook.model import Rule
from advisor.rulebook.shapes import Checker, Obj, Str
from advisor.rulebook.suggest import did_you_mean
from advisor.rulebook.yamlsrc import LocDict

ANY_CELL = ("-", "", None)
TEXT_COLUMNS = ("id", "reason", "description")


def _located_dict(items: list[tuple[str, Any, int, int, str | None]], line: int) -> LocDict:
    """A LocDict whose keys sit at given cells, so checks on it report the cell's position."""
    out = LocDict()
    out.line, out.col = line, 0
    out.key_lines, out.key_cols, out.value_pos, out.raw = {}, {}, {}, {}
    for key, value, kline, kcol, raw in items:
        out[key] = value
        out.key_lines[key] = kline
        out.key_cols[key] = kcol
        out.value_pos[key] = (kline, kcol)
        if raw is not None:
            out.raw[key] = raw
    return out


def compile_table(
    table: Mapping[str, Any],
    file: str,
    facts: Mapping[str, FactSpec],
    then_spec: Obj,
    checker: Checker,
    problems: list[Problem],
) -> list[Rule] | None:
    """The rows of one checked table entry as Rules; None (with problems added) if any is wrong."""
    tid = str(table["table"])
    columns = table["columns"]
    rows = table["rows"]
    priority = int(table["priority"])
    outcome_keys = tuple(then_spec.fields)
    known = (*TEXT_COLUMNS, *facts, *outcome_keys)
    if len(set(map(str, columns))) != len(columns):
        return None  # a column named twice: the file check reported it
    ok = True
    for i, name in enumerate(columns):
        if name not in known:
            problems.append(
                Problem(
                    file,
                    columns.line_of(i),
                    f"table {tid}: unknown column '{name}'{did_you_mean(name, known)}; a column is "
                    f"id, reason, description, a fact ({', '.join(facts)}) or an outcome "
                    f"({', '.join(outcome_keys)})",
                    tid,
                    columns.col_of(i),
                )
            )
            ok = False
    for need in ("id", "reason", *[k for k, f in then_spec.fields.items() if f.required]):
        if need not in columns:
            problems.append(
                Problem(
                    file,
                    table.line_of("columns"),
                    f"table {tid}: no '{need}' column; every row needs an {need}",
                    tid,
                    table.col_of("columns"),
                )
            )
            ok = False
    if not any(c in facts for c in columns):
        problems.append(
            Problem(
                file,
                table.line_of("columns"),
                f"table {tid}: no condition column; name at least one fact ({', '.join(list(facts)[:6])}, …)",
                tid,
            )
        )
        ok = False
    if not ok:
        return None
    parser = ConditionParser(facts, file, "")
    out: list[Rule] = []
    for r, row in enumerate(rows):
        rline, rcol = rows.line_of(r), rows.col_of(r)
        if not isinstance(row, list):
            problems.append(
                Problem(file, rline, f"table {tid}: row {r + 1} must be a list of cells", tid, rcol)
            )
            ok = False
            continue
        if len(row) != len(columns):
            problems.append(
                Problem(
                    file,
                    rline,
                    f"table {tid}: row {r + 1} has {len(row)} cells but there are {len(columns)} "
                    f"columns ({', '.join(columns)}); text with a comma must be in quotes",
                    tid,
                    rcol,
                )
            )
            ok = False
            continue
        rule = _row(tid, r, row, columns, file, facts, then_spec, parser, checker, problems)
        if rule is None:
            ok = False
            continue
        out.append(
            Rule(
                rule["id"],
                file,
                rline,
                priority,
                "business",
                rule["condition"],
                rule["outcome"],
                rule["reason"],
                rule["description"],
                tid,
                rcol,
            )
        )
    if not ok:
        return None
    problems.extend(_hit_policy(tid, str(table["hit_policy"]), out, facts))
    return out


def _row(tid, r, row, columns, file, facts, then_spec, parser, checker, problems):
    cells = {
        c: (row[i], row.line_of(i), row.col_of(i), row.raw_of(i)) for i, c in enumerate(columns)
    }
    where = f"table {tid} row {r + 1}: "
    rid_cell = cells["id"]
    rid = rid_cell[0] if isinstance(rid_cell[0], str) else f"{tid}#{r + 1}"
    n_before = len(problems)
    for col in TEXT_COLUMNS:
        if col not in cells:
            continue
        value, line, colno, raw = cells[col]
        if col == "description" and value in ANY_CELL:
            continue
        if isinstance(value, Mapping):
            problems.append(
                Problem(
                    file,
                    line,
                    f"{where}{col}: a ':' followed by a space made YAML read this text as a key; "
                    "put the text in quotes",
                    rid,
                    colno,
                )
            )
            continue
        shape = ID if col == "id" else Str()
        sub = Checker(file, checker.enums)
        sub.check(value, shape, line, f"{where}{col}", rid, raw, colno)
        problems.extend(sub.problems)
    when = _located_dict(
        [
            (c, v, line, col, raw)
            for c, (v, line, col, raw) in cells.items()
            if c in facts and v not in ANY_CELL
        ],
        row.line,
    )
    cond = None
    if not when:
        problems.append(
            Problem(
                file,
                row.line,
                f"{where}every condition cell is '-': the row would match every SKU "
                "(a rule that matches everything belongs in `fallback:`)",
                rid,
                row.col,
            )
        )
    else:
        parser.prefix = where
        cond = parser.parse(when, row.line, rid, problems)
    then = _located_dict(
        [
            (c, v, line, col, raw)
            for c, (v, line, col, raw) in cells.items()
            if c in then_spec.fields and v not in ANY_CELL
        ],
        row.line,
    )
    sub = Checker(file, checker.enums)
    sub.check(then, then_spec, row.line, f"{where}then", rid)
    problems.extend(sub.problems)
    if len(problems) > n_before or cond is None:
        return None
    outcome = dict(then)
    if "capture" in outcome:
        outcome["capture"] = tuple(outcome["capture"] or ())
    desc = cells.get("description", ("",))[0]
    return {
        "id": rid,
        "condition": cond,
        "outcome": tuple(sorted(outcome.items())),
        "reason": cells["reason"][0],
        "description": "" if desc in ANY_CELL else str(desc),
    }


def _hit_policy(tid: str, policy: str, rows: list[Rule], facts) -> list[Problem]:
    """Rows that break the table's hit policy (`first` resolves every overlap by order)."""
    out: list[Problem] = []
    if policy == "first":
        return out
    for i, a in enumerate(rows):
        for b in rows[i + 1 :]:
            if policy == "any" and a.outcome == b.outcome:
                continue
            if not may_overlap(a.condition, b.condition, facts):
                continue
            if policy == "unique":
                why = "hit policy unique allows at most one matching row per SKU"
            else:
                why = "hit policy any allows overlapping rows only when they decide the same"
            out.append(
                Problem(
                    b.file,
                    b.line,
                    f"table {tid}: rows {a.id} (line {a.line}) and {b.id} can both match one SKU; "
                    f"{why}: make their conditions exclusive, or state `hit_policy: first` "
                    "(the first matching row wins)",
                    b.id,
                    b.column,
                )
            )
    return out


__all__ = ["ANY_CELL", "compile_table"]
