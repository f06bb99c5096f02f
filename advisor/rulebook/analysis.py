"""Static analysis of conditions: can two hold for one SKU, does one imply or cover another.

Conservative where it cannot be exact (a regular expression is assumed satisfiable and is never
assumed implied), so an overlap or undercut it reports may be possible in theory only, and a
cover it finds is real.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from advisor.rulebook.conditions import Branch, Condition, FactSpec, Test

# ---------------------------------------------------------------- facts' ranges


def domain_tests(facts: Mapping[str, FactSpec]) -> tuple[Test, ...]:
    """Tests every fact set satisfies anyway: numbers within their declared range."""
    out: list[Test] = []
    for spec in facts.values():
        if spec.type != "number":
            continue
        if spec.minimum is not None:
            out.append(Test(spec.name, "gte", float(spec.minimum), 0))
        if spec.maximum is not None:
            out.append(Test(spec.name, "lte", float(spec.maximum), 0))
    return tuple(out)


# ---------------------------------------------------------------- implication


@dataclass
class _Bounds:
    lo: float = -math.inf
    lo_in: bool = False
    hi: float = math.inf
    hi_in: bool = False


def _summary(branch: Iterable[Test], facts: Mapping[str, FactSpec]):
    """What a conjunction of tests pins down: number intervals, allowed values, memberships."""
    bounds: dict[str, _Bounds] = {}
    ne: dict[str, set[float]] = {}
    allowed: dict[str, set[Any]] = {}
    excluded: dict[str, set[Any]] = {}
    inc: dict[str, set[str]] = {}
    exc: dict[str, set[str]] = {}
    rx: dict[str, set[str]] = {}
    for t in branch:
        spec = facts[t.fact]
        f = t.fact
        if spec.type == "number":
            b = bounds.setdefault(f, _Bounds())
            parts: list[tuple[str, float, bool]] = []
            if t.op == "eq":
                parts = [("lo", t.value, True), ("hi", t.value, True)]
            elif t.op in ("gt", "gte"):
                parts = [("lo", t.value, t.op == "gte")]
            elif t.op in ("lt", "lte"):
                parts = [("hi", t.value, t.op == "lte")]
            elif t.op == "between":
                parts = [("lo", t.value[0], True), ("hi", t.value[1], False)]
            elif t.op == "ne":
                ne.setdefault(f, set()).add(t.value)
            for side, v, incl in parts:
                if side == "lo" and (v > b.lo or (v == b.lo and not incl)):
                    b.lo, b.lo_in = v, incl
                if side == "hi" and (v < b.hi or (v == b.hi and not incl)):
                    b.hi, b.hi_in = v, incl
        elif spec.type == "set":
            (inc if t.op == "includes" else exc).setdefault(f, set()).add(t.value)
        elif t.op == "matches":
            rx.setdefault(f, set()).add(t.value)
        elif t.op in ("eq", "in"):
            vals = {t.value} if t.op == "eq" else set(t.value)
            allowed[f] = allowed[f] & vals if f in allowed else vals
        else:
            vals = {t.value} if t.op == "ne" else set(t.value)
            excluded.setdefault(f, set()).update(vals)
    for f in set(allowed) | set(excluded):
        spec = facts[f]
        if f not in allowed and spec.type in ("enum", "bool"):
            allowed[f] = set(spec.values) if spec.type == "enum" else {True, False}
        if f in allowed:
            allowed[f] -= excluded.get(f, set())
    return bounds, ne, allowed, excluded, inc, exc, rx


def implies(branch: Branch, test: Test, facts: Mapping[str, FactSpec]) -> bool:
    """Whether every fact set passing `branch` also passes `test` (False when unsure)."""
    bounds, ne, allowed, excluded, inc, exc, rx = _summary(branch, facts)
    f, v = test.fact, test.value
    spec = facts[f]
    if spec.type == "number":
        b = bounds.get(f, _Bounds())
        match test.op:
            case "gte":
                return b.lo >= v
            case "gt":
                return b.lo > v or (b.lo == v and not b.lo_in)
            case "lte":
                return b.hi <= v
            case "lt":
                return b.hi < v or (b.hi == v and not b.hi_in)
            case "between":
                lo_ok = b.lo >= v[0]
                return lo_ok and (b.hi < v[1] or (b.hi == v[1] and not b.hi_in))
            case "eq":
                return b.lo == b.hi == v and b.lo_in and b.hi_in
            case "ne":
                return (
                    v in ne.get(f, set())
                    or v < b.lo
                    or v > b.hi
                    or ((v == b.lo and not b.lo_in) or (v == b.hi and not b.hi_in))
                )
        return False
    if spec.type == "set":
        return v in (inc if test.op == "includes" else exc).get(f, set())
    if test.op == "matches":
        return v in rx.get(f, set())
    values = allowed.get(f)
    match test.op:
        case "eq":
            return values is not None and values == {v}
        case "in":
            return values is not None and values <= set(v)
        case "ne":
            return (values is not None and v not in values) or v in excluded.get(f, set())
        case "not_in":
            if values is not None:
                return not (values & set(v))
            return set(v) <= excluded.get(f, set())
    return False


def branch_implies(b: Branch, a: Branch, facts: Mapping[str, FactSpec]) -> bool:
    """Whether every fact set passing `b` passes every test of `a` (False when unsure)."""
    return all(implies(b, t, facts) for t in a)


# ---------------------------------------------------------------- overlap analysis


def _branch_satisfiable(tests: Iterable[Test], facts: Mapping[str, FactSpec]) -> bool:
    """Whether some fact set passes every test (conservative: regexes are assumed satisfiable)."""
    bounds, ne, allowed, _excluded, inc, exc, _rx = _summary(tests, facts)
    for f, b in bounds.items():
        if b.lo > b.hi or (b.lo == b.hi and not (b.lo_in and b.hi_in)):
            return False
        if b.lo == b.hi and b.lo in ne.get(f, ()):
            return False
    if any(not values for values in allowed.values()):
        return False
    return not any(vals & exc.get(f, set()) for f, vals in inc.items())


def may_overlap(
    a: Condition, b: Condition, facts: Mapping[str, FactSpec], extra: Iterable[Test] = ()
) -> bool:
    """Whether one fact set can satisfy both conditions (plus `extra` implied tests)."""
    extra = tuple(extra)
    return any(
        _branch_satisfiable(ba + bb + extra, facts) for ba in a.branches() for bb in b.branches()
    )


def negate(t: Test) -> tuple[Branch, ...]:
    """The test's complement as alternative branches; () when it cannot be expressed (regex)."""
    flip = {
        "gte": "lt",
        "gt": "lte",
        "lt": "gte",
        "lte": "gt",
        "eq": "ne",
        "ne": "eq",
        "in": "not_in",
        "not_in": "in",
        "includes": "excludes",
        "excludes": "includes",
    }
    if t.op == "between":
        lo, hi = t.value
        return ((Test(t.fact, "lt", lo, t.line),), (Test(t.fact, "gte", hi, t.line),))
    if t.op in flip:
        if isinstance(t.value, bool):
            return ((Test(t.fact, "eq", not t.value, t.line),),)
        return ((Test(t.fact, flip[t.op], t.value, t.line),),)
    return ()


def residual(
    branches: Iterable[Branch],
    covers: Iterable[Condition],
    facts: Mapping[str, FactSpec],
    limit: int = 4000,
) -> list[Branch] | None:
    """The part of `branches` (a DNF) that none of `covers` matches, as satisfiable branches.

    [] means every fact set satisfying `branches` satisfies one of `covers` (together, not
    necessarily one alone); None means the expansion grew past `limit` and nothing is claimed.
    A test that cannot be negated (a regular expression) never removes anything, so a cover is
    only claimed when it is certain.
    """
    cur = [b for b in branches if _branch_satisfiable(b, facts)]
    for cond in covers:
        for cb in cond.branches():
            nxt: list[Branch] = []
            for y in cur:
                for t in cb:
                    alts = negate(t)
                    if not alts:
                        nxt.append(y)
                        continue
                    for alt in alts:
                        cand = y + alt
                        if _branch_satisfiable(cand, facts):
                            nxt.append(cand)
            cur = list(dict.fromkeys(nxt))
            if len(cur) > limit:
                return None
            if not cur:
                return []
    return cur


__all__ = [
    "branch_implies",
    "domain_tests",
    "implies",
    "may_overlap",
    "negate",
    "residual",
]
