"""The tracker's store: TinyDB tables in one folder, indexed in memory, changed one operation at a time.

Layout (default ``./.trackright/store.json``; ``--store`` or ``TRACKRIGHT_STORE`` override it)::

    store.json          checkpoint: plain TinyDB JSON (tables meta, policies, units, lots, orders,
                        events, counters); `TinyDB("store.json").table("units").all()` reads it
    store.json.journal  write-ahead journal: one JSON line per operation since the checkpoint
    store.json.lock     inter-process lock

Why a journal: stock TinyDB rewrites the whole file (and rebuilds the table) on every insert, which at
100,000 units is hundreds of milliseconds per scan. Here an operation's changes (every document it
adds or replaces, events included) become one journal line, written and fsync'd once; units and events
that did not change are not rewritten. Every `compact_every` operations, or when the journal passes
`compact_bytes`, the in-memory tables are written as a new checkpoint by atomic replacement and the
journal restarts empty. Checkpoint lines carry the journal sequence they include, so a crash between
the two steps replays nothing twice.

Crash safety: the checkpoint is only ever replaced whole (temp file, fsync, rename, fsync folder); a
journal line cut short by a crash is ignored and trimmed by the next writer, so a crash leaves the
state before or after the interrupted operation.

Concurrency: every operation holds the lock for its whole read-check-write. On taking the lock the store
compares the checkpoint (inode, mtime, size) and the journal (inode, size) with what it loaded, replays
new journal lines or reloads, and only then validates and writes — so no process overwrites another's
update. If the lock is not free within `timeout` seconds, `StoreBusyError` is raised.

Indexes (built at open, kept up to date by every applied change): serial/LPN → unit, (SKU, lot) → lot,
SKU → lots, (SKU, lot) → units, order → order, SKU → policy, and unit/lot/order → events.
"""

from __future__ import annotations

import copy
import os
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from filelock import FileLock, Timeout
from tinydb import TinyDB
from tinydb.table import Table

from .errors import StoreBusyError, StoreCorruptError, StoreError
from .model import Event
from .storage import META, SCHEMA, SCHEMA_VERSION, CheckpointStorage, Journal

ENV_VAR = "TRACKRIGHT_STORE"
DEFAULT_PATH = Path(".trackright") / "store.json"
TABLES = ("policies", "units", "lots", "orders", "events", "counters")

_KEYS: dict[str, Callable[[dict], object]] = {
    "units": lambda d: d["id"],
    "lots": lambda d: (d["sku"], d["lot"]),
    "orders": lambda d: d["order_id"],
    "policies": lambda d: d["sku"],
    "settings": lambda d: d["key"],
}


def default_store_path() -> Path:
    """The store file to use when none is given: $TRACKRIGHT_STORE, else ./.trackright/store.json."""
    env = os.environ.get(ENV_VAR, "").strip()
    return Path(env) if env else DEFAULT_PATH


def _fingerprint(path: Path) -> tuple[int, int, int] | None:
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    return (st.st_ino, st.st_mtime_ns, st.st_size)


class Store:
    """All tracker state for one brand; open it with `Store(path)` and change it in `transaction()`."""

    def __init__(
        self,
        path: str | os.PathLike[str] | None = None,
        *,
        timeout: float = 10.0,
        compact_every: int = 1000,
        compact_bytes: int = 16 << 20,
    ) -> None:
        self.path = Path(path) if path is not None else default_store_path()
        # A folder, or a new path with no file extension, is a workspace folder.
        if self.path.is_dir() or (not self.path.exists() and not self.path.suffix):
            self.path = self.path / "store.json"
        self.journal = Journal(self.path.with_name(self.path.name + ".journal"))
        self.timeout = timeout
        self.compact_every = compact_every
        self.compact_bytes = compact_bytes
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise StoreError(
                f"cannot create the store folder {self.path.parent}: {err.strerror}"
            ) from None
        self._lock = FileLock(
            str(self.path) + ".lock", timeout=timeout, poll_interval=0.005, thread_local=False
        )
        self._db = TinyDB(self.path, storage=CheckpointStorage)
        self._storage: CheckpointStorage = self._db.storage  # type: ignore[assignment]
        self._tables: dict[str, dict[str, dict]] = {}
        self._checkpoint: tuple[int, int, int] | None = None
        self._journal_inode: int | None = None
        self._offset = 0
        self._seq = 0
        self._since_checkpoint = 0
        with self._locked():
            self._refresh()

    # -- reading ---------------------------------------------------------------------------------

    def table(self, name: str) -> Table:
        """A read-only TinyDB view of one table as of the last refresh (for ad-hoc queries)."""
        return self._db.table(name, cache_size=0)

    @property
    def seq(self) -> int:
        """How many operations the store has recorded since it was created."""
        return self._seq

    # -- transactions ----------------------------------------------------------------------------

    @contextmanager
    def transaction(self, op: str = "read") -> Iterator[Transaction]:
        """Lock, catch up with other processes, and write the operation's changes once at the end.

        If the body raises, nothing is written and the in-memory state is unchanged.
        """
        with self._locked():
            self._refresh()
            tx = Transaction(self, op)
            yield tx
            if tx.pending:
                self._commit(tx)

    def compact(self) -> None:
        """Fold the journal into a new checkpoint now."""
        with self._locked():
            self._refresh()
            self._write_checkpoint()

    @contextmanager
    def _locked(self) -> Iterator[None]:
        try:
            self._lock.acquire(timeout=self.timeout)
        except Timeout:
            raise StoreBusyError(
                f"another trackright process is using the store {self.path} "
                f"(waited {self.timeout:g} s)",
                hint="try again when it has finished; if none is running, "
                f"the lock file {self.path}.lock is stale",
            ) from None
        try:
            yield
        finally:
            self._lock.release()

    # -- loading and catching up -----------------------------------------------------------------

    def _refresh(self) -> None:
        fingerprint = _fingerprint(self.path)
        if fingerprint is None:
            if self._tables:
                raise StoreError(f"the store file {self.path} disappeared while in use")
            if self.journal.identity() is not None:
                raise StoreCorruptError(
                    f"{self.journal.path} exists but its store file {self.path} does not",
                    hint="restore store.json from a backup, or move the journal away",
                )
            self._create()
            return
        if fingerprint != self._checkpoint:
            self._load()
            return
        journal = self.journal.identity()
        if journal is None:
            if self._journal_inode is not None:
                self._load()
        elif journal[0] != self._journal_inode or journal[1] < self._offset:
            self._load()
        elif journal[1] > self._offset:
            self._replay(self._offset)

    def _create(self) -> None:
        tables: dict[str, dict[str, dict]] = {name: {} for name in TABLES}
        tables[META] = {"1": {"schema": SCHEMA, "schema_version": SCHEMA_VERSION, "journal_seq": 0}}
        self._storage.write(tables)
        self._load()

    def _load(self) -> None:
        self._storage.close()
        data = self._storage.read()
        assert data is not None
        for name in TABLES:
            data.setdefault(name, {})
        self._tables = data
        self._checkpoint = _fingerprint(self.path)
        self._seq = int(data[META]["1"].get("journal_seq", 0))
        self._since_checkpoint = 0
        self._build_indexes()
        journal = self.journal.identity()
        self._journal_inode = journal[0] if journal else None
        self._offset = 0
        if journal:
            self._replay(0)

    def _replay(self, offset: int) -> None:
        records, end, torn = self.journal.read_from(offset)
        for record in records:
            seq = record["seq"]
            if seq <= self._seq and offset == 0:
                continue  # already in the checkpoint (crash between checkpoint and journal reset)
            if seq != self._seq + 1:
                raise StoreCorruptError(
                    f"{self.journal.path}: operation {seq} follows {self._seq}; entries are missing",
                    hint="restore the store folder from a backup; trackright left it untouched",
                )
            self._apply(record["docs"])
            self._seq = seq
            self._since_checkpoint += 1
        self._offset = end
        if torn:
            self.journal.truncate(end)

    # -- writing ---------------------------------------------------------------------------------

    def _commit(self, tx: Transaction) -> None:
        record = {
            "seq": self._seq + 1,
            "op": tx.op,
            "time": datetime.now(UTC).isoformat(timespec="milliseconds"),
            "docs": tx.pending,
        }
        self._offset = self.journal.append(record)
        if self._journal_inode is None:
            identity = self.journal.identity()
            self._journal_inode = identity[0] if identity else None
        self._seq += 1
        self._apply(tx.pending)
        self._since_checkpoint += 1
        if self._since_checkpoint >= self.compact_every or self._offset >= self.compact_bytes:
            self._write_checkpoint()

    def _write_checkpoint(self) -> None:
        self._tables[META]["1"] = dict(self._tables[META]["1"], journal_seq=self._seq)
        self._storage.write(self._tables)
        self._checkpoint = _fingerprint(self.path)
        self.journal.reset()
        identity = self.journal.identity()
        self._journal_inode = identity[0] if identity else None
        self._offset = 0
        self._since_checkpoint = 0

    # -- indexes ---------------------------------------------------------------------------------

    def _build_indexes(self) -> None:
        self.keys: dict[str, dict[object, str]] = {name: {} for name in _KEYS}
        self.units_by_lot: dict[tuple[str, str], set[str]] = defaultdict(set)
        self.lots_by_sku: dict[str, set[str]] = defaultdict(set)
        self.units_per_sku: dict[str, int] = defaultdict(int)
        self.events_by_id: dict[str, list[str]] = defaultdict(list)
        self.events_by_lot: dict[tuple[str, str], list[str]] = defaultdict(list)
        self.events_by_order: dict[str, list[str]] = defaultdict(list)
        self.next_id: dict[str, int] = {}
        for name, docs in self._tables.items():
            self.next_id[name] = max(map(int, docs), default=0) + 1
            if name in _KEYS or name == "events":
                for doc_id, doc in docs.items():
                    self._index(name, doc_id, doc)

    def _apply(self, changes: dict[str, dict[str, dict]]) -> None:
        for name, docs in changes.items():
            table = self._tables.setdefault(name, {})
            for doc_id, doc in docs.items():
                fresh = doc_id not in table
                table[doc_id] = doc
                if fresh:
                    self._index(name, doc_id, doc)
                    self.next_id[name] = max(self.next_id.get(name, 1), int(doc_id) + 1)

    def _index(self, name: str, doc_id: str, doc: dict) -> None:
        if name == "events":
            for ident in doc.get("ids", ()):
                self.events_by_id[ident].append(doc_id)
            lots = {(m["sku"], m["lot"]) for m in doc.get("moves", ())}
            lot = (doc.get("ilmd") or {}).get("lot")
            if lot and doc.get("sku"):
                lots.add((doc["sku"], lot))
            for key in lots:
                self.events_by_lot[key].append(doc_id)
            if doc.get("order"):
                self.events_by_order[doc["order"]].append(doc_id)
            return
        if name not in _KEYS:
            return
        self.keys[name][_KEYS[name](doc)] = doc_id
        if name == "units":
            self.units_per_sku[doc["sku"]] += 1
            if doc.get("lot"):
                self.units_by_lot[(doc["sku"], doc["lot"])].add(doc_id)
        elif name == "lots":
            self.lots_by_sku[doc["sku"]].add(doc_id)

    def doc(self, name: str, doc_id: str) -> dict:
        return self._tables[name][doc_id]

    def docs(self, name: str) -> Iterator[dict]:
        return iter(self._tables.get(name, {}).values())


class Transaction:
    """One operation's view of the store: committed documents plus the changes it has staged."""

    def __init__(self, store: Store, op: str) -> None:
        self.store = store
        self.op = op
        self.pending: dict[str, dict[str, dict]] = {}
        self._new_keys: dict[str, dict[object, str]] = defaultdict(dict)
        self._next: dict[str, int] = {}

    def _doc_id(self, name: str, key: object) -> str | None:
        return self._new_keys[name].get(key) or self.store.keys[name].get(key)

    def _alloc(self, name: str) -> str:
        n = max(self.store.next_id.get(name, 1), self._next.get(name, 1))
        self._next[name] = n + 1
        return str(n)

    def get(self, name: str, key: object) -> dict | None:
        """A private copy of the document with this key (staged or committed), or None."""
        doc_id = self._doc_id(name, key)
        if doc_id is None:
            return None
        staged = self.pending.get(name, {}).get(doc_id)
        return copy.deepcopy(staged if staged is not None else self.store.doc(name, doc_id))

    def exists(self, name: str, key: object) -> bool:
        return self._doc_id(name, key) is not None

    def put(self, name: str, doc: dict) -> None:
        """Stage a new or replaced document (matched by its natural key)."""
        key = _KEYS[name](doc)
        doc_id = self._doc_id(name, key)
        if doc_id is None:
            doc_id = self._alloc(name)
            self._new_keys[name][key] = doc_id
        self.pending.setdefault(name, {})[doc_id] = doc

    def add_event(self, event: Event) -> None:
        self.pending.setdefault("events", {})[self._alloc("events")] = event.to_doc()

    def next_counter(self, name: str) -> int:
        """The next value of a store-wide sequence (LPNs, generated serials)."""
        counters = self.pending.get("counters", {}).get("1") or dict(
            self.store._tables["counters"].get("1", {})
        )
        counters[name] = counters.get(name, 0) + 1
        self.pending.setdefault("counters", {})["1"] = counters
        return counters[name]

    def units_of_lot(self, sku: str, lot: str) -> list[dict]:
        ids = set(self.store.units_by_lot.get((sku, lot), ()))
        ids.update(
            doc_id
            for doc_id, doc in self.pending.get("units", {}).items()
            if doc.get("sku") == sku and doc.get("lot") == lot
        )
        staged = self.pending.get("units", {})
        return [copy.deepcopy(staged.get(i) or self.store.doc("units", i)) for i in sorted(ids)]

    def lots_of_sku(self, sku: str) -> list[dict]:
        ids = set(self.store.lots_by_sku.get(sku, ()))
        staged = self.pending.get("lots", {})
        ids.update(i for i, doc in staged.items() if doc["sku"] == sku)
        return [copy.deepcopy(staged.get(i) or self.store.doc("lots", i)) for i in sorted(ids)]

    def events(self, doc_ids: list[str]) -> list[Event]:
        return [Event.from_doc(self.store.doc("events", i)) for i in doc_ids]
