"""Running one of the app's long jobs in a forked child process, so the UI process only waits.

Why: a worker thread of the app's own process that runs Python for seconds holds the GIL in
stretches: storing a 20,000-SKU policy (every policy checked, then written and folded as JSON
in single C calls) made keys wait half a second. Forked, the child has the job's inputs in
memory already and the calling thread blocks on a pipe, which releases the GIL. The job must
not touch the app's own open store: it opens its own (the store is safe for several processes
at once), and the app's store reads what it wrote on its next read.

Where the system cannot fork, the job runs in the calling thread, as before.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import sys
from collections.abc import Callable
from contextlib import AbstractContextManager, ExitStack
from typing import Any, TypeVar

from advisor.app.priority import give_way
from tracker.errors import TrackrightError, as_error

T = TypeVar("T")


def in_child(job: Callable[[], T], *, locks: tuple[AbstractContextManager[Any], ...] = ()) -> T:
    """`job()` run in a forked child; its result (picklable) or its error, raised here.

    `locks` are held while the child is forked (the workspace's store and engine locks: no
    store or rule engine is mid-call in the copy). Call it from a worker thread: it blocks
    until the child is done.
    """
    if "fork" not in mp.get_all_start_methods():
        return job()
    ctx = mp.get_context("fork")
    receive, send = ctx.Pipe(duplex=False)
    child = ctx.Process(target=_run, args=(send, job), name="trackright-job", daemon=True)
    with ExitStack() as held:
        for lock in locks:
            held.enter_context(lock)
        child.start()
    send.close()  # the child holds the only writing end: its exit is our end of file
    try:
        message = receive.recv()
    except EOFError:
        raise TrackrightError(
            "the process doing this ended before it said how it went (out of memory, or "
            "stopped from outside); nothing is lost that it did not finish: try again"
        ) from None
    finally:
        receive.close()
        child.join()
    if message[0] == "ok":
        return message[1]
    raise TrackrightError(message[1], hint=message[2])


def _run(conn, job: Callable[[], Any]) -> None:
    """The child: run the job, nicer than the app (`advisor.app.priority`), and say how it
    went; never print (it shares the app's terminal)."""
    sys.stdout = sys.stderr = open(os.devnull, "w")  # noqa: SIM115 - lives as long as the child
    give_way()
    try:
        result = ("ok", job())
    except BaseException as exc:  # noqa: BLE001 - every failure is said to the app, as a message
        err = as_error(exc)
        result = ("error", err.message, err.hint)
    try:
        conn.send(result)
    finally:
        conn.close()


__all__ = ["in_child"]
