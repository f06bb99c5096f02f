"""Deciding a catalog for the app in a child process, its rows streamed back over a pipe and
kept on disk as the same stream, so that a relaunch reads them instead of deciding again.

Why a process: deciding is pure Python, and a thread of the app's own process holds the GIL in
stretches that made keys wait for a third of a second. In a child (forked where the system can,
so it starts in milliseconds with the rulebook already in memory; spawned elsewhere, with the
rulebook pickled) the UI process only receives: rows come in chunks of `CHUNK`, each pickled
with the rows' shared decisions sent once and then named by number (a 200,000-row catalog
shares a few hundred), so unpickling a chunk holds the GIL for a millisecond or two; rows
travel as plain tuples (`advisor.advice.rowpickle`), pickled in C.

The stream is a sequence of pickled messages::

    ("trackright-decisions", STREAM_VERSION, key)   what it was decided from
    ("rows", new shared decisions, rows pickled as plain tuples, decisions by number) …
    ("done", the Recommendation without its rows, the decision table's columns)
    ("failed", the message a user reads)             instead of "done"

The child writes every message to the saved file first and to the pipe second, and renames the
finished file into place before it sends "done": when the app shows the result it is saved.
The saved file ends with a seal under the user's own key (`advisor.app.sealed`): the store's
folder may be shared, and a file anyone else wrote there is never unpickled.
"""

from __future__ import annotations

import gc
import io
import multiprocessing as mp
import os
import pickle
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, replace
from pathlib import Path
from typing import IO, Any

from advisor.advice import parallel
from advisor.advice.evaluate import Shared
from advisor.advice.profile import BrandProfile
from advisor.advice.recommend import Recommendation, recommend_from_catalog
from advisor.advice.rowpickle import RowEncoder, decode
from advisor.app.advice_text import DecisionWidths
from advisor.app.priority import give_way
from advisor.app.rowtable import Column
from advisor.app.sealed import Seal, unsealed, user_key
from advisor.rulebook.load import Rulebook
from tracker.errors import TrackrightError, as_error

CHUNK = 250  # rows a message: unpickling one holds the UI process's GIL for ~1-2 ms
STREAM_VERSION = 2
_MAGIC = "trackright-decisions"
_POLL = 0.1  # seconds between checks that the caller still wants the answer
Progress = Callable[[int], None]  # rows received so far


@dataclass(frozen=True, slots=True)
class Decided:
    """A recommendation with every row, and the widths of its decision table's columns."""

    rec: Recommendation
    columns: tuple[Column, ...]


def expected_rows(path: str | os.PathLike[str]) -> int:
    """About how many rows a catalog has (its lines but the header), counted in big binary
    chunks: milliseconds even for 200,000 rows, and enough for a progress bar."""
    n = 0
    try:
        with open(Path(path).expanduser(), "rb") as fh:
            while chunk := fh.read(1 << 20):
                n += chunk.count(b"\n")
    except OSError:
        return 0
    return max(n - 1, 0)


def decide(
    book: Rulebook,
    profile: BrandProfile,
    catalog: str,
    key: str,
    *,
    save_to: Path,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] = lambda: False,
    lock: AbstractContextManager[Any] | None = None,
    start: str | None = None,
) -> Decided | None:
    """Decide `catalog` in a child process and return every row; None if `cancelled()` turned
    true first (the child is then stopped). The child also saves the stream to `save_to`.

    `lock` is held while the child is forked (the workspace's engine lock: no rule engine is
    mid-call in the copy). `start` is the multiprocessing start method, by default fork where
    the system has it, else spawn. Raises TrackrightError with the child's message when it failed.
    """
    if start is None:
        start = "fork" if "fork" in mp.get_all_start_methods() else "spawn"
    ctx = mp.get_context(start)
    receive, send = ctx.Pipe(duplex=False)
    child = ctx.Process(
        target=_child,
        args=(send, book, profile, catalog, key, save_to),
        name="trackright-decide",
        daemon=True,
    )
    with lock or nullcontext():
        child.start()
    send.close()  # the child holds the only writing end: its exit is our end of file
    try:
        return _collect(_from_pipe(receive, cancelled), key, progress)
    except _Cancelled:
        return None
    finally:
        receive.close()
        killed = cancelled()
        if killed:
            child.kill()
        child.join(timeout=2)  # it has saved and said "done" (or failed): only exiting is left
        if child.is_alive():
            killed = True
            child.kill()
            child.join()
        if killed and child.pid is not None:
            _partial(save_to, child.pid).unlink(missing_ok=True)


def read_saved(path: Path, key: str, progress: Progress | None = None) -> Decided | None:
    """The recommendation saved at `path` if it was decided from `key`; None when there is
    none, it was decided from something else, it is not sealed with this user's key, or the
    file cannot be read (decide again)."""
    secret = user_key()
    if secret is None:
        return None
    try:
        body = unsealed(path.read_bytes(), secret)
        if body is None:
            return None
        return _collect(_from_file(io.BytesIO(body)), key, progress)
    except (
        OSError,
        EOFError,
        TrackrightError,
        pickle.UnpicklingError,
        AttributeError,
        ImportError,
        IndexError,
        TypeError,
        ValueError,
    ):
        return None


# -- the child ----------------------------------------------------------------------------------


def _child(conn, book: Rulebook, profile: BrandProfile, catalog: str, key: str, save_to: Path):
    """Decide and stream, nicer than the app (`advisor.app.priority`); never print (a forked
    child shares the app's terminal)."""
    sys.stdout = sys.stderr = open(os.devnull, "w")  # noqa: SIM115 - lives as long as the child
    give_way()  # keys first: the UI process preempts this one, and the worker it may fork
    gc.disable()  # a collection would touch, and so copy, every page shared with the app
    tmp = _partial(save_to, os.getpid())
    secret = user_key()
    file: IO[bytes] | None = None
    if secret is not None:  # no private key, no saved copy: it could not be trusted back
        try:
            save_to.parent.mkdir(parents=True, exist_ok=True)
            file = tmp.open("wb")
        except OSError:
            file = None
    out = _Stream(conn, file, Seal(secret) if secret is not None else None)
    try:
        out.send((_MAGIC, STREAM_VERSION, key))
        rec = recommend_from_catalog(
            book, profile, catalog, rows=out, stream_split=parallel.STREAM_MIN_BYTES
        )
        out.finish(rec, tmp, save_to)
    except (BrokenPipeError, EOFError):
        pass  # the app stopped listening: nothing to say, nothing worth saving
    except Exception as err:  # noqa: BLE001 - every failure is said to the app, as a message
        out.drop_file(tmp)
        try:
            conn.send_bytes(pickle.dumps(("failed", str(as_error(err)))))
        except OSError:
            pass
    finally:
        out.drop_file(tmp)
        conn.close()


def _partial(save_to: Path, pid: int) -> Path:
    """Where child `pid` writes the stream before renaming it to `save_to`."""
    return save_to.with_name(f"{save_to.name}.{pid}.tmp")


class _Stream:
    """The child's end: a sink for the evaluation (`write`, `close`) that sends rows by chunk,
    each shared decision once, to the pipe and to the file being saved."""

    def __init__(self, conn, file: IO[bytes] | None, seal: Seal | None = None) -> None:
        self.conn = conn
        self.file = file if seal is not None else None
        self.seal = seal
        self.widths = DecisionWidths()
        self._encoder = RowEncoder()
        self._rows: list = []

    def send(self, message: tuple) -> None:
        data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
        if self.file is not None:
            try:
                self.file.write(data)
                self.seal.update(data)
            except OSError:
                self.file.close()
                self.file = None
        self.conn.send_bytes(data)

    def write(self, item) -> None:
        self._rows.append(item)
        self.widths.add(item)
        if len(self._rows) >= CHUNK:
            self._flush()

    def close(self) -> None:
        self._flush()

    def _flush(self) -> None:
        rows, self._rows = self._rows, []
        if not rows:
            return
        new, data = self._encoder.encode(rows)
        self.send(("rows", new, data))

    def finish(self, rec: Recommendation, tmp: Path, target: Path) -> None:
        """The last message: saved and renamed into place first, then sent."""
        data = pickle.dumps(
            ("done", replace(rec, items=()), self.widths.columns()),
            protocol=pickle.HIGHEST_PROTOCOL,
        )
        if self.file is not None:
            try:
                self.file.write(data)
                self.seal.update(data)
                self.file.write(self.seal.trailer())
                self.file.close()
                os.replace(tmp, target)
            except OSError:
                pass
            self.file = None
        self.conn.send_bytes(data)

    def drop_file(self, tmp: Path) -> None:
        if self.file is not None:
            self.file.close()
            self.file = None
        tmp.unlink(missing_ok=True)


# -- the app's end ------------------------------------------------------------------------------


class _Cancelled(Exception):
    """The caller stopped waiting."""


def _from_pipe(conn, cancelled: Callable[[], bool]) -> Iterator[tuple]:
    while True:
        while not conn.poll(_POLL) or cancelled():  # asked between messages, and while none come
            if cancelled():
                raise _Cancelled
        try:
            data = conn.recv_bytes()
        except EOFError:
            return
        yield pickle.loads(data)


def _from_file(fh: IO[bytes]) -> Iterator[tuple]:
    while True:
        try:
            yield pickle.load(fh)
        except EOFError:
            return


def _collect(messages: Iterator[tuple], key: str, progress: Progress | None) -> Decided | None:
    """Rebuild the recommendation from its stream; None if it was decided from another key."""
    head = next(messages, None)
    if head is None or head[0] != _MAGIC:
        raise TrackrightError("the deciding process stopped before it started")
    if head[1] != STREAM_VERSION or head[2] != key:
        return None
    shared: list[Shared] = []
    items: list = []
    for message in messages:
        kind = message[0]
        if kind == "rows":
            shared.extend(message[1])
            items.extend(decode(message[2], shared))
            if progress is not None:
                progress(len(items))
            time.sleep(0)  # let the UI thread have the GIL between chunks
        elif kind == "done":
            return Decided(replace(message[1], items=tuple(items)), tuple(message[2]))
        elif kind == "failed":
            raise TrackrightError(message[1])
    raise TrackrightError(
        f"deciding the catalog stopped after {len(items):,} rows (the process ended early: "
        "out of memory, or stopped from outside); try again"
    )


__all__ = ["CHUNK", "STREAM_VERSION", "Decided", "decide", "expected_rows", "read_saved"]
