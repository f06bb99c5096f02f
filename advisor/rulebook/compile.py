"""Compiling conditions onto durable-rules, and the exact profile keys decisions are cached by.

Because every test compares one fact with constants, the set of constants per fact partitions
each fact's values into classes that every rule treats alike. `ProfileKeyer` computes that class
tuple for a set of facts; two fact sets with the same key get the same matches from every rule,
so a decision can be cached per key and the cache is exact by construction.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable, Mapping
from typing import Any

from advisor.rulebook.conditions import Branch, Condition, FactSpec, Test

# ---------------------------------------------------------------- compiling to durable-rules


def _regex_key(fact: str, index: int) -> str:
    return f"{fact}__re{index}"


def _member_key(fact: str, value: str) -> str:
    return f"{fact}__has__{value}"


class Compiler:
    """Compiles Conditions into durable-rules JSON expressions over a flattened fact.

    Regular expressions are evaluated in Python (durable's `$mt` is a different dialect) and
    set membership is flattened into booleans, so durable only ever sees equality and
    comparisons on plain scalar fields, joined with `$and` / `$or` inside one `m` expression.
    """

    def __init__(self) -> None:
        self.regexes: dict[tuple[str, str], int] = {}

    def expression(self, cond: Condition) -> dict[str, Any]:
        branches = [self._branch(b) for b in cond.branches()]
        return branches[0] if len(branches) == 1 else {"$or": branches}

    def _branch(self, branch: Branch) -> dict[str, Any]:
        parts = [self._test(t) for t in branch]
        return parts[0] if len(parts) == 1 else {"$and": parts}

    def _test(self, t: Test) -> dict[str, Any]:
        f, v = t.fact, t.value
        match t.op:
            case "eq":
                return {f: v}
            case "ne":
                return {"$neq": {f: v}}
            case "gt":
                return {"$gt": {f: v}}
            case "gte":
                return {"$gte": {f: v}}
            case "lt":
                return {"$lt": {f: v}}
            case "lte":
                return {"$lte": {f: v}}
            case "between":
                return {"$and": [{"$gte": {f: v[0]}}, {"$lt": {f: v[1]}}]}
            case "in":
                alts = [{f: x} for x in v]
                return alts[0] if len(alts) == 1 else {"$or": alts}
            case "not_in":
                alts = [{"$neq": {f: x}} for x in v]
                return alts[0] if len(alts) == 1 else {"$and": alts}
            case "matches":
                idx = self.regexes.setdefault((f, v), len(self.regexes))
                return {_regex_key(f, idx): True}
            case "includes":
                return {_member_key(f, v): True}
            case "excludes":
                return {_member_key(f, v): False}
        raise AssertionError(f"operator {t.op} passed validation but has no compilation")


# ---------------------------------------------------------------- exact profile keys


class ProfileKeyer:
    """Maps a fact set to the equivalence class every compiled rule sees, and flattens facts.

    For a number, the class is its position among all thresholds any rule uses plus whether it
    equals one; for text or enum, the value itself if some rule names it, else one shared
    "anything else" class; for regexes and set membership, the booleans the rules test.
    """

    _OTHER = "\x00other"

    def __init__(
        self, facts: Mapping[str, FactSpec], conditions: Iterable[Condition], compiler: Compiler
    ) -> None:
        thresholds: dict[str, set[float]] = {}
        constants: dict[str, set[Any]] = {}
        members: dict[str, set[str]] = {}
        used: set[str] = set()
        for cond in conditions:
            for t in cond.tests():
                used.add(t.fact)
                spec = facts[t.fact]
                if spec.type == "number":
                    vals = t.value if t.op == "between" else (t.value,)
                    thresholds.setdefault(t.fact, set()).update(vals)
                elif spec.type == "set":
                    members.setdefault(t.fact, set()).add(t.value)
                elif t.op == "matches":
                    pass
                elif t.op in ("in", "not_in"):
                    constants.setdefault(t.fact, set()).update(t.value)
                else:
                    constants.setdefault(t.fact, set()).add(t.value)
        self.fields = sorted(used)
        self._thresholds = {f: sorted(v) for f, v in thresholds.items()}
        self._threshold_sets = {f: frozenset(v) for f, v in thresholds.items()}
        self._constants = {f: frozenset(v) for f, v in constants.items()}
        self._members = {f: sorted(v) for f, v in members.items()}
        regex_by_fact: dict[str, list[tuple[int, re.Pattern[str]]]] = {}
        for (fact, pattern), idx in compiler.regexes.items():
            regex_by_fact.setdefault(fact, []).append((idx, re.compile(pattern, re.IGNORECASE)))
        self._regexes = regex_by_fact
        self._types = {f: facts[f].type for f in self.fields}

    def thresholds(self, fact: str) -> tuple[float, ...]:
        """Every constant some rule compares the number `fact` with."""
        return tuple(self._thresholds.get(fact, ()))

    def key(self, facts: Mapping[str, Any]) -> tuple:
        parts: list[Any] = []
        for f in self.fields:
            v = facts.get(f)
            t = self._types[f]
            if v is None:
                parts.append(None)
            elif t == "number":
                thr = self._thresholds[f]
                parts.append((bisect_left(thr, v), v in self._threshold_sets[f]))
            elif t == "set":
                parts.append(tuple(m in v for m in self._members[f]))
            else:
                if t == "text":
                    v = v.lower()
                consts = self._constants.get(f)
                part = v if consts is not None and v in consts else self._OTHER
                rx = self._regexes.get(f)
                if rx:
                    part = (part, tuple(bool(p.search(v)) for _, p in rx))
                parts.append(part)
        return tuple(parts)

    def _representative(self, fact: str, v: float) -> float:
        """A plainly written number in the same class as `v` (durable-rules cannot parse 1e-05).

        Rules only compare a number with thresholds, so the threshold itself, or a point strictly
        between two neighbours, decides exactly as `v` would.
        """
        thr = self._thresholds.get(fact)
        if not thr:
            return 0.0
        if v in self._threshold_sets[fact]:
            return v
        i = bisect_left(thr, v)
        if i == 0:
            return thr[0] - 1.0
        if i == len(thr):
            return thr[-1] + 1.0
        return (thr[i - 1] + thr[i]) / 2

    def flatten(self, facts: Mapping[str, Any]) -> dict[str, Any]:
        """The message durable sees: scalars only, regex results and memberships as booleans."""
        out: dict[str, Any] = {}
        for f in self.fields:
            v = facts.get(f)
            if v is None:
                continue
            t = self._types[f]
            if t == "set":
                for m in self._members[f]:
                    out[_member_key(f, m)] = m in v
                continue
            if t == "text":
                v = v.lower()
            elif t == "number":
                v = self._representative(f, float(v))
            out[f] = v
            for idx, p in self._regexes.get(f, ()):
                out[_regex_key(f, idx)] = bool(p.search(v))
        return out


__all__ = ["Compiler", "ProfileKeyer"]
