"""Declarative shapes of the rules files, used both to validate them and to emit JSON Schema.

One definition serves the validator (`check`, which reports every mismatch with its YAML line)
and editors (`advisor.rulebook.emit.to_json_schema`, for `trackright rules schema`), so the two
can never disagree.
Values whose allowed set comes from another file (verticals, value bands, regulation ids) are
`Enum(source=...)` and are resolved against the rulebook being loaded.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from advisor.errors import Problem
from advisor.rulebook.suggest import did_you_mean
from advisor.rulebook.yamlsrc import trap_hint


class Spec:
    """Base of all shapes."""

    doc: str = ""


@dataclass
class Str(Spec):
    pattern: str | None = None
    pattern_hint: str = ""
    doc: str = ""


@dataclass
class Num(Spec):
    minimum: float | None = None
    maximum: float | None = None
    integer: bool = False
    doc: str = ""


@dataclass
class Bool(Spec):
    doc: str = ""


@dataclass
class Date(Spec):
    doc: str = ""


@dataclass
class Market(Spec):
    """A market / jurisdiction code: ISO 3166-1 alpha-2 or a known union (`markets.py`)."""

    doc: str = "ISO 3166-1 alpha-2 country code (IN, US, DE…) or a union: EU, EEA, GCC, EAEU, ASEAN"


@dataclass
class Enum(Spec):
    values: tuple[str, ...] = ()
    source: str = ""  # resolved from the rulebook being loaded (e.g. "verticals")
    nullable: bool = False
    doc: str = ""


@dataclass
class ListOf(Spec):
    item: Spec
    min_items: int = 0
    unique: bool = False
    doc: str = ""


@dataclass
class MapOf(Spec):
    value: Spec
    key: Spec = field(default_factory=Str)
    doc: str = ""


@dataclass
class Field:
    spec: Spec
    required: bool = False
    doc: str = ""


@dataclass
class Obj(Spec):
    fields: dict[str, Field]
    doc: str = ""


@dataclass
class Conditions(Spec):
    """A `when:` block; checked by advisor.rulebook.conditions, described loosely here for editors."""

    doc: str = "Tests on facts, all of which must hold; `any:` lists alternatives."


@dataclass
class Tagged(Spec):
    """One of two block shapes, chosen by whether the block has the key `tag` (e.g. `table:`)."""

    tag: str
    tagged: Obj
    other: Obj
    doc: str = ""


@dataclass
class Raw(Spec):
    doc: str = ""


@dataclass
class OneOf(Spec):
    """A value that may take any one of several shapes (e.g. one id or a list of ids)."""

    options: tuple[Spec, ...]
    doc: str = ""


_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _type_name(v: Any) -> str:
    if v is None:
        return "nothing"
    if isinstance(v, bool):
        return f"{str(v).lower()}"
    if isinstance(v, str):
        return f'"{v}"'
    if isinstance(v, dict):
        return "a block of keys"
    if isinstance(v, list):
        return "a list"
    return repr(v)


class Checker:
    """Walks a located YAML value against a Spec, appending a Problem for every mismatch."""

    def __init__(
        self,
        file: str,
        enums: Mapping[str, tuple[str, ...]],
        rule_of: Callable[[str], str] | None = None,
    ) -> None:
        self.file = file
        self.enums = enums
        self.problems: list[Problem] = []
        self.rule_of = rule_of or (lambda path: "")

    def add(self, line: int, path: str, message: str, rule: str = "", col: int = 0) -> None:
        self.problems.append(
            Problem(self.file, line, f"{path}: {message}" if path else message, rule, col)
        )

    def check(
        self,
        value: Any,
        spec: Spec,
        line: int,
        path: str = "",
        rule: str = "",
        raw: str | None = None,
        col: int = 0,
    ) -> bool:
        """Whether `value` fits `spec`; every mismatch is added to `problems` with its line.

        `raw` is the source text of a plain scalar YAML did not read as text (for the YAML 1.1
        trap hints) and `col` the value's column.
        """
        ok = self._check(value, spec, line, path, rule, raw, col)
        if not ok and self.problems:
            hint = trap_hint(value, raw)
            last = self.problems[-1]
            if hint and hint not in last.message and last.line == line:
                self.problems[-1] = Problem(
                    last.file, last.line, f"{last.message}; {hint}", last.rule, last.column
                )
        return ok

    def _check(
        self,
        value: Any,
        spec: Spec,
        line: int,
        path: str,
        rule: str,
        raw: str | None,
        col: int,
    ) -> bool:
        if isinstance(spec, Raw | Conditions):
            return True
        if isinstance(spec, Tagged):
            pick = spec.tagged if isinstance(value, Mapping) and spec.tag in value else spec.other
            return self._check(value, pick, line, path, rule, raw, col)
        if isinstance(spec, OneOf):
            first: list[Problem] = []
            for option in spec.options:
                trial = Checker(self.file, self.enums, self.rule_of)
                if trial.check(value, option, line, path, rule):
                    return True
                first = first or trial.problems
            self.problems.extend(first)
            return False
        if isinstance(spec, Obj):
            if not isinstance(value, Mapping):
                self.add(
                    line,
                    path,
                    f"expects a block of keys ({', '.join(spec.fields)}), got {_type_name(value)}",
                    rule,
                )
                return False
            ok = True
            if "id" in spec.fields and isinstance(value.get("id"), str):
                rule = value["id"]
            elif "table" in spec.fields and isinstance(value.get("table"), str):
                rule = value["table"]
            for key in value:
                kline = value.line_of(key) if hasattr(value, "line_of") else line
                kcol = value.col_of(key) if hasattr(value, "col_of") else 0
                if key not in spec.fields:
                    hint = did_you_mean(key, spec.fields) or f"; allowed: {', '.join(spec.fields)}"
                    self.add(kline, path, f"unknown key '{key}'{hint}", rule, kcol)
                    ok = False
                    continue
                sub = f"{path}.{key}" if path else str(key)
                vraw, vcol = _located(value, key)
                ok &= self.check(value[key], spec.fields[key].spec, kline, sub, rule, vraw, vcol)
            for key, fdef in spec.fields.items():
                if fdef.required and key not in value:
                    self.add(
                        line,
                        path,
                        f"missing required key '{key}'" + (f" ({fdef.doc})" if fdef.doc else ""),
                        rule,
                    )
                    ok = False
            return ok
        if isinstance(spec, ListOf):
            if not isinstance(value, list):
                if isinstance(spec.item, Str | Enum) and isinstance(value, str):
                    self.add(
                        line,
                        path,
                        f"expects a list, got {_type_name(value)}; write [{value}]",
                        rule,
                    )
                else:
                    self.add(line, path, f"expects a list, got {_type_name(value)}", rule)
                return False
            if len(value) < spec.min_items:
                self.add(line, path, f"expects at least {spec.min_items} item(s)", rule)
                return False
            ok = True
            seen: set[Any] = set()
            for i, item in enumerate(value):
                iline = value.line_of(i) if hasattr(value, "line_of") else line
                iraw, icol = _located(value, i)
                ok &= self.check(item, spec.item, iline, f"{path}[{i}]", rule, iraw, icol)
                if spec.unique and isinstance(item, str | int | float):
                    if item in seen:
                        self.add(
                            iline, f"{path}[{i}]", f"{_type_name(item)} is listed twice", rule, icol
                        )
                        ok = False
                    seen.add(item)
            return ok
        if isinstance(spec, MapOf):
            if not isinstance(value, Mapping):
                self.add(line, path, f"expects a block of keys, got {_type_name(value)}", rule)
                return False
            ok = True
            for key, item in value.items():
                kline = value.line_of(key) if hasattr(value, "line_of") else line
                kcol = value.col_of(key) if hasattr(value, "col_of") else 0
                sub = f"{path}.{key}" if path else str(key)
                ok &= self.check(key, spec.key, kline, f"{sub} (key)", rule, col=kcol)
                vraw, vcol = _located(value, key)
                ok &= self.check(item, spec.value, kline, sub, rule, vraw, vcol)
            return ok
        if isinstance(spec, Str):
            if not isinstance(value, str) or not value.strip():
                self.add(line, path, f"expects text, got {_type_name(value)}", rule, col)
                return False
            if spec.pattern and not re.fullmatch(spec.pattern, value):
                self.add(
                    line,
                    path,
                    f"{_type_name(value)} {spec.pattern_hint or 'has the wrong form'}",
                    rule,
                )
                return False
            return True
        if isinstance(spec, Num):
            if (
                isinstance(value, bool)
                or not isinstance(value, int | float)
                or not math.isfinite(value)
            ):
                self.add(line, path, f"expects a number, got {_type_name(value)}", rule, col)
                return False
            if spec.integer and not isinstance(value, int):
                self.add(line, path, f"expects a whole number, got {value!r}", rule, col)
                return False
            if spec.minimum is not None and value < spec.minimum:
                self.add(line, path, f"must be at least {spec.minimum:g}, got {value!r}", rule, col)
                return False
            if spec.maximum is not None and value > spec.maximum:
                self.add(line, path, f"must be at most {spec.maximum:g}, got {value!r}", rule, col)
                return False
            return True
        if isinstance(spec, Bool):
            if not isinstance(value, bool):
                self.add(line, path, f"expects true or false, got {_type_name(value)}", rule, col)
                return False
            return True
        if isinstance(spec, Date):
            if not isinstance(value, str) or not _DATE.match(value):
                self.add(
                    line,
                    path,
                    f"expects a date like 2023-01-01, got {_type_name(value)}",
                    rule,
                    col,
                )
                return False
            import datetime as _dt

            try:
                _dt.date.fromisoformat(value)
            except ValueError:
                self.add(line, path, f"{value!r} is not a real calendar date", rule, col)
                return False
            return True
        if isinstance(spec, Enum):
            if value is None and spec.nullable:
                return True
            allowed = spec.values or self.enums.get(spec.source, ())
            if not allowed and spec.source:
                return True  # the defining file failed to load; it reports its own problems
            if not isinstance(value, str) or value not in allowed:
                hint = did_you_mean(value, allowed)
                what = spec.source.rstrip("s") if spec.source else "value"
                self.add(
                    line,
                    path,
                    f"unknown {what} {_type_name(value)}{hint}; expected one of: {', '.join(allowed)}",
                    rule,
                )
                return False
            return True
        if isinstance(spec, Market):
            from advisor.rulebook.markets import market_problem

            if not isinstance(value, str):
                self.add(
                    line, path, f"expects a market code like IN, got {_type_name(value)}", rule, col
                )
                return False
            msg = market_problem(value)
            if msg:
                self.add(line, path, msg, rule, col)
                return False
            return True
        raise AssertionError(f"unhandled spec {spec!r}")


def _located(container: Any, key: Any) -> tuple[str | None, int]:
    """The raw text and column of one value of a located mapping or list (None, 0 if unknown)."""
    raw = container.raw_of(key) if hasattr(container, "raw_of") else None
    if hasattr(container, "value_at"):
        return raw, container.value_at(key)[1]
    return raw, container.col_of(key) if hasattr(container, "col_of") else 0


__all__ = [
    "Bool",
    "Checker",
    "Conditions",
    "Date",
    "Enum",
    "Field",
    "ListOf",
    "MapOf",
    "Market",
    "Num",
    "Obj",
    "OneOf",
    "Raw",
    "Spec",
    "Str",
    "Tagged",
]
