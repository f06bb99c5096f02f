"""Loading `languages.yaml`: the words of each language, by vertical, merged into the verticals.

classification.yaml holds each vertical's words in the languages the rulebook began with;
`languages.yaml` holds the rest, one block per language, so a rule author adds a language in one
place. The file is optional (a rules folder without it simply has no such words). Its words are
compared as classification.yaml's are (`advisor.rulebook.words.norm`: case and accents aside),
and a category word or keyword listed under two verticals, in either file or across the two, is
one `rules check` error naming both places.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import replace
from typing import Any

from advisor.rulebook.model import Vertical
from advisor.rulebook.words import norm

#: The word lists a language block may give a vertical (their meaning is classification.yaml's).
WORD_LISTS = ("categories", "keywords", "weak", "strong", "unless", "requires", "stays")

#: The lists of one kind of title word: a word is in one of them only (as a keyword, weak or strong).
_TITLE_LISTS = ("keywords", "weak", "strong")

#: One listed word: (file, where it is listed, vertical, list, the word as written, line).
Listing = tuple[str, str, str, str, str, int]


def listings(doc: Any, file: str) -> Iterator[Listing]:
    """Every word of `languages.yaml`'s vertical blocks with its place, in file order."""
    return _words(doc, file, "verticals", WORD_LISTS)


def signal_listings(doc: Any, file: str) -> Iterator[Listing]:
    """Every word of the languages' `signals` blocks (personalised-goods words), in file order.

    Yields (file, where, signal, list, word, line): `signal` is "customised", `list` is
    `keywords` or `unless`.
    """
    return _words(doc, file, "signals", ("keywords", "unless"))


def _words(doc: Any, file: str, section: str, keys: tuple[str, ...]) -> Iterator[Listing]:
    """(file, where, block name, list, word, line) for each word of each language's `section`."""
    if not isinstance(doc, Mapping) or not isinstance(doc.get("languages"), Mapping):
        return
    for code, lang in doc["languages"].items():
        block = lang.get(section) if isinstance(lang, Mapping) else None
        if not isinstance(block, Mapping):
            continue
        for name, lists in block.items():
            if not isinstance(lists, Mapping):
                continue
            for key in keys:
                items = lists.get(key) or ()
                for i, word in enumerate(items):
                    if isinstance(word, str):
                        line = items.line_of(i) if hasattr(items, "line_of") else 1
                        yield (
                            file,
                            f"languages.{code}.{section}.{name}.{key}",
                            name,
                            key,
                            word,
                            line,
                        )


def with_language_signals(
    words: tuple[str, ...], doc: Any, file: str, signal: str, key: str
) -> tuple[str, ...]:
    """`words` (a signal's list from classification.yaml, normalised) with each language's added."""
    extra = [
        norm(w) for _, _, name, k, w, _ in signal_listings(doc, file) if (name, k) == (signal, key)
    ]
    return tuple(dict.fromkeys([*words, *(w for w in extra if w)]))


def language_vague_segments(doc: Any) -> frozenset[str]:
    """Every language's `vague_segments` (merchandising buckets: Novedades, Neuheiten), folded."""
    if not isinstance(doc, Mapping) or not isinstance(doc.get("languages"), Mapping):
        return frozenset()
    return frozenset(
        norm(word)
        for lang in doc["languages"].values()
        if isinstance(lang, Mapping)
        for word in lang.get("vague_segments") or ()
        if isinstance(word, str) and norm(word)
    )


def with_languages(verticals: dict[str, Vertical], doc: Any, file: str) -> dict[str, Vertical]:
    """`verticals` with each language's words appended to the lists they are listed in.

    A language's `context` words join the vertical's context entry for the same target (or
    start one), so "perro" moves a toy to pet supplies exactly as "dog" does.
    """
    extra: dict[str, dict[str, list[str]]] = {}
    for _, _, vid, key, word, _ in listings(doc, file):
        extra.setdefault(vid, {}).setdefault(key, []).append(norm(word))
    moves: dict[str, dict[str, list[str]]] = {}
    for lang in doc["languages"].values():
        for vid, lists in lang["verticals"].items():
            for c in lists.get("context") or ():
                target = moves.setdefault(vid, {}).setdefault(str(c["vertical"]), [])
                target.extend(norm(w) for w in c["words"])
    out = dict(verticals)
    for vid in {*extra, *moves}:
        v = out[vid]
        changes: dict[str, Any] = {}
        # a word the vertical already lists keeps its list ("deodorant" stays weak in beauty)
        known = {key: set(_same_slot(v, key)) for key in WORD_LISTS}
        for key, words in extra.get(vid, {}).items():
            fresh = tuple(w for w in dict.fromkeys(words) if w and w not in known[key])
            changes[key] = getattr(v, key) + fresh
            for other in _TITLE_LISTS if key in _TITLE_LISTS else (key,):
                known[other].update(fresh)
        if vid in moves:
            context = [(list(words), target) for words, target in v.context]
            for target, words in moves[vid].items():
                entry = next((c for c in context if c[1] == target), None)
                if entry is None:
                    entry = ([], target)
                    context.append(entry)
                entry[0].extend(w for w in dict.fromkeys(words) if w and w not in entry[0])
            changes["context"] = tuple((tuple(words), target) for words, target in context)
        out[vid] = replace(v, **changes)
    return out


def _same_slot(v: Vertical, key: str) -> tuple[str, ...]:
    """The words of `v` a new word in list `key` would repeat: its kind's lists, or its own."""
    if key in _TITLE_LISTS:
        return (*v.keywords, *v.weak, *v.strong)
    return getattr(v, key)


__all__ = [
    "WORD_LISTS",
    "Listing",
    "language_vague_segments",
    "listings",
    "signal_listings",
    "with_language_signals",
    "with_languages",
]
