"""Deciding: rulesets compiled onto durable-rules, hit policies applied, decisions cached per profile.

`durable_host` is the only module in the project that imports durable-rules; `decide` holds the
engines (`RuleEngine` for any ruleset, `PolicyEngine` for the tracking policy with its floors).
"""

from __future__ import annotations

from advisor.engine.decide import Decision, Match, MatchRole, PolicyEngine, RuleEngine, match_roles

__all__ = ["Decision", "Match", "MatchRole", "PolicyEngine", "RuleEngine", "match_roles"]
