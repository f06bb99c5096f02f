"""The PostgreSQL store's read view and transaction: typed records over rows, one connection each.

`PgReader` answers the `StoreReader` questions with SQL inside one REPEATABLE READ snapshot, so
a view never sees half an operation and never blocks a writer. `PgTransaction` runs inside one
READ COMMITTED transaction: every unit, lot, order or suspect it reads is locked (`FOR UPDATE`)
until the operation commits, so a second desk scanning the same unit waits, then sees the first
desk's result — the two cannot both succeed — while desks on other units never wait at all.

Documents are kept as the same JSON text the TinyDB store writes (decoded by Python's `json`),
with the columns the questions filter on beside them; running figures (stock, returns, watched
units) are computed from those columns at read time, so no shared counter row serialises desks.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from ..errors import ConcurrentChangeError, StoreCorruptError
from ..model import Event, Lot, Order, PolicySnapshot, Suspect, Unit
from ..vocabulary import SUSPECT_FLAGS
from .records import gtin14

RECOVER = "restore the database from a backup; trackright changed nothing"

#: Tables `_table` lists as documents (for the TinyDB export, `store copy` and tests).
DOC_TABLES = {
    "units": "SELECT doc FROM units ORDER BY key",
    "lots": "SELECT doc FROM lots ORDER BY sku, lot",
    "orders": "SELECT doc FROM orders ORDER BY order_id",
    "policies": "SELECT doc FROM policies ORDER BY sku",
    "suspects": "SELECT doc FROM suspects ORDER BY key",
}


def dumps(doc: Any) -> str:
    return json.dumps(doc, separators=(",", ":"), ensure_ascii=False)


def _watch(unit: Unit) -> bool:
    return unit.returns >= 2 or any(f in SUSPECT_FLAGS for f in unit.flags)


def unit_columns(unit: Unit) -> dict[str, Any]:
    """The columns of a unit's row beside its document: what questions and figures filter on."""
    return {
        "id": unit.id,
        "sku": unit.sku,
        "lot": unit.lot,
        "location": unit.location,
        "status": unit.status,
        "watched": _watch(unit),
        "doc": dumps(unit.to_doc()),
    }


def figures(order: Order) -> list[tuple[str, str, int, int]]:
    """(order, sku, shipped, returned) rows of an order, for the returns figures."""
    per_sku: dict[str, list[int]] = {}
    for item in order.items:
        per_sku.setdefault(item.sku, [0, 0])[0] += item.qty
    for item in order.returned:
        per_sku.setdefault(item.sku, [0, 0])[1] += item.qty
    return [(order.order_id, sku, a, b) for sku, (a, b) in sorted(per_sku.items())]


def event_refs(event: Event, seq: int, pos: int) -> list[tuple[str, str, int, int]]:
    """(kind, key, seq, pos) index rows of one event: its units, order, suspect, lots, and the
    import key it carries (kind ``i``: a re-run of an import file asks for them all at once)."""
    refs = [("u", key, seq, pos) for key in event.ids]
    if event.order:
        refs.append(("o", event.order, seq, pos))
    if event.suspect:
        refs.append(("s", event.suspect, seq, pos))
    lots = {(m.sku, m.lot) for m in event.moves}
    lot = dict(event.ilmd).get("lot")
    if lot and event.sku:
        lots.add((event.sku, lot))
    refs += [("l", f"{s}\x1f{n}", seq, pos) for s, n in sorted(lots)]
    if event.source:
        refs.append(("i", event.source, seq, pos))
    return refs


def _held_key(record: Any) -> tuple[str, ...]:
    """The (table, key...) a record read in a transaction is locked under."""
    if isinstance(record, Unit):
        return ("units", record.key)
    if isinstance(record, Lot):
        return ("lots", record.sku, record.lot)
    if isinstance(record, Order):
        return ("orders", record.order_id)
    return ("suspects", record.key)


class PgReader:
    """A read-only view of the store inside one database transaction (`cur` is its cursor)."""

    lock = ""  # "FOR UPDATE" in a transaction

    def __init__(self, conn, location: str) -> None:
        self.conn = conn
        self.location = location
        self.cur = conn.cursor()
        self.cur.execute("SELECT seq FROM meta")
        self._seq = int(self.cur.fetchone()[0])

    @property
    def seq(self) -> int:
        return self._seq

    # -- rows -------------------------------------------------------------------------------------

    def _rows(self, sql: str, params: tuple = ()) -> list[tuple]:
        self.cur.execute(sql, params)
        return self.cur.fetchall()

    def _decode(self, cls: Any, text: str | None, what: str) -> Any:
        if text is None:
            return None
        try:
            return cls.from_doc(json.loads(text))
        except (KeyError, TypeError, ValueError) as err:
            raise StoreCorruptError(
                f"{self.location}: a {what} record is malformed ({err!r}): {text[:120]}",
                hint=RECOVER,
            ) from None

    def _one(self, cls: Any, sql: str, params: tuple, what: str) -> Any:
        rows = self._rows(sql + self.lock, params)
        return self._decode(cls, rows[0][0], what) if rows else None

    def _many(self, cls: Any, sql: str, params: tuple, what: str) -> list:
        return [self._decode(cls, row[0], what) for row in self._rows(sql + self.lock, params)]

    def _table(self, name: str) -> Iterator[dict]:
        """Every document of a table, as the TinyDB store keeps it (no event references)."""
        if name == "settings":
            for key, value in self._rows("SELECT key, value FROM settings ORDER BY key"):
                yield {"key": key, "value": json.loads(value)}
            return
        for (text,) in self._rows(DOC_TABLES[name]):
            yield json.loads(text)

    def numbers(self) -> dict[str, int]:
        """The store-wide sequences ("lpn", "serial") as far as they were handed out."""
        return {k: int(v) for k, v in self._rows("SELECT name, value FROM numbers ORDER BY 1")}

    # -- StoreReader ------------------------------------------------------------------------------

    def unit(self, key: str) -> Unit | None:
        return self._one(Unit, "SELECT doc FROM units WHERE key = %s", (key,), "unit")

    def known_units(self, keys: Iterable[str]) -> set[str]:
        wanted = list(keys)
        if not wanted:
            return set()
        rows = self._rows("SELECT key FROM units WHERE key = ANY(%s)", (wanted,))
        return {r[0] for r in rows}

    def units_by_serial(self, serial: str) -> list[Unit]:
        sql = "SELECT doc FROM units WHERE id = %s ORDER BY key"
        return self._many(Unit, sql, (serial,), "unit")

    def units_of_lot(self, sku: str, lot: str) -> list[Unit]:
        sql = "SELECT doc FROM units WHERE sku = %s AND lot = %s ORDER BY key"
        return self._many(Unit, sql, (sku, lot), "unit")

    def lot(self, sku: str, lot: str) -> Lot | None:
        return self._one(Lot, "SELECT doc FROM lots WHERE sku = %s AND lot = %s", (sku, lot), "lot")

    def lots_of_sku(self, sku: str) -> list[Lot]:
        return self._many(Lot, "SELECT doc FROM lots WHERE sku = %s ORDER BY lot", (sku,), "lot")

    def order(self, order_id: str) -> Order | None:
        sql = "SELECT doc FROM orders WHERE order_id = %s"
        return self._one(Order, sql, (order_id,), "order")

    def orders_of_lot(self, sku: str, lot: str) -> list[str]:
        return sorted(
            {e.order for e in self.events_of_lot(sku, lot) if e.order and e.biz_step == "shipping"}
        )

    def policy(self, sku: str) -> PolicySnapshot | None:
        sql = "SELECT doc FROM policies WHERE sku = %s"
        return self._decode(PolicySnapshot, next(iter(self._col(sql, (sku,))), None), "policy")

    def _col(self, sql: str, params: tuple = ()) -> list:
        return [r[0] for r in self._rows(sql, params)]

    def policies(self) -> Iterator[PolicySnapshot]:
        for text in self._col("SELECT doc FROM policies ORDER BY sku"):
            yield self._decode(PolicySnapshot, text, "policy")

    def sku_for_gtin(self, gtin: str) -> str | None:
        g = gtin14(gtin)
        if not g:
            return None
        found = self._col("SELECT sku FROM policies WHERE gtin = %s ORDER BY sku LIMIT 1", (g,))
        return found[0] if found else None

    def suspect(self, key: str) -> Suspect | None:
        return self._one(Suspect, "SELECT doc FROM suspects WHERE key = %s", (key,), "suspect")

    def suspects_by_id(self, ident: str) -> list[Suspect]:
        sql = "SELECT doc FROM suspects WHERE id = %s ORDER BY key"
        return self._many(Suspect, sql, (ident,), "suspect")

    def setting(self, key: str) -> Any:
        found = self._col("SELECT value FROM settings WHERE key = %s", (key,))
        return json.loads(found[0]) if found else None

    # -- the ledger -------------------------------------------------------------------------------

    def _events(self, kind: str, key: str) -> list[Event]:
        sql = (
            "SELECT e.doc FROM events e JOIN (SELECT DISTINCT seq, pos FROM event_refs "
            "WHERE kind = %s AND key = %s) r USING (seq, pos) ORDER BY e.seq, e.pos"
        )
        return [self._decode(Event, t, "event") for t in self._col(sql, (kind, key))]

    def events(self, *, newest_first: bool = False) -> Iterator[Event]:
        """Every event in the order recorded (or newest first), streamed by a server cursor."""
        order = "DESC" if newest_first else "ASC"
        with self.conn.cursor(name="events_scan") as scan:
            scan.itersize = 2000
            scan.execute(f"SELECT doc FROM events ORDER BY seq {order}, pos {order}")
            for (text,) in scan:
                yield self._decode(Event, text, "event")

    def events_of_unit(self, key: str) -> list[Event]:
        return self._events("u", key)

    def events_of_lot(self, sku: str, lot: str) -> list[Event]:
        return self._events("l", f"{sku}\x1f{lot}")

    def events_of_order(self, order_id: str) -> list[Event]:
        return self._events("o", order_id)

    def imported(self, keys: Iterable[str]) -> dict[str, str]:
        want = sorted(set(keys))
        if not want:
            return {}
        rows = self._rows(
            "SELECT DISTINCT ON (r.key) r.key, left((e.doc::json)->>'time', 10) "
            "FROM event_refs r JOIN events e USING (seq, pos) "
            "WHERE r.kind = 'i' AND r.key = ANY(%s) ORDER BY r.key, r.seq, r.pos",
            (want,),
        )
        return dict(rows)

    def events_of_suspect(self, key: str) -> list[Event]:
        return self._events("s", key)

    # -- running figures --------------------------------------------------------------------------

    def _stock_rows(self, where: str, params: tuple) -> list[tuple[str, str, str, int]]:
        qty: dict[tuple[str, str, str], int] = {}
        sql = f"SELECT sku, location, status, count(*) FROM units {where} GROUP BY 1, 2, 3"
        for sku, loc, status, n in self._rows(sql, params):
            qty[(sku, loc, status)] = int(n)
        for (text,) in self._rows(f"SELECT doc FROM lots {where}", params):
            doc = json.loads(text)
            for loc, by_status in doc.get("qty", {}).items():
                for status, n in by_status.items():
                    k = (doc["sku"], loc, status)
                    qty[k] = qty.get(k, 0) + n
        return sorted((*k, n) for k, n in qty.items() if n)

    def stock(self) -> list[tuple[str, str, str, int]]:
        return self._stock_rows("", ())

    def stock_of(self, sku: str) -> list[tuple[str, str, int]]:
        return [(loc, st, n) for _s, loc, st, n in self._stock_rows("WHERE sku = %s", (sku,))]

    def return_figures(self) -> list[tuple[str, int, int]]:
        sql = (
            "SELECT sku, sum(shipped), sum(returned) FROM order_figures GROUP BY sku "
            "HAVING sum(shipped) <> 0 OR sum(returned) <> 0 ORDER BY sku"
        )
        return [(s, int(a), int(b)) for s, a, b in self._rows(sql)]

    def watched_units(self) -> list[Unit]:
        sql = "SELECT doc FROM units WHERE watched ORDER BY key"
        return [self._decode(Unit, t, "unit") for t in self._col(sql)]

    def all_suspects(self) -> list[Suspect]:
        sql = "SELECT doc FROM suspects ORDER BY key"
        return [self._decode(Suspect, t, "suspect") for t in self._col(sql)]

    def counts(self) -> dict[str, int]:
        sql = (
            "SELECT (SELECT count(*) FROM units), (SELECT count(*) FROM lots), "
            "(SELECT count(*) FROM orders), (SELECT count(*) FROM events), "
            "(SELECT count(*) FROM policies), (SELECT count(*) FROM suspects)"
        )
        names = ("units", "lots", "orders", "events", "policies", "suspects")
        return dict(zip(names, map(int, self._rows(sql)[0]), strict=True))


class PgTransaction(PgReader):
    """One operation's reads (locking what they touch) and writes, in one database transaction.

    A record it writes that it did not read is inserted, never overwritten: if another desk
    created the same unit (lot, order, suspect) meanwhile, the operation stops with
    `ConcurrentChangeError` and nothing is recorded, so two receipts of one serial cannot both
    succeed.
    """

    lock = " FOR UPDATE"

    def __init__(self, conn, location: str, op: str) -> None:
        self.conn = conn
        self.location = location
        self.cur = conn.cursor()
        self.op = op
        self.events: list[Event] = []
        self.changed = False
        self._seq = -1
        self._held: set[tuple[str, ...]] = set()

    @property
    def seq(self) -> int:
        if self._seq < 0:
            self.cur.execute("SELECT seq FROM meta")
            self._seq = int(self.cur.fetchone()[0])
        return self._seq

    def _one(self, cls: Any, sql: str, params: tuple, what: str) -> Any:
        found = super()._one(cls, sql, params, what)
        if found is not None:
            self._held.add(_held_key(found))
        return found

    def _many(self, cls: Any, sql: str, params: tuple, what: str) -> list:
        found = super()._many(cls, sql, params, what)
        self._held.update(_held_key(r) for r in found)
        return found

    def _put(self, table: str, keys: dict[str, Any], cols: dict[str, Any]) -> None:
        """Update a record this operation read (and so holds locked), else insert it."""
        self.changed = True
        held = (table, *keys.values())
        if held in self._held:
            sets = ", ".join(f"{k} = %s" for k in cols)
            where = " AND ".join(f"{k} = %s" for k in keys)
            self.cur.execute(
                f"UPDATE {table} SET {sets} WHERE {where}", (*cols.values(), *keys.values())
            )
            return
        names = ", ".join((*keys, *cols))
        marks = ", ".join(["%s"] * (len(keys) + len(cols)))
        self.cur.execute(
            f"INSERT INTO {table} ({names}) VALUES ({marks}) ON CONFLICT DO NOTHING",
            (*keys.values(), *cols.values()),
        )
        if self.cur.rowcount != 1:
            raise ConcurrentChangeError(
                f"another desk recorded {table[:-1]} {' / '.join(keys.values())} at the same "
                "moment; nothing was recorded by this operation",
                hint="run it again: it will see what the other desk recorded",
            )
        self._held.add(held)

    def put_unit(self, unit: Unit) -> None:
        self._put("units", {"key": unit.key}, unit_columns(unit))

    def put_lot(self, lot: Lot) -> None:
        self._put("lots", {"sku": lot.sku, "lot": lot.lot}, {"doc": dumps(lot.to_doc())})

    def put_order(self, order: Order) -> None:
        self._put("orders", {"order_id": order.order_id}, {"doc": dumps(order.to_doc())})
        self.cur.execute("DELETE FROM order_figures WHERE order_id = %s", (order.order_id,))
        self.cur.executemany("INSERT INTO order_figures VALUES (%s, %s, %s, %s)", figures(order))

    def put_policy(self, policy: PolicySnapshot) -> None:
        self.changed = True
        self.cur.execute(
            "INSERT INTO policies (sku, gtin, doc) VALUES (%s, %s, %s) ON CONFLICT (sku) "
            "DO UPDATE SET gtin = excluded.gtin, doc = excluded.doc",
            (policy.sku, gtin14(policy.gtin), dumps(policy.to_doc())),
        )

    def put_suspect(self, suspect: Suspect) -> None:
        cols = {"id": suspect.id, "doc": dumps(suspect.to_doc())}
        self._put("suspects", {"key": suspect.key}, cols)

    def put_setting(self, key: str, value: Any) -> None:
        self.changed = True
        self.cur.execute(
            "INSERT INTO settings (key, value) VALUES (%s, %s) ON CONFLICT (key) "
            "DO UPDATE SET value = excluded.value",
            (key, dumps(value)),
        )

    def add_event(self, event: Event) -> None:
        self.events.append(event)

    def imported(self, keys: Iterable[str]) -> dict[str, str]:
        keys = set(keys)
        found = super().imported(keys)
        for event in self.events:  # this operation's own, appended at commit
            if event.source in keys:
                found.setdefault(event.source, event.time[:10])
        return found

    def next_number(self, name: str) -> int:
        self.changed = True
        self.cur.execute(
            "INSERT INTO numbers (name, value) VALUES (%s, 1) ON CONFLICT (name) "
            "DO UPDATE SET value = numbers.value + 1 RETURNING value",
            (name,),
        )
        return int(self.cur.fetchone()[0])

    def _append(self, staged: list[tuple[Event, int, int]]) -> None:
        rows, refs = [], []
        for event, seq, pos in staged:
            rows.append((seq, pos, dumps(event._replace(seq=seq).to_doc())))
            refs += event_refs(event, seq, pos)
        if rows:
            self.cur.executemany("INSERT INTO events (seq, pos, doc) VALUES (%s, %s, %s)", rows)
        if refs:
            # as the TinyDB store: a unit, order or suspect is indexed if it exists at commit
            self.cur.executemany(
                "INSERT INTO event_refs SELECT %s, %s, %s, %s WHERE %s IN ('l', 'i') OR EXISTS ("
                "SELECT 1 FROM units WHERE key = %s AND %s = 'u' UNION ALL "
                "SELECT 1 FROM orders WHERE order_id = %s AND %s = 'o' UNION ALL "
                "SELECT 1 FROM suspects WHERE key = %s AND %s = 's')",
                [(k, key, s, p, k, key, k, key, k, key, k) for k, key, s, p in refs],
            )

    # -- commit -----------------------------------------------------------------------------------

    def finish(self) -> int | None:
        """Take the operation's sequence number and append its events; None if nothing changed.

        The sequence row is locked last, for the few statements before COMMIT, so operations get
        numbers in the order they commit and desks queue on it only for that instant."""
        if not (self.changed or self.events):
            return None
        self.cur.execute("UPDATE meta SET seq = seq + 1 RETURNING seq")
        seq = int(self.cur.fetchone()[0])
        self._append([(event, seq, pos) for pos, event in enumerate(self.events)])
        self._seq = seq
        return seq
