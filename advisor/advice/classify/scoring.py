"""The vertical a row's evidence points at: weights summed per source, precedence, confidence.

Each source gives the verticals it points at its weight (evidence.yaml); `unless`, `requires`
and `context` words cancel or move a vertical's words; the file's `nature` words prove what
they say; the highest total wins, ties to the stronger source, then to the title's later word.
"""

from __future__ import annotations

from advisor.advice.classify.facts import CatEvidence, Hit, Verdict
from advisor.advice.classify.lexicon import (
    CONTEXT_KINDS,
    CTX,
    CUST,
    KW,
    NEG,
    NOT_CUST,
    REQ,
    STAY,
    Lexicon,
    term_entries,
)

_WORD_SOURCES = frozenset({"category", "category_parent", "type", "title", "tags"})


class VerticalScorer:
    """Decides verticals under one lexicon, memoised on evidence shape and title signature."""

    def __init__(self, lex: Lexicon, fallback: str) -> None:
        self._lex = lex
        self._fallback = fallback
        self._vertical_memo: dict[tuple, Verdict] = {}

    def verdict(
        self, cat: CatEvidence, sig: tuple, nature: tuple[str, ...], customised: bool | None
    ) -> Verdict:
        """The vertical for an evidence shape and title signature, memoised on exactly those."""
        key = (cat.shape, sig, nature, customised)
        got = self._vertical_memo.get(key)
        if got is None:
            got = self._decide(cat, sig, nature, customised)
            if len(self._vertical_memo) < 30_000:
                self._vertical_memo[key] = got
        return got

    def _decide(
        self, cat: CatEvidence, sig: tuple, nature: tuple[str, ...], explicit: bool | None
    ) -> Verdict:
        lex = self._lex
        w = lex.weights
        cat_hits, seen = cat.hits, set(cat.context)
        words, context, pats, surfaces = sig
        hits = list(cat_hits)
        for term in (*words, *context):
            for entry in term_entries(lex, term):
                if entry[0] in CONTEXT_KINDS:
                    seen.add(entry[:3] if entry[0] == CTX else entry[:2])
        customised = (CUST,) in seen and (NOT_CUST,) not in seen
        negs = {e[1] for e in seen if e[0] == NEG}
        negs |= {v for v in lex.requires if (REQ, v) not in seen}
        last: dict[str, int] = {}  # position of each vertical's last title word
        for pos, term in enumerate(words):
            written = surfaces[pos] if surfaces else term
            for entry in term_entries(lex, term):
                if entry[0] == KW:
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
        moved = {
            e[1]: lex.context[e[1]][e[2]]
            for e in sorted(seen)
            if e[0] == CTX and (STAY, e[1]) not in seen  # "dash cam" beside "car" stays put
        }
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
                    # An ERP types every line it does not stock as "Service" (Odoo's "Usługa"):
                    # that type is what "service" was read from, so the row's other words
                    # choose among the preferred verticals (an e-book subscription typed
                    # "Service" is a digital good), the type only breaking a tie.
                    typed = "type" if word == "service" else ""
                    vertical = max(
                        scored,
                        key=lambda v: (_total(best[v]) - _of(best[v], typed), _total(best[v])),
                    )
                else:
                    vertical = otherwise
            if vertical is not None:
                per = best.setdefault(vertical, {})
                per.setdefault("nature", Hit("nature", vertical, w["nature"], text))
        if not best:
            if (
                customised and lex.ev.customised_vertical in lex.stock
            ):  # made to order, nothing more
                return Verdict(
                    lex.ev.customised_vertical, "personalised, no other evidence", "low", True
                )
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


def _braces(text: str) -> str:
    return text.replace("{", "{{").replace("}", "}}")


def _total(per: dict[str, Hit]) -> float:
    return sum(h.weight for h in per.values())


def _of(per: dict[str, Hit], source: str) -> float:
    hit = per.get(source)
    return 0.0 if hit is None else hit.weight


__all__ = ["VerticalScorer"]
