"""Settings kept in the store: saved values survive reopening and never disturb stock."""

from __future__ import annotations

import pytest
from tracker_helpers import BOTH

from tracker import InputError, get_setting, open_store, set_setting

STORES = BOTH  # every test taking `store_path` or `tracker` runs on both stores


def test_missing_setting_gives_default(store_path):
    """A key never saved reads back as the default."""
    assert get_setting(open_store(store_path), "onboarding", {"x": 1}) == {"x": 1}


def test_setting_survives_reopen_and_replaces(store_path):
    """A saved value is read back by a fresh store, and a second save replaces the first."""
    store = open_store(store_path)
    set_setting(store, "onboarding", {"answers": {"brand": "Volta"}})
    set_setting(store, "onboarding", {"answers": {"brand": "Aurum"}})
    set_setting(store, "accepted", True)
    again = open_store(store_path)
    assert get_setting(again, "onboarding") == {"answers": {"brand": "Aurum"}}
    assert get_setting(again, "accepted") is True


def test_returned_value_is_a_copy(store_path):
    """Changing a value read back does not change the stored one."""
    store = open_store(store_path)
    set_setting(store, "k", {"list": [1]})
    got = get_setting(store, "k")
    got["list"].append(2)
    assert get_setting(store, "k") == {"list": [1]}


def test_unjsonable_or_huge_value_is_refused(store_path):
    """A value JSON cannot hold, or one over 1 MB, is refused and nothing is written."""
    store = open_store(store_path)
    with pytest.raises(InputError, match="JSON-able"):
        set_setting(store, "k", {1, 2})
    with pytest.raises(InputError, match="at most"):
        set_setting(store, "k", "x" * (2 << 20))
    assert get_setting(store, "k") is None
