"""Static analysis of conditions: can two conditions hold for one SKU, does one cover another.

Conservative where it cannot be exact (a regular expression is assumed satisfiable and is never
assumed implied), so an overlap or undercut it reports may be possible in theory only, and a
cover it finds is real.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

from advisor.rulebook.conditions import Branch, Condition, FactSpec, Test

# ---------------------------------------------------------------- overlap analysis


def _branch_satisfiable(tests: Iterable[Test], facts: Mapping[str, FactSpec]) -> bool:
    """Whether some fact set passes every test (conservative: regexes are assumed satisfiable)."""
    lo: dict[str, tuple[float, bool]] = {}
    hi: dict[str, tuple[float, bool]] = {}
    ne: dict[str, set[Any]] = {}
    allowed: dict[str, set[Any]] = {}
    excluded: dict[str, set[Any]] = {}
    req_true: dict[str, set[str]] = {}
    req_false: dict[str, set[str]] = {}
    for t in tests:
        spec = facts[t.fact]
        f = t.fact
        if spec.type == "number":
            bounds = []
            if t.op == "eq":
                bounds = [("lo", t.value, True), ("hi", t.value, True)]
            elif t.op in ("gt", "gte"):
                bounds = [("lo", t.value, t.op == "gte")]
            elif t.op in ("lt", "lte"):
                bounds = [("hi", t.value, t.op == "lte")]
            elif t.op == "between":
                bounds = [("lo", t.value[0], True), ("hi", t.value[1], False)]
            elif t.op == "ne":
                ne.setdefault(f, set()).add(t.value)
            for side, val, incl in bounds:
                if side == "lo":
                    cur = lo.get(f)
                    if cur is None or val > cur[0] or (val == cur[0] and not incl):
                        lo[f] = (val, incl)
                else:
                    cur = hi.get(f)
                    if cur is None or val < cur[0] or (val == cur[0] and not incl):
                        hi[f] = (val, incl)
        elif spec.type == "set":
            (req_true if t.op == "includes" else req_false).setdefault(f, set()).add(t.value)
        elif t.op == "matches":
            continue
        elif t.op in ("eq", "in"):
            vals = {t.value} if t.op == "eq" else set(t.value)
            allowed[f] = allowed[f] & vals if f in allowed else vals
        elif t.op in ("ne", "not_in"):
            vals = {t.value} if t.op == "ne" else set(t.value)
            excluded.setdefault(f, set()).update(vals)
    for f in set(lo) | set(hi):
        a, b = lo.get(f, (-math.inf, False)), hi.get(f, (math.inf, False))
        if a[0] > b[0] or (a[0] == b[0] and not (a[1] and b[1])):
            return False
        if a[0] == b[0] and a[0] in ne.get(f, ()):
            return False
    for f in set(allowed) | set(excluded):
        spec = facts[f]
        domain = allowed.get(f)
        if domain is None:
            if spec.type in ("enum", "bool"):
                domain = set(spec.values) if spec.type == "enum" else {True, False}
            else:
                continue  # open text domain: some other value always exists
        if not (domain - excluded.get(f, set())):
            return False
    for f, vals in req_true.items():
        if vals & req_false.get(f, set()):
            return False
    return True


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


__all__ = ["may_overlap", "negate", "residual"]
