"""Batch evaluation: every catalog row decided or rejected, streamed, with a running summary.

This is the hot path of `trackright evaluate`. Classification results that depend only on a
row's category fields, and decisions that depend only on the rule-relevant profile, are
memoised, so a million-row catalog costs one durable-rules round trip per distinct profile
(a few thousand) and a few dictionary lookups per row.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from advisor.classify import Classifier, SkuFacts, UnknownCurrencyError
from advisor.costs import CostAccumulator, CostReport
from advisor.engine import Decision, PolicyEngine
from advisor.profile import BrandProfile
from advisor.records import RejectedRow, SkuRecord
from advisor.rulebook import Rulebook


@dataclass(frozen=True, slots=True)
class EvaluatedRow:
    """One decided SKU: the row it came from, the classification facts and the decision."""

    record: SkuRecord
    facts: SkuFacts
    decision: Decision


@dataclass(slots=True)
class Summary:
    """Counts kept while rows stream past; rows_read == decided + rejected, always."""

    decided: int = 0
    rejected: int = 0
    skipped: int = 0
    by_method: Counter = field(default_factory=Counter)
    by_vertical: Counter = field(default_factory=Counter)
    by_rule: Counter = field(default_factory=Counter)
    by_vertical_method: Counter = field(default_factory=Counter)
    rejection_reasons: Counter = field(default_factory=Counter)
    fallback: int = 0
    costs: CostReport | None = None

    @property
    def rows_read(self) -> int:
        return self.decided + self.rejected


class Evaluator:
    """Decides SkuRecords under one rulebook and brand profile."""

    def __init__(
        self,
        rulebook: Rulebook,
        profile: BrandProfile | None = None,
        as_of: dt.date | None = None,
        default_currency: str | None = None,
    ) -> None:
        self.rulebook = rulebook
        self.profile = profile or BrandProfile()
        self.classifier = Classifier(rulebook, self.profile, as_of)
        self.engine = PolicyEngine(rulebook.policy, rulebook.version)
        self.default_currency = (default_currency or self.profile.currency or "").upper()
        self._profile_facts = self.classifier.profile_facts()
        # Memo of whole-row results keyed by every input a decision can depend on; values of a
        # number fact only matter up to which rule threshold or band bound they fall between.
        bounds = set()
        for v in rulebook.classification.verticals.values():
            bounds.update(b for _, b in v.bands)
        self._uses_title = "title" in self.engine.keyer.fields
        self._memo: dict[tuple, tuple[SkuFacts, Decision]] = {}
        self._value_bounds = sorted(
            bounds | set(self.engine.keyer._thresholds.get("unit_value", ()))
        )
        self._value_bound_set = frozenset(self._value_bounds)

    def close(self) -> None:
        self.engine.close()

    def decide(self, rec: SkuRecord) -> EvaluatedRow:
        """Classify and decide one record (raises UnknownCurrencyError for an unknown currency)."""
        facts = self.classifier.classify(rec)
        mapping = self.classifier.facts(facts)
        return EvaluatedRow(rec, facts, self.engine.decide(mapping))

    def evaluate(self, rec: SkuRecord) -> EvaluatedRow | RejectedRow:
        if not rec.currency and self.default_currency:
            currency = self.default_currency
        else:
            currency = rec.currency
        try:
            rate = self.classifier.rate(currency)
        except UnknownCurrencyError as exc:
            return RejectedRow(rec.row, str(exc), rec.sku)
        if self._uses_title:
            return self._slow(rec, currency)
        value = rec.price * rate if rec.price is not None else None
        vertical, _source = self.classifier.vertical_from_category(rec)
        if vertical is None:  # decided by title words: the title's vertical joins the key
            vertical, _source = self.classifier.vertical(rec)
        cat_key = (rec.product_category, rec.category, rec.product_type, rec.tags, vertical)
        pos = (
            None
            if value is None
            else (bisect_left(self._value_bounds, value), value in self._value_bound_set)
        )
        key = (
            cat_key,
            pos,
            rec.hsn,
            self.classifier.is_customised(rec),
            rec.warranty_months,
            bool(rec.gtin),
            rec.brand if "brand" in self.engine.keyer.fields else None,
        )
        hit = self._memo.get(key)
        if hit is None:
            row = self._slow(rec, currency)
            if isinstance(row, EvaluatedRow) and len(self._memo) < 500_000:
                self._memo[key] = (row.facts, row.decision)
            return row
        facts, decision = hit
        if facts.unit_value != value or facts.title != rec.title:
            facts = _with(facts, value, rec)
        return EvaluatedRow(rec, facts, decision)

    def _slow(self, rec: SkuRecord, currency: str) -> EvaluatedRow | RejectedRow:
        if currency != rec.currency:
            rec = _recurrency(rec, currency)
        try:
            return self.decide(rec)
        except UnknownCurrencyError as exc:
            return RejectedRow(rec.row, str(exc), rec.sku)

    def run(
        self, items: Iterable[SkuRecord | RejectedRow], summary: Summary | None = None
    ) -> Iterator[EvaluatedRow | RejectedRow]:
        """Evaluate a stream, updating `summary` as rows pass (including cost inputs)."""
        s = summary if summary is not None else Summary()
        acc = CostAccumulator(self.rulebook.costs)
        self._acc = acc
        for item in items:
            out = self.evaluate(item) if isinstance(item, SkuRecord) else item
            if isinstance(out, EvaluatedRow):
                d = out.decision
                s.decided += 1
                method = d.outcome["method"]
                vertical = out.facts.vertical
                s.by_method[method] += 1
                s.by_vertical[vertical] += 1
                s.by_vertical_method[vertical, method] += 1
                s.by_rule[d.rule] += 1
                if d.fallback:
                    s.fallback += 1
                acc.add(vertical, out.facts.unit_value, out.facts.return_rate, method)
            else:
                s.rejected += 1
                s.rejection_reasons[_reason_kind(out.reason)] += 1
            yield out

    def cost_report(self, monthly_units: float | None = None) -> CostReport:
        units = self.profile.monthly_units if monthly_units is None else monthly_units
        note = (
            "units a month from the brand profile, spread evenly over the decided SKUs"
            if monthly_units is None
            else "units a month as given, spread evenly over the decided SKUs"
        )
        return self._acc.report(units, note)


def _reason_kind(reason: str) -> str:
    head = reason.split(":")[0].split("(")[0].strip()
    for word in (
        "duplicate SKU",
        "unknown currency",
        "price",
        "missing SKU",
        "no price",
        "negative",
    ):
        if word.lower() in reason.lower():
            return word
    return head[:40]


def _recurrency(rec: SkuRecord, currency: str) -> SkuRecord:
    from dataclasses import replace

    return replace(rec, currency=currency)


def _with(facts: SkuFacts, value: float | None, rec: SkuRecord) -> SkuFacts:
    from dataclasses import replace

    return replace(facts, unit_value=value, title=rec.title, brand=rec.brand)


__all__ = ["EvaluatedRow", "Evaluator", "Summary"]
