"""Where the tracker keeps its state: the store interface and its embedded TinyDB implementation.

    >>> store = open_store("ws/store.json")              # doctest: +SKIP
    >>> with store.transaction("receive") as tx:         # doctest: +SKIP
    ...     tx.put_unit(unit); tx.add_event(event)
    >>> with store.reader() as r:                        # doctest: +SKIP
    ...     r.unit("IMEI-1")

Operations use only `Store`, `StoreReader` and `StoreTransaction` (`tracker.store.base`); only the
modules of this package touch files or tinydb.
"""

from __future__ import annotations

import os
from pathlib import Path

from .base import Store, StoreReader, StoreTransaction

ENV_VAR = "TRACKRIGHT_STORE"
DEFAULT_PATH = Path(".trackright") / "store.json"


def default_store_path() -> Path:
    """The store to use when none is given: $TRACKRIGHT_STORE, else ./.trackright/store.json."""
    env = os.environ.get(ENV_VAR, "").strip()
    return Path(env) if env else DEFAULT_PATH


def open_store(
    path: str | os.PathLike[str] | None = None, *, readonly: bool = False, timeout: float = 10.0
) -> Store:
    """Open (or, unless `readonly`, create) the store at `path`."""
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
    "open_store",
]
