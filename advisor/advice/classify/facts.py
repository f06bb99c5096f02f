"""What classification concludes about a SKU, and the pieces of evidence it weighs and cites."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple


class UnknownCurrencyError(ValueError):
    """A price in a currency the rulebook has no rate for."""


class Hit(NamedTuple):
    """One piece of evidence: a source pointing at a vertical, with its weight and the row's words."""

    source: str
    vertical: str
    weight: float
    text: str


class CatEvidence(NamedTuple):
    """What everything but the title says: hits (texts as `{i}` placeholders), context, shape.

    `shape` is all a decision depends on (sources, verticals, weights, context words), so rows
    whose categories differ only in words that point nowhere share one decision; `texts` are the
    row's own words the placeholders stand for, for its explanation.
    """

    hits: tuple[Hit, ...]
    context: frozenset
    shape: int  # the id of the (hits' sources, verticals, weights; context) this evidence has
    texts: tuple[str, ...]


class Verdict(NamedTuple):
    """The vertical decided for one evidence shape and title signature, and how to explain it."""

    vertical: str
    template: str  # the explanation; `{i}` stands for the row's i-th category text
    confidence: str
    customised: bool

    def explain(self, cat: CatEvidence) -> str:
        return self.template.format(*cat.texts) if cat.texts else self.template


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
    confidence: str = "low"
    # no unit value: the band is the vertical's typical band (classification.yaml `typical_band`)
    typical: bool = False

    @property
    def regulated(self) -> bool:
        return bool(self.regulations)


__all__ = ["CatEvidence", "Hit", "SkuFacts", "UnknownCurrencyError", "Verdict"]
