"""Turning a transaction into appends: ledger lines, index entries, partition deltas, running figures.

The indexes appended beside the ledger: lot → events (``lotidx/``), and the import keys its
events carry (``imports.log``), which a re-run of an import file reads once.

Everything one operation changes becomes a list of (file, size before, bytes to append). That
list is the journal record: applying it is idempotent (cut each file back to its size before,
append), so a writer killed anywhere is finished by the next one. The running figures that `stats`
reads (stock per SKU, location and status; shipped and returned per SKU; units worth watching;
counts) are kept up to date here, from each record's image before and after.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime

from ..vocabulary import SUSPECT_FLAGS
from . import buckets, files, view
from .records import IMPORTS, INDEXED, Transaction, gtin14, lot_key, lotidx_name, serial_of

SEGMENT_BYTES = 64 << 20


def _attach(tx: Transaction, table: str, key: str, ref: list) -> None:
    route = serial_of(key) if table in ("units", "suspects") else key
    bucket = buckets.bucket_of(table, route)
    fresh = tx._fresh.get(bucket)
    docs = fresh if fresh is not None and key in fresh else tx._docs(bucket)
    old = docs.get(key)
    if old is None:
        return
    if (bucket, key) not in tx.orig:
        tx.orig[(bucket, key)] = old
    new = dict(old)
    new["ev"] = [*old.get("ev", ()), ref]
    docs[key] = new


def _watch(doc: dict) -> bool:
    return doc.get("returns", 0) >= 2 or any(f in SUSPECT_FLAGS for f in doc.get("flags", ()))


def _events(tx: Transaction, seq: int, head: view.Head) -> tuple[list, dict, int]:
    """Ledger appends and lot-index appends for the transaction's events; refs onto records."""
    seg = head.segment
    rel = view.segment_name(seg)
    if head.files.get(rel, 0) >= SEGMENT_BYTES:
        seg += 1
        rel = view.segment_name(seg)
    pos = start = head.files.get(rel, 0)
    chunks: list[bytes] = []
    by_lot: dict[str, list] = defaultdict(list)
    for event in tx.events:
        line = files.encode_line(event._replace(seq=seq).to_doc())
        ref = [seg, pos, len(line)]
        pos += len(line)
        chunks.append(line)
        for key in event.ids:
            _attach(tx, "units", key, ref)
        if event.order:
            _attach(tx, "orders", event.order, ref)
        if event.suspect:
            _attach(tx, "suspects", event.suspect, ref)
        lots = {(m.sku, m.lot) for m in event.moves}
        lot = dict(event.ilmd).get("lot")
        if lot and event.sku:
            lots.add((event.sku, lot))
        for sku, lot_no in lots:
            by_lot[lot_key(sku, lot_no)].append(ref)
    appends = []
    if chunks:
        appends.append((rel, start, b"".join(chunks)))
    index: dict[str, list[bytes]] = defaultdict(list)
    for key, refs in by_lot.items():
        index[lotidx_name(key)].append(files.encode_line({"s": seq, "k": key, "r": refs}))
    for name, lines in sorted(index.items()):
        appends.append((name, head.files.get(name, 0), b"".join(lines)))
    imported: dict[str, str] = {}
    for event in tx.events:
        if event.source:
            imported.setdefault(event.source, event.time[:10])
    if imported:
        line = files.encode_line({"s": seq, "k": imported})
        appends.append((IMPORTS, head.files.get(IMPORTS, 0), line))
    return appends, {"seg": seg} if seg != head.segment else {}, len(tx.events)


def _figures(tx: Transaction, counts: dict[str, int]) -> None:
    """Stage the running figures that follow from every changed record."""
    stock: dict[str, dict] = defaultdict(lambda: {"qty": defaultdict(int), "ship": 0, "ret": 0})
    for (bucket, key), old in list(tx.orig.items()):
        table = bucket.partition("/")[0]
        new = tx.current(bucket, key)
        if table == "units":
            if old is None:
                counts["units"] += 1
            else:
                stock[old["sku"]]["qty"][(old["location"], old["status"])] -= 1
            stock[new["sku"]]["qty"][(new["location"], new["status"])] += 1
            if _watch(new):
                doc = {k: v for k, v in new.items() if k != "ev"}
                tx._stage("watch", new["id"], dict(doc, key=key), key)
            elif old is not None and _watch(old):
                tx._stage("watch", new["id"], {"key": key, "id": new["id"], "gone": True}, key)
        elif table == "lots":
            counts["lots"] += old is None
            for doc, sign in ((old, -1), (new, 1)):
                for loc, by_status in (doc or {}).get("qty", {}).items():
                    for status, n in by_status.items():
                        stock[new["sku"]]["qty"][(loc, status)] += sign * n
        elif table == "orders":
            counts["orders"] += old is None
            for doc, sign in ((old, -1), (new, 1)):
                for item in (doc or {}).get("items", ()):
                    stock[item["sku"]]["ship"] += sign * item["qty"]
                for item in (doc or {}).get("returned", ()):
                    stock[item["sku"]]["ret"] += sign * item["qty"]
        elif table == "policies":
            counts["policies"] += old is None
            before, after = gtin14((old or {}).get("gtin", "")), gtin14(new.get("gtin", ""))
            if after and after != before:
                tx._stage("gtins", after, {"gtin": after, "sku": new["sku"]}, after)
            if before and before != after and tx.sku_for_gtin(before) == new["sku"]:
                tx._stage("gtins", before, {"gtin": before, "sku": ""}, before)
        elif table == "suspects":
            counts["suspects"] += old is None
    for sku, delta in stock.items():
        changes = {k: n for k, n in delta["qty"].items() if n}
        if not (changes or delta["ship"] or delta["ret"]):
            continue
        bucket = buckets.bucket_of("stock", sku)
        old = tx._docs(bucket).get(sku) or {"sku": sku, "qty": {}, "shipped": 0, "returned": 0}
        qty = {loc: dict(by) for loc, by in old.get("qty", {}).items()}
        for (loc, status), n in changes.items():
            by_status = qty.setdefault(loc, {})
            by_status[status] = by_status.get(status, 0) + n
            if not by_status[status]:
                del by_status[status]
            if not by_status:
                del qty[loc]
        doc = {
            "sku": sku,
            "qty": qty,
            "shipped": old.get("shipped", 0) + delta["ship"],
            "returned": old.get("returned", 0) + delta["ret"],
        }
        tx._stage("stock", sku, doc, sku)


def build(tx: Transaction, head: view.Head, seq: int) -> tuple[list, bytes]:
    """(appends, op-log line) for the transaction; the op-log line is the commit marker."""
    appends, extra, n_events = _events(tx, seq, head)
    counts: dict[str, int] = defaultdict(int)
    counts["events"] = n_events
    _figures(tx, counts)
    fixes = dict(tx.gen_fixes)
    for bucket, keys in tx.dirty().items():
        gen = tx.gen_of(bucket)
        if gen != head.gens.get(bucket, 0):
            fixes[bucket] = gen
        rel = buckets.delta_name(bucket, gen)
        line = buckets.delta_line(seq, [tx.current(bucket, k) for k in keys])
        appends.append((rel, head.files.get(rel, 0), line))
        if bucket.partition("/")[0] in INDEXED:
            new = [k for k in keys if tx.orig[(bucket, k)] is None]
            if new:
                rel = f"{bucket}.keys"
                appends.append(
                    (rel, head.files.get(rel, 0), "".join(k + "\n" for k in new).encode())
                )
    line = {
        "s": seq,
        "op": tx.op,
        "t": datetime.now(UTC).isoformat(timespec="milliseconds"),
        "n": tx.numbers,
        "c": {k: v for k, v in counts.items() if v},
        "f": {rel: size + len(data) for rel, size, data in appends},
        **extra,
    }
    if fixes:
        line["g"] = fixes
    return appends, files.encode_line(line)
