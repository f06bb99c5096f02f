"""A rulebook already checked, kept on disk so the next process need not parse and check it again.

Why: reading the rules folder with line numbers and checking every entry's shape takes about
0.6 s (words in eleven languages), paid by every `trackright evaluate`, `decide` and app start;
unpickling the checked rulebook takes about 10 ms. An entry is named by everything loading reads:
each rules file's bytes and the name errors would give it (relative to the working folder), the
code that loads them (size and modification time of each module of `advisor.rulebook` and of
`tracker.vocabulary`), pycountry's version and Python's. Only a rulebook that loaded without a
problem is kept, so a broken folder is always reported from the files themselves.

What later layers compile from a rulebook so loaded (the classifier's word automaton: 0.25 s to
build, 0.08 s to unpickle) is kept beside it (`compiled_key`, `kind`), named by the rulebook's
entry, what was compiled and the code that compiled it.

The folder is `$TRACKRIGHT_CACHE/rulebooks` (else `$XDG_CACHE_HOME/trackright`, else
`~/.cache/trackright`), private to the user; the newest `KEEP` entries stay. An entry is read
only from a folder and file this user owns and nobody else can write: unpickling runs code. Anything that goes
wrong with the cache (unwritable, a damaged entry, an unpicklable rulebook) just means loading
from the files, as without it. `TRACKRIGHT_NO_RULEBOOK_CACHE=1` turns it off.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import sys
import tempfile
from importlib import metadata
from pathlib import Path
from typing import Any

KEEP = 8  # entries kept: a rule author's last few edits, several rules folders
_OFF = "TRACKRIGHT_NO_RULEBOOK_CACHE"


def cache_dir() -> Path:
    """Where checked rulebooks are kept."""
    base = os.environ.get("TRACKRIGHT_CACHE") or os.environ.get("XDG_CACHE_HOME")
    return (Path(base) if base else Path.home() / ".cache") / "trackright" / "rulebooks"


def entry_key(files: list[tuple[str, str, bytes | None]]) -> str:
    """The entry's name: (file name, display name, bytes or None when absent) of every file."""
    h = hashlib.sha256()
    h.update(f"{sys.version}\0{_pycountry_version()}\0".encode())
    for name, shown, data in files:
        h.update(f"{name}\0{shown}\0".encode())
        h.update(b"absent" if data is None else b"%d\0" % len(data) + data)
    here = Path(__file__).resolve().parent
    vocabulary = here.parents[1] / "tracker" / "vocabulary.py"
    for src in sorted(here.rglob("*.py")) + [vocabulary]:
        with contextlib.suppress(OSError):
            st = src.stat()
            h.update(f"{src.relative_to(here.parents[1])}:{st.st_size}:{st.st_mtime_ns}".encode())
    return h.hexdigest()[:40]


def compiled_key(entry: str, name: str, code: tuple[str, ...]) -> str:
    """The name of what `name` compiled from the rulebook kept as `entry`, by the code in
    `code` (its files' size and modification time: a change of code is a new name)."""
    h = hashlib.sha256(f"{entry}\0{name}\0".encode())
    for src in code:
        with contextlib.suppress(OSError):
            st = os.stat(src)
            h.update(f"{src}:{st.st_size}:{st.st_mtime_ns}\0".encode())
    return h.hexdigest()[:40]


def recall(key: str, kind: str = "pickle") -> Any | None:
    """What is kept under `key` (a rulebook, or with `kind` something compiled), or None."""
    if os.environ.get(_OFF):
        return None
    folder = cache_dir()
    path = folder / f"{key}.{kind}"
    try:
        with path.open("rb") as fh:
            if not (_private(os.stat(folder)) and _private(os.fstat(fh.fileno()))):
                return None  # others could have written it: unpickling it could run their code
            book = pickle.load(fh)
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError, TypeError):
        return None
    with contextlib.suppress(OSError):
        os.utime(path)  # recently used: kept by the pruning below
    return book


def keep(key: str, book: Any, kind: str = "pickle") -> None:
    """Keep a rulebook that loaded cleanly (or, with `kind`, what was compiled from one)
    under `key`; prune all of that kind but the newest `KEEP`."""
    if os.environ.get(_OFF):
        return
    folder = cache_dir()
    try:
        data = pickle.dumps(book, protocol=pickle.HIGHEST_PROTOCOL)
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=f".{kind}")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.replace(tmp, folder / f"{key}.{kind}")
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
        entries = sorted(folder.glob(f"*.{kind}"), key=lambda p: p.stat().st_mtime_ns, reverse=True)
        for old in entries[KEEP:]:
            with contextlib.suppress(OSError):
                old.unlink()
    except (OSError, pickle.PicklingError, TypeError, AttributeError):
        return


def _private(st: os.stat_result) -> bool:
    """Owned by this user and writable by nobody else."""
    return st.st_uid == os.getuid() and not st.st_mode & 0o022


def _pycountry_version() -> str:
    try:
        return metadata.version("pycountry")
    except metadata.PackageNotFoundError:
        return ""


__all__ = ["KEEP", "cache_dir", "compiled_key", "entry_key", "keep", "recall"]
