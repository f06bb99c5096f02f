"""A title's evidence: the words and patterns found in it, memoised on where the words lie."""

from __future__ import annotations

from advisor.advice.classify.lexicon import Lexicon, outside_neutral, select
from advisor.rulebook.words import fast_norm, written_as


class TitleReader:
    """Reads titles against one lexicon; its memo of word layouts is shared by every title."""

    def __init__(self, lex: Lexicon) -> None:
        self._lex = lex
        self._layout_memo: dict[tuple, tuple] = {}

    def signature(self, title: str) -> tuple:
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
        elif words and not title.isascii():  # accents folded or spaces joined: found again
            surfaces = written_as(title, words)
        else:
            surfaces = ()
        if surfaces == words:
            surfaces = ()
        return (words, context, self.patterns(text, title, same_place), surfaces)

    def patterns(self, text: str, title: str, same_place: bool = True) -> tuple:
        """The rulebook's patterns found in `text` (the title as matched): (name, as written)."""
        lex = self._lex
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
        return pats

    def _layout(self, raw: list[tuple], e0: int) -> tuple[tuple, tuple, tuple]:
        """(words chosen, context words, their spans from the first match's end) of a scan.

        Of overlapping words the longest non-overlapping ones are chosen (`select`); a
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
            chosen, every = select([(end - v[0] + 1, end, v[1], v[2]) for end, v in raw])
            words = tuple(m[2] for m in chosen)
            spans = [(m[0], m[1]) for m in chosen]
            if chosen is not every:
                keep = self._lex.context_terms
                context = tuple(
                    sorted(
                        {
                            m[2]
                            for m in outside_neutral(every, chosen)
                            if m[2] in keep and m not in chosen
                        }
                    )
                )
        else:
            words = tuple([v[1] for _, v in raw])
            spans = [(end - v[0] + 1, end) for end, v in raw]
        return words, context, tuple((a - e0, b - 1 - e0) for a, b in spans)


__all__ = ["TitleReader"]
