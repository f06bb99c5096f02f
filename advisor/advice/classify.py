"""Classification: from a catalog row and the brand profile to the facts the policy rules test.

Which vertical, which value band, which regulations apply, and the brand-level facts — all read
from the rulebook (`classification.yaml`, `evidence.yaml`, `taxonomies.yaml`,
`regulations.yaml`); nothing about any vertical is written here.

The vertical is chosen from evidence, not from the first word that hits. Every field of the row
is read: the standard taxonomy path or id, each segment of each category path, the HSN code,
the product type, the title (words and patterns), the tags, and what the file says of the item's
nature. Each source gives the verticals it points at its weight (evidence.yaml); the highest
total wins, and the row's own words that decided are kept for the explanation, with a
confidence. Words are found with one Aho-Corasick scan per text (whole words and phrases, the
longest of overlapping ones), so a title costs one C-level pass whatever the number of words.

What depends only on a row's category fields is memoised on those fields; what depends on its
title is summed up by `title_signature` (the words and patterns found), so two rows share a
classification only when they share every piece of evidence it cites.
"""

from __future__ import annotations

import datetime as dt
import re
from bisect import bisect_right
from dataclasses import dataclass, replace
from typing import Any, NamedTuple

import ahocorasick

from advisor.advice.money import unit_amount, unknown_currency
from advisor.advice.profile import BrandProfile
from advisor.catalog.records import SkuRecord
from advisor.rulebook.load import Evidence, Regulation, Rulebook, taxonomy_key
from advisor.rulebook.markets import covered
from advisor.rulebook.words import fast_norm, norm, plural_forms

_SEGMENTS = re.compile(r"\s*(?:>+|/|\|)\s*")
_PATHS = re.compile(r"\s*[\n\r]+\s*")

# entry kinds held by the automaton (one key may carry several)
_CAT, _KW, _NEG, _NEUTRAL, _CUST, _REQ, _CTX = range(7)


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


class _Lexicon:
    """The rulebook's words, patterns and taxonomies compiled for matching."""

    def __init__(self, rulebook: Rulebook) -> None:
        cls = rulebook.classification
        ev = cls.evidence or _default_evidence(cls)
        self.ev = ev
        self.weights = dict(ev.weights)
        self.order = {s: i for i, s in enumerate(ev.weights)}
        self.vertical_order = {v: i for i, v in enumerate(cls.verticals)}
        self.stock = {v.id: v.stock for v in cls.verticals.values()}
        entries: dict[str, list[tuple]] = {}
        explicit: set[tuple[str, int]] = set()

        def add(term: str, entry: tuple, plural: bool = True) -> None:
            if not term:
                return
            entries.setdefault(term, []).append(entry)
            explicit.add((term, entry[0]))
            if plural:
                for form in plural_forms(term):
                    plurals.append((form, entry))

        plurals: list[tuple[str, tuple]] = []
        for v in cls.verticals.values():
            for term in v.categories:
                add(term, (_CAT, v.id, 1.0))
            for term in v.keywords:
                add(term, (_KW, v.id, 1.0))
            for term in v.weak:
                add(term, (_KW, v.id, ev.weak))
            for term in v.strong:
                add(term, (_KW, v.id, ev.strong))
            for term in v.unless:
                add(term, (_NEG, v.id), plural=False)
            for term in v.requires:
                add(term, (_REQ, v.id))
            for i, (words, _) in enumerate(v.context):
                for term in words:
                    add(term, (_CTX, v.id, i))
        for term in ev.neutral:
            add(term, (_NEUTRAL,))
        for term in cls.customised_keywords:
            add(term, (_CUST,))
        for form, entry in plurals:  # a plural never overrides a word listed as it is
            if (form, entry[0]) not in explicit:
                entries.setdefault(form, []).append(entry)
        self.entries = {term: tuple(found) for term, found in entries.items()}
        # words that matter even inside a longer phrase: unless / requires / context words
        self.context_terms = frozenset(
            t for t, found in self.entries.items() if any(e[0] in _CONTEXT_KINDS for e in found)
        )
        auto = ahocorasick.Automaton()
        for term, found in entries.items():
            auto.add_word(f" {term} ", (len(term) + 2, term, tuple(found)))
        auto.make_automaton()
        self.iter = auto.iter
        # Each pattern runs only on a title holding one of the literals it cannot match without
        # ("mg" for "500 mg"): a substring test costs nothing beside a regular expression.
        self.patterns: list[tuple[str, tuple[str, ...], Any]] = []
        self.pattern_vertical: dict[str, str] = {}
        for v in cls.verticals.values():
            for p in v.patterns:
                name = f"p{len(self.patterns)}"
                self.patterns.append((name, _required_literals(p), re.compile(p).finditer))
                self.pattern_vertical[name] = v.id
        # one C-level search says whether any pattern can match at all
        needs = [n for _, n, _ in self.patterns]
        self.pattern_gate = (
            re.compile("|".join(re.escape(lit) for n in needs for lit in n)).search
            if needs and all(needs)
            else None
        )
        self.hsn = {p: v.id for v in cls.verticals.values() for p in v.hsn}
        self.requires = frozenset(v.id for v in cls.verticals.values() if v.requires)
        self.context = {v.id: tuple(t for _, t in v.context) for v in cls.verticals.values()}
        self.paths = dict(cls.taxonomy_paths)
        self.google_ids = dict(cls.google_ids)


def _default_evidence(cls: Any) -> Evidence:
    return Evidence(
        {
            "nature": 1000,
            "taxonomy": 100,
            "category": 60,
            "hsn": 50,
            "type": 40,
            "category_parent": 25,
            "title": 30,
            "tags": 10,
        },
        3.0,
        0.5,
        (("high", 60.0, 30.0), ("medium", 30.0, 10.0)),
        {},
        cls.fallback_vertical,
        (),
        (),
    )


def _scan(lex: _Lexicon, text: str) -> tuple[list[tuple], list[tuple]]:
    """Words found in `text`: (selected, every) — selected are the longest non-overlapping ones."""
    return _select([(end - v[0] + 1, end, v[1], v[2]) for end, v in lex.iter(text)])


def _select(found: list[tuple]) -> tuple[list[tuple], list[tuple]]:
    """(start, end, term, entries) matches → (chosen, every): leftmost-longest, no overlaps.

    Matches are whole words padded by spaces, so two may share the space between them; sharing
    more is an overlap, and of overlapping matches the longer stays ("cricket bat" over "bat").
    """
    if len(found) < 2:
        return found, found
    found.sort(key=lambda m: (m[0], -m[1]))
    chosen: list[tuple] = []
    for m in found:
        if chosen and m[0] < chosen[-1][1]:  # overlaps the last one kept
            last = chosen[-1]
            if m[1] - m[0] > last[1] - last[0] and (len(chosen) < 2 or chosen[-2][1] <= m[0]):
                chosen[-1] = m
            continue
        chosen.append(m)
    return (found, found) if len(chosen) == len(found) else (chosen, found)


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
        self._fallback = cls.fallback_vertical
        self._lex = _Lexicon(rulebook)
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
        self._category_memo: dict[tuple, CatEvidence] = {}
        self._shapes: dict[tuple, int] = {}
        self._layout_memo: dict[tuple, tuple] = {}
        self._vertical_memo: dict[tuple, tuple[str, str, str]] = {}
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

    @staticmethod
    def category_key(rec: SkuRecord) -> tuple:
        """The fields whose evidence is memoised together (everything but the title)."""
        return (rec.product_category, rec.category, rec.product_type, rec.tags, rec.hsn, rec.nature)

    def title_signature(self, title: str) -> tuple:
        """Everything the title contributes as evidence: the words and patterns found in it.

        Two titles with the same signature are classified alike and explained alike, so the
        signature is what the memos key on instead of the title itself. One C-level scan finds
        every listed word; the rest runs only when words overlap or a pattern's literal is there.
        """
        lex = self._lex
        text = fast_norm(title)
        raw = list(lex.iter(f" {text} "))  # [(end, (size, term, entries))], by end position
        if raw:
            # What the words found mean depends only on which they are and where they lie
            # relative to each other, which a catalog's titles repeat endlessly: memoised.
            e0 = raw[0][0]
            layout = tuple([(end - e0, v[1]) for end, v in raw])
            got = self._layout_memo.get(layout)
            if got is None:
                got = self._layout(raw, e0)
                if len(self._layout_memo) < 50_000:
                    self._layout_memo[layout] = got
            words, context, spans = got
        else:
            words, context, spans = (), (), ()
        # The row's own words: an ASCII title keeps every character's place in `text`, so the
        # words are cut from the title as written ("Blender", "J-K Flip-Flop").
        same_place = len(text) == len(title)
        if words and same_place:
            surfaces = tuple([title[a + e0 : b + e0] for a, b in spans])
            if surfaces == words:
                surfaces = ()
        else:
            surfaces = ()
        pats: tuple = ()
        if lex.patterns and (lex.pattern_gate is None or lex.pattern_gate(text)):
            contains = text.__contains__
            for name, needs, finditer in lex.patterns:
                if needs and not any(map(contains, needs)):
                    continue
                pats += tuple(
                    (name, title[m.start() : m.end()] if same_place else m.group())
                    for m in finditer(text)
                )
        return (words, context, pats, surfaces)

    def _layout(self, raw: list[tuple], e0: int) -> tuple[tuple, tuple, tuple]:
        """(words chosen, context words, their spans from the first match's end) of a scan.

        Of overlapping words the longest non-overlapping ones are chosen (`_select`); a
        context word (unless / requires / context) counts even inside a chosen phrase.
        """
        overlap = False
        if len(raw) > 1:
            prev = -1
            for end, v in raw:
                if end - v[0] + 1 < prev:
                    overlap = True
                    break
                prev = end
        context: tuple = ()
        if overlap:
            chosen, every = _select([(end - v[0] + 1, end, v[1], v[2]) for end, v in raw])
            words = tuple(m[2] for m in chosen)
            spans = [(m[0], m[1]) for m in chosen]
            if chosen is not every:
                keep = self._lex.context_terms
                context = tuple(
                    sorted(
                        {
                            m[2]
                            for m in _outside_neutral(every, chosen)
                            if m[2] in keep and m not in chosen
                        }
                    )
                )
        else:
            words = tuple([v[1] for _, v in raw])
            spans = [(end - v[0] + 1, end) for end, v in raw]
        return words, context, tuple((a - e0, b - 1 - e0) for a, b in spans)

    def category_evidence(self, rec: SkuRecord) -> CatEvidence:
        """Evidence from everything but the title, memoised on those fields."""
        key = self.category_key(rec)
        got = self._category_memo.get(key)
        if got is None:
            got = self._category_evidence(rec)
            if len(self._category_memo) < 100_000:
                self._category_memo[key] = got
        return got

    def _category_evidence(self, rec: SkuRecord) -> CatEvidence:
        lex = self._lex
        w = lex.weights
        hits: list[Hit] = []
        seen: set[tuple] = set()  # context entries: (kind, vertical[, i])

        def context(every: list[tuple], chosen: list[tuple] = ()) -> None:
            for m in _outside_neutral(every, chosen):
                for entry in m[3]:
                    if entry[0] in _CONTEXT_KINDS:
                        seen.add(entry[:3] if entry[0] == _CTX else entry[:2])

        def words(text: str, source: str, label: str, weight: float) -> bool:
            chosen, every = _scan(lex, f" {norm(text)} ")
            context(every, chosen)
            found = False
            for m in chosen:
                for entry in m[3]:
                    if entry[0] == _CAT or entry[0] == _KW:  # a product word in a category counts
                        mult = min(entry[2], 1.0)  # `strong` is for titles only
                        hits.append(Hit(source, entry[1], weight * mult, label))
                        found = True
            return found

        pcat = rec.product_category.strip()
        if pcat:
            vertical, text = self._taxonomy(pcat)
            if vertical is not None:
                hits.append(Hit("taxonomy", vertical, w["taxonomy"], text))
                chosen, every = _scan(lex, f" {norm(pcat)} ")
                context(every, chosen)
            elif not pcat.isdigit():
                self._path_words(pcat, words, w)
        for path in _PATHS.split(rec.category.strip()) if rec.category else ():
            if not path or path == rec.product_type:
                continue
            vertical, text = self._taxonomy(path, min_depth=2)
            if vertical is not None:  # a standard taxonomy path written in the category column
                hits.append(Hit("taxonomy", vertical, w["taxonomy"], text))
            self._path_words(path, words, w)
        if rec.product_type:
            words(rec.product_type, "type", f'type "{rec.product_type.strip()}"', w["type"])
        for tag in rec.tags:
            words(tag, "tags", f'tag "{tag.strip()}"', w["tags"])
        digits = rec.hsn
        for n in (8, 6, 4, 2):
            if len(digits) >= n and digits[:n] in lex.hsn:
                hits.append(
                    Hit("hsn", lex.hsn[digits[:n]], w["hsn"], f"HSN {digits} (prefix {digits[:n]})")
                )
                break
        texts = tuple(h.text for h in hits)
        hits = [h._replace(text=f"{{{i}}}") for i, h in enumerate(hits)]
        ctx = frozenset(seen)
        shape = (tuple((h.source, h.vertical, h.weight) for h in hits), ctx)
        shape_id = self._shapes.setdefault(shape, len(self._shapes))  # a small int hashes fast
        return CatEvidence(tuple(hits), ctx, shape_id, texts)

    def _path_words(self, path: str, words: Any, w: dict[str, float]) -> None:
        segments = [s for s in _SEGMENTS.split(path) if s.strip()]
        for depth, seg in enumerate(reversed(segments)):
            label = f'category "{seg.strip()}"'
            if depth == 0:
                words(seg, "category", label, w["category"])
            else:
                words(seg, "category_parent", label, w["category_parent"])

    def _taxonomy(self, pcat: str, min_depth: int = 1) -> tuple[str | None, str]:
        lex = self._lex
        if pcat.isdigit():
            v = lex.google_ids.get(int(pcat))
            return v, f"Google category {pcat}"
        key = taxonomy_key(pcat)
        for n in range(len(key), min_depth - 1, -1):
            v = lex.paths.get(key[:n])
            if v is not None:
                shown = " > ".join(s.strip() for s in _SEGMENTS.split(pcat.strip())[:n])
                return v, f'taxonomy "{shown}"'
        return None, ""

    def vertical(self, rec: SkuRecord, signature: tuple | None = None) -> tuple[str, str]:
        """The vertical of a record and the evidence that decided it, in the row's own words."""
        v, source, _ = self.vertical_of(rec, signature)
        return v, source

    def vertical_of(self, rec: SkuRecord, signature: tuple | None = None) -> tuple[str, str, str]:
        """(vertical, evidence text in the row's words, confidence) for a record."""
        sig = self.title_signature(rec.title) if signature is None else signature
        cat = self.category_evidence(rec)
        v = self.verdict(cat, sig, rec.nature, rec.customised)
        return v.vertical, v.explain(cat), v.confidence

    def verdict(
        self, cat: CatEvidence, sig: tuple, nature: tuple[str, ...], customised: bool | None
    ) -> Verdict:
        """The vertical for an evidence shape and title signature, memoised on exactly those."""
        key = (cat.shape, sig, nature, customised)
        got = self._vertical_memo.get(key)
        if got is None:
            got = self._decide_vertical(cat, sig, nature, customised)
            if len(self._vertical_memo) < 30_000:
                self._vertical_memo[key] = got
        return got

    def _decide_vertical(
        self, cat: CatEvidence, sig: tuple, nature: tuple[str, ...], explicit: bool | None
    ) -> Verdict:
        lex = self._lex
        w = lex.weights
        cat_hits, seen = cat.hits, set(cat.context)
        words, context, pats, surfaces = sig
        hits = list(cat_hits)
        for term in (*words, *context):
            for entry in _entries(lex, term):
                if entry[0] in _CONTEXT_KINDS:
                    seen.add(entry[:3] if entry[0] == _CTX else entry[:2])
        customised = (_CUST,) in seen
        negs = {e[1] for e in seen if e[0] == _NEG}
        negs |= {v for v in lex.requires if (_REQ, v) not in seen}
        last: dict[str, int] = {}  # position of each vertical's last title word
        for pos, term in enumerate(words):
            written = surfaces[pos] if surfaces else term
            for entry in _entries(lex, term):
                if entry[0] == _KW:
                    shown = _braces(written)
                    hits.append(
                        Hit("title", entry[1], w["title"] * entry[2], f'title word "{shown}"')
                    )
                    last[entry[1]] = pos
        for name, text in pats:
            hits.append(
                Hit(
                    "title",
                    lex.pattern_vertical[name],
                    w["title"] * lex.ev.weak,
                    f'title "{_braces(text)}"',
                )
            )
        if negs:
            hits = [h for h in hits if not (h.vertical in negs and h.source in _WORD_SOURCES)]
        moved = {e[1]: lex.context[e[1]][e[2]] for e in sorted(seen) if e[0] == _CTX}
        if moved:  # in this row's context, a vertical's words mean another vertical
            hits = [
                h._replace(vertical=moved[h.vertical], text=f"{h.text} (in context)")
                if h.vertical in moved and h.source in _WORD_SOURCES
                else h
                for h in hits
            ]
        either = [h for h in hits if h.vertical.__class__ is tuple]
        if either:
            hits = [h for h in hits if h.vertical.__class__ is not tuple]
            for h in either:  # the taxonomy names several: the row's other evidence chooses
                score = {v: 0.0 for v in h.vertical}
                for o in hits:
                    if o.vertical in score:
                        score[o.vertical] = max(score[o.vertical], o.weight)
                pick = max(h.vertical, key=lambda v: (score[v], -h.vertical.index(v)))
                hits.append(h._replace(vertical=pick))
        if explicit is not None:
            customised = explicit
        best: dict[str, dict[str, Hit]] = {}
        for h in hits:
            per = best.setdefault(h.vertical, {})
            cur = per.get(h.source)
            if cur is None or h.weight > cur.weight:
                per[h.source] = h
        # what the file says of the item's nature
        for word in nature:
            spec = lex.ev.nature.get(word)
            if spec is None:
                continue
            vertical, prefer, otherwise = spec
            text = f'file says "{word.replace("_", " ")}"'
            if vertical is None:
                scored = [v for v in prefer if v in best]
                if scored:
                    vertical = max(scored, key=lambda v: _total(best[v]))
                else:
                    vertical = otherwise
            if vertical is not None:
                per = best.setdefault(vertical, {})
                per.setdefault("nature", Hit("nature", vertical, w["nature"], text))
        if not best:
            return Verdict(
                self._fallback,
                f"no evidence: fallback vertical {self._fallback}",
                "low",
                customised,
            )
        # Ties go to the stronger source, then to the title's later word: a product title
        # ends with what the thing is ("Glucometer Test Strips", "Coffee Mug").
        ranked = sorted(
            best,
            key=lambda v: (
                -_total(best[v]),
                min(lex.order[s] for s in best[v]),
                -last.get(v, -1),
                lex.vertical_order.get(v, 999),
            ),
        )
        winner = ranked[0]
        score = _total(best[winner])
        runner = _total(best[ranked[1]]) if len(ranked) > 1 else 0.0
        confidence = "low"
        for level, min_score, min_lead in lex.ev.confidence:
            if score >= min_score and score - runner >= min_lead:
                confidence = level
                break
        shown = sorted(best[winner].values(), key=lambda h: lex.order[h.source])
        text = f"{shown[0].text} → {winner}" + "".join(f"; {h.text}" for h in shown[1:])
        if len(ranked) > 1:
            other = ranked[1]
            top = sorted(best[other].values(), key=lambda h: lex.order[h.source])[0]
            text += f" (outweighs {other}: {top.text})"
        if (
            customised
            and lex.stock.get(winner, True)
            and winner not in lex.ev.customised_keep
            and lex.ev.customised_vertical in lex.stock
        ):
            text = f"personalised → {lex.ev.customised_vertical}; {text}"
            winner = lex.ev.customised_vertical
        return Verdict(winner, text, confidence, customised)

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
        sig = self.title_signature(rec.title) if signature is None else signature
        return self.verdict(self.category_evidence(rec), sig, rec.nature, None).customised

    # -------------------------------------------------------------- whole SKU

    def classify(self, rec: SkuRecord, signature: tuple | None = None) -> SkuFacts:
        """Facts for one row; raises UnknownCurrencyError for a currency without a rate."""
        amount = self._amount(rec)  # which price is the value: currencies.yaml `unit_value`
        unit_value = None if amount is None else amount * self.rate(rec.currency)
        sig = self.title_signature(rec.title) if signature is None else signature
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


_WORD_SOURCES = frozenset({"category", "category_parent", "type", "title", "tags"})
_CONTEXT_KINDS = frozenset({_NEG, _CUST, _REQ, _CTX})


def _outside_neutral(every: list[tuple], chosen: list[tuple]) -> list[tuple]:
    """Matches not nested inside a chosen neutral phrase ("Kitchen, Garden & Pets" says nothing)."""
    spans = [(m[0], m[1]) for m in chosen if m[3][0][0] == _NEUTRAL]
    if not spans:
        return every
    return [
        m
        for m in every
        if (m[0], m[1]) in spans or not any(a <= m[0] and m[1] <= b for a, b in spans)
    ]


def _required_literals(pattern: str) -> tuple[str, ...]:
    """Literals one of which any match of `pattern` must contain (empty: cannot tell, always run).

    Read from the parsed pattern's top level: a run of two or more literal characters, or a
    group of alternatives each starting with such a run; the candidate with the longest
    shortest literal wins.
    """
    try:
        from re import _parser as sre_parse  # type: ignore[attr-defined]

        parsed = sre_parse.parse(pattern)
    except Exception:  # noqa: BLE001 - an exotic pattern simply always runs
        return ()
    literal, subpattern, branch = sre_parse.LITERAL, sre_parse.SUBPATTERN, sre_parse.BRANCH
    candidates: list[tuple[str, ...]] = []

    def leading(items) -> str:
        out = ""
        for op, av in items:
            if op is not literal:
                break
            out += chr(av)
        return out

    run = ""
    for op, av in list(parsed) + [(None, None)]:
        if op is literal:
            run += chr(av)
            continue
        if len(run) >= 2:
            candidates.append((run,))
        run = ""
        inner = list(av[-1]) if op is subpattern else [(op, av)]
        if len(inner) == 1 and inner[0][0] is branch:
            alts = tuple(leading(list(b)) for b in inner[0][1][1])
            if alts and all(len(a) >= 2 for a in alts):
                candidates.append(alts)
    if not candidates:
        return ()
    return max(candidates, key=lambda c: min(len(x) for x in c))


def _braces(text: str) -> str:
    return text.replace("{", "{{").replace("}", "}}")


def _entries(lex: _Lexicon, term: str) -> tuple:
    return lex.entries.get(term, ())


def _total(per: dict[str, Hit]) -> float:
    return sum(h.weight for h in per.values())


__all__ = [
    "CatEvidence",
    "Classifier",
    "Hit",
    "SkuFacts",
    "UnknownCurrencyError",
    "Verdict",
]
