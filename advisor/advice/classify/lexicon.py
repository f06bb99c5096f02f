"""The rulebook's words and patterns compiled for one scan, and a text scanned against them.

Words are found with one Aho-Corasick scan per text (whole words and phrases padded by spaces);
`select` keeps the longest of overlapping ones. Each word carries entries of the kinds below.
"""

from __future__ import annotations

import re
from typing import Any

import ahocorasick

from advisor.rulebook.load import Evidence, Rulebook
from advisor.rulebook.words import plural_forms

# entry kinds held by the automaton (one key may carry several)
CAT, KW, NEG, NEUTRAL, CUST, REQ, CTX, NOT_CUST, STAY = range(9)
CONTEXT_KINDS = frozenset({NEG, CUST, REQ, CTX, NOT_CUST, STAY})


class Lexicon:
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
                add(term, (CAT, v.id, 1.0))
            for term in v.keywords:
                add(term, (KW, v.id, 1.0))
            for term in v.weak:
                add(term, (KW, v.id, ev.weak))
            for term in v.strong:
                add(term, (KW, v.id, ev.strong))
            for term in v.unless:
                add(term, (NEG, v.id), plural=False)
            for term in v.requires:
                add(term, (REQ, v.id))
            for term in v.stays:
                add(term, (STAY, v.id))
            for i, (words, _) in enumerate(v.context):
                for term in words:
                    add(term, (CTX, v.id, i))
        for term in ev.neutral:
            add(term, (NEUTRAL,))
        for term in cls.customised_keywords:
            add(term, (CUST,))
        for term in cls.customised_unless:  # "engraving machine": the engraving is the tool's
            add(term, (NOT_CUST,), plural=False)
        for form, entry in plurals:  # a plural never overrides a word listed as it is
            if (form, entry[0]) not in explicit:
                entries.setdefault(form, []).append(entry)
        self.entries = {term: tuple(found) for term, found in entries.items()}
        # words that matter even inside a longer phrase: unless / requires / context words
        self.context_terms = frozenset(
            t for t, found in self.entries.items() if any(e[0] in CONTEXT_KINDS for e in found)
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
        # one C-level scan says whether any pattern can match at all
        needs = [n for _, n, _ in self.patterns]
        self.pattern_gate = (
            _LiteralGate({lit for n in needs for lit in n}) if needs and all(needs) else None
        )
        self.hsn = {p: v.id for v in cls.verticals.values() for p in v.hsn}
        self.vague = ev.vague_segments  # whole category segments that say nothing ("Sale")
        self.qualifiers = ev.qualifier_segments  # "Watches > Sport": Watches is the deepest
        self.requires = frozenset(v.id for v in cls.verticals.values() if v.requires)
        self.context = {v.id: tuple(t for _, t in v.context) for v in cls.verticals.values()}
        self.paths = dict(cls.taxonomy_paths)
        self.google_ids = dict(cls.google_ids)


class _LiteralGate:
    """Whether a text holds any of some literals: one Aho-Corasick scan, whatever their number.

    A regular expression of alternatives tries each at every position, so its cost grew with
    every pattern a rule author added; the automaton's does not. A class, not a closure, so a
    compiled rulebook still pickles for a spawned worker.
    """

    __slots__ = ("_found",)

    def __init__(self, literals: set[str]) -> None:
        auto = ahocorasick.Automaton()
        for lit in sorted(literals):
            auto.add_word(lit, lit)
        auto.make_automaton()
        self._found = auto.iter

    def __call__(self, text: str) -> bool:
        for _ in self._found(text):
            return True
        return False


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


def scan(lex: Lexicon, text: str) -> tuple[list[tuple], list[tuple]]:
    """Words found in `text`: (selected, every) — selected are the longest non-overlapping ones."""
    return select([(end - v[0] + 1, end, v[1], v[2]) for end, v in lex.iter(text)])


def select(found: list[tuple]) -> tuple[list[tuple], list[tuple]]:
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


def outside_neutral(every: list[tuple], chosen: list[tuple]) -> list[tuple]:
    """Matches not nested inside a chosen neutral phrase ("Kitchen, Garden & Pets" says nothing)."""
    spans = [(m[0], m[1]) for m in chosen if m[3][0][0] == NEUTRAL]
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


def term_entries(lex: Lexicon, term: str) -> tuple:
    return lex.entries.get(term, ())


__all__ = [
    "CAT",
    "CONTEXT_KINDS",
    "CTX",
    "CUST",
    "KW",
    "Lexicon",
    "NEG",
    "NEUTRAL",
    "NOT_CUST",
    "REQ",
    "STAY",
    "outside_neutral",
    "scan",
    "select",
    "term_entries",
]
