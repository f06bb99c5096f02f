"""trackright's tracking engine: receive, ship, return, recall and trace stock per SKU method.

    >>> from tracker import PolicySnapshot, open_tracker
    >>> t = open_tracker("/tmp/demo/store.json", verdict=my_rules)      # doctest: +SKIP
    >>> t.set_policies([PolicySnapshot("PHONE-X", "serial")])           # doctest: +SKIP
    >>> t.receive("PHONE-X", serials=["IMEI-1", "IMEI-2"])             # doctest: +SKIP
    >>> t.ship("SO-1", lines=[("PHONE-X", 1)], scans=["IMEI-1"])       # doctest: +SKIP
    >>> t.process_return("SO-1", "IMEI-1", reason="fit").verdict        # doctest: +SKIP

`verdict` is any callable taking the return facts dict and giving a `Verdict`; the CLI passes the
returns rulebook (`advisor.advice.returns`). Everything but returns works without it. The store
sits behind the interface in `tracker.store`; see `tracker.store.tinydb_store` for the files.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from .errors import (
    BadIdentifierError,
    DuplicateIdError,
    ForeignStoreError,
    InputError,
    NoPolicyError,
    NotAllowedError,
    NotEnoughStockError,
    RefusedError,
    StoreBusyError,
    StoreCorruptError,
    StoreError,
    TrackerError,
    TrackrightError,
    UnexpectedError,
    UnknownIdError,
    VerdictUnavailableError,
    as_error,
)

if TYPE_CHECKING:
    from .model import Event, Lot, Order, PolicySnapshot, ReturnFacts, Suspect, Unit, Verdict
    from .operations import Tracker, VerdictFn
    from .store import Store

#: Where each public name lives. They load on first use, so that `import tracker.errors` (which
#: every face does at start-up) costs nothing, and a command imports only what it runs.
_LAZY = {
    "Event": "model",
    "Lot": "model",
    "Order": "model",
    "PolicySnapshot": "model",
    "ReturnFacts": "model",
    "Suspect": "model",
    "Unit": "model",
    "Verdict": "model",
    "Tracker": "operations",
    "VerdictFn": "operations",
    "PolicyFile": "operations.policies",
    "read_policy_file": "operations.policies",
    "event_qty": "operations.trace",
    "stats": "operations.trace",
    "trace_lot": "operations.trace",
    "trace_order": "operations.trace",
    "trace_unit": "operations.trace",
    "write_recall_report": "reports",
    "get_setting": "settings",
    "set_setting": "settings",
    "Store": "store",
    "default_store_path": "store",
    "open_store": "store",
}


def __getattr__(name: str):
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'tracker' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


__all__ = [
    "BadIdentifierError",
    "DuplicateIdError",
    "Event",
    "ForeignStoreError",
    "InputError",
    "Lot",
    "NoPolicyError",
    "NotAllowedError",
    "NotEnoughStockError",
    "Order",
    "PolicyFile",
    "PolicySnapshot",
    "RefusedError",
    "ReturnFacts",
    "Store",
    "StoreBusyError",
    "StoreCorruptError",
    "StoreError",
    "Suspect",
    "Tracker",
    "TrackerError",
    "TrackrightError",
    "UnexpectedError",
    "Unit",
    "UnknownIdError",
    "Verdict",
    "VerdictFn",
    "VerdictUnavailableError",
    "as_error",
    "default_store_path",
    "event_qty",
    "get_setting",
    "open_store",
    "open_tracker",
    "read_policy_file",
    "set_setting",
    "stats",
    "trace_lot",
    "trace_order",
    "trace_unit",
    "write_recall_report",
]


def open_tracker(
    path: str | os.PathLike[str] | None = None,
    *,
    verdict: VerdictFn | None = None,
    clock: Callable[[], datetime] | None = None,
    timeout: float = 10.0,
    readonly: bool = False,
) -> Tracker:
    """Open (or create) the store at `path` ($TRACKRIGHT_STORE, else ./.trackright/store.json)."""
    from .operations import Tracker
    from .store import open_store

    store = open_store(path, readonly=readonly, timeout=timeout)
    return Tracker(store, verdict=verdict, clock=clock)
