"""Writing plain rules as a decision table: `trackright rules table`, to convert a block of rules.

`as_table` takes rules of one priority (say the vertical defaults at 100) and prints the
`table:` entry that compiles to the same rules, with columns aligned, the hit policy the rules
already obey (`unique` when no two can match one SKU, else `any`), and the reasons quoted.
Rules with `any:` alternatives cannot be a row and are left out (named in `skipped`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from advisor.rulebook.analysis import may_overlap
from advisor.rulebook.conditions import FactSpec, Test
from advisor.rulebook.model import Rule

OUTCOMES = ("method", "capture", "return_qc")


@dataclass(frozen=True, slots=True)
class Tabulated:
    yaml: str
    rows: tuple[str, ...]  # ids of the rules in the table
    skipped: tuple[str, ...]  # ids that cannot be rows (they use `any:`)


def _scalar(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def _cell(tests: list[Test]) -> str:
    if not tests:
        return "-"
    if len(tests) == 1 and tests[0].op == "eq":
        return _scalar(tests[0].value)
    if len(tests) == 1 and tests[0].op in ("in", "includes"):
        v = tests[0].value
        return "[" + ", ".join(map(_scalar, v)) + "]" if isinstance(v, tuple) else _scalar(v)
    by_op: dict[str, list] = {}  # `excludes: [a, b]` parses to one test per value: one key again
    for t in tests:
        by_op.setdefault(t.op, []).append(t.value)
    ops = []
    for op, values in by_op.items():
        v = values[0] if len(values) == 1 else tuple(values)
        shown = "[" + ", ".join(map(_scalar, v)) + "]" if isinstance(v, tuple) else _scalar(v)
        ops.append(f"{op}: {json.dumps(shown) if op == 'matches' else shown}")
    return "{" + ", ".join(ops) + "}"


def _outcome(key: str, outcome: Mapping) -> str:
    if key not in outcome:
        return "-"
    v = outcome[key]
    if key == "capture":
        return "[" + ", ".join(v) + "]" if v else "-"
    return _scalar(v)


def as_table(rules: Iterable[Rule], name: str, facts: Mapping[str, FactSpec]) -> Tabulated:
    """The `table:` entry (YAML text, indented for `rules:`) for `rules` of one priority."""
    rules = list(rules)
    rows = [r for r in rules if not r.condition.any_of]
    skipped = tuple(r.id for r in rules if r.condition.any_of)
    if not rows:
        return Tabulated("", (), skipped)
    priorities = {r.priority for r in rows}
    if len(priorities) != 1:
        raise ValueError("a table holds rules of one priority; pick one with --priority")
    fact_cols: list[str] = []
    for r in rows:
        for t in r.condition.all_of:
            if t.fact not in fact_cols:
                fact_cols.append(t.fact)
    out_cols = [k for k in OUTCOMES if any(k in dict(r.outcome) for r in rows)]
    header = ["id", *fact_cols, *out_cols, "reason"]
    body = []
    for r in rows:
        by_fact = {f: [t for t in r.condition.all_of if t.fact == f] for f in fact_cols}
        o = dict(r.outcome)
        body.append(
            [r.id, *(_cell(by_fact[f]) for f in fact_cols), *(_outcome(k, o) for k in out_cols)]
            + [json.dumps(r.reason, ensure_ascii=False)]
        )
    overlap = any(
        may_overlap(a.condition, b.condition, facts)
        for i, a in enumerate(rows)
        for b in rows[i + 1 :]
    )
    widths = [max(len(x) for x in col) for col in zip(header, *body, strict=True)]

    def line(cells: list[str], last: str) -> str:
        padded = [c + "," + " " * (w - len(c)) for c, w in zip(cells[:-1], widths, strict=False)]
        return " ".join(padded) + " " + cells[-1] + last

    text = [
        f"  - table: {name}",
        f"    hit_policy: {'any' if overlap else 'unique'}",
        f"    priority: {rows[0].priority}",
        "    columns: [" + line(header, "]"),
        "    rows:",
        *("      -     [" + line(cells, "]") for cells in body),  # lined up under columns
    ]
    return Tabulated("\n".join(text) + "\n", tuple(r.id for r in rows), skipped)


__all__ = ["Tabulated", "as_table"]
