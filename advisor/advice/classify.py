"""Classification: from a catalog row and the brand profile to the facts the policy rules test.

Which vertical, which value band, which regulations apply, and the brand-level facts — all read
from `classification.yaml` and `regulations.yaml`; nothing about any vertical is written here.
The vertical comes from the first signal that decides: category words (most specific segment
first, longest term first), then the longest listed HSN prefix, then title keywords, then the
rulebook's fallback vertical. Results that depend only on a row's category fields are memoised,
because catalogs repeat a few hundred category paths over millions of rows.
"""

from __future__ import annotations

import datetime as dt
import re
from bisect import bisect_right
from dataclasses import dataclass, replace
from typing import Any

from advisor.advice.profile import BrandProfile
from advisor.catalog.records import SkuRecord
from advisor.rulebook.load import Regulation, Rulebook

_SPLIT = re.compile(r"\s*(?:>|/|\|)\s*")
_NON_WORD = re.compile(r"[^a-z0-9&'+ ]+")


class UnknownCurrencyError(ValueError):
    """A price in a currency the rulebook has no rate for."""


@dataclass(frozen=True, slots=True)
class SkuFacts:
    """What classification concluded about one SKU, and why (for explanations)."""

    vertical: str
    vertical_source: str
    value_band: str
    unit_value: float | None
    regulations: tuple[str, ...]
    customised: bool
    warranty: bool
    has_gtin: bool
    category: str
    title: str
    brand: str
    return_rate: float

    @property
    def regulated(self) -> bool:
        return bool(self.regulations)


def _norm(text: str) -> str:
    return " ".join(_NON_WORD.sub(" ", text.lower()).split())


def _term_regex(terms: list[str]) -> re.Pattern[str] | None:
    if not terms:
        return None
    alts = "|".join(re.escape(t) for t in sorted(set(terms), key=len, reverse=True))
    return re.compile(rf"(?<![a-z0-9])(?:{alts})(?![a-z0-9])")


class Classifier:
    """Turns SkuRecords into SkuFacts under one rulebook, brand profile and date."""

    def __init__(
        self, rulebook: Rulebook, profile: BrandProfile | None = None, as_of: dt.date | None = None
    ) -> None:
        self.rulebook = rulebook
        self.profile = profile or BrandProfile()
        self.as_of = (as_of or dt.date.today()).isoformat()
        cls = rulebook.classification
        self._rates = dict(cls.currencies)
        self._base = cls.base_currency
        self._fallback = cls.fallback_vertical
        self._category_terms: dict[str, str] = {}
        self._keyword_terms: dict[str, str] = {}
        self._hsn: dict[str, str] = {}
        for v in cls.verticals.values():
            for term in v.categories:
                self._category_terms.setdefault(_norm(term), v.id)
            for term in v.keywords:
                self._keyword_terms.setdefault(_norm(term), v.id)
            for prefix in v.hsn:
                self._hsn[prefix] = v.id
        self._category_rx = _term_regex(list(self._category_terms))
        self._keyword_rx = _term_regex(list(self._keyword_terms))
        self._customised_words = tuple(_norm(k) for k in cls.customised_keywords)
        self._customised_rx = _term_regex(list(self._customised_words))
        quick = "|".join(
            re.escape(w) for w in sorted(self._customised_words, key=len, reverse=True)
        )
        self._customised_quick = re.compile(quick).search if quick else None
        self._bands = {
            v.id: ([b for _, b in v.bands], [n for n, _ in v.bands]) for v in cls.verticals.values()
        }
        markets = set(self.profile.markets)
        self._regs: list[Regulation] = [
            r
            for r in rulebook.regulations
            if r.jurisdiction in markets and r.effective_from <= self.as_of
        ]
        self._scoped = {r.id: r for r in self._regs if r.scope is not None}
        self._category_memo: dict[tuple, tuple[str | None, str]] = {}
        self._regs_memo: dict[tuple[str, str], tuple[str, ...]] = {}
        costs = rulebook.costs
        self._return_rates = {
            v: (
                self.profile.return_rate
                if self.profile.return_rate is not None
                else costs.return_rates.get(v, costs.default_return_rate)
            )
            for v in cls.verticals
        }

    # -------------------------------------------------------------- pieces

    def rate(self, currency: str) -> float:
        code = (currency or self.profile.currency or self._base).upper()
        try:
            return self._rates[code]
        except KeyError:
            raise UnknownCurrencyError(
                f"unknown currency {code}: add its rate to `currencies` in classification.yaml "
                f"(known: {', '.join(sorted(self._rates))})"
            ) from None

    def vertical_from_category(self, rec: SkuRecord) -> tuple[str | None, str]:
        key = (rec.product_category, rec.category, rec.product_type, rec.tags, rec.hsn)
        hit = self._category_memo.get(key)
        if hit is None:
            hit = self._vertical_from_category(rec)
            if len(self._category_memo) < 200_000:
                self._category_memo[key] = hit
        return hit

    def _vertical_from_category(self, rec: SkuRecord) -> tuple[str | None, str]:
        rx = self._category_rx
        sources = (
            ("category", rec.product_category),
            ("category", rec.category),
            ("type", rec.product_type),
        )
        if rx is not None:
            for label, text in sources:
                if not text:
                    continue
                for segment in reversed(_SPLIT.split(text)):
                    seg = _norm(segment)
                    found = self._longest(rx, seg)
                    if found:
                        return self._category_terms[found], f"{label} '{segment.strip()}'"
            for tag in rec.tags:
                found = self._longest(rx, _norm(tag))
                if found:
                    return self._category_terms[found], f"tag '{tag}'"
        digits = rec.hsn
        for n in (8, 6, 4, 2):
            if len(digits) >= n and digits[:n] in self._hsn:
                return self._hsn[digits[:n]], f"HSN {digits} (prefix {digits[:n]})"
        return None, ""

    @staticmethod
    def _longest(rx: re.Pattern[str], text: str) -> str | None:
        if not text:
            return None
        found = rx.findall(text)
        return max(found, key=len) if found else None

    def vertical(self, rec: SkuRecord) -> tuple[str, str]:
        vertical, source = self.vertical_from_category(rec)
        if vertical is not None:
            return vertical, source
        if self._keyword_rx is not None and rec.title:
            found = self._longest(self._keyword_rx, _norm(rec.title))
            if found:
                return self._keyword_terms[found], f"title word '{found}'"
        return self._fallback, "no signal matched: fallback vertical"

    def band(self, vertical: str, unit_value: float | None) -> str:
        bounds, names = self._bands[vertical]
        if unit_value is None:
            return names[0]
        return names[max(bisect_right(bounds, unit_value) - 1, 0)]

    def regulations(self, vertical: str, hsn: str) -> tuple[str, ...]:
        key = (vertical, hsn)
        hit = self._regs_memo.get(key)
        if hit is None:
            hit = tuple(
                r.id
                for r in self._regs
                if vertical in r.verticals and (not r.hsn or any(hsn.startswith(p) for p in r.hsn))
            )
            self._regs_memo[key] = hit
        return hit

    def is_customised(self, rec: SkuRecord) -> bool:
        if rec.customised is not None:
            return rec.customised
        if self._customised_quick is None or self._customised_quick(rec.title.lower()) is None:
            return False  # the common case, answered by one C-level search
        return bool(self._customised_rx and self._customised_rx.search(_norm(rec.title)))

    # -------------------------------------------------------------- whole SKU

    def classify(self, rec: SkuRecord) -> SkuFacts:
        """Facts for one row; raises UnknownCurrencyError for a currency without a rate."""
        unit_value = None if rec.price is None else rec.price * self.rate(rec.currency)
        vertical, source = self.vertical(rec)
        warranty = (
            (rec.warranty_months > 0)
            if rec.warranty_months is not None
            else self.profile.warranty_offered
        )
        sku = SkuFacts(
            vertical=vertical,
            vertical_source=source,
            value_band=self.band(vertical, unit_value),
            unit_value=unit_value,
            regulations=self.regulations(vertical, rec.hsn),
            customised=self.is_customised(rec),
            warranty=warranty,
            has_gtin=bool(rec.gtin),
            category=(rec.product_category or rec.category or rec.product_type).lower(),
            title=rec.title,
            brand=rec.brand,
            return_rate=self._return_rates[vertical],
        )
        if self._scoped and any(r in self._scoped for r in sku.regulations):
            sku = self._narrowed(sku)
        return sku

    def _narrowed(self, sku: SkuFacts) -> SkuFacts:
        """Drop the regulations whose `applies_to.when` does not hold for this SKU."""
        facts = self.facts(sku)
        specs = self.rulebook.policy.facts
        keep = tuple(
            r
            for r in sku.regulations
            if r not in self._scoped or self._scoped[r].applies(specs, facts)
        )
        return replace(sku, regulations=keep)

    def profile_facts(self) -> dict[str, Any]:
        p = self.profile
        return {
            "monthly_orders": float(p.monthly_orders),
            "monthly_units": float(p.monthly_units),
            "counterfeit_incidents": float(p.counterfeit_incidents),
            "warranty_offered": p.warranty_offered,
            "customised_goods": p.customised_goods,
            "multi_channel": p.multi_channel,
            "multi_warehouse": p.multi_warehouse,
            "warehouses": float(p.warehouses),
        }

    def facts(self, sku: SkuFacts) -> dict[str, Any]:
        """The mapping the policy rules see: the SKU's facts merged with the brand's."""
        out = self.profile_facts()
        out.update(
            vertical=sku.vertical,
            value_band=sku.value_band,
            unit_value=sku.unit_value,
            regulated=sku.regulated,
            regulation=frozenset(sku.regulations),
            customised=sku.customised,
            warranty=sku.warranty,
            has_gtin=sku.has_gtin,
            category=sku.category,
            title=sku.title,
            brand=sku.brand,
            return_rate=sku.return_rate,
        )
        return out


__all__ = ["Classifier", "SkuFacts", "UnknownCurrencyError"]
