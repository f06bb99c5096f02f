"""How rule words and catalog text are compared: lower case, no accents, punctuation as spaces.

The rulebook's checks (a word listed under two verticals) and the classifier's matching use this
one normalisation, so what `rules check` calls the same word is what matching treats alike.
Latin letters lose their diacritics on both sides (é→e, ł→l, ß→ss, ı/İ→i, ệ→e, đ→d): stores
write "Teléfono" and "Telefono", "Kopfhörer" and "Kopfhorer", Vietnamese with and without its
tones, and a rule author should not have to list each. Other scripts are left as they are.
"""

from __future__ import annotations

import re
import unicodedata

# Every punctuation or symbol character of the Basic Latin and Latin-1 blocks, and the common
# typographic ones, becomes a space; letters (any script), digits and the rest stay. `&` and `+`
# stay as words of their own ("Food Mixers & Blenders", "Pea + Rice") but never join words.
_PUNCT = "!\"#$%'()*,-./:;<=>?@[\\]^_`{|}~\u00a0¡¦§¨«¬®¯°±´¶·¸»¿×÷‐‑‒–—―‘’‚“”„•…‹›€™"
_TABLE = {ord(c): " " for c in _PUNCT}
_TABLE.update({ord("&"): " & ", ord("+"): " + "})


def _folding() -> dict[int, str | None]:
    """Each accented Latin letter → its base letters; a lone combining accent → nothing."""
    out: dict[int, str | None] = {}
    for cp in (*range(0xC0, 0x250), *range(0x1E00, 0x1F00)):
        c = chr(cp)
        base = "".join(x for x in unicodedata.normalize("NFD", c) if not unicodedata.combining(x))
        if base != c and base.isascii() and base.isalpha():
            out[cp] = base.lower()
    # letters with no decomposition that stores still write without their stroke or ligature
    strokes = {"æ": "ae", "ð": "d", "ø": "o", "þ": "th", "ß": "ss", "đ": "d", "ħ": "h"}
    strokes |= {"ı": "i", "ł": "l", "ŀ": "l", "œ": "oe", "ŧ": "t", "ſ": "s"}
    out.update({ord(c): b for c, b in strokes.items()})
    out.update({cp: None for cp in range(0x300, 0x370)})  # "i̇" of a lower-cased Turkish İ
    return out


_TABLE.update(_folding())

# Chinese and Japanese write words without spaces between them: each ideograph and kana is read
# as a word of its own, so a listed word ("充電器", charger) matches as the phrase of its
# characters wherever it stands ("急速充電器"), and Latin words beside them ("SIMフリー") stand
# apart. Their full-width forms are folded first (NFKC: "ＵＳＢ" is "usb").
_CJK = re.compile("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f]")
_TABLE.update({ord(c): " " for c in "、。「」『』【】〔〕〈〉《》・〜〃〆"})
_TABLE.update({cp: f" {chr(cp)} " for cp in (*range(0x3041, 0x3097), *range(0x30A1, 0x30FB))})
_TABLE.update({cp: f" {chr(cp)} " for cp in (0x30FC, 0x3005)})  # ー (long vowel), 々
_TABLE.update({cp: f" {chr(cp)} " for cp in (*range(0x3400, 0x4DC0), *range(0x4E00, 0xA000))})


def norm(text: str) -> str:
    """`text` as matched: lower case, accents folded, punctuation as spaces, single spaces."""
    if not text.isascii():
        text = unicodedata.normalize("NFKC" if _CJK.search(text) else "NFC", text)
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


_TOKEN = re.compile(f"[^\\s{re.escape(_PUNCT)}]+")  # a word as written: no space, no punctuation


def written_as(title: str, terms: tuple[str, ...]) -> tuple[str, ...]:
    """Each of `terms` (normalised, in title order) as `title` writes it, or () if one is not.

    Matching folds accents and joins words across punctuation, so the words it found are not
    the row's own ("bac 925" for "Bạc 925"); explanations quote the row, so they are found
    again here, word by word.
    """
    text = unicodedata.normalize("NFC", title)
    spans = [span for m in _TOKEN.finditer(text) for span in _words_of(text, *m.span())]
    tokens = [norm(text[a:b]) for a, b in spans]
    out: list[str] = []
    at = 0
    for term in terms:
        parts = term.split(" ")
        n = len(parts)
        for i in range(at, len(tokens) - n + 1):
            if tokens[i : i + n] == parts:
                out.append(text[spans[i][0] : spans[i + n - 1][1]])
                at = i + n
                break
        else:
            return ()
    return tuple(out)


def _words_of(text: str, a: int, b: int) -> list[tuple[int, int]]:
    """The spans `norm` reads as words in the written word text[a:b]: itself, or, where it
    holds kana or kanji, each of those characters and each run of other letters apart."""
    if _CJK.search(text, a, b) is None:
        return [(a, b)]
    out = []
    i = a
    while i < b:
        j = i + 1
        if not _CJK.match(text, i):
            while j < b and not _CJK.match(text, j):
                j += 1
        if norm(text[i:j]):
            out.append((i, j))
        i = j
    return out


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


__all__ = ["fast_norm", "norm", "padded", "plural_forms", "written_as"]
