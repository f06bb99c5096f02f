"""Small named values kept in the store beside the stock: onboarding progress, the accepted policy.

A face (the terminal app) saves what it needs to resume here, so a workspace is one store folder::

    set_setting(store, "onboarding", {"answers": {...}})
    get_setting(store, "onboarding")            # {"answers": {...}}, or None before the first save

Values must be JSON-able; each write is one journalled store operation, like a scan.
"""

from __future__ import annotations

import copy
import json
from typing import Any

from .errors import InputError
from .store import Store

TABLE = "settings"


def get_setting(store: Store, key: str, default: Any = None) -> Any:
    """The value saved under `key` (a private copy), or `default` if none was saved."""
    with store.transaction() as tx:
        doc = tx.get(TABLE, key)
    return default if doc is None else copy.deepcopy(doc["value"])


def set_setting(store: Store, key: str, value: Any) -> None:
    """Save `value` under `key`, replacing what was there; InputError if it is not JSON-able."""
    if not isinstance(key, str) or not key:
        raise InputError(f"a setting needs a non-empty text key, got {key!r}")
    try:
        json.dumps(value)
    except (TypeError, ValueError) as err:
        raise InputError(f"setting {key!r} must be JSON-able: {err}") from None
    with store.transaction("setting") as tx:
        tx.put(TABLE, {"key": key, "value": copy.deepcopy(value)})


__all__ = ["get_setting", "set_setting"]
