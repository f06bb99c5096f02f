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
from advisor.rulebook.classification import TAXONOMY_SEPARATORS
from advisor.rulebook.words import norm

_SEGMENTS = re.compile(r"\s*(?:>+|/|\|)\s*")
_PATHS = re.compile(r"\s*[\n\r]+\s*")
_TAXONOMY_SPLIT = re.compile(TAXONOMY_SEPARATORS).split


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

    def _scan(self, text: str) -> tuple[list[tuple], list[tuple]]:
        """`scan` of `text` normalised, remembered per text (the lists are never changed)."""
        got = self._scans.get(text)
        if got is None:
            got = scan(self._lex, f" {norm(text)} ")
            if len(self._scans) < 100_000:
                self._scans[text] = got
        return got

    def _taxonomy_key(self, path: str) -> tuple[str, ...]:
        """`taxonomy_key(path)`, with each segment's normal form remembered."""
        norms = self._norms
        key = []
        for seg in _TAXONOMY_SPLIT(path):
            n = norms.get(seg)
            if n is None:
                n = norm(seg)
                if len(norms) < 100_000:
                    norms[seg] = n
            if n:
                key.append(n)
        return tuple(key)

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
        hits: list[Hit] = []
        seen: set[tuple] = set()  # context entries: (kind, vertical[, i])

        def context(every: list[tuple], chosen: list[tuple] = ()) -> None:
            for m in outside_neutral(every, chosen):
                for entry in m[3]:
                    if entry[0] in CONTEXT_KINDS:
                        seen.add(entry[:3] if entry[0] == CTX else entry[:2])

        def words(text: str, source: str, label: str, weight: float) -> bool:
            chosen, every = self._scan(text)
            context(every, chosen)
            found = False
            for m in chosen:
                for entry in m[3]:
                    if entry[0] == CAT or entry[0] == KW:  # a product word in a category counts
                        mult = min(entry[2], 1.0)  # `strong` is for titles only
                        hits.append(Hit(source, entry[1], weight * mult, label))
                        found = True
            return found

        pcat = rec.product_category.strip()
        if pcat:
            vertical, text = self._taxonomy(pcat)
            if vertical is not None:
                hits.append(Hit("taxonomy", vertical, w["taxonomy"], text))
                chosen, every = self._scan(pcat)
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
        key = self._taxonomy_key(pcat)
        for n in range(len(key), min_depth - 1, -1):
            v = lex.paths.get(key[:n])
            if v is not None:
                shown = " > ".join(s.strip() for s in _SEGMENTS.split(pcat.strip())[:n])
                return v, f'taxonomy "{shown}"'
        return None, ""


__all__ = ["CategoryReader"]
