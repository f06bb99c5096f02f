"""Rule conditions: parsing `when:` blocks from YAML into typed tests, and reading them in Python.

A condition block is a mapping of fact name → test, all of which must hold, plus an optional
`any:` list of such mappings of which at least one must hold. A test is a scalar (equality), a
list (one of), or a mapping of operators (`gte`, `lt`, `in`, `matches`, …) that must all hold.
Compiling them onto durable-rules and the profile keys live in `advisor.rulebook.compile`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from advisor.errors import Problem
from advisor.rulebook.suggest import did_you_mean
from advisor.rulebook.yamlsrc import trap_hint

NUMBER_OPS = ("eq", "ne", "gt", "gte", "lt", "lte", "between")
ENUM_OPS = ("eq", "ne", "in", "not_in")
TEXT_OPS = ("eq", "ne", "in", "not_in", "matches")
BOOL_OPS = ("eq",)
SET_OPS = ("includes", "excludes")
OPS_BY_TYPE = {
    "number": NUMBER_OPS,
    "enum": ENUM_OPS,
    "text": TEXT_OPS,
    "bool": BOOL_OPS,
    "set": SET_OPS,
}


@dataclass(frozen=True, slots=True)
class FactSpec:
    """A fact rules may test: its type, allowed values (enum/set) and what it means."""

    name: str
    type: str  # number | enum | text | bool | set
    doc: str = ""
    values: tuple[str, ...] = ()
    minimum: float | None = None  # numbers: the smallest value the fact can take (for lint)
    maximum: float | None = None
    unknown: bool = False  # enum values unknown: the file defining them failed to load


@dataclass(frozen=True, slots=True)
class Test:
    """One operator applied to one fact, e.g. unit_value gte 5000."""

    fact: str
    op: str
    value: Any
    line: int


Branch = tuple[Test, ...]


@dataclass(frozen=True, slots=True)
class Condition:
    """All of `all_of` and at least one branch of `any_of` (when present) must hold."""

    all_of: Branch
    any_of: tuple[Branch, ...] = ()

    def branches(self) -> tuple[Branch, ...]:
        """Disjunctive normal form: each branch is a conjunction of tests."""
        if not self.any_of:
            return (self.all_of,)
        return tuple(self.all_of + b for b in self.any_of)

    def tests(self) -> Iterable[Test]:
        yield from self.all_of
        for b in self.any_of:
            yield from b


def _did_you_mean(word: str, options: Iterable[str]) -> str:
    return did_you_mean(word, options)


def _plain(v: float) -> bool:
    """Whether a number prints without an exponent (the only form durable-rules can parse)."""
    return v == 0 or 1e-4 <= abs(v) < 1e12


def _is_number(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)


class ConditionParser:
    """Turns a YAML `when:` block into a Condition, collecting Problems instead of raising."""

    def __init__(self, facts: Mapping[str, FactSpec], file: str, prefix: str = "when.") -> None:
        self.facts = facts
        self.file = file
        self.prefix = prefix  # how messages name the block: "when.", "applies_to.when.", a cell

    def parse(self, block: Any, line: int, rule: str, problems: list[Problem]) -> Condition | None:
        if not isinstance(block, Mapping) or not block:
            problems.append(
                Problem(
                    self.file,
                    line,
                    "empty conditions: `when:` needs at least one test "
                    "(a rule that matches every SKU belongs in `fallback:`)",
                    rule,
                )
            )
            return None
        all_of = self._branch(block, line, rule, problems, allow_any=True)
        any_of: list[Branch] = []
        if "any" in block:
            alts = block["any"]
            alt_line = block.line_of("any") if hasattr(block, "line_of") else line
            if not isinstance(alts, list) or not alts:
                problems.append(
                    Problem(
                        self.file,
                        alt_line,
                        "`any:` expects a list of condition blocks, one of which must hold",
                        rule,
                    )
                )
            else:
                for i, alt in enumerate(alts):
                    item_line = alts.line_of(i) if hasattr(alts, "line_of") else alt_line
                    if not isinstance(alt, Mapping) or not alt:
                        problems.append(
                            Problem(
                                self.file,
                                item_line,
                                "each `any:` entry must be a non-empty block of tests",
                                rule,
                            )
                        )
                        continue
                    any_of.append(self._branch(alt, item_line, rule, problems, allow_any=False))
        if not all_of and not any_of:
            return None
        return Condition(all_of=all_of, any_of=tuple(any_of))

    def _branch(
        self, block: Mapping, line: int, rule: str, problems: list[Problem], allow_any: bool
    ) -> Branch:
        tests: list[Test] = []
        for key, raw in block.items():
            kline = block.line_of(key) if hasattr(block, "line_of") else line
            kcol = block.col_of(key) if hasattr(block, "col_of") else 0
            if key == "any":
                if not allow_any:
                    problems.append(
                        Problem(
                            self.file, kline, "`any:` cannot be nested inside another `any:`", rule
                        )
                    )
                continue
            spec = self.facts.get(key)
            if spec is None:
                problems.append(
                    Problem(
                        self.file,
                        kline,
                        f"unknown field '{key}'{_did_you_mean(key, self.facts)}; "
                        f"known fields: {', '.join(sorted(self.facts))}",
                        rule,
                        kcol,
                    )
                )
                continue
            vraw = block.raw_of(key) if hasattr(block, "raw_of") else None
            vcol = block.value_at(key)[1] if hasattr(block, "value_at") else kcol
            tests.extend(self._tests(spec, raw, kline, rule, problems, vraw, vcol))
        return tuple(tests)

    def _tests(
        self,
        spec: FactSpec,
        raw: Any,
        line: int,
        rule: str,
        problems: list[Problem],
        source: str | None = None,
        col: int = 0,
    ) -> list[Test]:
        if isinstance(raw, Mapping):
            if not raw:
                problems.append(
                    Problem(
                        self.file,
                        line,
                        f"{spec.name}: empty test; give a value or an operator like "
                        f"{{{OPS_BY_TYPE[spec.type][0]}: ...}}",
                        rule,
                    )
                )
                return []
            out = []
            for op, value in raw.items():
                oline = raw.line_of(op) if hasattr(raw, "line_of") else line
                ocol = raw.value_at(op)[1] if hasattr(raw, "value_at") else col
                osrc = raw.raw_of(op) if hasattr(raw, "raw_of") else None
                if spec.type == "set" and op == "excludes" and isinstance(value, list) and value:
                    for i, v in enumerate(value):
                        src = value.raw_of(i) if hasattr(value, "raw_of") else None
                        test = self._test(spec, "excludes", v, oline, rule, problems, src, ocol)
                        if test:
                            out.append(test)
                    continue
                test = self._test(spec, str(op), value, oline, rule, problems, osrc, ocol)
                if test:
                    out.append(test)
            return out
        if isinstance(raw, list):
            op = "includes" if spec.type == "set" else "in"
            test = self._test(spec, op, raw, line, rule, problems, None, col)
            return [test] if test else []
        op = "includes" if spec.type == "set" else "eq"
        test = self._test(spec, op, raw, line, rule, problems, source, col)
        return [test] if test else []

    def _test(
        self,
        spec: FactSpec,
        op: str,
        value: Any,
        line: int,
        rule: str,
        problems: list[Problem],
        source: str | None = None,
        col: int = 0,
    ) -> Test | None:
        allowed = OPS_BY_TYPE[spec.type]
        name = spec.name

        def bad(msg: str) -> None:
            hint = trap_hint(value, source)
            msg = f"{msg}; {hint}" if hint and hint not in msg else msg
            problems.append(Problem(self.file, line, f"{self.prefix}{name}.{op}: {msg}", rule, col))

        if op not in allowed:
            problems.append(
                Problem(
                    self.file,
                    line,
                    f"{self.prefix}{name}: unknown operator '{op}'{_did_you_mean(op, allowed)}; "
                    f"a {spec.type} field takes {', '.join(allowed)}",
                    rule,
                    col,
                )
            )
            return None
        if spec.type == "number":
            if op == "between":
                if not (
                    isinstance(value, list)
                    and len(value) == 2
                    and all(_is_number(v) for v in value)
                ):
                    bad(f"expects two numbers [from, below], got {value!r}")
                    return None
                if not all(_plain(v) for v in value):
                    bad(f"{value!r}: use numbers between 0.0001 and 1,000,000,000,000 (or 0)")
                    return None
                if value[0] >= value[1]:
                    bad(f"the first number must be below the second, got {value!r}")
                    return None
                return Test(name, op, (float(value[0]), float(value[1])), line)
            if not _is_number(value):
                bad(f"expects a number, got {value!r}")
                return None
            if not _plain(value):
                bad(
                    f"{value!r} is too small or too large to compare: use a number between 0.0001 and 1,000,000,000,000 (or 0)"
                )
                return None
            return Test(name, op, float(value), line)
        if spec.type == "bool":
            if not isinstance(value, bool):
                bad(f"expects true or false, got {value!r}")
                return None
            return Test(name, op, value, line)
        if spec.type in ("enum", "set"):
            values = value if op in ("in", "not_in") else [value]
            if op in ("in", "not_in") and (not isinstance(value, list) or not value):
                bad(f"expects a list of values, got {value!r}")
                return None
            if op in ("includes", "excludes") and isinstance(value, list):
                values = value
            ok = True
            for v in values:
                if spec.unknown and isinstance(v, str):
                    continue  # the defining file reports its own problem; no cascade here
                if not isinstance(v, str) or v not in spec.values:
                    ok = False
                    bad(
                        f"unknown {name} {v!r}{_did_you_mean(str(v), spec.values)}; "
                        f"known: {', '.join(spec.values)}"
                    )
            if not ok:
                return None
            if op in ("includes", "excludes") and isinstance(value, list):
                if len(value) == 1:
                    return Test(name, op, value[0], line)
                bad("give one value per test; use `any:` for alternatives")
                return None
            return Test(name, op, tuple(values) if op in ("in", "not_in") else value, line)
        # text
        if op == "matches":
            if not isinstance(value, str) or not value:
                bad(f"expects a regular expression, got {value!r}")
                return None
            try:
                re.compile(value)
            except re.error as exc:
                bad(f"bad regular expression {value!r}: {exc}")
                return None
            return Test(name, op, value, line)
        if op in ("in", "not_in"):
            if (
                not isinstance(value, list)
                or not value
                or not all(isinstance(v, str) for v in value)
            ):
                bad(f"expects a list of text values, got {value!r}")
                return None
            return Test(name, op, tuple(v.lower() for v in value), line)
        if not isinstance(value, str):
            bad(f"expects text, got {value!r}")
            return None
        return Test(name, op, value.lower(), line)


# ---------------------------------------------------------------- reading conditions in Python


def holds(t: Test, spec: FactSpec, value: Any) -> bool:
    """Whether one test holds for a fact value, with the engine's semantics (missing never holds)."""
    if value is None:
        return False
    if spec.type == "number":
        x = float(value)
        match t.op:
            case "eq":
                return x == t.value
            case "ne":
                return x != t.value
            case "gt":
                return x > t.value
            case "gte":
                return x >= t.value
            case "lt":
                return x < t.value
            case "lte":
                return x <= t.value
            case "between":
                return t.value[0] <= x < t.value[1]
    if spec.type == "set":
        return (t.value in value) == (t.op == "includes")
    if spec.type == "text":
        value = str(value).lower()
        if t.op == "matches":
            return re.search(t.value, value, re.IGNORECASE) is not None
    match t.op:
        case "eq":
            return value == t.value
        case "ne":
            return value != t.value
        case "in":
            return value in t.value
        case "not_in":
            return value not in t.value
    raise AssertionError(f"operator {t.op} on a {spec.type} fact has no reading")


def condition_holds(cond: Condition, facts: Mapping[str, FactSpec], values: Mapping[str, Any]):
    """Whether a whole condition holds: every `all_of` test and, if any, one `any:` branch."""

    def ok(branch: Iterable[Test]) -> bool:
        return all(holds(t, facts[t.fact], values.get(t.fact)) for t in branch)

    return ok(cond.all_of) and (not cond.any_of or any(ok(b) for b in cond.any_of))


__all__ = [
    "Condition",
    "ConditionParser",
    "FactSpec",
    "Test",
    "condition_holds",
    "holds",
]
