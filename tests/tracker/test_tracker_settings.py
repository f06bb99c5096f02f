"""Settings kept in the store: saved values survive reopening and never disturb stock."""

from __future__ import annotations

import pytest
from tinydb import TinyDB

from tracker import InputError, Store, get_setting, set_setting


def test_missing_setting_gives_default(store_path):
    """A key never saved reads back as the default."""
    assert get_setting(Store(store_path), "onboarding", {"x": 1}) == {"x": 1}


def test_setting_survives_reopen_and_replaces(store_path):
    """A saved value is read back by a fresh store, and a second save replaces the first."""
    store = Store(store_path)
    set_setting(store, "onboarding", {"answers": {"brand": "Volta"}})
    set_setting(store, "onboarding", {"answers": {"brand": "Aurum"}})
    set_setting(store, "accepted", True)
    again = Store(store_path)
    assert get_setting(again, "onboarding") == {"answers": {"brand": "Aurum"}}
    assert get_setting(again, "accepted") is True


def test_returned_value_is_a_copy(store_path):
    """Changing a value read back does not change the stored one."""
    store = Store(store_path)
    set_setting(store, "k", {"list": [1]})
    got = get_setting(store, "k")
    got["list"].append(2)
    assert get_setting(store, "k") == {"list": [1]}


def test_unjsonable_value_is_refused(store_path):
    """A value JSON cannot hold is refused with InputError and nothing is written."""
    store = Store(store_path)
    with pytest.raises(InputError, match="JSON-able"):
        set_setting(store, "k", {1, 2})
    assert get_setting(store, "k") is None


def test_checkpoint_stays_plain_tinydb(store_path):
    """After a compaction the settings table is ordinary TinyDB JSON."""
    store = Store(store_path)
    set_setting(store, "onboarding", {"answers": {}})
    store.compact()
    rows = TinyDB(store_path).table("settings").all()
    assert rows == [{"key": "onboarding", "value": {"answers": {}}}]
