"""What a row says besides its title: taxonomy, category paths, product type, tags and HSN."""

from __future__ import annotations

import re
from typing import Any

from advisor.advice.classify.facts import CatEvidence, Hit
from advisor.advice.classify.lexicon import (
    CAT,
    CONTEXT_KINDS,
    CTX,
    KW,
    Lexicon,
    outside_neutral,
    scan,
)
from advisor.catalog.records import SkuRecord
from advisor.rulebook.words import norm

_SEGMENTS = re.compile(r"\s*(?:>+|/|\|)\s*")
_PATHS = re.compile(r"\s*[\n\r]+\s*")


class CategoryReader:
    """Reads the category fields of rows against one lexicon, memoised on those fields.

    `memo` is read directly by the evaluator's hot loop (`Evaluator.run`); `_shapes` numbers
    each distinct evidence shape, so rows that differ only in words pointing nowhere share one.
    A store's thousands of distinct paths are made of a few hundred distinct segments
    ("Home > Kitchen > Sale 3"), so each segment is normalised and scanned once (`_scans`,
    `_norms`): a new path then costs dictionary lookups, not a lexicon scan per segment.
    """

    def __init__(self, lex: Lexicon) -> None:
        self._lex = lex
        self.memo: dict[tuple, CatEvidence] = {}
        self._shapes: dict[tuple, int] = {}
        self._scans: dict[str, tuple[list[tuple], list[tuple]]] = {}
        self._norms: dict[str, str] = {}
        self._said: dict[str, tuple[tuple, tuple]] = {}

    def _scan(self, text: str) -> tuple[list[tuple], list[tuple]]:
        """`scan` of `text` normalised, remembered per text (the lists are never changed)."""
        got = self._scans.get(text)
        if got is None:
            got = scan(self._lex, f" {norm(text)} ")
            if len(self._scans) < 100_000:
                self._scans[text] = got
        return got

    def _words(self, text: str) -> tuple[tuple[tuple[str, float], ...], tuple[tuple, ...]]:
        """What `text` says as a category field: ((vertical, multiplier) per product word chosen,
        the context entries it holds), remembered per text."""
        got = self._said.get(text)
        if got is None:
            chosen, every = self._scan(text)
            entries = []
            for m in outside_neutral(every, chosen):
                for entry in m[3]:
                    if entry[0] in CONTEXT_KINDS:
                        entries.append(entry[:3] if entry[0] == CTX else entry[:2])
            found = []
            for m in chosen:
                for entry in m[3]:
                    if entry[0] == CAT or entry[0] == KW:  # a product word in a category counts
                        found.append((entry[1], min(entry[2], 1.0)))  # `strong`: titles only
            got = (tuple(found), tuple(entries))
            if len(self._said) < 100_000:
                self._said[text] = got
        return got

    @staticmethod
    def key(rec: SkuRecord) -> tuple:
        """The fields whose evidence is memoised together (everything but the title)."""
        return (rec.product_category, rec.category, rec.product_type, rec.tags, rec.hsn, rec.nature)

    def evidence(self, rec: SkuRecord) -> CatEvidence:
        """Evidence from everything but the title, memoised on those fields."""
        key = self.key(rec)
        got = self.memo.get(key)
        if got is None:
            got = self._evidence(rec)
            if len(self.memo) < 100_000:
                self.memo[key] = got
        return got

    def _evidence(self, rec: SkuRecord) -> CatEvidence:
        lex = self._lex
        w = lex.weights
        # Hits are made once, their row's words kept apart in `texts` (named `{i}` in the hit)
        # so rows that differ only in those words share one evidence shape.
        hits: list[Hit] = []
        texts: list[str] = []
        new_hit = tuple.__new__  # a NamedTuple's own __new__ is a Python-level lambda
        seen: set[tuple] = set()  # context entries: (kind, vertical[, i])

        def hit(source: str, vertical: Any, weight: float, text: str) -> None:
            hits.append(new_hit(Hit, (source, vertical, weight, f"{{{len(texts)}}}")))
            texts.append(text)

        def words(text: str, source: str, label: str, weight: float) -> None:
            found, entries = self._words(text)
            seen.update(entries)
            for vertical, mult in found:
                hit(source, vertical, weight * mult, label)

        def path_words(segments: list[str]) -> None:
            parts = [s for s in segments if s.strip() and not self._vague(s)]
            if len(parts) > 1 and self._qualifies(parts[-1]):
                parts[-2], parts[-1] = parts[-1], parts[-2]  # "Watches > Sport": Watches decides
            for depth, seg in enumerate(reversed(parts)):
                label = f'category "{seg.strip()}"'
                if depth == 0:
                    words(seg, "category", label, w["category"])
                else:
                    words(seg, "category_parent", label, w["category_parent"])

        pcat = rec.product_category.strip()
        if pcat:
            segments = _SEGMENTS.split(pcat)
            vertical, text = self._taxonomy(pcat, segments)
            deeper = [s for s in segments if s.strip()][1:]
            if vertical is not None and deeper and self._taxonomy(pcat, segments, 2)[0] is None:
                # Only the root of a longer path is listed ("Electronics > Electronics
                # Components > Sensors"): the root counts, and the segments below it are read
                # as any category path's, so a part filed under a broad root can outweigh it.
                hit("taxonomy", vertical, w["taxonomy"], text)
                seen.update(self._words(pcat)[1])
                path_words(deeper)
            elif vertical is not None:
                hit("taxonomy", vertical, w["taxonomy"], text)
                seen.update(self._words(pcat)[1])
            elif not pcat.isdigit():
                path_words(segments)
        category = rec.category.strip() if rec.category else ""
        paths = _PATHS.split(category) if "\n" in category or "\r" in category else (category,)
        for path in paths:
            if not path or path == rec.product_type:
                continue
            segments = _SEGMENTS.split(path)
            if len(segments) == 1 and "," in path:
                # PrestaShop lists a product's categories from the shop's root, comma-separated
                # ("Accueil,Parapharmacie,Visage"): a list that starts at a vague root is a path
                items = path.split(",")
                if self._vague(items[0]):
                    # it is the set of the product's categories, not a strict path: the most
                    # specific one that names a vertical is read as the deepest
                    while len(items) > 1 and not self._words(items[-1])[0]:
                        items.pop()
                    segments = items
            vertical, text = self._taxonomy(path, segments, min_depth=2)
            if vertical is not None:  # a standard taxonomy path written in the category column
                hit("taxonomy", vertical, w["taxonomy"], text)
            path_words(segments)
        if rec.product_type and not self._vague(rec.product_type):
            words(rec.product_type, "type", f'type "{rec.product_type.strip()}"', w["type"])
        for tag in rec.tags:
            if not self._vague(tag):
                words(tag, "tags", f'tag "{tag.strip()}"', w["tags"])
        digits = rec.hsn
        for n in (8, 6, 4, 2):
            if len(digits) >= n and digits[:n] in lex.hsn:
                hit("hsn", lex.hsn[digits[:n]], w["hsn"], f"HSN {digits} (prefix {digits[:n]})")
                break
        ctx = frozenset(seen)
        shape = (tuple([(h.source, h.vertical, h.weight) for h in hits]), ctx)
        shape_id = self._shapes.setdefault(shape, len(self._shapes))  # a small int hashes fast
        return CatEvidence(tuple(hits), ctx, shape_id, tuple(texts))

    def _vague(self, segment: str) -> bool:
        """A whole segment that is a merchandising bucket ("New Arrivals", "Ofertas"): it says
        nothing of the product, so the segment above it is read as the deepest one."""
        return bool(self._lex.vague) and self._norm(segment) in self._lex.vague

    def _qualifies(self, segment: str) -> bool:
        """A whole segment that qualifies the one above it ("Sport" under "Watches", "Garden"
        under "Furniture"): what kind of item it is, the segment above says."""
        return bool(self._lex.qualifiers) and self._norm(segment) in self._lex.qualifiers

    def _norm(self, segment: str) -> str:
        """`norm` of a category segment, remembered (a store's paths repeat their segments)."""
        n = self._norms.get(segment)
        if n is None:
            n = norm(segment)
            if len(self._norms) < 100_000:
                self._norms[segment] = n
        return n

    def _taxonomy(
        self, pcat: str, segments: list[str], min_depth: int = 1
    ) -> tuple[str | None, str]:
        """The vertical of the longest standard taxonomy path `pcat` starts with (`segments`
        is `pcat` split at its separators), and how the row's evidence names it."""
        lex = self._lex
        if pcat.isdigit():
            v = lex.google_ids.get(int(pcat))
            return v, f"Google category {pcat}"
        # `taxonomy_key(pcat)`, each segment's normal form remembered
        key = tuple(n for n in map(self._norm, segments) if n)
        for n in range(len(key), min_depth - 1, -1):
            v = lex.paths.get(key[:n])
            if v is not None:
                # `segments` is `pcat` split (callers pass it stripped, as the label shows it)
                shown = " > ".join([s.strip() for s in segments[:n]])
                return v, f'taxonomy "{shown}"'
        return None, ""


__all__ = ["CategoryReader"]
