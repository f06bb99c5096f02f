"""The TinyDB storage that reads one partition base with its checksum checked, for stock TinyDB.

`TinyDB("store/units/0a3.2.json", storage=BucketStorage)` opens a partition as of its last fold,
refusing a file whose checksum fails; TinyDB's own JSON storage reads it as well, unchecked. It
lives apart from `buckets` so that the store's commands, which read partitions themselves,
never import TinyDB's modules.
"""

from __future__ import annotations

from pathlib import Path

from tinydb.storages import Storage

from . import files
from .buckets import decode_base


class BucketStorage(Storage):
    """A TinyDB storage over one base file: `TinyDB(path, storage=BucketStorage)` reads it checked.

    Writing through TinyDB is refused: the store changes its files itself, one operation at a time.
    """

    def __init__(self, path: str) -> None:
        self.path = Path(path)

    def read(self) -> dict | None:
        raw = files.read_bytes(self.path)
        if raw is None:
            return None
        table = raw[2 : raw.index(b'"', 2)].decode()
        docs, gen, through = decode_base(table, raw)
        return {table: {str(i): d for i, d in enumerate(docs, 1)}, "_meta": {"1": {"gen": gen}}}

    def write(self, data: dict) -> None:
        raise PermissionError("trackright partition files are written by the store only")
