"""Deciding: a validated RuleSet compiled onto durable-rules, with an exact per-profile cache.

`RuleEngine` runs any RuleSet (the tracking policy, the return verdicts): durable-rules finds
every rule whose condition holds, then the hit policy is applied here, in Python, where it can
also be explained. Because rules only compare facts with constants, results are cached per
profile key (see `advisor.rulebook.compile.ProfileKeyer`); `cached=False` bypasses the cache, which is
how the tests prove the cache changes nothing.

`PolicyEngine` adds the policy's own semantics on top: regulatory rules are floors (the method
is raised to the strongest floor that matched and their captures are always added).
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from advisor.engine.durable_host import DurableRuleset
from advisor.rulebook.compile import Compiler, ProfileKeyer
from advisor.rulebook.load import CAPTURES, Rule, RuleSet, method_rank


@dataclass(frozen=True, slots=True)
class Match:
    """A rule whose condition held, with what it proposed."""

    rule: str
    priority: int
    kind: str
    outcome: tuple[tuple[str, Any], ...]
    reason: str
    file: str
    line: int

    @classmethod
    def of(cls, rule: Rule) -> Match:
        return cls(
            rule.id, rule.priority, rule.kind, rule.outcome, rule.reason, rule.file, rule.line
        )


@dataclass(frozen=True, slots=True)
class Decision:
    """The result for one fact set: the outcome, the deciding rule and reason, and every match."""

    outcome: Mapping[str, Any]
    rule: str
    reason: str
    matched: tuple[Match, ...]
    fallback: bool = False
    raised_by: tuple[str, ...] = field(default=())  # regulatory floors that raised the outcome

    @property
    def method(self) -> str:
        return self.outcome["method"]

    @property
    def capture(self) -> tuple[str, ...]:
        return tuple(self.outcome.get("capture", ()))

    @property
    def return_qc(self) -> bool:
        return bool(self.outcome.get("return_qc", False))

    @property
    def verdict(self) -> str:
        return self.outcome["verdict"]

    @property
    def flag(self) -> str | None:
        return self.outcome.get("flag")


@dataclass(frozen=True, slots=True)
class MatchRole:
    """How one matched rule fared in a decision, for every view that explains it."""

    match: Match
    proposes: str  # "serial + lot", "quarantine"
    role: str  # won | lost | floor-raised | floor-met
    winner: Match | None  # the business rule that won (None when the fallback decided)


def match_roles(d: Decision) -> list[MatchRole]:
    """Every matched rule of `d`, winner first, with what it proposed and how it fared."""
    business = [m for m in d.matched if m.kind == "business"]
    winner = business[0] if business and not d.fallback else None
    out = []
    for m in d.matched:
        outcome = dict(m.outcome)
        proposes = str(outcome.get("method") or outcome.get("verdict", ""))
        if outcome.get("capture"):
            proposes += " + " + ", ".join(outcome["capture"])
        if m.kind == "regulatory":
            role = "floor-raised" if m.rule in d.raised_by else "floor-met"
        else:
            role = "won" if winner is not None and m.rule == winner.rule else "lost"
        out.append(MatchRole(m, proposes, role, winner))
    return out


class RuleEngine:
    """Evaluates facts against one RuleSet under its hit policy ("priority")."""

    def __init__(self, ruleset: RuleSet, tag: str = "") -> None:
        self.ruleset = ruleset
        self._rules = {r.id: r for r in ruleset.rules}
        compiler = Compiler()
        expressions = {r.id: compiler.expression(r.condition) for r in ruleset.rules}
        # durable fires lower `pri` first; we want higher priority first, so invert.
        priorities = {r.id: 65535 - r.priority for r in ruleset.rules}
        self._durable = DurableRuleset(f"{ruleset.name}@{tag}", expressions, priorities)
        self.keyer = ProfileKeyer(ruleset.facts, [r.condition for r in ruleset.rules], compiler)
        self._cache: dict[tuple, Decision] = {}
        self._lock = threading.Lock()
        self._order = {r.id: i for i, r in enumerate(ruleset.rules)}
        self.evaluations = 0  # durable-rules round trips, for benchmarks and tests

    def close(self) -> None:
        self._durable.release()

    def matches(self, facts: Mapping[str, Any]) -> list[Rule]:
        """Every rule whose condition holds, highest priority first (file order breaks ties)."""
        self.evaluations += 1
        fired = self._durable.matches(self.keyer.flatten(facts))
        rules = [self._rules[name] for name in dict.fromkeys(fired)]
        rules.sort(key=lambda r: (-r.priority, self._order[r.id]))
        return rules

    def decide(self, facts: Mapping[str, Any], *, cached: bool = True) -> Decision:
        if not cached:
            return self._decide(self.matches(facts))
        key = self.keyer.key(facts)
        hit = self._cache.get(key)
        if hit is None:
            with self._lock:
                hit = self._cache.get(key)
                if hit is None:
                    hit = self._decide(self.matches(facts))
                    self._cache[key] = hit
        return hit

    def _decide(self, matched: list[Rule]) -> Decision:
        matches = tuple(Match.of(r) for r in matched)
        if not matched:
            return Decision(
                dict(self.ruleset.fallback), "fallback", self.ruleset.fallback_reason, (), True
            )
        winner = matched[0]
        return Decision(dict(winner.outcome), winner.id, winner.reason, matches)

    @property
    def cache_size(self) -> int:
        return len(self._cache)


class PolicyEngine(RuleEngine):
    """The tracking policy: business rules compete by priority; regulatory rules are floors."""

    def _decide(self, matched: list[Rule]) -> Decision:
        matches = tuple(Match.of(r) for r in matched)
        business = [r for r in matched if r.kind == "business"]
        floors = [r for r in matched if r.kind == "regulatory"]
        if business:
            winner = business[0]
            outcome, rule, reason, fallback = dict(winner.outcome), winner.id, winner.reason, False
        else:
            outcome = dict(self.ruleset.fallback)
            rule, reason, fallback = "fallback", self.ruleset.fallback_reason, True
        captures = set(outcome.get("capture", ()))
        raised: list[str] = []
        for f in floors:
            floor = f.get("method")
            if method_rank(floor) > method_rank(outcome["method"]):
                outcome["method"] = floor
                raised.append(f.id)
            captures.update(f.get("capture", ()))
            if f.get("return_qc"):
                outcome["return_qc"] = True
        if outcome["method"] != "batch" and any(
            f.get("method") == "batch" and "lot" in f.get("capture", ()) for f in floors
        ):
            captures.add("lot")
        outcome["capture"] = tuple(c for c in CAPTURES if c in captures)
        outcome.setdefault("return_qc", False)
        if raised:
            strongest = next(f for f in floors if f.id == raised[-1])
            rule, reason = strongest.id, strongest.reason
        return Decision(outcome, rule, reason, matches, fallback and not raised, tuple(raised))


__all__ = ["Decision", "Match", "MatchRole", "PolicyEngine", "RuleEngine", "match_roles"]
