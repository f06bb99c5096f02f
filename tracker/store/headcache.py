"""The op log's base as last parsed, kept in the user's cache so a scan does not parse it again.

Every command reads the op log's base (``head.<gen>.json``) in full: the size of every file the
store has appended to and the generation of every folded partition. In a store of 100,000 units
that is about 210 KB of JSON, 5 to 12 ms to parse on every scan — and the file never changes
once written (a fold writes the next generation under a new name). So the parse is remembered in
``$TRACKRIGHT_CACHE/heads`` (else ``$XDG_CACHE_HOME/trackright/heads``, else
``~/.cache/trackright/heads``) with the length and CRC-32 of the bytes it was parsed from. A
reader still reads the whole file and takes the remembered parse only when those bytes are the
same, so it gets exactly what parsing them would give; damage to the file is still found by
parsing it. Only bases over `MIN_BYTES` are remembered (a small store parses its own faster than
it would load the cache), one file per store folder, replaced when the store folds; the newest
`KEEP` stores' files stay (pruned whenever one is written, which is once a fold).

The cache is `marshal` data, which, like the ``__pycache__`` beside Python's own modules, is
trusted as the user's own files are; anything unreadable or of the wrong shape is ignored and
the base parsed, and a cache folder that cannot be written only means parsing every time.
"""

from __future__ import annotations

import marshal
import os
import zlib
from pathlib import Path

#: Bases smaller than this are parsed every time.
MIN_BYTES = 32 << 10
#: Cache files kept: the stores a machine's desks use, not every store a test ever made.
KEEP = 16


def _folder() -> Path:
    base = os.environ.get("TRACKRIGHT_CACHE") or os.environ.get("XDG_CACHE_HOME")
    return (Path(base) if base else Path.home() / ".cache") / "trackright" / "heads"


def _name(data: Path) -> str:
    where = os.fspath(data).encode()  # the store's real path (`tinydb_store.resolve`)
    return f"{zlib.crc32(where):08x}{zlib.adler32(where):08x}.marshal"


def recall(data: Path, raw: bytes) -> dict | None:
    """The state parsed earlier from exactly these bytes of `data`'s op-log base, or None."""
    if len(raw) < MIN_BYTES:
        return None
    try:
        size, crc, state = marshal.loads((_folder() / _name(data)).read_bytes())
    except (OSError, RuntimeError, ValueError, EOFError, TypeError):
        return None  # no cache, no home folder, or not our data: parse the base
    if size != len(raw) or crc != zlib.crc32(raw) or not isinstance(state, dict):
        return None
    return state


def remember(data: Path, raw: bytes, state: dict) -> None:
    """Keep the state parsed from `raw` for the next reader (best effort)."""
    if len(raw) < MIN_BYTES:
        return
    try:
        folder = _folder()
    except RuntimeError:
        return  # no home folder to keep a cache in
    path = folder / _name(data)
    tmp = folder / f".{path.name}.{os.getpid()}.tmp"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        tmp.write_bytes(marshal.dumps((len(raw), zlib.crc32(raw), state)))
        os.replace(tmp, path)
    except (OSError, ValueError):
        try:
            tmp.unlink()
        except OSError:
            pass
        return
    _prune(folder)


def _prune(folder: Path) -> None:
    """Remove all but the `KEEP` most recently written cache files."""
    try:
        found = [(p.stat().st_mtime_ns, p) for p in folder.glob("*.marshal")]
    except OSError:
        return
    for _mtime, old in sorted(found, reverse=True)[KEEP:]:
        try:
            old.unlink()
        except OSError:
            pass
