"""Fixtures for tracker tests: a store in a temp folder and a tracker on it."""

from __future__ import annotations

import pytest
from tracker_helpers import NOW, POLICIES, simple_verdict

from tracker import Tracker, open_tracker


@pytest.fixture
def store_path(tmp_path):
    return tmp_path / "ws" / "store.json"


@pytest.fixture
def tracker(store_path) -> Tracker:
    t = open_tracker(store_path, verdict=simple_verdict, clock=lambda: NOW)
    t.set_policies(POLICIES)
    return t
