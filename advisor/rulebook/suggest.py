""" "Did you mean …?": the nearest known word to a misspelt one, or nothing when none is near.

`difflib` ranks by shared letters, so `medium` came out as `premium`. Here a word is matched, in
order, by a known alias (`medium` → `mid`), by case, by a prefix (`prem` → `premium`), then by
edit distance (Damerau-Levenshtein: a swap such as `UE` → `EU` is one edit) within a threshold
that grows with the word's length, so short words need a close match and nothing is better
than a far-fetched guess.
"""

from __future__ import annotations

from collections.abc import Iterable

# Words people write for a known one. Only used when the target is among the options offered.
ALIASES: dict[str, tuple[str, ...]] = {
    "medium": ("mid",),
    "med": ("mid",),
    "middle": ("mid",),
    "moderate": ("mid",),
    "hi": ("high",),
    "lo": ("low",),
    "cheap": ("low",),
    "luxury": ("premium",),
    "top": ("premium",),
    "serialise": ("serial",),
    "serialize": ("serial",),
    "serialised": ("serial",),
    "serialized": ("serial",),
    "serial_number": ("serial",),
    "lot": ("batch", "lot"),
    "batches": ("batch",),
    "license_plate": ("lpn",),
    "licence_plate": ("lpn",),
    "expiry_date": ("expiry",),
    "exp": ("expiry",),
    "mfg": ("mfg_date",),
    "manufacture_date": ("mfg_date",),
    "uk": ("GB",),
    "el": ("GR",),
    "usa": ("US",),
    "ind": ("IN",),
    "eur": ("EU",),
}


def distance(a: str, b: str) -> int:
    """Damerau-Levenshtein distance (optimal string alignment): a swap of neighbours is one edit."""
    d = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i in range(len(a) + 1):
        d[i][0] = i
    for j in range(len(b) + 1):
        d[0][j] = j
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
    return d[len(a)][len(b)]


def _threshold(word: str) -> int:
    n = len(word)
    return 1 if n <= 4 else 2 if n <= 8 else 3


def nearest(word: object, options: Iterable[str]) -> str | None:
    """The option the author most likely meant by `word`, or None when none is close."""
    opts = [str(o) for o in options]
    if not opts:
        return None
    w = str(word).strip()
    low = w.lower()
    by_lower = {o.lower(): o for o in opts}
    for alias in ALIASES.get(low.replace(" ", "_").replace("-", "_"), ()):
        if alias.lower() in by_lower:
            return by_lower[alias.lower()]
    if low in by_lower and by_lower[low] != w:
        return by_lower[low]
    if len(low) >= 3:
        starts = [o for o in opts if o.lower().startswith(low)]
        if len(starts) == 1:
            return starts[0]
    scored = sorted((distance(low, o.lower()), i, o) for i, o in enumerate(opts))
    best, _, option = scored[0]
    if best > _threshold(low) or best >= max(len(low), len(option)):
        return None
    ties = [o for d, _, o in scored if d == best]
    if len(ties) > 1:
        swapped = [o for o in ties if sorted(o.lower()) == sorted(low)]
        if len(swapped) == 1:
            return swapped[0]
    return option if len(ties) == 1 or len(low) > 2 else None


def did_you_mean(word: object, options: Iterable[str]) -> str:
    """` (did you mean 'x'?)`, or "" when nothing is near: ready to append to a message."""
    near = nearest(word, options)
    return f" (did you mean '{near}'?)" if near is not None else ""


__all__ = ["ALIASES", "did_you_mean", "distance", "nearest"]
