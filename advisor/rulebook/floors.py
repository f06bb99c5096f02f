"""The hit policy's static checks: equal-priority conflicts and business rules undercutting a floor.

Run after every rule parsed cleanly, on the compiled conditions, so a problem is only reported
between rules that are otherwise valid.
"""

from __future__ import annotations

from advisor.errors import Problem
from advisor.rulebook.analysis import may_overlap
from advisor.rulebook.conditions import Test
from advisor.rulebook.model import Regulation, Rule, RuleSet
from tracker.vocabulary import METHOD_RANK


def _implied_tests(
    rule: Rule, regulations: tuple[Regulation, ...] | list[Regulation]
) -> tuple[Test, ...]:
    """What a regulation rule's condition implies about plain facts (it applies only to its verticals)."""
    for reg in regulations:
        if reg.id == rule.id:
            return (Test("vertical", "in", reg.verticals, reg.line),)
    return ()


def _hit_policy_conflicts(rs: RuleSet, regulations) -> list[Problem]:
    """Equal-priority rules that can match one SKU but decide differently, and floor undercuts."""
    problems: list[Problem] = []
    business = [r for r in rs.rules if r.kind == "business"]
    floors = [r for r in rs.rules if r.kind == "regulatory"]
    for i, a in enumerate(business):
        for b in business[i + 1 :]:
            if a.priority != b.priority or a.outcome == b.outcome:
                continue
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
                    )
                )
    for reg in floors:
        floor = reg.get("method")
        implied = _implied_tests(reg, regulations)
        for b in business:
            if floor is None or "method" not in dict(b.outcome):
                continue
            if METHOD_RANK[b.get("method")] >= METHOD_RANK[floor]:
                continue
            if may_overlap(reg.condition, b.condition, rs.facts, implied):
                problems.append(
                    Problem(
                        b.file,
                        b.line,
                        (
                            f"chooses {b.get('method')}, but regulatory rule {reg.id} ({reg.file}:{reg.line}) requires at least "
                            f"{floor} for SKUs this rule can also match; a business rule cannot undercut a regulation — "
                            f"raise the method to {floor} or narrow the conditions so they exclude the regulated SKUs"
                        ),
                        b.id,
                    )
                )
    return problems


__all__: list[str] = []
