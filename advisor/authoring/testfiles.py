"""Rule-test files (`rules/tests/*.yaml`): their shape, their JSON Schema, and loading them.

A file holds policy cases, tables of cases, return-verdict cases and tables of those (see
`advisor.authoring.ruletests`). Loading checks everything that can be checked without running
anything — the shape, rule ids in `rule:` / `not_rule:` / `matched:`, prices, profiles — and
reports each problem at its own line and column, so a broken file is a broken file (exit 2),
never a failing case.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from advisor.advice.profile import PROFILE_SHAPE, profile_from_mapping
from advisor.authoring.sku_fields import SKU_FIELDS
from advisor.authoring.testschema import (
    CASE_SHAPE,
    GENUINE_RETURN,
    POLICY_EXPECT_SHAPE,
    RETURN_CASE_SHAPE,
    RETURN_EXPECT_SHAPE,
    TEST_FILE_SCHEMA,
    tests_json_schema,
)
from advisor.errors import Problem, ProfileError, TrackrightError
from advisor.rulebook.load import (
    RETURN_FACTS,
    Rulebook,
)
from advisor.rulebook.shapes import (
    Checker,
)
from advisor.rulebook.suggest import did_you_mean
from advisor.rulebook.yamlsrc import LocDict, load_located, trap_hint


@dataclass(frozen=True, slots=True)
class Case:
    """One expectation: a SKU (policy) or a return's facts (returns), and what must come out."""

    file: str
    line: int
    name: str
    kind: str  # policy | returns
    expect: Mapping[str, Any]
    sku: Mapping[str, Any] = field(default_factory=dict)
    profile: Mapping[str, Any] = field(default_factory=dict)
    as_of: str = ""
    facts: Mapping[str, Any] = field(default_factory=dict)

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}"


class RuleTestError(TrackrightError, ValueError):
    """A test file that cannot be run; `problems` lists every problem with file:line."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems, key=lambda p: (p.file, p.line))
        n = len(self.problems)
        super().__init__(
            "\n".join(str(p) for p in self.problems)
            + f"\n{n} problem{'s' if n != 1 else ''} in the rule tests"
        )


@dataclass(frozen=True, slots=True)
class RuleTestFile:
    path: str
    cases: tuple[Case, ...]


_POLICY_EXPECT_KEYS = tuple(POLICY_EXPECT_SHAPE.fields)
_RETURN_EXPECT_KEYS = tuple(RETURN_EXPECT_SHAPE.fields)


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def find_test_files(paths: Iterable[str | Path]) -> list[Path]:
    """Test files named directly, and every *.yaml / *.yml in the folders named."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out.extend(sorted(q for q in p.iterdir() if q.suffix in (".yaml", ".yml")))
        else:
            out.append(p)
    return out


def load_test_file(path: str | Path, book: Rulebook) -> tuple[RuleTestFile, list[Problem]]:
    """Parse and check one test file; problems carry file:line and never raise."""
    p = Path(path)
    name = _display(p)
    data, problems = load_located(p, name)
    if problems:
        return RuleTestFile(name, ()), problems
    if data is None:
        return RuleTestFile(name, ()), [Problem(name, 1, "the file is empty")]
    cls = book.classification
    checker = Checker(name, {"verticals": tuple(cls.verticals), "value_bands": cls.value_bands})
    if not checker.check(data, TEST_FILE_SCHEMA, getattr(data, "line", 1)):
        return RuleTestFile(name, ()), checker.problems
    if not any(k in data for k in ("cases", "tables", "returns", "return_tables")):
        return RuleTestFile(name, ()), [
            Problem(
                name, 1, "no tests here: add `cases:`, `tables:`, `returns:` or `return_tables:`"
            )
        ]
    cases: list[Case] = []
    problems = []
    base_profile = dict(data.get("profile") or {})
    base_as_of = str(data.get("as_of") or "")
    known_rules = {r.id for r in book.policy.rules} | {r.id for r in book.returns.rules}
    known_rules.add("fallback")
    for i, c in enumerate(data.get("cases") or ()):
        line = data["cases"].line_of(i)
        cases.append(
            Case(
                name,
                line,
                c["name"],
                "policy",
                c["expect"],
                c["sku"],
                {**base_profile, **dict(c.get("profile") or {})},
                str(c.get("as_of") or base_as_of),
            )
        )
    for ti, table in enumerate(data.get("tables") or ()):
        cases.extend(
            _table_cases(name, table, data["tables"].line_of(ti), base_profile, base_as_of, checker)
        )
    for i, c in enumerate(data.get("returns") or ()):
        line = data["returns"].line_of(i)
        cases.append(Case(name, line, c["name"], "returns", c["expect"], facts=dict(c["facts"])))
    for ti, table in enumerate(data.get("return_tables") or ()):
        cases.extend(_return_table_cases(name, table, data["return_tables"].line_of(ti), checker))
    problems.extend(checker.problems)
    for case in cases:
        problems.extend(_check_case(case, known_rules))
    return RuleTestFile(name, tuple(cases)), problems


def _show(v: Any) -> str:
    if isinstance(v, list | tuple | set | frozenset):
        return "[" + ", ".join(str(x) for x in v) + "]"
    if v is None:
        return "null"
    if isinstance(v, bool):
        return str(v).lower()
    return str(v)


def _row_name(table_name: str, i: int, row: Sequence[Any], columns: Sequence[str]) -> str:
    parts = [f"{c}={_show(v)}" for c, v in zip(columns, row, strict=False) if c != "name"]
    return f"{table_name} [{i + 1}] " + ", ".join(parts[:3])


def _table_cases(
    file: str, table, line: int, base_profile, base_as_of, checker: Checker
) -> list[Case]:
    columns = list(table["columns"])
    bad = [
        c
        for c in columns
        if c not in SKU_FIELDS
        and c not in _POLICY_EXPECT_KEYS
        and c != "name"
        and not (c.startswith("profile.") and c[8:] in PROFILE_SHAPE.fields)
    ]
    if bad:
        checker.add(
            table.line_of("columns"),
            "columns",
            f"unknown column(s) {', '.join(bad)}; a column is a SKU field ({', '.join(SKU_FIELDS)}), "
            f"an expectation ({', '.join(_POLICY_EXPECT_KEYS)}), `name` or `profile.FIELD`",
        )
        return []
    if not any(c in _POLICY_EXPECT_KEYS for c in columns):
        checker.add(table.line_of("columns"), "columns", "no expectation column (method, rule, …)")
        return []
    profile = {**base_profile, **dict(table.get("profile") or {})}
    out: list[Case] = []
    for i, rline, row, values in _table_rows(table, columns, checker):
        case_doc = {
            "name": str(values.pop("name", "")) or _row_name(table["name"], i, row, columns),
            "sku": _cells(row, columns, lambda k: k in SKU_FIELDS, values),
            "profile": {
                **profile,
                **{k[8:]: v for k, v in values.items() if k.startswith("profile.")},
            },
            "expect": _cells(row, columns, lambda k: k in _POLICY_EXPECT_KEYS, values),
        }
        if checker.check(case_doc, CASE_SHAPE, rline, f"rows[{i}]"):
            out.append(
                Case(
                    file,
                    rline,
                    case_doc["name"],
                    "policy",
                    case_doc["expect"],
                    case_doc["sku"],
                    case_doc["profile"],
                    str(table.get("as_of") or base_as_of),
                )
            )
    return out


def _cells(row, columns, keep, values) -> LocDict:
    """The cells of a table row whose column passes `keep`, located at their own cell."""
    out = LocDict()
    out.line, out.col = row.line, row.col
    out.key_lines, out.key_cols, out.value_pos, out.raw = {}, {}, {}, {}
    for i, c in enumerate(columns):
        if not keep(c) or c not in values or values[c] is None:
            continue
        out[c] = values[c]
        out.key_lines[c], out.key_cols[c] = row.line_of(i), row.col_of(i)
        out.value_pos[c] = (row.line_of(i), row.col_of(i))
        if row.raw_of(i) is not None:
            out.raw[c] = row.raw_of(i)
    return out


def _table_rows(table, columns: list[str], checker: Checker):
    """Each row of a table of cases as (index, line, row, column → value); short rows reported."""
    rows = table["rows"]
    for i, row in enumerate(rows):
        rline = rows.line_of(i)
        if len(row) != len(columns):
            checker.add(
                rline,
                f"rows[{i}]",
                f"has {len(row)} value(s) but there are {len(columns)} columns ({', '.join(columns)})",
            )
            continue
        yield i, rline, row, dict(zip(columns, row, strict=True))


def _return_table_cases(file: str, table, line: int, checker: Checker) -> list[Case]:
    columns = list(table["columns"])
    bad = [
        c for c in columns if c not in RETURN_FACTS and c not in _RETURN_EXPECT_KEYS and c != "name"
    ]
    if bad:
        checker.add(
            table.line_of("columns"),
            "columns",
            f"unknown column(s) {', '.join(bad)}; a column is a return fact ({', '.join(RETURN_FACTS)}), "
            f"an expectation ({', '.join(_RETURN_EXPECT_KEYS)}) or `name`",
        )
        return []
    out: list[Case] = []
    for i, rline, row, values in _table_rows(table, columns, checker):
        doc = {
            "name": str(values.pop("name", "")) or _row_name(table["name"], i, row, columns),
            "facts": {k: v for k, v in values.items() if k in RETURN_FACTS},
            "expect": {k: v for k, v in values.items() if k in _RETURN_EXPECT_KEYS},
        }
        if checker.check(doc, RETURN_CASE_SHAPE, rline, f"rows[{i}]"):
            out.append(Case(file, rline, doc["name"], "returns", doc["expect"], facts=doc["facts"]))
    return out


def _ids(v: Any) -> tuple[str, ...]:
    return (v,) if isinstance(v, str) else tuple(v or ())


def _where(m: Any, key: Any) -> tuple[int, int]:
    """Line and column of one key's value (or list item) of a located mapping, else (0, 0)."""
    if hasattr(m, "value_at"):
        return m.value_at(key)
    if hasattr(m, "line_of"):
        return m.line_of(key), m.col_of(key) if hasattr(m, "col_of") else 0
    return 0, 0


def _check_case(case: Case, known: set[str]) -> list[Problem]:
    problems = []
    if not case.expect:
        problems.append(Problem(case.file, case.line, f"case '{case.name}': `expect` is empty"))
    for key in ("rule", "not_rule", "matched", "not_matched"):
        want = case.expect.get(key)
        items = [want] if isinstance(want, str) else list(want or ())
        for i, rid in enumerate(items):
            if rid in known:
                continue
            line, col = _where(case.expect, key)
            if isinstance(want, list) and hasattr(want, "line_of"):
                line, col = want.line_of(i), want.col_of(i)
            problems.append(
                Problem(
                    case.file,
                    line or case.line,
                    f"case '{case.name}': expect.{key}: no rule '{rid}' in the rulebook"
                    f"{did_you_mean(rid, sorted(known))}",
                    column=col,
                )
            )
    price = case.sku.get("price") if case.kind == "policy" else None
    if isinstance(price, str):
        from advisor.catalog.prices import PriceError, parse_price

        try:
            parse_price(price)
        except PriceError as exc:
            line, col = _where(case.sku, "price")
            hint = trap_hint(price, None)
            problems.append(
                Problem(
                    case.file,
                    line or case.line,
                    f"case '{case.name}': sku.price: {exc}" + (f"; {hint}" if hint else ""),
                    column=col,
                )
            )
    if case.kind == "policy":
        try:
            profile_from_mapping(dict(case.profile), f"case '{case.name}': profile")
        except ProfileError as exc:
            problems.append(Problem(case.file, case.line, str(exc)))
    return problems


def load_tests(paths: Iterable[str | Path], book: Rulebook) -> list[RuleTestFile]:
    """Every test file under `paths`; RuleTestError listing every problem in any of them."""
    files: list[RuleTestFile] = []
    problems: list[Problem] = []
    found = find_test_files(paths)
    if not found:
        raise RuleTestError(
            [Problem(str(next(iter(map(str, paths)), ".")), 1, "no test files (*.yaml) here")]
        )
    for path in found:
        if not path.is_file():
            problems.append(Problem(str(path), 1, "no such test file"))
            continue
        tf, found_problems = load_test_file(path, book)
        files.append(tf)
        problems.extend(found_problems)
    if problems:
        raise RuleTestError(problems)
    return files


__all__ = [
    "GENUINE_RETURN",
    "TEST_FILE_SCHEMA",
    "Case",
    "RuleTestError",
    "RuleTestFile",
    "find_test_files",
    "load_test_file",
    "load_tests",
    "tests_json_schema",
]
