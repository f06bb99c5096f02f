"""Where the tracker keeps its state: the store interface, the embedded TinyDB store, the server one.

    >>> store = open_store("ws/store.json")              # doctest: +SKIP
    >>> with store.transaction("receive") as tx:         # doctest: +SKIP
    ...     tx.put_unit(unit); tx.add_event(event)
    >>> with store.reader() as r:                        # doctest: +SKIP
    ...     r.unit("IMEI-1")

A PostgreSQL URL (``postgresql://user@host:5432/db``) as the store opens the server store
(`tracker.store.postgres`); anything else is a TinyDB store's file or folder.

Operations use only `Store`, `StoreReader` and `StoreTransaction` (`tracker.store.base`); only the
modules of this package touch files or tinydb.
"""

from __future__ import annotations

import os
from pathlib import Path

from .base import Store, StoreReader, StoreTransaction

ENV_VAR = "TRACKRIGHT_STORE"
DEFAULT_PATH = Path(".trackright") / "store.json"


def is_url(value: object) -> bool:
    """True for a store given as a PostgreSQL URL rather than a file."""
    return isinstance(value, str) and value.startswith(("postgresql://", "postgres://"))


def default_store_path() -> Path | str:
    """The store to use when none is given: $TRACKRIGHT_STORE, else ./.trackright/store.json."""
    env = os.environ.get(ENV_VAR, "").strip()
    if is_url(env):
        return env
    return Path(env) if env else DEFAULT_PATH


def open_store(
    path: str | os.PathLike[str] | None = None, *, readonly: bool = False, timeout: float = 10.0
) -> Store:
    """Open (or, unless `readonly`, create) the store at `path` (a file, a folder or a URL)."""
    if path is None:
        path = default_store_path()
    if is_url(path):
        from .postgres import PostgresStore

        return PostgresStore(str(path), readonly=readonly, timeout=timeout)
    from .tinydb_store import TinyDBStore

    return TinyDBStore(
        path if path is not None else default_store_path(), readonly=readonly, timeout=timeout
    )


__all__ = [
    "DEFAULT_PATH",
    "ENV_VAR",
    "Store",
    "StoreReader",
    "StoreTransaction",
    "default_store_path",
    "is_url",
    "open_store",
]
