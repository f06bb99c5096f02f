"""Batch evaluation: every catalog row decided or rejected, streamed, with a running summary.

This is the hot path of `trackright evaluate`. A row's decision depends only on its category
fields, HSN, nature, the evidence its title gives (`TitleReader.signature`: the words and
patterns found by one C-level scan), currency, flags and which rule threshold or band bound its
unit value falls between — so rows are memoised on exactly those inputs (`_row_key`) and a
million-row catalog costs one classification and one durable-rules round trip per distinct key,
plus a title scan, a tuple and a dictionary lookup per row. Because the memo key holds every
piece of evidence a decision's explanation cites, two rows share an explanation only when it is
true of both, and the output is the same whatever the number of processes. Counting for the
summary and the cost report is done per distinct decision, not per row; what is not stock
(`none`) is counted apart and left out of the cost model's stock figures.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any, NamedTuple

from advisor.advice.classify import Classifier, SkuFacts, UnknownCurrencyError
from advisor.advice.costs import CostAccumulator, CostReport
from advisor.advice.money import unit_amount, unknown_currency
from advisor.advice.profile import BrandProfile
from advisor.catalog.records import RejectedRow, SkuRecord
from advisor.engine.decide import Decision, PolicyEngine
from advisor.rulebook.load import Rulebook
from tracker.vocabulary import NOT_STOCK


class Shared:
    """What every row with the same decision inputs shares: facts, decision, tallies, renderings.

    `render` lets writers keep pre-formatted text for the parts of a row that never change
    between the rows sharing it.
    """

    __slots__ = ("facts", "decision", "count", "value_sum", "render")

    def __init__(self, facts: SkuFacts, decision: Decision) -> None:
        self.facts = facts
        self.decision = decision
        self.count = 0
        self.value_sum = 0.0
        self.render: dict[str, Any] = {}


class EvaluatedRow(NamedTuple):
    """One decided SKU: its row, unit value, the shared decision and its own evidence text.

    A NamedTuple (cheap to build a million of). Rows with the same decision share `shared`;
    `source` — the evidence that chose the vertical, in this row's own words — is the row's own.
    `facts` gives this row's vertical source; its `unit_value`, `title` and `category` belong
    to the first row that produced `shared` (use `unit_value` and `record` for this row).
    """

    record: SkuRecord
    unit_value: float | None
    shared: Shared
    source: str = ""

    @property
    def facts(self) -> SkuFacts:
        f = self.shared.facts
        if not self.source or self.source == f.vertical_source:
            return f
        return replace(f, vertical_source=self.source)

    @property
    def decision(self) -> Decision:
        return self.shared.decision


@dataclass(slots=True)
class Summary:
    """Counts for the whole run; rows_read == decided + rejected, always."""

    decided: int = 0
    rejected: int = 0
    skipped: int = 0
    by_method: Counter = field(default_factory=Counter)
    by_vertical: Counter = field(default_factory=Counter)
    by_rule: Counter = field(default_factory=Counter)
    by_vertical_method: Counter = field(default_factory=Counter)
    rejection_reasons: Counter = field(default_factory=Counter)
    fallback: int = 0
    price_missing: int = 0  # decided rows with no price of their own (0, blank, or from others)
    price_typical: int = (
        0  # of those, rows with no value decided as a typical item of their vertical
    )
    not_stock: int = 0  # decided `none`: gift cards, services, digital goods
    by_confidence: Counter = field(default_factory=Counter)
    markets: tuple[str, ...] = ()  # where the store sells: whose regulations applied
    markets_assumed: bool = False  # no profile gave them: the default was used
    costs: CostReport | None = None
    currency: Any = None  # the run's advisor.advice.money.PriceCheck, when it made one

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
        self.markets_assumed = profile is None or profile == BrandProfile()
        self.profile = profile or BrandProfile()
        self.classifier = Classifier(rulebook, self.profile, as_of)
        self.engine = PolicyEngine(rulebook.policy, rulebook.version)
        self.default_currency = (
            default_currency or self.profile.currency or rulebook.classification.base_currency
        ).upper()
        self._amount = unit_amount(rulebook.currencies.unit_value)
        bounds: set[float] = set()
        for v in rulebook.classification.verticals.values():
            bounds.update(b for _, b in v.bands)
        bounds.update(self.engine.keyer.thresholds("unit_value"))
        self._bounds = sorted(bounds)
        self._bound_set = frozenset(bounds)
        used = set(self.engine.keyer.fields)
        # Facts read straight from text the memo key does not hold force the exact path.
        self._exact_only = bool({"title", "brand"} & used)
        self._memo: dict[tuple, Shared | object] = {}
        self._shared: list[Shared] = []
        self._by_decision: dict[tuple, Shared] = {}
        self._by_facts: dict[tuple, Shared] = {}
        self._acc: CostAccumulator | None = None
        self._typical: dict[tuple, tuple[Decision, Decision]] = {}

    def close(self) -> None:
        self.engine.close()

    # ------------------------------------------------------------------ one row

    def decide(self, rec: SkuRecord, signature: tuple | None = None) -> EvaluatedRow:
        """Classify and decide one record exactly (no row memo); raises UnknownCurrencyError."""
        if not rec.currency:
            rec = rec._replace(currency=self.default_currency)
        facts = self.classifier.classify(rec, signature)
        decision = self.engine.decide(self.classifier.facts(facts))
        if facts.typical:
            decision = self._as_typical(decision, facts)
        # Rows differing only in value, title or brand share one Shared, so tallies stay small.
        # Rows differing only in value, title, category words or brand share one Shared (the
        # row keeps its own evidence text), so tallies and renderings stay few.
        key = (
            id(decision),
            facts.vertical,
            facts.confidence,
            facts.value_band,
            facts.regulations,
            facts.customised,
            facts.warranty,
            facts.has_gtin,
            facts.return_rate,
            facts.typical,
        )
        shared = self._by_decision.get(key)
        if shared is None:
            shared = self._by_decision[key] = Shared(facts, decision)
            self._shared.append(shared)
        return EvaluatedRow(rec, facts.unit_value, shared, facts.vertical_source)

    def _as_typical(self, decision: Decision, facts: SkuFacts) -> Decision:
        """The decision of a row with no value, its reason saying it was decided as a typical item."""
        key = (id(decision), facts.vertical, facts.value_band)
        got = self._typical.get(key)
        if got is None:
            label = self.rulebook.classification.verticals[facts.vertical].label.lower()
            reason = (
                f"no price: decided as a typical {label} item ({facts.value_band} band); give a "
                f"price for an exact decision — {decision.reason}"
            )
            got = self._typical[key] = (decision, replace(decision, reason=reason))
        return got[1]

    def evaluate(self, rec: SkuRecord) -> EvaluatedRow | RejectedRow:
        """Decide one record through the memos; an unknown currency becomes a RejectedRow."""
        currency = rec.currency or self.default_currency
        rate = self.classifier._rates.get(currency)
        if rate is None:
            return RejectedRow(
                rec.row, unknown_currency(currency, self.rulebook.currencies), rec.sku
            )
        price = self._amount(rec)
        if price is None or self._exact_only:
            return self.evaluate_exactly(rec)
        c = self.classifier
        cat = c.categories.evidence(rec)
        value = price * rate
        key = self._row_key(rec, value, cat, c.titles.signature(rec.title))
        hit = self._memo.get(key) or self._remember(key, rec, cat)
        shared, template = hit
        return EvaluatedRow(
            rec, value, shared, template.format(*cat.texts) if cat.texts else template
        )

    def evaluate_exactly(self, rec: SkuRecord) -> EvaluatedRow | RejectedRow:
        """One record classified and decided on its own, without the row memo.

        The row-by-row answer: what the memoised path (`evaluate`, `run`) must reproduce, and
        what the equivalence tests compare it with.
        """
        currency = rec.currency or self.default_currency
        if self.classifier._rates.get(currency) is None:
            return RejectedRow(
                rec.row, unknown_currency(currency, self.rulebook.currencies), rec.sku
            )
        try:
            return self.decide(rec)
        except UnknownCurrencyError as exc:
            return RejectedRow(rec.row, str(exc), rec.sku)

    def _remember(self, key: tuple, rec: SkuRecord, cat: Any) -> tuple[Shared, str]:
        """The shared decision and explanation template of a new row-memo key.

        Its vertical comes from the evidence memo; its decision from a second memo keyed on
        exactly what the policy reads once the vertical is known (vertical, confidence,
        customised, HSN, the value's interval between thresholds, warranty, GTIN), so a title
        with new words costs two dictionary lookups, not a classification.
        """
        sig, nature, customised = key[1], key[2], key[3]
        verdict = self.classifier.scorer.verdict(cat, sig, nature, customised)
        k2 = (verdict.vertical, verdict.confidence, verdict.customised, *key[4:])
        shared = self._by_facts.get(k2)
        if shared is None:
            shared = self._by_facts[k2] = self.decide(rec, sig).shared
        got = (shared, verdict.template)
        if len(self._memo) < 30_000:  # bounded: its keys hold title evidence
            self._memo[key] = got
        return got

    def _row_key(self, rec: SkuRecord, value: float, cat: Any, sig: tuple) -> tuple:
        """All a decision and its explanation template depend on (the memo is exact on it)."""
        return (
            cat.shape,
            sig,
            rec.nature,
            rec.customised,
            rec.hsn,
            bisect_left(self._bounds, value),
            value in self._bound_set,
            rec.warranty_months,
            not rec.gtin,
        )

    # ------------------------------------------------------------------ a stream

    def run(
        self, items: Iterable[SkuRecord | RejectedRow], summary: Summary | None = None
    ) -> Iterator[EvaluatedRow | RejectedRow]:
        """Evaluate a stream in order; `summary` is complete once the stream is exhausted."""
        s = summary if summary is not None else Summary()
        self.start(s)
        one = self.one
        # The loop below inlines `evaluate`'s memo hit (the case for nearly every row of a big
        # catalog); anything else goes through `evaluate` itself, so both give the same answer.
        memo_get = self._memo.get
        c = self.classifier
        rates_get = c._rates.get
        signature = c.titles.signature
        cat_get, category_evidence = c.categories.memo.get, c.categories.evidence
        default_currency = self.default_currency
        bounds, bound_set = self._bounds, self._bound_set
        amount_of = self._amount
        # The default value rule (MRP / regular price, else price) inlined for the hot loop;
        # any other `unit_value` order goes through `amount_of`, the one definition.
        list_first = self.rulebook.currencies.unit_value == ("list_price", "price")
        fast = not self._exact_only
        record_cls, row_cls = SkuRecord, EvaluatedRow
        new_tuple = tuple.__new__
        said_memo: dict[tuple, str] = {}
        said_get = said_memo.get
        for item in items:
            if item.__class__ is record_cls:
                own = item.price
                if list_first:
                    price = item.list_price
                    if price is None:
                        price = own
                else:
                    price = amount_of(item)
                missing = own is None or item.price_from  # no price of its own (writers' rule)
                rate = rates_get(item.currency or default_currency)
                if fast and rate is not None and price is not None:
                    cat = cat_get(
                        (
                            item.product_category,
                            item.category,
                            item.product_type,
                            item.tags,
                            item.hsn,
                            item.nature,
                        )
                    ) or category_evidence(item)
                    value = price * rate
                    key = (
                        cat.shape,
                        signature(item.title),
                        item.nature,
                        item.customised,
                        item.hsn,
                        bisect_left(bounds, value),
                        value in bound_set,
                        item.warranty_months,
                        not item.gtin,
                    )
                    hit = memo_get(key)
                    if hit is None:
                        hit = self._remember(key, item, cat)
                    shared, template = hit
                    shared.count += 1
                    shared.value_sum += value
                    if missing:
                        s.price_missing += 1
                    texts = cat.texts
                    if texts:
                        # one explanation object per (template, category words): formatted
                        # once, and shared, so writers can keep its rendering too
                        said = said_get((template, texts))
                        if said is None:
                            said = template.format(*texts)
                            if len(said_memo) < 20_000:
                                said_memo[template, texts] = said
                        template = said
                    yield new_tuple(row_cls, (item, value, shared, template))
                    continue
            yield one(item, s)
        self._tally(s)

    def one(self, item: SkuRecord | RejectedRow, s: Summary) -> EvaluatedRow | RejectedRow:
        """One item evaluated and counted into `s` as `run` counts it; `finish` ends the run."""
        if item.__class__ is SkuRecord:
            missing = item.price is None or item.price_from  # type: ignore[union-attr]
            out = self.evaluate(item)  # type: ignore[arg-type]
        else:
            out, missing = item, False
        if out.__class__ is EvaluatedRow:
            if missing:
                s.price_missing += 1
            sh = out.shared  # type: ignore[union-attr]
            sh.count += 1
            if out.unit_value is not None:  # type: ignore[union-attr]
                sh.value_sum += out.unit_value  # type: ignore[union-attr]
        else:
            s.rejected += 1
            s.rejection_reasons[_reason_kind(out.reason)] += 1  # type: ignore[union-attr]
        return out

    def start(self, s: Summary) -> None:
        """What `run` notes before its first row (the fast lane runs rows itself)."""
        s.markets, s.markets_assumed = tuple(self.profile.markets), self.markets_assumed

    def finish(self, s: Summary) -> None:
        """What `run` does after its last row: the summary's counts and the cost tallies."""
        self._tally(s)

    def _tally(self, s: Summary) -> None:
        acc = CostAccumulator(self.rulebook.costs)
        for sh in self._shared:
            n = sh.count
            if not n:
                continue
            d, f = sh.decision, sh.facts
            method = d.outcome["method"]
            s.decided += n
            s.by_method[method] += n
            s.by_vertical[f.vertical] += n
            s.by_vertical_method[f.vertical, method] += n
            s.by_rule[d.rule] += n
            s.by_confidence[f.confidence] += n
            if d.fallback:
                s.fallback += n
            if f.typical:
                s.price_typical += n
            if method == NOT_STOCK:  # nothing to track: no labels, no lots, no returns to catch
                s.not_stock += n
            else:
                acc.add_decided(f, d, n, sh.value_sum)
            sh.count, sh.value_sum = 0, 0.0
        self._acc = acc

    def cost_report(
        self, monthly_units: float | None = None, overrides: dict | None = None
    ) -> CostReport:
        """Monthly costs of the last `run`; the profile's volume unless `monthly_units` is given."""
        acc = self._acc or CostAccumulator(self.rulebook.costs)
        return cost_report(acc, self.profile, monthly_units, overrides)


def cost_report(
    acc: CostAccumulator,
    profile: BrandProfile,
    monthly_units: float | None = None,
    overrides: dict | None = None,
) -> CostReport:
    """Price the collected SKUs with the brand's evidence (`advisor.advice.costs.price`)."""
    from advisor.advice.costs import assumptions, price

    a = assumptions(acc.costs, profile, monthly_units=monthly_units, overrides=overrides)
    return price(acc.tally(), a)


_REASON_KINDS = (
    "duplicate SKU",
    "unknown currency",
    "missing SKU",
    "no price",
    "negative",
    "price",
    "currency",
)


def _reason_kind(reason: str) -> str:
    low = reason.lower()
    for word in _REASON_KINDS:
        if word.lower() in low:
            return word
    return reason.split(":")[0][:40]


__all__ = ["EvaluatedRow", "Evaluator", "Shared", "Summary"]
