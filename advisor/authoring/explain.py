"""Why one SKU got its decision: every test of every rule, the winner, the losers, the boundary.

`explain_sku` classifies a SKU, decides it, and then re-reads every rule's condition in Python
with the SKU's actual fact values, so the answer names each test that held or failed. It also
finds the nearest boundary: the smallest change to the unit value (or to a brand-profile number)
that changes the tracking method, by re-deciding at every threshold the rules and the value
bands use — "would be serial if unit value ≥ 5,000 (now 4,800)".

`sku_from_fields` is the one way a SKU given as loose fields (command-line options, `--json`,
a rule test case) becomes a `SkuRecord`; `trackright decide`, `explain` and `rules test` share it.

    >>> from advisor.rulebook.load import load_rulebook
    >>> book = load_rulebook()
    >>> rec = sku_from_fields({"title": "Earbuds", "category": "Electronics > Audio", "price": 999})
    >>> ex = explain_sku(book, rec)
    >>> ex.decision.method, ex.decision.rule
    ('batch', 'electronics-accessories-low')
    >>> ex.boundaries[0].text
    'would be serial if unit value ≥ INR 1,000 (now INR 999)'
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from advisor.advice.classify import Classifier, SkuFacts
from advisor.advice.profile import BrandProfile
from advisor.authoring.sku_fields import (  # noqa: F401 - re-exported
    SKU_ALIASES,
    SKU_FIELDS,
    SkuFieldError,
    sku_from_fields,
)
from advisor.catalog.records import SkuRecord
from advisor.engine.decide import Decision, PolicyEngine
from advisor.rulebook.conditions import Test, condition_holds, holds
from advisor.rulebook.load import Regulation, Rule, Rulebook
from advisor.rulebook.markets import covered

STEP = 0.01  # the smallest money step: "just below 1,000" is 999.99

_OP_TEXT = {
    "eq": "=",
    "ne": "≠",
    "gt": ">",
    "gte": "≥",
    "lt": "<",
    "lte": "≤",
    "between": "in",
    "in": "in",
    "not_in": "not in",
    "matches": "matches",
    "includes": "includes",
    "excludes": "excludes",
}


def show_value(v: Any) -> str:
    """A fact value or test constant as a person reads it."""
    if v is None:
        return "missing"
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, float):
        return f"{v:,.0f}" if v.is_integer() else f"{v:,.2f}"
    if isinstance(v, frozenset | set):
        return "{" + ", ".join(sorted(v)) + "}" if v else "none"
    if isinstance(v, tuple):
        return "[" + ", ".join(show_value(x) for x in v) + "]"
    return str(v)


def show_test(t: Test) -> str:
    if t.op == "between":
        return f"{t.fact} in [{show_value(t.value[0])}, {show_value(t.value[1])})"
    return f"{t.fact} {_OP_TEXT[t.op]} {show_value(t.value)}"


# ------------------------------------------------------------------ the explanation


@dataclass(frozen=True, slots=True)
class Check:
    """One test of one rule against the SKU: what it wants, what the SKU has, whether it held."""

    test: Test
    actual: Any
    held: bool

    @property
    def text(self) -> str:
        return f"{show_test(self.test)} (is {show_value(self.actual)})"


@dataclass(frozen=True, slots=True)
class RuleTrace:
    """A rule read against the SKU: its tests, whether it matched, and its part in the decision."""

    rule: Rule
    all_of: tuple[Check, ...]
    any_of: tuple[tuple[Check, ...], ...]
    matched: bool
    role: str  # won | lost | no match | floor | floor raised | floor n/a
    why: str

    def failed(self) -> list[Check]:
        out = [r for r in self.all_of if not r.held]
        if self.any_of and not any(all(r.held for r in b) for b in self.any_of):
            out.extend(r for b in self.any_of for r in b if not r.held)
        return out


@dataclass(frozen=True, slots=True)
class Boundary:
    """The nearest value of one numeric fact at which the tracking method changes."""

    fact: str
    op: str  # ≥ > < ≤
    at: float
    now: float | None
    method: str
    rule: str
    text: str

    @property
    def distance(self) -> float:
        return abs(self.at - (self.now or 0.0))


@dataclass(frozen=True, slots=True)
class WhatIf:
    """A non-numeric change that would change the method (a flag flipped, a regulation gone)."""

    change: str
    method: str
    rule: str


@dataclass(frozen=True, slots=True)
class Explanation:
    record: SkuRecord
    sku: SkuFacts
    facts: Mapping[str, Any]
    decision: Decision
    traces: tuple[RuleTrace, ...]
    fallback_used: bool
    boundaries: tuple[Boundary, ...]  # nearest first; unit value ones before profile ones
    what_ifs: tuple[WhatIf, ...]
    currency: str
    rulebook: str

    def to_dict(self) -> dict[str, Any]:
        d = self.decision
        return {
            "sku": self.record.sku,
            "title": self.record.title,
            "facts": {k: _jsonable(v) for k, v in sorted(self.facts.items())},
            "vertical_source": self.sku.vertical_source,
            "currency": self.currency,
            "decision": {
                "method": d.method,
                "capture": list(d.capture),
                "return_qc": d.return_qc,
                "rule": d.rule,
                "reason": d.reason,
                "fallback": d.fallback,
                "raised_by": list(d.raised_by),
            },
            "rules": [
                {
                    "rule": t.rule.id,
                    "kind": t.rule.kind,
                    "priority": t.rule.priority,
                    "file": t.rule.file,
                    "line": t.rule.line,
                    "matched": t.matched,
                    "role": t.role,
                    "why": t.why,
                    "tests": [_test_dict(r) for r in t.all_of],
                    "any": [[_test_dict(r) for r in b] for b in t.any_of],
                }
                for t in self.traces
            ],
            "fallback_used": self.fallback_used,
            "boundaries": [
                {
                    "fact": b.fact,
                    "op": b.op,
                    "at": b.at,
                    "now": b.now,
                    "method": b.method,
                    "rule": b.rule,
                    "text": b.text,
                }
                for b in self.boundaries
            ],
            "what_ifs": [
                {"change": w.change, "method": w.method, "rule": w.rule} for w in self.what_ifs
            ],
            "rulebook_version": self.rulebook,
        }


def _jsonable(v: Any) -> Any:
    if isinstance(v, frozenset | set | tuple):
        return sorted(v) if isinstance(v, frozenset | set) else list(v)
    return v


def _test_dict(r: Check) -> dict[str, Any]:
    t = r.test
    return {
        "fact": t.fact,
        "op": t.op,
        "value": _jsonable(t.value),
        "actual": _jsonable(r.actual),
        "held": r.held,
        "line": t.line,
    }


class Explainer:
    """Explains SKUs under one rulebook, profile and date; owns one engine until `close()`."""

    def __init__(
        self,
        rulebook: Rulebook,
        profile: BrandProfile | None = None,
        as_of: dt.date | None = None,
        engine: PolicyEngine | None = None,
    ) -> None:
        self.rulebook = rulebook
        self.profile = profile or BrandProfile()
        self.as_of = as_of or dt.date.today()
        self.classifier = Classifier(rulebook, self.profile, self.as_of)
        self._own_engine = engine is None
        self.engine = engine or PolicyEngine(rulebook.policy, rulebook.version)

    def close(self) -> None:
        if self._own_engine:
            self.engine.close()

    def __enter__(self) -> Explainer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def with_currency(self, rec: SkuRecord) -> SkuRecord:
        """A record without a currency gets the profile's, else the base currency (as `decide`)."""
        if rec.currency:
            return rec
        return rec._replace(
            currency=self.profile.currency or self.rulebook.classification.base_currency,
        )

    def explain(self, rec: SkuRecord) -> Explanation:
        """Classify, decide and explain one record; UnknownCurrencyError for an unknown currency."""
        rec = self.with_currency(rec)
        sku = self.classifier.classify(rec)
        facts = self.classifier.facts(sku)
        decision = self.engine.decide(facts, cached=False)
        traces = tuple(self._traces(rec, sku, facts, decision))
        return Explanation(
            rec,
            sku,
            facts,
            decision,
            traces,
            not any(t.rule.kind == "business" and t.matched for t in traces),
            tuple(self._boundaries(rec, sku, facts, decision)),
            tuple(self._what_ifs(facts, decision)),
            self.rulebook.classification.base_currency,
            self.rulebook.label,
        )

    # -------------------------------------------------------------- per rule

    def _traces(self, rec, sku, facts, decision) -> Iterable[RuleTrace]:
        specs = self.rulebook.policy.facts
        rules = self.rulebook.policy.rules
        order = {r.id: i for i, r in enumerate(rules)}

        def results(branch):
            return tuple(
                Check(t, facts.get(t.fact), holds(t, specs[t.fact], facts.get(t.fact)))
                for t in branch
            )

        matched_business = sorted(
            (
                r
                for r in rules
                if r.kind == "business" and condition_holds(r.condition, specs, facts)
            ),
            key=lambda r: (-r.priority, order[r.id]),
        )
        winner = matched_business[0] if matched_business else None
        regs = {g.id: g for g in self.rulebook.regulations}
        for r in rules:
            all_of = results(r.condition.all_of)
            any_of = tuple(results(b) for b in r.condition.any_of)
            held = condition_holds(r.condition, specs, facts)
            if r.kind == "regulatory":
                role, why = self._floor_role(r, regs.get(r.id), held, rec, sku, decision)
            elif winner is not None and r.id == winner.id:
                role = "won"
                why = f"highest-priority matching rule ({r.priority})"
                if decision.raised_by:
                    why += f"; its {r.get('method')} was raised by {', '.join(decision.raised_by)}"
            elif held and winner is not None:
                role = "lost"
                if winner.priority > r.priority:
                    why = f"matched, but {winner.id} has higher priority ({winner.priority} > {r.priority})"
                else:
                    why = f"matched, but {winner.id} has the same priority and is listed first"
            else:
                role = "no match"
                trace = RuleTrace(r, all_of, any_of, False, role, "")
                why = "failed: " + "; ".join(f.text for f in trace.failed())
            yield RuleTrace(r, all_of, any_of, held, role, why)

    def _floor_role(
        self,
        rule: Rule,
        reg: Regulation | None,
        held: bool,
        rec: SkuRecord,
        sku: SkuFacts,
        decision: Decision,
    ) -> tuple[str, str]:
        if held:
            floor = rule.get("method")
            adds = rule.get("capture") or ()
            extra = f", requires capture of {', '.join(adds)}" if adds else ""
            if rule.id in decision.raised_by:
                return "floor raised", f"raised the method to its floor {floor}{extra}"
            return "floor", f"applies: floor {floor} is already met{extra}"
        if reg is None:
            return "floor n/a", "does not apply"
        if sku.vertical not in reg.verticals:
            why = f"only for {', '.join(reg.verticals)}; this SKU is {sku.vertical}"
        elif reg.jurisdiction not in covered(self.profile.markets):
            why = f"market {reg.jurisdiction} is not in the profile's markets ({', '.join(self.profile.markets) or 'none'})"
        elif reg.effective_from > self.as_of.isoformat():
            why = f"in force from {reg.effective_from}, after {self.as_of.isoformat()}"
        elif reg.hsn and not any(rec.hsn.startswith(p) for p in reg.hsn):
            why = f"only for HSN {', '.join(reg.hsn)}; this SKU's HSN is {rec.hsn or 'missing'}"
        elif reg.scope is not None:
            tests = "; ".join(show_test(t) for t in reg.scope.tests())
            why = f"only where {tests} (applies_to.when, {reg.file}:{reg.line})"
        else:
            why = "does not apply"
        return "floor n/a", "does not apply: " + why

    # -------------------------------------------------------------- boundaries

    def _decide_at(self, facts: Mapping[str, Any], **changes: Any) -> Decision:
        return self.engine.decide({**facts, **changes})

    def _boundaries(self, rec, sku, facts, decision) -> Iterable[Boundary]:
        method = decision.method
        thresholds: dict[str, set[float]] = {}
        for r in self.rulebook.policy.rules:
            for t in r.condition.tests():
                if self.rulebook.policy.facts[t.fact].type == "number":
                    vals = t.value if t.op == "between" else (t.value,)
                    thresholds.setdefault(t.fact, set()).update(vals)
        out: list[Boundary] = []
        vert = self.rulebook.classification.verticals[sku.vertical]
        value_points = set(thresholds.get("unit_value", ())) | {b for _, b in vert.bands}

        def at_value(x: float) -> Decision:
            band = self.classifier.band(sku.vertical, x)
            return self._decide_at(facts, unit_value=x, value_band=band)

        if sku.unit_value is not None:
            for b in _nearest(value_points, sku.unit_value, at_value, method):
                out.append(self._boundary("unit_value", rec, sku.unit_value, *b))
        for fact in sorted(thresholds):
            if fact == "unit_value" or facts.get(fact) is None:
                continue
            spec = self.rulebook.policy.facts[fact]
            now = float(facts[fact])
            for b in _nearest(
                thresholds[fact],
                now,
                lambda x, f=fact: self._decide_at(facts, **{f: x}),
                method,
                lo=spec.minimum,
                hi=spec.maximum,
            ):
                out.append(self._boundary(fact, rec, now, *b))
        out.sort(key=lambda b: (b.fact != "unit_value", b.distance))
        return out

    def _boundary(self, fact, rec, now, op, at, d: Decision) -> Boundary:
        if fact == "unit_value":
            cur = self.rulebook.classification.base_currency
            text = f"would be {d.method} if unit value {op} {cur} {show_value(float(at))} (now {cur} {show_value(float(now))})"
            if rec.currency and rec.currency != cur and rec.price is not None:
                rate = self.classifier.rate(rec.currency)
                text += f" — a price {op} {rec.currency} {at / rate:,.2f}"
        else:
            name = fact.replace("_", " ")
            text = f"would be {d.method} if {name} {op} {show_value(float(at))} (now {show_value(float(now))})"
        return Boundary(fact, op, at, now, d.method, d.rule, text)

    def _what_ifs(self, facts, decision) -> Iterable[WhatIf]:
        specs = self.rulebook.policy.facts
        tested = {t.fact for r in self.rulebook.policy.rules for t in r.condition.tests()}
        for fact in sorted(tested):
            if specs[fact].type != "bool" or facts.get(fact) is None:
                continue
            flipped = not facts[fact]
            d = self._decide_at(facts, **{fact: flipped})
            if d.method != decision.method:
                yield WhatIf(
                    f"{fact.replace('_', ' ')} were {str(flipped).lower()}", d.method, d.rule
                )
        for reg in sorted(facts.get("regulation") or ()):
            rest = frozenset(facts["regulation"]) - {reg}
            d = self._decide_at(facts, regulation=rest, regulated=bool(rest))
            if d.method != decision.method or d.capture != decision.capture:
                what = d.method + (f" with {', '.join(d.capture)}" if d.capture else "")
                yield WhatIf(f"regulation {reg} did not apply", what, d.rule)


def _nearest(points, now: float, decide, method: str, lo=0.0, hi=None):
    """The nearest change of method above and below `now`, as (op, threshold, decision).

    The decision is constant between thresholds, so it is enough to try each threshold, and a
    step either side of it; the first point whose method differs, walking away from `now`,
    locates the boundary.
    """
    lo = 0.0 if lo is None else lo
    cands = set()
    for t in points:
        cands.update((t - STEP, t, t + STEP))
    cands = {c for c in cands if c >= lo and (hi is None or c <= hi)}
    found = []
    for c in sorted(x for x in cands if x > now):
        d = decide(c)
        if d.method != method:
            t = min(points, key=lambda p: abs(p - c))
            found.append(("≥", t, d) if c <= t else (">", t, d))
            break
    for c in sorted((x for x in cands if x < now), reverse=True):
        d = decide(c)
        if d.method != method:
            t = min(points, key=lambda p: abs(p - c))
            found.append(("<", t, d) if c < t else ("≤", t, d))
            break
    return found


def explain_sku(
    rulebook: Rulebook,
    rec: SkuRecord,
    profile: BrandProfile | None = None,
    as_of: dt.date | None = None,
) -> Explanation:
    """Explain one SKU with a short-lived engine (for one-off calls; reuse an Explainer in loops)."""
    with Explainer(rulebook, profile, as_of) as ex:
        return ex.explain(rec)


__all__ = [
    "SKU_FIELDS",
    "Boundary",
    "Explainer",
    "Explanation",
    "RuleTrace",
    "SkuFieldError",
    "Check",
    "WhatIf",
    "condition_holds",
    "explain_sku",
    "show_test",
    "show_value",
    "sku_from_fields",
    "holds",
]
