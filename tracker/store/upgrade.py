"""`store upgrade` for a TinyDB store: a schema-1 store (one TinyDB file and a journal) rewritten as today's.

Schema 1 — trackright before the partitioned store — kept everything in one TinyDB file,
``store.json`` (tables meta, policies, units, lots, orders, events, counters, settings), with a
journal ``store.json.journal`` of the operations since that checkpoint and a lock file
``store.json.lock``. Schema 2 is a manifest and a data folder (`tracker.store.tinydb_store`).

`upgrade_tinydb` reads the old store whole (the checkpoint, then its journal replayed) under its
old lock, converts the records — items handed in that were never ours (``"foreign": true``
units and lots) become suspects, as they are kept today, and their events name the suspect —
and writes a new store in a folder beside it through the store's own transactions, one
operation per operation of the old ledger (its events grouped by operation id), with the counts
checked. Only then is it swapped in: the data folder is renamed into place and the new manifest
replaces the old file in one rename. The old file and journal are kept as ``store.json.v1`` and
``store.json.journal.v1``. A crash before that last rename leaves the old store as it was (and
a half-written folder, marked as such, that the next `store upgrade` removes).
"""

from __future__ import annotations

import json
import os
import shutil
from collections import Counter
from pathlib import Path
from typing import Any

from ..errors import ForeignStoreError, StoreBusyError, StoreCorruptError, StoreError
from ..model import Event, Lot, Order, PolicySnapshot, Suspect, Unit
from . import buckets, files

#: In the data folder while an upgrade writes it; a folder carrying it may be thrown away.
MARKER = "upgrading-from-schema-1"
BACKUP = ".v1"


def schema_version(manifest: Path) -> int | None:
    """The schema version written in a TinyDB store's manifest; None if it is not a store."""
    raw = files.read_bytes(manifest)
    if not raw:
        return None
    try:
        docs, _gen, _through = buckets.decode_base("meta", raw)
        meta = docs[0]
    except (files.Damaged, IndexError):
        try:
            meta = json.loads(raw).get("meta", {}).get("1")
        except (UnicodeDecodeError, ValueError, AttributeError):
            return None
    if not isinstance(meta, dict) or meta.get("schema") != "trackright.store":
        return None
    version = meta.get("schema_version")
    return version if isinstance(version, int) else None


def upgrade_tinydb(manifest: Path, timeout: float = 10.0) -> list[str]:
    """Bring the store at `manifest` to the current schema; what was done (nothing if current)."""
    from .tinydb_store import SCHEMA_VERSION, data_folder

    version = schema_version(manifest)
    if version == SCHEMA_VERSION:
        return []
    if version != 1:
        raise ForeignStoreError(
            f"{manifest} has store schema version {version!r}; this trackright upgrades "
            f"version 1 only (it reads version {SCHEMA_VERSION})",
            hint="use the trackright version that wrote it",
        )
    lock_path = Path(f"{manifest}.lock")
    lock_path.touch(exist_ok=True)
    lock = files.Lock(lock_path)
    if not lock.acquire(timeout):
        raise StoreBusyError(
            f"another trackright process is using the store {manifest} (waited {timeout:g} s)",
            hint="let it finish (an older trackright holds the lock), then upgrade",
        )
    try:
        data = data_folder(manifest)
        for leftover in (data, manifest.parent / f".{manifest.name}.upgrade"):
            if leftover.exists():
                if not (leftover / MARKER).exists() and not (leftover / "UPGRADE").exists():
                    raise StoreError(
                        f"{leftover} is in the way: the upgraded store's data goes there",
                        hint="move that folder away (it is not part of the old store), then "
                        "upgrade again",
                    )
                shutil.rmtree(leftover)
        for backup in (Path(f"{manifest}{BACKUP}"), Path(f"{manifest}.journal{BACKUP}")):
            if backup.exists():
                raise StoreError(
                    f"{backup} exists: a backup of an earlier upgrade would be overwritten",
                    hint="move it away, then upgrade again",
                )
        tables = read_v1(manifest)
        done = _write_v2(manifest, tables)
        lock_path.unlink()  # schema 2 locks the manifest itself
    finally:
        lock.release()
    return [
        f"converted from schema version 1 ({done}); the old file is kept as {manifest.name}{BACKUP}"
    ]


def read_v1(manifest: Path) -> dict[str, dict[str, dict]]:
    """A schema-1 store's tables as of its last journalled operation."""
    try:
        tables = json.loads(manifest.read_bytes())
    except (UnicodeDecodeError, ValueError):
        raise StoreCorruptError(
            f"{manifest}: the old store file is damaged (not valid JSON)",
            hint="restore it from a backup; nothing was changed",
        ) from None
    seq = int(tables.get("meta", {}).get("1", {}).get("journal_seq", 0))
    journal = Path(f"{manifest}.journal")
    lines = journal.read_bytes().split(b"\n") if journal.exists() else []
    for n, line in enumerate(lines):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except ValueError:
            if n >= len(lines) - 2:
                break  # a last line cut short by a crash: never acknowledged
            raise StoreCorruptError(
                f"{journal}: journal line {n + 1} is damaged",
                hint="restore the store folder from a backup; nothing was changed",
            ) from None
        if record["seq"] <= seq:
            continue
        for table, docs in record["docs"].items():
            tables.setdefault(table, {}).update(docs)
        seq = record["seq"]
    return tables


def _docs(tables: dict, name: str) -> list[dict]:
    return [d for _i, d in sorted(tables.get(name, {}).items(), key=lambda kv: int(kv[0]))]


def convert(tables: dict[str, dict[str, dict]]) -> tuple[list, list, list[Event], int, dict]:
    """(records, settings, events, operations, numbers) of the schema-1 tables, as today's."""
    foreign_units = {d["id"]: d for d in _docs(tables, "units") if d.get("foreign")}
    foreign_lots = {(d["sku"], d["lot"]): d for d in _docs(tables, "lots") if d.get("foreign")}
    events: list[Event] = []
    last_op, seq = None, 0
    for doc in _docs(tables, "events"):
        event = Event.from_doc(doc)
        if event.op_id != last_op:
            last_op, seq = event.op_id, seq + 1
        suspect = next((i for i in event.ids if i in foreign_units), None)
        foreign_moves = [m for m in event.moves if (m.sku, m.lot) in foreign_lots]
        if foreign_moves:
            suspect = f"{foreign_moves[0].sku}:{foreign_moves[0].lot}"
        events.append(
            event._replace(
                ids=tuple(i for i in event.ids if i not in foreign_units),
                moves=tuple(m for m in event.moves if (m.sku, m.lot) not in foreign_lots),
                suspect=suspect,
                seq=seq,
            )
        )
    shipped: Counter = Counter()
    first: dict[tuple[str, str], str] = {}
    returns: dict[str, list[str]] = {}
    for e in events:
        for m in e.moves:
            first.setdefault((m.sku, m.lot), e.time[:19])
            if m.to_status == "SHIPPED":
                shipped[(m.sku, m.lot)] += m.qty
        if e.suspect and e.op == "return" and e.order:
            returns.setdefault(e.suspect, []).append(e.order)
    records: list[tuple[str, Any]] = [
        ("put_policy", PolicySnapshot.from_doc(d)) for d in _docs(tables, "policies")
    ]
    for d in _docs(tables, "lots"):
        if (d["sku"], d["lot"]) in foreign_lots:
            continue
        lot = Lot.from_doc(d)
        key = (lot.sku, lot.lot)
        records.append(
            ("put_lot", lot._replace(shipped_total=shipped[key], received_at=first.get(key, "")))
        )
    for d in _docs(tables, "units"):
        if d["id"] not in foreign_units:
            records.append(("put_unit", Unit.from_doc(d)))
    records += [("put_order", Order.from_doc(d)) for d in _docs(tables, "orders")]
    for d in foreign_units.values():
        records.append(("put_suspect", _unit_suspect(d)))
    for (sku, lot_no), d in foreign_lots.items():
        records.append(("put_suspect", _lot_suspect(sku, lot_no, d, returns)))
    settings = [(d["key"], d["value"]) for d in _docs(tables, "settings")]
    numbers = {k: int(v) for k, v in (tables.get("counters", {}).get("1") or {}).items()}
    return records, settings, events, max(seq, 1), numbers


def _unit_suspect(d: dict) -> Suspect:
    return Suspect(
        key=d["id"],
        id=d["id"],
        kind="unit",
        sku=d["sku"],
        status=d["status"],
        location=d["location"],
        returns=int(d.get("returns", 0)),
        returned_on=tuple(d.get("returned_on", ())),
        flags=tuple(d.get("flags", ())),
    )


def _lot_suspect(sku: str, lot_no: str, d: dict, returns: dict[str, list[str]]) -> Suspect:
    held = [
        (loc, st, int(n)) for loc, by in sorted(d.get("qty", {}).items()) for st, n in by.items()
    ]
    key = f"{sku}:{lot_no}"
    return Suspect(
        key=key,
        id=key,
        kind="lot",
        sku=sku,
        status=held[0][1] if held else "QUARANTINED",
        location=held[0][0] if held else "RETURNS",
        lot=lot_no,
        qty=sum(n for *_, n in held),
        returns=len(returns.get(key, ())),
        returned_on=tuple(returns.get(key, ())),
        flags=("counterfeit_suspect",),
    )


def _write_v2(manifest: Path, tables: dict[str, dict[str, dict]]) -> str:
    """Write the converted store beside the old one, check it, swap it in; what it holds."""
    from .copy import _into_tinydb
    from .tinydb_store import TinyDBStore, data_folder

    records, settings, events, seq, numbers = convert(tables)
    staging = manifest.parent / f".{manifest.name}.upgrade"
    files.makedirs(staging)
    (staging / "UPGRADE").touch()
    target = TinyDBStore(staging / manifest.name)
    try:
        (target.data / MARKER).touch()
        _into_tinydb(target, records, settings, events, numbers, seq)
        with target.reader() as r:
            counts = r.counts()
    finally:
        target.close()
    kinds = Counter(put for put, _record in records)
    expected = {
        "units": kinds["put_unit"],
        "lots": kinds["put_lot"],
        "orders": kinds["put_order"],
        "events": len(events),
        "policies": kinds["put_policy"],
        "suspects": kinds["put_suspect"],
    }
    if counts != expected:
        shutil.rmtree(staging, ignore_errors=True)
        raise StoreError(
            f"upgrading {manifest} failed its check: wrote {counts}, expected {expected}; "
            "the old store was left as it was",
            hint="report this; keep using the trackright version that wrote the store",
        )
    data = data_folder(manifest)
    os.link(manifest, f"{manifest}{BACKUP}")
    os.rename(target.data, data)
    os.replace(staging / manifest.name, manifest)  # from here on the store is the new one
    files.fsync_dir(manifest.parent)
    (data / MARKER).unlink()
    journal = Path(f"{manifest}.journal")
    if journal.exists():
        os.rename(journal, f"{journal}{BACKUP}")
    shutil.rmtree(staging, ignore_errors=True)
    return ", ".join(f"{n:,} {name}" for name, n in counts.items()) + f" in {seq:,} operations"
