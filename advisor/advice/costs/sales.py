"""How a month's units spread over SKUs on a long tail, and how many lot lines that receives."""

from __future__ import annotations

import math
from functools import lru_cache

_EXACT = 4096  # ranks summed term by term; beyond, an integral (error far below a rupee)


@lru_cache(maxsize=16)
def _prefix(s: float) -> tuple[float, ...]:
    out = [0.0]
    total = 0.0
    for k in range(1, _EXACT + 1):
        total += k**-s
        out.append(total)
    return tuple(out)


def _harmonic(n: float, s: float) -> float:
    """Σ_{k=1..n} k^-s for whole n ≥ 0."""
    n = int(n)
    if n <= 0:
        return 0.0
    if s == 0:
        return float(n)
    pre = _prefix(s)
    if n <= _EXACT:
        return pre[n]
    lo, hi = _EXACT + 0.5, n + 0.5
    tail = math.log(hi / lo) if s == 1 else (hi ** (1 - s) - lo ** (1 - s)) / (1 - s)
    return pre[_EXACT] + tail


def units_by_rank(monthly_units: float, skus: int, long_tail: float, rank: int) -> float:
    """Units a month of the `rank`-th best seller (1 = best) among `skus` on the long tail."""
    if skus <= 0:
        return 0.0
    return monthly_units * rank**-long_tail / _harmonic(skus, long_tail)


def _lot(u: float, size: float, min_units: float, cover: float) -> float:
    return min(size, max(min(min_units, size), u * cover))


def lot_lines(
    monthly_units: float,
    skus: int,
    long_tail: float,
    size: float,
    min_units: float,
    cover: float,
) -> float:
    """Lot lines received a month by `skus` SKUs selling `monthly_units` on the long tail.

    Each SKU's lot is `cover` months of its sales, clamped to [min_units, size]; lot lines are
    its units ÷ its lot, so never more than its units (a lot holds at least one unit).
    """
    if skus <= 0 or monthly_units <= 0:
        return 0.0
    small = min(min_units, size)
    if long_tail == 0:
        u = monthly_units / skus
        return min(skus * u / _lot(u, size, small, cover), monthly_units)
    s, h = long_tail, _harmonic(skus, long_tail)
    scale = monthly_units / h  # the best seller's units

    def last_rank(units: float) -> int:  # the last rank that sells at least `units`
        if units <= 0:
            return skus
        ratio = (
            scale / units
        )  # rank r sells scale / r**s: r = ratio ** (1/s), in logs (s may be tiny)
        if ratio < 1:
            return 0
        exponent = math.log(ratio) / s
        return skus if exponent >= math.log(skus) else min(skus, int(math.exp(exponent) + 1e-9))

    full = last_rank(size / cover)  # ranks whose cover fills a whole lot
    covered = max(last_rank(small / cover), full)  # ranks received every `cover` months
    fast = scale * _harmonic(full, s) / size
    middle = (covered - full) / cover
    slow = scale * (h - _harmonic(covered, s)) / small
    # never more lines than units, also where rounding says otherwise (tiny volumes)
    return min(fast + middle + slow, monthly_units)


__all__ = ["lot_lines", "units_by_rank"]
