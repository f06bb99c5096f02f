"""The `trackright` process itself: a start-up and an end tuned for one command per process.

A desk scan is a whole process (issue #11: one scan within 200 ms, start-up included), and two
of its costs are not the command's work at all. The cyclic garbage collector traces, again and
again, the tens of thousands of objects that importing click and trackright creates — objects
that live exactly as long as the process, so tracing them can never free anything. And at exit
the interpreter tears every module down one by one, freeing memory the operating system takes
back whole a moment later. Measured on a fresh `trackright track trace` on a loaded machine:
about 30 ms of CPU for the first (8 to 25 ms of collections counted inside the process), 10 to
20 ms for the second.

So `main` keeps the collector off while the modules load, moves what they made out of its sight
(`gc.freeze`) and lets it run after every `YOUNG` new objects instead of every 700: garbage
cycles a command makes are still collected, a little later. Once the command has answered,
`end` flushes its output, runs the exit handlers and ends the process at once — unless another
thread is still running or the output cannot be flushed, when Python's ordinary shutdown does
what it always does. Exit codes, messages and files written are those of the command: every
file a command writes is closed by it (`with`), never left for shutdown to flush.

`python -m advisor.cli.entry` runs the same way. In-process tests (click's runner) call the click
group, never this, so a test runner's process is never ended here.
"""

from __future__ import annotations

import gc
import os
import sys
from typing import NoReturn

#: New container objects between two young-generation collections (Python's default is 700).
YOUNG = 10_000


def main(argv: list[str] | None = None) -> NoReturn:
    """Console entry point: load the CLI with the collector paused, run one command, end."""
    gc.disable()
    try:
        from advisor.cli.main import main as run
    finally:
        gc.freeze()
        _, older, oldest = gc.get_threshold()
        gc.set_threshold(YOUNG, older, oldest)
        gc.enable()
    try:
        run(argv)
    except SystemExit as done:
        end(done.code)
    end(0)


def end(code: object) -> NoReturn:
    """End the process with `code` (as `sys.exit` reads it), skipping the interpreter's teardown.

    Falls back to an ordinary `sys.exit` when teardown still has work to do: a thread that is
    still running (shutdown waits for it), a code that is a message (Python prints it), or
    output that cannot be flushed (Python reports it as it always has).
    """
    threading = sys.modules.get("threading")
    if threading is not None and threading.active_count() > 1:
        sys.exit(code)
    if code is None:
        status = 0
    elif isinstance(code, int):
        status = code
    else:
        sys.exit(code)
    try:
        for stream in (sys.stdout, sys.stderr):
            if stream is not None:
                stream.flush()
    except (OSError, ValueError):
        sys.exit(code)
    import atexit

    atexit._run_exitfuncs()
    os._exit(status & 0xFF)


if __name__ == "__main__":
    main()
