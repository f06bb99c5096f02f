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


# Arabic as stores type it: the hamza forms of alef (أ إ آ ٱ) as a bare alef, alef maqsura (ى) as
# ya, ta marbuta (ة) as ha, without its short-vowel marks and the tatweel that stretches a word;
# its comma, semicolon and question mark as spaces, its digits as digits ("٥٠٠ مل" is "500 مل").
_TABLE.update({ord(c): "\u0627" for c in "\u0623\u0625\u0622\u0671"})
_TABLE.update({0x0649: "\u064a", 0x0629: "\u0647"})
_TABLE.update({cp: None for cp in (*range(0x064B, 0x0653), 0x0670, 0x0640)})
_TABLE.update({ord(c): " " for c in "\u060c\u061b\u061f\u066a\u066b\u066c\u06d4"})
_TABLE.update({0x0660 + d: str(d) for d in range(10)})
_TABLE.update({0x06F0 + d: str(d) for d in range(10)})
_ARABIC = re.compile("[\u0620-\u064a]")
# The particles Arabic joins to the front of a word: the article (ال), with "with" (بال), "for"
# (لل), "and" (وال, و) and "with / for" alone (ب، ل). A listed word matches with each of them.
_AR_PREFIXES = (
    "\u0627\u0644",
    "\u0628\u0627\u0644",
    "\u0644\u0644",
    "\u0648\u0627\u0644",
    "\u0641\u0627\u0644",
    "\u0648",
    "\u0628",
    "\u0644",
)


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
    """The forms of a normalised term that also match it: its last word's plural (an English
    s/es/ies; an Arabic feminine -ات), and, for an Arabic term, its first word with each joined
    particle ("ذهب" → "الذهب", "بالذهب")."""
    if term and _ARABIC.match(term):
        return _arabic_forms(term)
    if not term or not term[-1].isalpha() or not term.isascii():
        return ()
    if term.endswith(("s", "x", "z", "ch", "sh")):
        return (term + "es",)
    if term.endswith("y") and len(term) > 2 and term[-2] not in "aeiou":
        return (term[:-1] + "ies", term + "s")
    return (term + "s",)


def _arabic_forms(term: str) -> tuple[str, ...]:
    words = [term]
    last = term.rsplit(" ", 1)[-1]
    if last.endswith("\u0647") and len(last) > 3:  # ساعه (ساعة) → ساعات
        words.append(term[:-1] + "\u0627\u062a")
    out: list[str] = []
    for w in words:
        head, _, more = w.partition(" ")
        more = f" {more}" if more else ""
        base = head[2:] if head.startswith("\u0627\u0644") and len(head) > 4 else head
        if len(base) < 3:
            continue
        out.extend(f"{p}{base}{more}" for p in _AR_PREFIXES)
        out.append(base + more)
    seen = {term}
    return tuple(f for f in [*words[1:], *out] if not (f in seen or seen.add(f)))


__all__ = ["fast_norm", "norm", "padded", "plural_forms", "written_as"]
