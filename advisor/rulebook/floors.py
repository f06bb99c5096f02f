"""The hit policy's static checks: equal-priority conflicts and business rules undercutting a floor.

Run after every rule parsed cleanly, on the compiled conditions, so a problem is only reported
between rules that are otherwise valid.

A business rule undercuts a regulation when it chooses a weaker method than the floor and can
match a SKU the regulation applies to. What the regulation applies to is its id in the
`regulation` fact, `regulated: true`, its verticals and its `applies_to.when`, so a rule saying
`regulated: false` or `regulation: {excludes: ID}` cannot undercut it. A rule is also fine when,
on every regulated SKU it matches, rules of higher priority that meet the floor match too (they
always win there).
"""

from __future__ import annotations

from advisor.errors import Problem
from advisor.rulebook.analysis import may_overlap, residual
from advisor.rulebook.conditions import Condition, Test
from advisor.rulebook.model import Rule, RuleSet, method_rank


def regulated_condition(rule: Rule, regulations) -> Condition:
    """Every SKU a regulation's floor rule applies to, in plain facts the analysis understands."""
    reg = next((g for g in regulations if g.id == rule.id), None)
    if reg is None:
        return rule.condition
    implied = (
        Test("regulated", "eq", True, reg.line),
        Test("vertical", "in", reg.verticals, reg.line),
    )
    scope = reg.scope or Condition(())
    return Condition(rule.condition.all_of + implied + scope.all_of, scope.any_of)


def _wins_before(a: Rule, b: Rule, order: dict[str, int]) -> bool:
    """Whether `a` beats `b` wherever both match (higher priority, or earlier in a `first` table)."""
    if a.priority != b.priority:
        return a.priority > b.priority
    return bool(a.table) and a.table == b.table and order[a.id] < order[b.id]


def _undercut_hint(rule: Rule, regs: list[Rule], floor: str) -> str:
    ids = [r.id for r in regs]
    value = ids[0] if len(ids) == 1 else "[" + ", ".join(ids) + "]"
    if rule.table:
        where = (
            f"give this row's `regulation` cell {{excludes: {value}}} (add a `regulation` "
            f"column to table {rule.table} if it has none), or `false` in a `regulated` column"
        )
    else:
        where = (
            "add to its `when:` the line\n"
            f"        regulation: {{excludes: {value}}}\n"
            "      (or `regulated: false`, which leaves out every regulated SKU)"
        )
    return f"raise the method to {floor}, or exclude the regulated SKUs — {where}"


def _hit_policy_conflicts(rs: RuleSet, regulations) -> list[Problem]:
    """Equal-priority rules that can match one SKU but decide differently, and floor undercuts."""
    problems: list[Problem] = []
    business = [r for r in rs.rules if r.kind == "business"]
    floors = [r for r in rs.rules if r.kind == "regulatory"]
    order = {r.id: i for i, r in enumerate(rs.rules)}
    for i, a in enumerate(business):
        for b in business[i + 1 :]:
            if a.priority != b.priority or a.outcome == b.outcome:
                continue
            if a.table and a.table == b.table:
                continue  # one table: its own hit policy decides (checked in `tables`)
            if may_overlap(a.condition, b.condition, rs.facts):
                problems.append(
                    Problem(
                        b.file,
                        b.line,
                        (
                            f"same priority {b.priority} as rule {a.id} (line {a.line}), both can match the same SKU, "
                            f"and they decide differently; give one a higher priority or make their conditions exclusive"
                        ),
                        b.id,
                        b.column,
                    )
                )
    for b in business:
        if "method" not in dict(b.outcome):
            continue
        undercut: list[Rule] = []
        for reg in floors:
            floor = reg.get("method")
            if floor is None or method_rank(b.get("method")) >= method_rank(floor):
                continue
            scope = regulated_condition(reg, regulations)
            if not may_overlap(scope, b.condition, rs.facts):
                continue
            winners = [
                a.condition
                for a in business
                if a is not b
                and _wins_before(a, b, order)
                and method_rank(a.get("method", "batch")) >= method_rank(floor)
            ]
            both = tuple(x + y for x in b.condition.branches() for y in scope.branches())
            if residual(both, winners, rs.facts) == []:
                continue  # higher-priority rules meeting the floor always win on these SKUs
            undercut.append(reg)
        if not undercut:
            continue
        strongest = max((r.get("method") for r in undercut), key=method_rank)
        named = ", ".join(f"{r.id} ({r.file}:{r.line})" for r in undercut)
        which = "regulatory rule" if len(undercut) == 1 else "regulatory rules"
        problems.append(
            Problem(
                b.file,
                b.line,
                (
                    f"chooses {b.get('method')}, but {which} {named} require{'s' if len(undercut) == 1 else ''} at least "
                    f"{strongest} for SKUs this rule can also match; a business rule cannot undercut a regulation: "
                    + _undercut_hint(b, undercut, strongest)
                ),
                b.id,
                b.column,
            )
        )
    return problems


__all__ = ["regulated_condition"]
