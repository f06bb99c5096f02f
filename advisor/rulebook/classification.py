"""Loading `classification.yaml` with `evidence.yaml` and `taxonomies.yaml`: what identifies a vertical.

One function (`_classification`) builds the `Classification` from the checked documents (its base
currency and rates come from `currencies.yaml`) and adds the problems that need more than the
files' shapes: band order, bad patterns, an HSN prefix, a word or a taxonomy path listed under two
verticals.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from advisor.errors import Problem
from advisor.rulebook.languages import (
    Listing,
    language_vague_segments,
    listings,
    with_language_signals,
    with_languages,
)
from advisor.rulebook.model import Classification, Evidence, Vertical
from advisor.rulebook.words import norm


def _classification(docs, names, checked, problems, money) -> Classification | None:
    doc = docs.get("classification.yaml")
    if not checked.get("classification.yaml"):
        _band_order(doc, names["classification.yaml"], problems)
        return None
    file = names["classification.yaml"]
    bands = tuple(doc["value_bands"])
    verticals: dict[str, Vertical] = {}
    for vid, v in doc["verticals"].items():
        vline = doc["verticals"].line_of(vid)
        raw_bands = v["value_bands"]
        if bands[0] not in raw_bands or raw_bands[bands[0]] != 0:
            problems.append(
                Problem(
                    file,
                    raw_bands.line_of(bands[0])
                    if bands[0] in raw_bands
                    else v.line_of("value_bands"),
                    f"verticals.{vid}.value_bands: the lowest band '{bands[0]}' must start at 0 so every price has a band",
                )
            )
        ordered = [(b, float(raw_bands[b])) for b in bands if b in raw_bands]
        for (b1, x1), (b2, x2) in zip(ordered, ordered[1:], strict=False):
            if x2 <= x1:
                problems.append(
                    Problem(
                        file,
                        raw_bands.line_of(b2),
                        f"verticals.{vid}.value_bands.{b2}: must be above {b1} ({x1:g}), got {x2:g}",
                    )
                )
        typical = str(v.get("typical_band") or "")
        if typical and typical not in raw_bands:
            problems.append(
                Problem(
                    file,
                    v.line_of("typical_band"),
                    f"verticals.{vid}.typical_band: '{typical}' is not one of this vertical's "
                    f"value_bands ({', '.join(b for b in bands if b in raw_bands)}); a row with "
                    "no price is decided in the band named here",
                )
            )
            typical = ""
        for i, pattern in enumerate(v.get("patterns", ())):
            try:
                re.compile(pattern)
            except re.error as exc:
                problems.append(
                    Problem(
                        file,
                        v["patterns"].line_of(i),
                        f"verticals.{vid}.patterns[{i}]: bad regular expression {pattern!r}: {exc}",
                    )
                )
        verticals[vid] = Vertical(
            vid,
            v["label"],
            tuple(v.get("hsn", ())),
            tuple(norm(c) for c in v.get("categories", ())),
            tuple(norm(k) for k in v.get("keywords", ())),
            tuple(ordered),
            vline,
            tuple(norm(k) for k in v.get("weak", ())),
            tuple(norm(k) for k in v.get("strong", ())),
            tuple(v.get("patterns", ())),
            tuple(norm(k) for k in v.get("unless", ())),
            bool(v.get("stock", True)),
            tuple(norm(k) for k in v.get("requires", ())),
            tuple(
                (tuple(norm(k) for k in c["words"]), str(c["vertical"]))
                for c in v.get("context", ())
            ),
            typical,
            tuple(norm(k) for k in v.get("stays", ())),
        )
    words = list(_listings(doc, file))
    if checked.get("languages.yaml"):
        lang_file = names["languages.yaml"]
        verticals = with_languages(verticals, docs["languages.yaml"], lang_file)
        words += listings(docs["languages.yaml"], lang_file)
    problems.extend(_ambiguous_words(words))
    seen_hsn: dict[str, str] = {}
    for vid, vert in verticals.items():
        hsn_items = doc["verticals"][vid].get("hsn") or ()
        for i, prefix in enumerate(vert.hsn):
            if prefix in seen_hsn:
                problems.append(
                    Problem(
                        file,
                        hsn_items.line_of(i) if hasattr(hsn_items, "line_of") else vert.line,
                        f"verticals.{vid}.hsn: prefix {prefix} is also listed under {seen_hsn[prefix]}; an HSN prefix can identify only one vertical",
                    )
                )
            seen_hsn[prefix] = vid
    custom = doc.get("signals", {}).get("customised", {})
    keywords = tuple(dict.fromkeys(norm(k) for k in custom.get("keywords", ())))
    custom_unless = tuple(dict.fromkeys(norm(k) for k in custom.get("unless", ())))
    if checked.get("languages.yaml"):
        lang_doc, lang_file = docs["languages.yaml"], names["languages.yaml"]
        keywords = with_language_signals(keywords, lang_doc, lang_file, "customised", "keywords")
        custom_unless = with_language_signals(
            custom_unless, lang_doc, lang_file, "customised", "unless"
        )
    evidence = _evidence(docs.get("evidence.yaml")) if checked.get("evidence.yaml") else None
    if evidence is not None and checked.get("languages.yaml"):
        vague = language_vague_segments(docs["languages.yaml"])
        evidence = replace(evidence, vague_segments=evidence.vague_segments | vague)
    paths: dict[tuple[str, ...], str] = {}
    ids: dict[int, str] = {}
    if checked.get("taxonomies.yaml"):
        tax = docs["taxonomies.yaml"]
        problems.extend(_ambiguous_taxonomy(tax, names["taxonomies.yaml"]))
        for vid, items in tax["paths"].items():
            for path in items:
                paths.setdefault(taxonomy_key(path), vid)
        either_ids: dict[int, tuple[str, ...]] = {}
        for path, candidates in (tax.get("either") or {}).items():
            if str(path).strip().isdigit():  # a Google id, as its path would be listed
                either_ids[int(path)] = tuple(candidates)
                continue
            k = taxonomy_key(path)
            if k in paths:
                problems.append(
                    Problem(
                        names["taxonomies.yaml"],
                        tax["either"].line_of(path),
                        f"either: path {path!r} is also listed under paths.{paths[k]}; list it in "
                        f"one place only",
                    )
                )
            paths[k] = tuple(candidates)
        for vid, items in (tax.get("google_ids") or {}).items():
            for gid in items:
                if int(gid) in either_ids:
                    problems.append(
                        Problem(
                            names["taxonomies.yaml"],
                            items.line_of(list(items).index(gid))
                            if hasattr(items, "line_of")
                            else 1,
                            f"google_ids.{vid}: id {gid} is also listed under either; list it "
                            f"in one place only",
                        )
                    )
                ids.setdefault(int(gid), vid)
        ids.update(either_ids)
    if money is None:  # currencies.yaml reports its own problems
        return None
    return Classification(
        money.base,
        money.multipliers(),
        bands,
        verticals,
        doc["fallback_vertical"],
        keywords,
        evidence,
        paths,
        ids,
        custom_unless,
    )


TAXONOMY_SEPARATORS = r">+|/|\|"


def taxonomy_key(path: str) -> tuple[str, ...]:
    """A taxonomy path as compared: its segments, normalised ("A > B" -> ("a", "b"))."""
    return tuple(norm(seg) for seg in re.split(TAXONOMY_SEPARATORS, path) if norm(seg))


def _evidence(doc) -> Evidence:
    nature = {
        str(k): (v.get("vertical"), tuple(v.get("prefer", ())), v.get("otherwise"))
        for k, v in doc["nature"].items()
    }
    conf = tuple(
        (level, float(doc["confidence"][level]["score"]), float(doc["confidence"][level]["lead"]))
        for level in ("high", "medium")
    )
    return Evidence(
        {k: float(v) for k, v in doc["sources"].items()},
        float(doc["multipliers"]["strong"]),
        float(doc["multipliers"]["weak"]),
        conf,
        nature,
        doc["customised"]["vertical"],
        tuple(doc["customised"].get("keep", ())),
        tuple(norm(n) for n in doc.get("neutral", ())),
        frozenset(norm(n) for n in doc.get("vague_segments", ())),
        frozenset(norm(n) for n in doc.get("qualifier_segments", ())),
    )


_WORD_KINDS = (
    ("categories", "category word"),
    ("keywords", "keyword"),
    ("weak", "keyword"),
    ("strong", "keyword"),
)


def _listings(doc, file: str):
    """Every category word and keyword of classification.yaml with its place."""
    for vid, v in doc["verticals"].items():
        if not isinstance(v, Mapping):
            continue
        for key, _ in _WORD_KINDS:
            items = v.get(key) or ()
            for i, word in enumerate(items):
                if isinstance(word, str):
                    line = items.line_of(i) if hasattr(items, "line_of") else doc.line
                    yield file, f"verticals.{vid}.{key}", vid, key, word, line


def _ambiguous_words(words: list[Listing]) -> list[Problem]:
    """A category word, or a keyword, listed under two verticals: one error naming both places."""
    kinds = dict(_WORD_KINDS)
    problems: list[Problem] = []
    seen: dict[tuple[str, str], tuple[str, str, str, int]] = {}
    for file, where, vid, key, word, line in words:
        kind = kinds.get(key)
        if kind is None:
            continue
        slot = (kind, norm(word))
        first = seen.get(slot)
        if first is None:
            seen[slot] = (vid, key, file, line)
        elif first[0] == vid and first[1] != key and kind == "keyword":
            problems.append(
                Problem(
                    file,
                    line,
                    f"{where}: keyword {word!r} is also listed under {vid}.{first[1]} "
                    f"({first[2]}:{first[3]}); a title word has one weight — keep it in one of "
                    "keywords, weak or strong",
                )
            )
        elif first[0] != vid:
            problems.append(
                Problem(
                    file,
                    line,
                    f"{where}: {kind} {word!r} is also listed under "
                    f"{first[0]}.{first[1]} ({first[2]}:{first[3]}); a {kind} can identify only "
                    f"one vertical — keep it under the one it means and remove it here, or "
                    f'list a longer phrase ("{word} …") for this one',
                )
            )
    return problems


def _ambiguous_taxonomy(doc, file: str) -> list[Problem]:
    """A taxonomy path or id listed under two verticals."""
    problems: list[Problem] = []
    for section, key_of in (("paths", taxonomy_key), ("google_ids", int)):
        seen: dict[Any, tuple[str, int]] = {}
        block = doc.get(section) or {}
        for vid, items in block.items():
            for i, item in enumerate(items or ()):
                line = items.line_of(i) if hasattr(items, "line_of") else 1
                k = key_of(item)
                first = seen.get(k)
                if first is None:
                    seen[k] = (vid, line)
                elif first[0] != vid:
                    what = "path" if section == "paths" else "id"
                    problems.append(
                        Problem(
                            file,
                            line,
                            f"{section}.{vid}: {what} {item!r} is also listed under {first[0]} "
                            f"({file}:{first[1]}); a taxonomy {what} maps to one vertical — remove "
                            f"one of the two (a deeper path can map a subtree elsewhere)",
                        )
                    )
    return problems


def _band_order(doc, file, problems) -> None:
    """Band bounds must ascend; checked even when other parts of the file are broken."""
    if not isinstance(doc, Mapping) or not isinstance(doc.get("verticals"), Mapping):
        return
    bands = doc.get("value_bands") if isinstance(doc.get("value_bands"), list) else []
    for vid, v in doc["verticals"].items():
        raw = v.get("value_bands") if isinstance(v, Mapping) else None
        if not isinstance(raw, Mapping):
            continue
        ordered = [(b, raw[b]) for b in bands if b in raw and isinstance(raw[b], int | float)]
        for (b1, x1), (b2, x2) in zip(ordered, ordered[1:], strict=False):
            if x2 <= x1:
                problems.append(
                    Problem(
                        file,
                        raw.line_of(b2),
                        f"verticals.{vid}.value_bands.{b2}: must be above {b1} ({x1:g}), got {x2:g}",
                    )
                )


__all__ = ["TAXONOMY_SEPARATORS", "taxonomy_key"]
