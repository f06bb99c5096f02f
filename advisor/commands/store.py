"""`store init`, `store upgrade` and `store copy`: setting a store up and moving it between kinds.

A TinyDB store is created by its first operation; a PostgreSQL store is set up by `store init`
(the tables, in the first schema of the URL's search path) and kept current by `store upgrade`
(the migrations it lacks, one transaction each); `store upgrade` also rewrites a TinyDB store
of an older layout (`tracker.store.upgrade`). `store copy SRC DST` moves a whole store from
TinyDB into PostgreSQL or back, and checks the copy against its source.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

import click

from advisor.commands.base import Outcome, Session, verb
from advisor.commands.types import STORE_REF

__all__ = ["StoreCopied", "StoreReady", "store_copy", "store_init", "store_upgrade"]


@dataclass(frozen=True)
class StoreReady(Outcome):
    """A store set up or brought up to date: where, its schema version, the steps that ran."""

    verb: ClassVar[str] = "store init"
    location: str
    version: int
    ran: tuple[str, ...]

    @property
    def summary(self) -> str:
        if not self.ran:
            return (
                f"{self.location} is already current (store schema version {self.version}); "
                "nothing to do"
            )
        steps = "; ".join(self.ran)
        return f"{self.location} is at store schema version {self.version}: {steps}"


def _ready(session: Session, op: str) -> StoreReady:
    from tracker.store import default_store_path, is_url, open_store

    where = session.store
    if is_url(where):
        from tracker.store.pg_schema import LATEST
        from tracker.store.postgres import init_store, redact

        ran = init_store(str(where))
        return StoreReady(redact(str(where)), LATEST, tuple(f"{m.version}: {m.note}" for m in ran))
    from tracker.store.tinydb_store import SCHEMA_VERSION, resolve

    if op == "upgrade":
        from tracker import StoreError
        from tracker.store.upgrade import upgrade_tinydb

        manifest = resolve(where if where is not None else default_store_path())
        if not manifest.exists():
            raise StoreError(
                f"there is no store at {manifest}: nothing to upgrade",
                hint="check --store; a new store is created by its first operation",
            )
        ran = upgrade_tinydb(manifest)
        open_store(manifest, readonly=True).close()  # the store as upgraded opens
        return StoreReady(str(manifest), SCHEMA_VERSION, tuple(ran))
    existed = where is not None and Path(where).exists()
    store = open_store(where)
    store.close()
    ran = () if existed or op == "upgrade" else ("created",)
    return StoreReady(store.location, SCHEMA_VERSION, ran)


@verb("init")
def store_init(session: Session) -> StoreReady:
    """Set the store up: a PostgreSQL URL gets trackright's tables (a file store is created)."""
    return _ready(session, "init")


@verb("upgrade")
def store_upgrade(session: Session) -> StoreReady:
    """Bring the store up to this trackright's version: a PostgreSQL store's schema migrations
    (each one transaction), or a TinyDB store written by an older trackright rewritten in
    today's layout (the old file kept as STORE.v1). A store already current is left as it is."""
    return _ready(session, "upgrade")


@dataclass(frozen=True)
class StoreCopied(Outcome):
    """A whole store copied and checked: how many of each, and the operations it had."""

    verb: ClassVar[str] = "store copy"
    source: str
    target: str
    counts: tuple[tuple[str, int], ...]
    seq: int

    @property
    def summary(self) -> str:
        what = ", ".join(f"{n:,} {t}" for t, n in self.counts)
        return (
            f"Copied {self.source} to {self.target}: {what} after {self.seq:,} operations "
            "(counts and the order of every event checked)"
        )


@verb("copy")
@click.argument("source", type=STORE_REF)
@click.argument("target", type=STORE_REF)
def store_copy(session: Session, source: Path | str, target: Path | str) -> StoreCopied:
    """Copy the store SOURCE into TARGET, a new file or an empty PostgreSQL database (or
    schema): TinyDB into PostgreSQL or back. Every record, every event in the order recorded."""
    from tracker.store import open_store
    from tracker.store.copy import copy_store

    src = open_store(source, readonly=True)
    dst = open_store(target)
    try:
        done = copy_store(src, dst)
    finally:
        src.close()
        dst.close()
    return StoreCopied(src.location, dst.location, tuple(done.counts.items()), done.seq)
