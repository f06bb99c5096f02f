"""A forked child of the app gives way on the CPU, so the UI process gets a core at once for a key.

Why: deciding a big catalog keeps both cores of a small machine busy (the deciding process and
the worker it forks for the second half), and a key the UI process has to handle then waited
for a core. The children run `BACKGROUND_NICE` steps nicer than the app (inherited by any
process they fork in turn): an idle UI process, woken by a key, preempts them at once, and
while it sleeps they have the cores as before, so deciding takes as long as it did.

Measured with `benchmarks/bench_app.py` on a loaded two-core machine (20,000 rows): with nice
10, the 95th-percentile wait of a key sent while deciding fell from 8-14 ms to 1 ms.
SCHED_BATCH left it at 3-31 ms. SCHED_IDLE answered keys as well as nice 10, but any other
busy program on the machine could starve the deciding with it. Nice 19 was no better than 10
for keys, and it gives the deciding less CPU when other programs compete for it.
"""

from __future__ import annotations

import os

BACKGROUND_NICE = 10  # steps nicer than the app; the UI process itself is never changed


def give_way() -> int | None:
    """Make the calling process (a child just forked or spawned) nicer than the app by
    `BACKGROUND_NICE`; its nice value after, or None where the system has no nice (Windows).

    Never raises: running at the app's priority is slower to answer keys, not wrong.
    """
    nice = getattr(os, "nice", None)
    if nice is None:
        return None
    try:
        return nice(BACKGROUND_NICE)
    except OSError:
        return None


__all__ = ["BACKGROUND_NICE", "give_way"]
