"""Small named values kept in the store beside the stock: onboarding progress, the accepted policy.

A face (the terminal app) saves what it needs to resume here, so a workspace is one store folder::

    set_setting(store, "onboarding", {"answers": {...}})
    get_setting(store, "onboarding")            # {"answers": {...}}, or None before the first save

Values must be JSON-able (and at most 1 MB); each write is one store operation, like a scan.
"""

from __future__ import annotations

import json
from typing import Any

from .errors import InputError
from .store import Store

MAX_BYTES = 1 << 20


def get_setting(store: Store, key: str, default: Any = None) -> Any:
    """The value saved under `key` (a private copy), or `default` if none was saved."""
    with store.reader() as r:
        value = r.setting(key)
    return default if value is None else value


def set_setting(store: Store, key: str, value: Any) -> None:
    """Save `value` under `key`, replacing what was there; InputError if it is not JSON-able."""
    if not isinstance(key, str) or not key:
        raise InputError(f"a setting needs a non-empty text key, got {key!r}")
    try:
        size = len(json.dumps(value))
    except (TypeError, ValueError) as err:
        raise InputError(f"setting {key!r} must be JSON-able: {err}") from None
    if size > MAX_BYTES:
        raise InputError(f"setting {key!r} is {size:,} bytes; at most {MAX_BYTES:,}")
    with store.transaction("setting") as tx:
        tx.put_setting(key, value)


__all__ = ["get_setting", "set_setting"]
