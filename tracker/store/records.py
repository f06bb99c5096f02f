"""The TinyDB store's read view and transaction: typed records over partitioned documents.

`Reader` answers the `StoreReader` questions from the partitions and the ledger as of one op-log
snapshot, loading only the buckets a question needs. `Transaction` adds staged writes (reads see
them) and savepoints, so a refused operation inside a bulk load leaves nothing behind.
"""

from __future__ import annotations

import copy
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from ..errors import StoreCorruptError
from ..model import Event, Lot, Order, PolicySnapshot, Suspect, Unit
from . import view
from .buckets import bucket_of

_MISSING = object()


#: Tables whose partitions keep a key index (``units/0a3.keys``): "is it there?" and "add a new
#: one" never read the partition itself.
INDEXED = ("units", "orders")


def serial_of(key: str) -> str:
    """The routing serial of a unit or suspect key (the part after (21) for GS1 keys)."""
    if key.startswith("(01)"):
        _, sep, serial = key.partition("(21)")
        if sep:
            return serial
    return key


class KeyIndex:
    """A partition's key index as read: one key a line, searched in place (no set of strings,
    so checking 10,000 new serials in a store of a million costs kilobytes, not 100 MB)."""

    __slots__ = ("_data",)

    def __init__(self, data: bytes) -> None:
        self._data = b"\n" + data

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and (b"\n" + key.encode() + b"\n") in self._data


#: The index of import keys: one line per operation that applied import lines,
#: ``{"s": seq, "k": {key: day}}``, so a re-run of a file reads one file, not every order.
IMPORTS = "imports.log"


def lot_key(sku: str, lot: str) -> str:
    return f"{sku}\x1f{lot}"


def lotidx_name(key: str) -> str:
    return f"lotidx/{zlib.crc32(key.encode()) % 256:03x}.log"


def gtin14(gtin: str) -> str:
    return gtin.zfill(14) if gtin else ""


class Reader:
    """A read-only view of the store as of one committed operation."""

    def __init__(self, data: Path, head: view.Head, overlay: dict | None = None) -> None:
        self.data = data
        self.head = head
        self.overlay = overlay or {}
        self._cache: dict[str, dict[str, dict]] = {}
        self._gen: dict[str, int] = {}
        self._key_index: dict[str, KeyIndex] = {}

    @property
    def seq(self) -> int:
        return self.head.seq

    # -- documents --------------------------------------------------------------------------------

    def _docs(self, bucket: str) -> dict[str, dict]:
        docs = self._cache.get(bucket)
        if docs is None:
            table = bucket.partition("/")[0]
            docs, gen = view.load_bucket(self.data, self.head, bucket, table, self.overlay)
            self._cache[bucket] = docs
            self._gen[bucket] = gen
        return docs

    def _doc(self, table: str, route: str, key: str) -> dict | None:
        bucket = bucket_of(table, route)
        if table in INDEXED and bucket not in self._cache and key not in self._keys(bucket):
            return None  # not there: known from the partition's key index alone
        return self._docs(bucket).get(key)

    def _table(self, table: str) -> Iterator[dict]:
        """Every document of a table: only the partitions the op log knows to hold any."""
        prefix = table + "/"
        names = {
            rel.rsplit(".", 2)[0]
            for rel in (*self.head.files, *self.overlay)
            if rel.startswith(prefix)
        }
        names.update(b for b in self.head.gens if b.startswith(prefix))
        names.update(b for b in self._cache if b.startswith(prefix))
        for bucket in sorted(names):
            yield from self._docs(bucket).values()

    def _decode(self, cls: Any, doc: dict | None, what: str) -> Any:
        if doc is None:
            return None
        try:
            return cls.from_doc(doc)
        except (KeyError, TypeError, ValueError) as err:
            raise StoreCorruptError(
                f"{self.data}: a {what} record is malformed ({err!r}): {str(doc)[:120]}",
                hint=view.RECOVER,
            ) from None

    # -- StoreReader ------------------------------------------------------------------------------

    def unit(self, key: str) -> Unit | None:
        return self._decode(Unit, self._doc("units", serial_of(key), key), "unit")

    def units_by_serial(self, serial: str) -> list[Unit]:
        docs = self._docs(bucket_of("units", serial))
        return sorted(
            (self._decode(Unit, d, "unit") for d in docs.values() if d["id"] == serial),
            key=lambda u: u.key,
        )

    def known_units(self, keys: Iterable[str]) -> set[str]:
        """Which of these unit keys are in the store, reading each partition's key index only."""
        by_bucket: dict[str, list[str]] = {}
        for key in keys:
            by_bucket.setdefault(bucket_of("units", serial_of(key)), []).append(key)
        found = set()
        for bucket, wanted in by_bucket.items():
            have = self._keys(bucket)
            found.update(k for k in wanted if k in have)
        return found

    def _keys(self, bucket: str) -> KeyIndex | dict[str, dict]:
        loaded = self._cache.get(bucket)
        if loaded is not None:
            return loaded
        keys = self._key_index.get(bucket)
        if keys is None:
            rel = f"{bucket}.keys"
            keys = KeyIndex(view.read_appended(self.data, self.head, rel, self.overlay))
            self._key_index[bucket] = keys
        return keys

    def units_of_lot(self, sku: str, lot: str) -> list[Unit]:
        keys = {k for e in self.events_of_lot(sku, lot) for k in e.ids}
        units = (self.unit(k) for k in sorted(keys))
        return [u for u in units if u is not None and u.sku == sku and u.lot == lot]

    def lot(self, sku: str, lot: str) -> Lot | None:
        return self._decode(Lot, self._doc("lots", sku, lot_key(sku, lot)), "lot")

    def lots_of_sku(self, sku: str) -> list[Lot]:
        docs = self._docs(bucket_of("lots", sku))
        found = [self._decode(Lot, d, "lot") for d in docs.values() if d["sku"] == sku]
        return sorted(found, key=lambda lot: lot.lot)

    def order(self, order_id: str) -> Order | None:
        return self._decode(Order, self._doc("orders", order_id, order_id), "order")

    def orders_of_lot(self, sku: str, lot: str) -> list[str]:
        return sorted(
            {e.order for e in self.events_of_lot(sku, lot) if e.order and e.biz_step == "shipping"}
        )

    def policy(self, sku: str) -> PolicySnapshot | None:
        return self._decode(PolicySnapshot, self._doc("policies", sku, sku), "policy")

    def policies(self) -> Iterator[PolicySnapshot]:
        for doc in self._table("policies"):
            yield self._decode(PolicySnapshot, doc, "policy")

    def sku_for_gtin(self, gtin: str) -> str | None:
        g = gtin14(gtin)
        doc = self._doc("gtins", g, g)
        return (doc or {}).get("sku") or None

    def suspect(self, key: str) -> Suspect | None:
        return self._decode(Suspect, self._doc("suspects", serial_of(key), key), "suspect")

    def suspects_by_id(self, ident: str) -> list[Suspect]:
        docs = self._docs(bucket_of("suspects", ident))
        return sorted(
            (self._decode(Suspect, d, "suspect") for d in docs.values() if d["id"] == ident),
            key=lambda s: s.key,
        )

    def setting(self, key: str) -> Any:
        doc = self._doc("settings", "", key)
        return None if doc is None else copy.deepcopy(doc["value"])

    # -- the ledger -------------------------------------------------------------------------------

    def _events(self, refs: list) -> list[Event]:
        out: dict[tuple[int, int], Event] = {}
        for seg, offset, length in refs:
            if (seg, offset) in out:
                continue
            rel = view.segment_name(seg)
            chunk = view.read_span(self.data, self.head, rel, offset, length, self.overlay)
            doc = view.decode_event_line(chunk, f"{self.data / rel}@{offset}")
            out[(seg, offset)] = self._decode(Event, doc, "event")
        return [out[k] for k in sorted(out)]

    def events(self, *, newest_first: bool = False) -> Iterator[Event]:
        """Every event of the ledger in the order recorded (or newest first): a full scan,
        for exports and look-ups by time; one operation's questions use the indexed methods."""
        segments = range(1, self.head.segment + 1)
        for seg in reversed(segments) if newest_first else segments:
            rel = view.segment_name(seg)
            size = self.head.files.get(rel, 0)
            chunk = view.read_span(self.data, self.head, rel, 0, size, {}) if size else b""
            pending = self.overlay.get(rel)
            if pending is not None:
                chunk = chunk[: pending[0]] + pending[1]
            lines = chunk.split(b"\n")[:-1]
            offsets = []
            pos = 0
            for line in lines:
                offsets.append(pos)
                pos += len(line) + 1
            order = range(len(lines) - 1, -1, -1) if newest_first else range(len(lines))
            for i in order:
                doc = view.decode_event_line(lines[i], f"{self.data / rel}@{offsets[i]}")
                yield self._decode(Event, doc, "event")

    def events_of_unit(self, key: str) -> list[Event]:
        return self._events((self._doc("units", serial_of(key), key) or {}).get("ev", []))

    def events_of_order(self, order_id: str) -> list[Event]:
        return self._events((self._doc("orders", order_id, order_id) or {}).get("ev", []))

    def events_of_suspect(self, key: str) -> list[Event]:
        return self._events((self._doc("suspects", serial_of(key), key) or {}).get("ev", []))

    def imported(self, keys: Iterable[str]) -> dict[str, str]:
        want = set(keys)
        if not want or not (self.head.files.get(IMPORTS) or IMPORTS in self.overlay):
            return {}
        chunk = view.read_appended(
            self.data, self.head, IMPORTS, self.overlay, "the import keys it held"
        )
        found: dict[str, str] = {}
        for n, line in enumerate(chunk.split(b"\n")[:-1], 1):
            entry = view.decode_event_line(line, f"{self.data / IMPORTS}:{n}")
            for key, day in entry["k"].items():
                if key in want:
                    found.setdefault(key, day)
        return found

    def events_of_lot(self, sku: str, lot: str) -> list[Event]:
        key = lot_key(sku, lot)
        rel = lotidx_name(key)
        chunk = view.read_appended(self.data, self.head, rel, self.overlay)
        refs: list = []
        for n, line in enumerate(chunk.split(b"\n")[:-1], 1):
            entry = view.decode_event_line(line, f"{self.data / rel}:{n}")
            if entry.get("k") == key:
                refs += entry["r"]
        return self._events(refs)

    # -- running figures --------------------------------------------------------------------------

    def stock(self) -> list[tuple[str, str, str, int]]:
        rows = [
            (d["sku"], loc, status, n)
            for d in self._table("stock")
            for loc, by_status in d.get("qty", {}).items()
            for status, n in by_status.items()
            if n
        ]
        return sorted(rows)

    def stock_of(self, sku: str) -> list[tuple[str, str, int]]:
        doc = self._doc("stock", sku, sku) or {}
        return sorted(
            (loc, status, n)
            for loc, by_status in doc.get("qty", {}).items()
            for status, n in by_status.items()
            if n
        )

    def return_figures(self) -> list[tuple[str, int, int]]:
        rows = [
            (d["sku"], d.get("shipped", 0), d.get("returned", 0))
            for d in self._table("stock")
            if d.get("shipped") or d.get("returned")
        ]
        return sorted(rows)

    def watched_units(self) -> list[Unit]:
        return sorted(
            (self._decode(Unit, d, "unit") for d in self._table("watch") if not d.get("gone")),
            key=lambda u: u.key,
        )

    def all_suspects(self) -> list[Suspect]:
        return sorted(
            (self._decode(Suspect, d, "suspect") for d in self._table("suspects")),
            key=lambda s: s.key,
        )

    def numbers(self) -> dict[str, int]:
        """The store-wide sequences ("lpn", "serial") as far as they were handed out."""
        return dict(sorted(self.head.numbers.items()))

    def counts(self) -> dict[str, int]:
        names = ("units", "lots", "orders", "events", "policies", "suspects")
        return {n: self.head.counts.get(n, 0) for n in names}


class Transaction(Reader):
    """Reads plus staged writes for one operation; `savepoint()`/`rollback()` for nesting."""

    def __init__(self, data: Path, head: view.Head, op: str) -> None:
        super().__init__(data, head)
        self.op = op
        self.orig: dict[tuple[str, str], Any] = {}  # (bucket, key) -> image before this tx
        self.events: list[Event] = []
        self.numbers: dict[str, int] = {}
        self._undo: list[tuple[str, str, Any]] = []
        self._puts: dict[tuple[str, str], int] = {}
        #: new units staged into partitions not read (a receipt of 10,000 serials reads only
        #: the partitions' key indexes); merged if the partition is read later
        self._fresh: dict[str, dict[str, dict]] = {}
        #: partitions folded to a new generation that the op log must learn (by `compact`)
        self.gen_fixes: dict[str, int] = {}

    def _docs(self, bucket: str) -> dict[str, dict]:
        docs = super()._docs(bucket)
        fresh = self._fresh.pop(bucket, None)
        if fresh:
            docs.update(fresh)
        return docs

    def _doc(self, table: str, route: str, key: str) -> dict | None:
        fresh = self._fresh.get(bucket_of(table, route))
        if fresh is not None and key in fresh:
            return fresh[key]
        return super()._doc(table, route, key)

    def known_units(self, keys: Iterable[str]) -> set[str]:
        keys = list(keys)
        found = super().known_units(keys)
        for key in keys:
            fresh = self._fresh.get(bucket_of("units", serial_of(key)))
            if fresh is not None and key in fresh:
                found.add(key)
        return found

    def imported(self, keys: Iterable[str]) -> dict[str, str]:
        keys = set(keys)
        found = super().imported(keys)
        for event in self.events:  # staged by this operation (or an earlier one of a bulk)
            if event.source in keys:
                found.setdefault(event.source, event.time[:10])
        return found

    def gen_of(self, bucket: str) -> int:
        """The generation a partition's changes go to (read or not; a writer holds the lock)."""
        if bucket in self._gen:
            return self._gen[bucket]
        expected = self.head.gens.get(bucket, 0)
        newer = self.data / f"{bucket}.{expected + 1}.json"
        return expected + 1 if newer.exists() else expected

    def current(self, bucket: str, key: str) -> dict:
        """The staged image of a dirty document."""
        fresh = self._fresh.get(bucket)
        if fresh is not None and key in fresh:
            return fresh[key]
        return self._cache[bucket][key]

    def _stage(self, table: str, route: str, doc: dict, key: str) -> None:
        bucket = bucket_of(table, route)
        if table in INDEXED and bucket not in self._cache and key not in self._keys(bucket):
            docs = self._fresh.setdefault(bucket, {})  # a new unit: no need to read its partition
        else:
            docs = self._docs(bucket)
        old = docs.get(key, _MISSING)
        if (bucket, key) not in self.orig:
            self.orig[(bucket, key)] = None if old is _MISSING else old
        self._undo.append((bucket, key, old))
        self._puts[(bucket, key)] = self._puts.get((bucket, key), 0) + 1
        if old is not _MISSING and "ev" in old:
            doc["ev"] = old["ev"]
        docs[key] = doc

    def put_unit(self, unit: Unit) -> None:
        self._stage("units", unit.id, unit.to_doc(), unit.key)

    def put_lot(self, lot: Lot) -> None:
        self._stage("lots", lot.sku, lot.to_doc(), lot_key(lot.sku, lot.lot))

    def put_order(self, order: Order) -> None:
        self._stage("orders", order.order_id, order.to_doc(), order.order_id)

    def put_policy(self, policy: PolicySnapshot) -> None:
        self._stage("policies", policy.sku, policy.to_doc(), policy.sku)

    def put_suspect(self, suspect: Suspect) -> None:
        self._stage("suspects", suspect.id, suspect.to_doc(), suspect.key)

    def put_setting(self, key: str, value: Any) -> None:
        self._stage("settings", "", {"key": key, "value": copy.deepcopy(value)}, key)

    def add_event(self, event: Event) -> None:
        self.events.append(event)

    def next_number(self, name: str) -> int:
        n = self.numbers.get(name, self.head.numbers.get(name, 0)) + 1
        self.numbers[name] = n
        return n

    # -- savepoints (an operation inside a bulk transaction) ---------------------------------------

    def savepoint(self) -> tuple[int, int, dict[str, int]]:
        return len(self._undo), len(self.events), dict(self.numbers)

    def rollback(self, mark: tuple[int, int, dict[str, int]]) -> None:
        undo_len, events_len, numbers = mark
        while len(self._undo) > undo_len:
            bucket, key, old = self._undo.pop()
            docs = self._fresh[bucket] if bucket in self._fresh else self._cache[bucket]
            if old is _MISSING:
                docs.pop(key, None)
            else:
                docs[key] = old
            left = self._puts[(bucket, key)] - 1
            self._puts[(bucket, key)] = left
            if not left:
                self.orig.pop((bucket, key), None)
        del self.events[events_len:]
        self.numbers = numbers

    def dirty(self) -> dict[str, list[str]]:
        """Keys staged per bucket, in first-staged order."""
        out: dict[str, list[str]] = {}
        for bucket, key in self.orig:
            out.setdefault(bucket, []).append(key)
        return out
