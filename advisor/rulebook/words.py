"""How rule words and catalog text are compared: lower case, punctuation as spaces, whole words.

The rulebook's checks (a word listed under two verticals) and the classifier's matching use this
one normalisation, so what `rules check` calls the same word is what matching treats alike.
"""

from __future__ import annotations

import unicodedata

# Every punctuation or symbol character of the Basic Latin and Latin-1 blocks, and the common
# typographic ones, becomes a space; letters (any script), digits and the rest stay. `&` and `+`
# stay as words of their own ("Food Mixers & Blenders", "Pea + Rice") but never join words.
_PUNCT = "!\"#$%'()*,-./:;<=>?@[\\]^_`{|}~\u00a0¡¦§¨«¬®¯°±´¶·¸»¿×÷‐‑‒–—―‘’‚“”„•…‹›€™"
_TABLE = {ord(c): " " for c in _PUNCT}
_TABLE.update({ord("&"): " & ", ord("+"): " + "})


def norm(text: str) -> str:
    """`text` as matched: lower case, NFC, punctuation as spaces, single spaces, no ends."""
    if not text.isascii():
        text = unicodedata.normalize("NFC", text)
    return " ".join(text.lower().translate(_TABLE).split())


_BYTES = bytes(
    (32 if chr(b) in _PUNCT else b) if b < 128 else b for b in range(256)
)  # the ASCII punctuation of _PUNCT as spaces, one byte for one byte


def fast_norm(text: str) -> str:
    """`norm` for the hot path: ASCII text in three C calls (runs of spaces are left as they are).

    Words are still separated by at least one space, so whole-word matching is the same; only a
    phrase split by punctuation ("rice, bran") is not read as the phrase "rice bran".
    """
    if text.isascii():
        return text.lower().encode().translate(_BYTES).decode()
    return norm(text)


def padded(text: str) -> str:
    """`norm(text)` between single spaces, the form the matcher scans (whole words only)."""
    return f" {norm(text)} "


def plural_forms(term: str) -> tuple[str, ...]:
    """The plural forms of a normalised term's last word that also match it."""
    if not term or not term[-1].isalpha() or not term.isascii():
        return ()
    if term.endswith(("s", "x", "z", "ch", "sh")):
        return (term + "es",)
    if term.endswith("y") and len(term) > 2 and term[-2] not in "aeiou":
        return (term[:-1] + "ies", term + "s")
    return (term + "s",)


__all__ = ["fast_norm", "norm", "padded", "plural_forms"]
