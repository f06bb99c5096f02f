"""The embedded store: partitioned TinyDB files, an append-only ledger, a journal and an op log.

Layout of a store named ``store.json`` (``--store``, ``$TRACKRIGHT_STORE``; a folder means
``FOLDER/store.json``; a symlink is followed, so every file sits beside the real one)::

    store.json                the manifest, plain TinyDB (schema, partition counts); never
                              rewritten, and the file every writer `flock`s
    store/wal.log             journal: the one operation being applied, if any
    store/head.<g>.json|log   op log: one line per committed operation (sequence, counts, the
                              size each file reached), folded into the .json now and then
    store/events/NNNNNN.log   the ledger: EPCIS events, append-only, 64 MB segments
    store/lotidx/XXX.log      lot → event references, append-only
    store/imports.log         the import keys the ledger's events carry, append-only (one line
                              per operation that applied import lines: a re-run reads it once)
    store/<table>/XXX.<g>.json  partition bases, plain TinyDB (`_meta` holds a CRC-32)
    store/<table>/XXX.<g>.log   partition deltas since that base
    store/tmp/                temporary files (a killed writer's are removed by the next one)

**What stock TinyDB sees.** ``TinyDB("store/units/0a3.2.json").table("units").all()`` gives the
units of that partition as of its last fold; changes since are in the delta log beside it, which
TinyDB does not read. Stock TinyDB therefore never sees the live store as a whole — and does not
have to: ``trackright track export tinydb FILE`` (`export_tinydb`) writes one plain TinyDB file
of the live store (units, lots, orders, policies, suspects, settings) for any program that wants
one. Partition files are written by the store only; a partition changed by another program
fails its checksum and is reported as damaged.

**Writing.** A writer holds the manifest's `flock` for one operation: it finishes a journal record
left by a killed writer, runs the operation against the partitions it needs (a scan reads three
or four small files, whatever the store's size), appends the operation's record to the journal and
fsyncs it (from here on the operation is durable), appends to each file, syncs them, appends the
op-log line (the commit marker), empties the journal, and folds at most a few grown partitions.
If anything fails after the journal fsync, the operation still succeeded: it is reported as done,
with a warning, and the next command (or any reader meanwhile) takes it from the journal.

**Reading** takes no lock: a reader takes the op log's last line as its snapshot and reads exactly
the bytes it vouches for, so it never waits for a writer and never sees half an operation.
"""

from __future__ import annotations

import errno
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from ..errors import ForeignStoreError, StoreBusyError, StoreCorruptError, StoreError
from . import buckets, files, view
from .records import Reader, Transaction

SCHEMA = "trackright.store"
SCHEMA_VERSION = 2
FOLD_MIN_BYTES = 24 << 10
#: The op log is folded into its base once its lines pass this: every command parses those lines
#: (about 25 µs each on a busy machine), a fold costs one write of the base (about 200 KB at
#: 100,000 units) every 70 or so operations.
HEAD_FOLD_BYTES = 16 << 10
BUSY_HINT = (
    "try again in a moment. The lock is released the instant its holder ends, so it is never "
    "stale: do not delete any file of the store"
)


def resolve(path: str | os.PathLike[str]) -> Path:
    """The manifest path for a --store value: a folder means FOLDER/store.json; symlinks followed."""
    p = Path(path)
    if p.is_dir() or (not p.exists() and not p.suffix):
        p = p / "store.json"
    return Path(os.path.realpath(p))


def data_folder(manifest: Path) -> Path:
    return manifest.with_suffix("") if manifest.suffix else manifest.with_name(manifest.name + ".d")


class TinyDBStore:
    """One brand's store on this machine's disk; see the module docstring for the layout."""

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        readonly: bool = False,
        timeout: float = 10.0,
    ) -> None:
        self.path = resolve(path)
        self.data = data_folder(self.path)
        self.location = str(self.path)
        self.readonly = readonly
        self.timeout = timeout
        self.warnings: list[str] = []
        #: When a partition's delta log or the op log is folded (tests make these small).
        self.fold_min_bytes = FOLD_MIN_BYTES
        self.head_fold_bytes = HEAD_FOLD_BYTES
        self._lock = files.Lock(self.path)
        self._bulk: Transaction | None = None
        if not self.path.exists():
            if readonly:
                raise StoreError(
                    f"there is no store at {self.path}: nothing has been recorded there yet",
                    hint="check --store, or start with `trackright track policy import FILE`",
                )
            self._create()
        self._check_manifest()

    # -- the manifest -----------------------------------------------------------------------------

    def _create(self) -> None:
        try:
            files.makedirs(self.path.parent)
            files.makedirs(self.data / "tmp")
            files.makedirs(self.data / "events")
            meta = {
                "schema": SCHEMA,
                "schema_version": SCHEMA_VERSION,
                "data": self.data.name,
                "created": datetime.now(UTC).isoformat(timespec="seconds"),
                "partitions": {t.name: t.buckets for t in buckets.TABLES.values()},
            }
            tmp = self.data / "tmp" / f"manifest.{os.getpid()}.tmp"
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, files.FILE_MODE)
            try:
                files.write_all(fd, buckets.encode_base("meta", [meta], 0, 0))
                os.fsync(fd)
            finally:
                os.close(fd)
            try:
                os.link(tmp, self.path)  # never replaces a manifest another process just made
            except FileExistsError:
                pass
            finally:
                os.unlink(tmp)
            files.fsync_dir(self.path.parent)
        except OSError as err:
            raise StoreError(
                f"cannot create the store {self.path}: {err.strerror or err}"
            ) from None

    def _check_manifest(self) -> None:
        raw = files.read_bytes(self.path)
        if raw is None:
            raise StoreError(f"the store file {self.path} disappeared")
        where = str(self.path)
        if not raw.strip():
            raise ForeignStoreError(
                f"{where} is empty, so it is not a trackright store",
                hint="point --store at the right file, or move this one away; it was not changed",
            )
        try:
            docs, _g, _t = buckets.decode_base("meta", raw)
            meta = docs[0]
        except (files.Damaged, IndexError):
            meta = self._legacy_meta(raw, where)
        if not isinstance(meta, dict) or meta.get("schema") != SCHEMA:
            raise ForeignStoreError(
                f"{where} is not a trackright store (no trackright schema)",
                hint="point --store at the right file; this one was not changed",
            )
        if meta.get("schema_version") != SCHEMA_VERSION:
            raise ForeignStoreError(
                f"{where} has store schema version {meta.get('schema_version')!r}; this "
                f"trackright reads version {SCHEMA_VERSION}",
                hint="use the trackright version that wrote it"
                + (
                    ", or `trackright track store upgrade` to convert it"
                    if meta.get("schema_version") == 1
                    else ""
                ),
            )
        expected = {t.name: t.buckets for t in buckets.TABLES.values()}
        if meta.get("partitions") != expected or meta.get("data") != self.data.name:
            raise ForeignStoreError(f"{where}: partition layout differs from this trackright's")

    @staticmethod
    def _legacy_meta(raw: bytes, where: str) -> dict:
        import json

        try:
            data = json.loads(raw)
        except (UnicodeDecodeError, ValueError):
            raise StoreCorruptError(
                f"{where}: the store file is damaged (not valid JSON, or its checksum fails)",
                hint=view.RECOVER,
            ) from None
        if not isinstance(data, dict) or not all(isinstance(t, dict) for t in data.values()):
            raise ForeignStoreError(
                f"{where} is JSON but not a TinyDB database, so not a trackright store",
                hint="point --store at the right file; this one was not changed",
            )
        meta = data.get("meta", {}).get("1")
        if isinstance(meta, dict) and meta.get("schema") == SCHEMA and "partitions" in meta:
            raise StoreCorruptError(
                f"{where} is damaged (its checksum does not match)", hint=view.RECOVER
            )
        return meta if isinstance(meta, dict) else {}

    # -- reading ----------------------------------------------------------------------------------

    @contextmanager
    def reader(self) -> Iterator[Reader]:
        """A consistent view as of the last committed operation; takes no lock."""
        if self._bulk is not None:
            yield self._bulk
            return
        yield _Retrying(self)  # type: ignore[misc]

    def _snapshot(self) -> Reader:
        for attempt in range(50):
            try:
                head = view.read_head(self.data)
                record, _torn = view.read_pending(self.data, head, strict=attempt >= 45)
            except view.Retry:
                continue
            if head.torn and record is None:
                if attempt < 5:
                    time.sleep(0.002)
                    continue  # a writer between its journal and its op-log line: look again
                raise view.torn_head_error(self.data, head)
            if record is not None:
                head = _ahead(head, record)
            return Reader(self.data, head, view.overlay_of(record))
        raise StoreBusyError(
            f"the store {self.path} kept changing while it was read", hint=BUSY_HINT
        )

    # -- writing ----------------------------------------------------------------------------------

    @contextmanager
    def transaction(self, op: str) -> Iterator[Transaction]:
        """One operation: lock, finish any interrupted one, run the body, commit once."""
        if self._bulk is not None:
            mark = self._bulk.savepoint()
            try:
                yield self._bulk
            except BaseException:
                self._bulk.rollback(mark)
                raise
            return
        if self.readonly:
            raise StoreError(
                f"the store {self.path} is open read-only: {op} changes it",
                hint="drop --read-only (you need write access to the store folder)",
            )
        with self._locked():
            head = self._recover()
            tx = Transaction(self.data, head, op)
            yield tx
            if tx.orig or tx.events or tx.gen_fixes:
                self._commit(tx, head)

    @contextmanager
    def bulk(self, op: str = "bulk") -> Iterator[Transaction]:
        """Many operations as one commit (loading history in bulk); a refused one leaves nothing."""
        with self.transaction(op) as tx:
            self._bulk = tx
            try:
                yield tx
            finally:
                self._bulk = None

    @contextmanager
    def _locked(self) -> Iterator[None]:
        try:
            got = self._lock.acquire(self.timeout)
        except OSError as err:
            raise StoreError(f"cannot open the store {self.path}: {err.strerror}") from None
        if not got:
            raise StoreBusyError(
                f"another trackright process is using the store {self.path} "
                f"(waited {self.timeout:g} s)",
                hint=BUSY_HINT,
            )
        try:
            yield
        finally:
            self._lock.release()

    def _recover(self) -> view.Head:
        """Under the lock: remove dead writers' temp files, finish a journalled operation."""
        files.clean_tmp(self.data / "tmp")
        head = view.read_head(self.data)
        wal = self.data / "wal.log"
        record, torn = view.read_pending(self.data, head)
        if head.torn and record is None:
            raise view.torn_head_error(self.data, head)
        if record is not None:
            try:
                self._apply(record["a"], recovering=True)
                files.truncate(wal, 0)
            except OSError as err:
                raise StoreError(
                    f"operation {record['s']} ({record.get('op')}) is recorded in the journal "
                    f"but could not be applied: {err.strerror or err}; nothing new was recorded",
                    hint="free disk space (or fix permissions) and run any command to finish it",
                ) from None
            head = view.read_head(self.data)
        elif torn or files.size_of(wal):
            files.truncate(wal, 0)  # a record that never became durable: never acknowledged
        return head

    def _apply(self, appends: list, *, recovering: bool = False) -> None:
        created = set()
        paths = []
        for rel, size, text in appends:
            path = self.data / rel
            data = text.encode() if isinstance(text, str) else text
            if size == 0 and not path.exists():
                files.makedirs(path.parent)
                created.add(path.parent)
            if files.size_of(path) != size:
                files.truncate(path, size)
            files.append(path, data, sync=False)
            paths.append(path)
        files.step("sync")
        if len(paths) > 24:
            os.sync()
        else:
            files.fsync_paths(paths)
        for folder in created:
            files.fsync_dir(folder)

    def _commit(self, tx: Transaction, head: view.Head) -> None:
        from . import commit  # only writers build appends: a trace or stats never loads it

        seq = head.seq + 1
        appends, opline = commit.build(tx, head, seq)
        head_rel = f"head.{head.gen}.log"
        appends.append((head_rel, head.log_size, opline))
        record = files.encode_line(
            {
                "s": seq,
                "op": tx.op,
                "a": [[rel, size, data.decode()] for rel, size, data in appends],
            }
        )
        wal = self.data / "wal.log"
        try:
            files.step("wal-append", wal)
            files.truncate(wal, 0)
            files.append(wal, record, sync=True)
        except OSError as err:
            try:
                files.truncate(wal, 0)
            except OSError:
                pass
            raise _not_recorded(err, self.path) from None
        try:
            self._apply(appends)
            files.step("wal-reset", wal)
            files.truncate(wal, 0)
        except OSError as err:
            self.warnings.append(
                f"operation {seq} ({tx.op}) is recorded, but updating the store files failed "
                f"({err.strerror or err}); the next command finishes it — free disk space first"
            )
            return
        head.apply(_decode(opline), head_rel)
        head.log_size += len(opline)
        try:
            self._fold(tx, head, appends)
        except OSError:
            pass  # folding is housekeeping: the next operation tries again

    # -- folding ----------------------------------------------------------------------------------

    def _fold(self, tx: Transaction, head: view.Head, appends: list) -> None:
        from .fold import fold_grown

        fold_grown(self, tx, head, appends)

    def compact(self) -> int:
        """Fold every partition with changes, and the op log; how many partitions were folded.

        Ordinary operations fold a few grown partitions each; this folds all of them at once
        (after a bulk load, or before copying the folder)."""
        from .fold import compact

        with self._locked():
            return compact(self, self._recover())

    def close(self) -> None:
        self._lock.release()


class _Retrying:
    """A reader that answers again from a fresh snapshot when the files moved on under it."""

    def __init__(self, store: TinyDBStore) -> None:
        self._store = store
        self._r = store._snapshot()

    def __getattr__(self, name: str):
        attr = getattr(self._r, name)
        if not callable(attr):
            return attr

        def call(*args, **kwargs):
            for _attempt in range(20):
                try:
                    return getattr(self._r, name)(*args, **kwargs)
                except view.Retry:
                    self._r = self._store._snapshot()
                except view.Unvouched:
                    fresh = self._store._snapshot()
                    if fresh.seq == self._r.seq and not fresh.overlay:
                        raise
                    self._r = fresh
            raise StoreBusyError("the store kept changing while it was read", hint=BUSY_HINT)

        return call


def _ahead(head: view.Head, record: dict) -> view.Head:
    """The snapshot including a durable journal record that is not applied yet."""
    rel, _size, text = record["a"][-1]
    line = _decode(text.encode())
    head.apply(line, rel)
    return head


def _decode(line: bytes) -> dict:
    doc = files.decode_line(line.rstrip(b"\n"))
    assert isinstance(doc, dict)
    return doc


def _unlink(path: Path) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


def _not_recorded(err: OSError, path: Path) -> StoreError:
    why = err.strerror or str(err)
    hint = (
        "free disk space and try again" if err.errno == errno.ENOSPC else "check the store folder"
    )
    return StoreError(
        f"the operation could not be recorded in {path}: {why}; nothing changed", hint=hint
    )
