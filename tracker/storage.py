"""Crash-safe files under the store: the TinyDB checkpoint and the operation journal.

`CheckpointStorage` is a TinyDB `Storage`: it reads the JSON file once and serves every later read from
memory, and writes by atomic replacement (temporary file in the same folder, flush, fsync, rename,
fsync of the folder), so a crash leaves the old file or the new one, never half of each. It refuses to
load anything that is not a trackright store and never writes over a file it could not load.

`Journal` is an append-only JSON Lines file: one complete line per operation, fsync'd before the
operation counts as done. A line cut short by a crash (no final newline, or unparseable) is ignored
and cut off by the next writer; damage anywhere else is reported, never repaired silently.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from tinydb.storages import Storage

from .errors import ForeignStoreError, StoreCorruptError, StoreError

SCHEMA = "trackright.store"
SCHEMA_VERSION = 1
META = "meta"


def fsync_dir(folder: Path) -> None:
    """Make a rename in `folder` durable (a no-op where directories cannot be opened)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def atomic_write(path: Path, data: bytes) -> None:
    """Replace `path` with `data` so that readers and crashes see the old or the new content."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    fsync_dir(path.parent)


def load_checkpoint(path: Path) -> dict[str, dict[str, dict]]:
    """Read and check a checkpoint file; raise a clear error for damaged or foreign files."""
    try:
        raw = path.read_bytes()
    except OSError as err:
        raise StoreError(f"cannot read the store {path}: {err.strerror}") from None
    where = f"{path}"
    if not raw.strip():
        raise ForeignStoreError(
            f"{where} is empty, so it is not a trackright store",
            hint="point --store at the right file, or move this one away; it was not changed",
        )
    try:
        data = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        line = f":{err.lineno}" if isinstance(err, json.JSONDecodeError) else ""
        raise StoreCorruptError(
            f"{where}{line}: the store file is damaged (not valid JSON)",
            hint="restore it from a backup; trackright left it untouched",
        ) from None
    if not isinstance(data, dict) or not all(isinstance(t, dict) for t in data.values()):
        raise ForeignStoreError(
            f"{where} is JSON but not a TinyDB database, so not a trackright store",
            hint="point --store at the right file; this one was not changed",
        )
    meta = data.get(META, {}).get("1")
    if not isinstance(meta, dict) or meta.get("schema") != SCHEMA:
        raise ForeignStoreError(
            f"{where} is a TinyDB database but not a trackright store (no trackright schema)",
            hint="point --store at the right file; this one was not changed",
        )
    version = meta.get("schema_version")
    if version != SCHEMA_VERSION:
        raise ForeignStoreError(
            f"{where} has store schema version {version!r}; this trackright reads version "
            f"{SCHEMA_VERSION}",
            hint="use the trackright version that wrote it",
        )
    return data


class CheckpointStorage(Storage):
    """TinyDB storage over one JSON file: read once, cached, replaced atomically on write."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self.data: dict[str, dict[str, dict]] | None = None

    def read(self) -> dict[str, dict[str, dict]] | None:
        if self.data is None and self.path.exists():
            self.data = load_checkpoint(self.path)
        return self.data

    def write(self, data: dict[str, dict[str, dict]]) -> None:
        payload = json.dumps(data, separators=(",", ":"), ensure_ascii=False).encode()
        atomic_write(self.path, payload)
        self.data = data

    def close(self) -> None:
        self.data = None


class Journal:
    """The append-only operation journal beside the checkpoint."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def identity(self) -> tuple[int, int] | None:
        """(inode, size) of the journal file, or None when there is none."""
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            return None
        return (st.st_ino, st.st_size)

    def read_from(self, offset: int) -> tuple[list[dict], int, bool]:
        """Records after `offset`, the offset just past the last complete one, and whether a torn
        line followed it."""
        try:
            with open(self.path, "rb") as fh:
                fh.seek(offset)
                chunk = fh.read()
        except FileNotFoundError:
            return [], offset, False
        records: list[dict] = []
        pos = 0
        lines = chunk.split(b"\n")
        for i, line in enumerate(lines):
            last = i == len(lines) - 1
            if last:
                return records, offset + pos, bool(line)
            try:
                record = json.loads(line)
                if not isinstance(record, dict) or "seq" not in record:
                    raise ValueError
            except ValueError:
                if i == len(lines) - 2 and not lines[-1]:
                    # the final line is complete-looking but unreadable: a torn write
                    return records, offset + pos, True
                raise StoreCorruptError(
                    f"{self.path}: journal entry at byte {offset + pos} is damaged",
                    hint="restore the store folder from a backup; trackright left it untouched",
                ) from None
            records.append(record)
            pos += len(line) + 1
        return records, offset + pos, False

    def append(self, record: dict) -> int:
        """Write one record durably; return the journal size afterwards."""
        line = json.dumps(record, separators=(",", ":"), ensure_ascii=False).encode() + b"\n"
        fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        try:
            _write_all(fd, line)
            os.fsync(fd)
            return os.fstat(fd).st_size
        finally:
            os.close(fd)

    def truncate(self, offset: int) -> None:
        """Cut off a torn tail left by a crashed writer."""
        with open(self.path, "r+b") as fh:
            fh.truncate(offset)
            fh.flush()
            os.fsync(fh.fileno())

    def reset(self) -> None:
        """Start an empty journal (after its records were folded into the checkpoint)."""
        atomic_write(self.path, b"")


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]
