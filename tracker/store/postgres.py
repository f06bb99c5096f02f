"""The server store: one brand's tracking state in PostgreSQL, shared by every desk that connects.

Chosen by a URL as the store (``--store postgresql://user@host:5432/db``, ``$TRACKRIGHT_STORE``);
the tables live in the first schema of the connection's ``search_path`` (``public`` unless the URL
says ``?options=-csearch_path%3Dbrand``). What it promises, beside the TinyDB store:

- one user operation is one database transaction: all of it is recorded, or nothing;
- units, lots, orders and suspects an operation reads are locked until it commits, so desks on
  different units never wait for each other, and two desks scanning one unit cannot both succeed;
- operations are numbered in the order they commit, and their events keep that order;
- the ledger (`events`, `event_refs`) is append-only, enforced by trigger in the database;
- a server that cannot be reached is one clear error, "store unreachable, nothing recorded",
  and the next operation after the server is back simply works (the connection is re-opened).

    >>> store = PostgresStore("postgresql://desk@db.example/brand")   # doctest: +SKIP
    >>> with store.transaction("ship") as tx:                          # doctest: +SKIP
    ...     tx.put_unit(unit); tx.add_event(event)
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
from psycopg import errors as pg_errors

from ..errors import ForeignStoreError, StoreBusyError, StoreError, StoreUnreachableError
from . import pg_schema
from .pg_records import PgReader, PgTransaction


def redact(url: str) -> str:
    """The URL as shown to people: without its password."""
    return re.sub(r"^(postgres(?:ql)?://[^:/@]*):[^@/]*@", r"\1:***@", url)


class PostgresStore:
    """A store on a PostgreSQL server; see the module docstring for what it promises."""

    def __init__(
        self, url: str, *, readonly: bool = False, timeout: float = 10.0, create: bool = True
    ) -> None:
        self.url = url
        self.path = url  # what a caller passes to open the same store again
        self.location = redact(url)
        self.readonly = readonly
        self.timeout = timeout
        self.warnings: list[str] = []
        self._conn: psycopg.Connection | None = None
        self._read: psycopg.Connection | None = None
        self._check(create=create and not readonly)

    # -- connections ------------------------------------------------------------------------------

    def _unreachable(self, err: Exception) -> StoreUnreachableError:
        first = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        return StoreUnreachableError(
            f"store unreachable, nothing recorded: the PostgreSQL server of {self.location} "
            f"did not answer ({first})",
            hint="check that the server is running and the URL is right, then run the "
            "operation again",
        )

    def _connect(self) -> psycopg.Connection:
        try:
            conn = psycopg.connect(self.url, connect_timeout=max(1, int(self.timeout)))
        except psycopg.OperationalError as err:
            raise self._unreachable(err) from None
        with conn.cursor() as cur:
            cur.execute(
                "SELECT set_config('lock_timeout', %s, false)", (f"{int(self.timeout * 1000)}ms",)
            )
        conn.commit()
        return conn

    def _writer(self) -> psycopg.Connection:
        if self._conn is None or self._conn.closed or self._conn.broken:
            self._conn = self._connect()
        return self._conn

    def _reader_conn(self) -> psycopg.Connection:
        if self._read is None or self._read.closed or self._read.broken:
            self._read = self._connect()
            self._read.read_only = True
            self._read.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        return self._read

    def _check(self, *, create: bool) -> None:
        conn = self._writer()
        try:
            with conn.cursor() as cur:
                version = pg_schema.current_version(cur)
            conn.rollback()
            if version is None and create:
                pg_schema.migrate(conn)
                version = pg_schema.LATEST
        except psycopg.OperationalError as err:
            self._drop(conn)
            raise self._unreachable(err) from None
        if version is None:
            raise StoreError(
                f"there is no trackright store in {self.location}: nothing has been recorded "
                "there yet",
                hint="run `trackright track --store URL store init` first",
            )
        if version != pg_schema.LATEST:
            raise ForeignStoreError(
                f"{self.location} has store schema version {version}; this trackright reads "
                f"version {pg_schema.LATEST}",
                hint="`trackright track --store URL store upgrade` brings it up to date"
                if version < pg_schema.LATEST
                else "use the trackright version that wrote it",
            )

    def _drop(self, conn: psycopg.Connection) -> None:
        try:
            conn.close()
        except psycopg.Error:
            pass
        if conn is self._conn:
            self._conn = None
        if conn is self._read:
            self._read = None

    @contextmanager
    def _failures(self, conn: psycopg.Connection, what: str) -> Iterator[None]:
        """Database failures as the errors a person reads; a broken connection is dropped."""
        try:
            yield
        except psycopg.OperationalError as err:
            if isinstance(err, pg_errors.LockNotAvailable):
                raise StoreBusyError(
                    f"another desk has held what {what} needs for {self.timeout:g} s; "
                    "nothing was recorded",
                    hint="try again in a moment",
                ) from None
            if isinstance(err, pg_errors.DeadlockDetected | pg_errors.SerializationFailure):
                raise StoreBusyError(
                    f"{what} crossed another desk's operation on the same records; nothing "
                    "was recorded",
                    hint="run it again",
                ) from None
            self._drop(conn)
            raise self._unreachable(err) from None
        except psycopg.InterfaceError as err:
            self._drop(conn)
            raise self._unreachable(err) from None

    # -- the store interface ----------------------------------------------------------------------

    @contextmanager
    def reader(self) -> Iterator[PgReader]:
        """A consistent snapshot (REPEATABLE READ, read only): never waits for a writer."""
        conn = self._reader_conn()
        with self._failures(conn, "reading"):
            try:
                yield PgReader(conn, self.location)
            finally:
                if not conn.broken and not conn.closed:
                    conn.rollback()

    @contextmanager
    def transaction(self, op: str) -> Iterator[PgTransaction]:
        """One operation as one database transaction: committed whole, or rolled back."""
        if self.readonly:
            raise StoreError(
                f"the store {self.location} is open read-only: {op} changes it",
                hint="drop --read-only",
            )
        conn = self._writer()
        with self._failures(conn, op):
            try:
                tx = PgTransaction(conn, self.location, op)
                yield tx
                tx.finish()
                conn.commit()
            except BaseException:
                if not conn.broken and not conn.closed:
                    conn.rollback()
                raise

    def schema_version(self) -> int:
        conn = self._writer()
        with self._failures(conn, "reading the schema"), conn.cursor() as cur:
            version = pg_schema.current_version(cur) or 0
            conn.rollback()
            return version

    def close(self) -> None:
        for conn in (self._conn, self._read):
            if conn is not None:
                self._drop(conn)


def init_store(url: str, *, timeout: float = 10.0) -> list[pg_schema.Migration]:
    """Create (or bring up to date) the schema at `url`; the migrations that ran."""
    probe = PostgresStore.__new__(PostgresStore)
    probe.url, probe.location, probe.timeout = url, redact(url), timeout
    probe._conn = probe._read = None
    conn = probe._writer()
    with probe._failures(conn, "store init"):
        try:
            return pg_schema.migrate(conn)
        finally:
            probe.close()
