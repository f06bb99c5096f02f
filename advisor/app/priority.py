"""A forked child of the app gives way on the CPU, so the UI process gets a core at once for a key.

Why: deciding a big catalog keeps both cores of a small machine busy (the deciding process and
the worker it forks for the second half), and a key the UI process has to handle then waited
for a core. The children run `BACKGROUND_NICE` steps nicer than the app (inherited by any
process they fork in turn): an idle UI process, woken by a key, preempts them at once, and
while it sleeps they have the cores as before, so deciding takes as long as it did.

Measured against the alternatives on a loaded two-core machine (`benchmarks/bench_app.py`):
SCHED_BATCH kept the long waits; SCHED_IDLE answered keys as well as a nice of 10 but lets
any other busy program on the machine starve the deciding altogether; a nice of 19 was no
better than 10 for keys and gives the deciding less against other programs.
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
