"""Fixtures for tracker tests: a store of each kind (TinyDB, PostgreSQL) and a tracker on it.

As tinydb's own tests run every table test over its storages, the tracker's tests run over both
stores through `store_path`: a test module that sets ``STORES = BOTH`` gets every test twice,
once on a TinyDB file and once on a fresh schema of a throw-away PostgreSQL server
(`pg_cluster`). Other modules test what only the TinyDB store has (its files, its journal).
"""

from __future__ import annotations

import pytest
from pg_cluster import Cluster, obtain, required
from tracker_helpers import NOW, POLICIES, simple_verdict

from tracker import Tracker, open_tracker


def pytest_generate_tests(metafunc):
    if "store_kind" in metafunc.fixturenames:
        kinds = getattr(metafunc.module, "STORES", ("tinydb",))
        metafunc.parametrize("store_kind", kinds, indirect=True)


@pytest.fixture(scope="session")
def pg_cluster():
    """The session's PostgreSQL server (see `pg_cluster`): fails in CI if there is none."""
    try:
        cluster = obtain()
    except (RuntimeError, OSError) as err:
        if required():
            pytest.fail(f"PostgreSQL is required here (CI / TRACKRIGHT_REQUIRE_PG) but: {err}")
        pytest.skip(f"no PostgreSQL server for the tests: {err}")
    yield cluster
    cluster.stop()


@pytest.fixture
def store_kind(request) -> str:
    return request.param


@pytest.fixture
def pg_url(request) -> str:
    """A store URL on a fresh, empty schema of the session's server."""
    cluster: Cluster = request.getfixturevalue("pg_cluster")
    return cluster.fresh_schema()


@pytest.fixture
def store_path(request, tmp_path, store_kind):
    """Where the test's store is: a TinyDB file in a temp folder, or a fresh PostgreSQL schema."""
    if store_kind == "postgresql":
        return request.getfixturevalue("pg_url")
    return tmp_path / "ws" / "store.json"


@pytest.fixture
def tracker(store_path) -> Tracker:
    t = open_tracker(store_path, verdict=simple_verdict, clock=lambda: NOW)
    t.set_policies(POLICIES)
    yield t
    t.store.close()
