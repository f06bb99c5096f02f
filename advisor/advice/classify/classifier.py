"""`Classifier`: from a catalog row and the brand profile to the facts the policy rules test.

It reads the title (`titles`) and the other fields (`categories`) into evidence, lets `scoring`
pick the vertical, then adds the value band, the regulations in the brand's markets and the
brand-level facts.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from dataclasses import replace
from typing import Any

import ahocorasick

from advisor.advice.classify import lexicon as lexicon_module
from advisor.advice.classify.categories import CategoryReader
from advisor.advice.classify.facts import SkuFacts, UnknownCurrencyError
from advisor.advice.classify.lexicon import Lexicon
from advisor.advice.classify.scoring import VerticalScorer
from advisor.advice.classify.titles import TitleReader
from advisor.advice.money import unit_amount, unknown_currency
from advisor.advice.profile import BrandProfile
from advisor.catalog.records import SkuRecord
from advisor.rulebook.load import Regulation, Rulebook
from advisor.rulebook.markets import covered


def prepare(rulebook: Rulebook) -> Lexicon:
    """The rulebook's words compiled for matching, built once per rulebook and shared.

    Call it ahead of the first catalog (the app does, while the user reads) so no evaluation
    waits for it, and a process forked later starts with it. A rulebook loaded from a folder
    keeps it on disk too: the next process unpickles it instead of building it again.
    """
    return rulebook.compiled_once(
        "lexicon", Lexicon, code=(lexicon_module.__file__, ahocorasick.__file__)
    )


class Classifier:
    """Turns SkuRecords into SkuFacts under one rulebook, brand profile and date."""

    def __init__(
        self, rulebook: Rulebook, profile: BrandProfile | None = None, as_of: dt.date | None = None
    ) -> None:
        self.rulebook = rulebook
        self.profile = profile or BrandProfile()
        self.as_of = (as_of or dt.date.today()).isoformat()
        cls = rulebook.classification
        self._amount = unit_amount(rulebook.currencies.unit_value)
        self._rates = dict(cls.currencies)
        self._base = cls.base_currency
        lex = prepare(rulebook)
        self.titles = TitleReader(lex)
        self.categories = CategoryReader(lex)
        self.scorer = VerticalScorer(lex, cls.fallback_vertical)
        self._bands = {
            v.id: ([b for _, b in v.bands], [n for n, _ in v.bands]) for v in cls.verticals.values()
        }
        # A row with no value is a typical item of its vertical, never the cheapest one.
        self._typical = {
            v.id: v.typical_band or v.bands[0][0] for v in cls.verticals.values() if v.bands
        }
        markets = covered(self.profile.markets)  # NL sells in the EU too
        self._regs: list[Regulation] = [
            r
            for r in rulebook.regulations
            if r.jurisdiction in markets and r.effective_from <= self.as_of
        ]
        self._scoped = {r.id: r for r in self._regs if r.scope is not None}
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
            raise UnknownCurrencyError(unknown_currency(code, self.rulebook.currencies)) from None

    def vertical(self, rec: SkuRecord, signature: tuple | None = None) -> tuple[str, str]:
        """The vertical of a record and the evidence that decided it, in the row's own words."""
        v, source, _ = self.vertical_of(rec, signature)
        return v, source

    def vertical_of(self, rec: SkuRecord, signature: tuple | None = None) -> tuple[str, str, str]:
        """(vertical, evidence text in the row's words, confidence) for a record."""
        sig = self.titles.signature(rec.title) if signature is None else signature
        cat = self.categories.evidence(rec)
        v = self.scorer.verdict(cat, sig, rec.nature, rec.customised)
        return v.vertical, v.explain(cat), v.confidence

    def band(self, vertical: str, unit_value: float | None) -> str:
        """The value band of a unit value; with no value, the vertical's typical band."""
        bounds, names = self._bands[vertical]
        if unit_value is None:
            return self._typical.get(vertical, names[0])
        return names[max(bisect_right(bounds, unit_value) - 1, 0)]

    def decided_as_typical(self, vertical: str, unit_value: float | None) -> bool:
        """No value, and the vertical's bands would tell items apart: a typical one is assumed."""
        return unit_value is None and len(self._bands[vertical][1]) > 1

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

    def is_customised(self, rec: SkuRecord, signature: tuple | None = None) -> bool:
        """Made to order / personalised: the file's own column, else the row's words."""
        if rec.customised is not None:
            return rec.customised
        sig = self.titles.signature(rec.title) if signature is None else signature
        return self.scorer.verdict(self.categories.evidence(rec), sig, rec.nature, None).customised

    # -------------------------------------------------------------- whole SKU

    def classify(self, rec: SkuRecord, signature: tuple | None = None) -> SkuFacts:
        """Facts for one row; raises UnknownCurrencyError for a currency without a rate."""
        amount = self._amount(rec)  # which price is the value: currencies.yaml `unit_value`
        unit_value = None if amount is None else amount * self.rate(rec.currency)
        sig = self.titles.signature(rec.title) if signature is None else signature
        vertical, source, confidence = self.vertical_of(rec, sig)
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
            customised=self.is_customised(rec, sig),
            warranty=warranty,
            has_gtin=bool(rec.gtin),
            category=(rec.product_category or rec.category or rec.product_type).lower(),
            title=rec.title,
            brand=rec.brand,
            return_rate=self._return_rates[vertical],
            confidence=confidence,
            typical=self.decided_as_typical(vertical, unit_value),
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


__all__ = ["Classifier", "prepare"]
