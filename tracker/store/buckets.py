"""Partitioned tables: each table is split by a hash of its key into buckets, one TinyDB file each.

A bucket is a base file that stock TinyDB opens (``TinyDB("units/0a3.json").table("units")``) and a
delta log of documents written since the base was last folded (``units/0a3.<gen>.log``, one
checksummed line per operation: ``{"s": seq, "d": [doc, ...]}``; the last image of a key wins).
An operation appends to the delta logs of the buckets it touches and never rewrites a table;
a bucket whose delta has grown is folded into a new base (generation + 1) by atomic replacement.

The base file's last table, ``_meta``, carries a CRC-32 of the table's JSON as written, the
generation, and the last operation folded into it, so a flipped bit is caught on every read.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Callable
from typing import NamedTuple

from . import files


def unit_key(gtin: str, serial: str) -> str:
    """The key of a unit: its serial, qualified by its GTIN when it has one (GS1 SGTIN)."""
    return f"(01){gtin}(21){serial}" if gtin else serial


class TableSpec(NamedTuple):
    """One partitioned table: how many buckets, each document's key, and what routes it."""

    name: str
    buckets: int
    key: Callable[[dict], str]
    route: Callable[[dict], str]


def _lot_key(d: dict) -> str:
    return f"{d['sku']}\x1f{d['lot']}"


TABLES: dict[str, TableSpec] = {
    t.name: t
    for t in (
        TableSpec("units", 2048, lambda d: unit_key(d.get("gtin", ""), d["id"]), lambda d: d["id"]),
        TableSpec("lots", 256, _lot_key, lambda d: d["sku"]),
        TableSpec("orders", 2048, lambda d: d["order_id"], lambda d: d["order_id"]),
        TableSpec("policies", 512, lambda d: d["sku"], lambda d: d["sku"]),
        TableSpec("gtins", 256, lambda d: d["gtin"], lambda d: d["gtin"]),
        TableSpec("suspects", 64, lambda d: d["key"], lambda d: d["id"]),
        TableSpec("stock", 256, lambda d: d["sku"], lambda d: d["sku"]),
        TableSpec("watch", 64, lambda d: d["key"], lambda d: d["id"]),
        TableSpec("settings", 1, lambda d: d["key"], lambda d: ""),
    )
}


def bucket_of(table: str, route: str) -> str:
    """The bucket (``units/0a3``) a routing value falls in."""
    spec = TABLES[table]
    n = zlib.crc32(route.encode()) % spec.buckets if spec.buckets > 1 else 0
    return f"{table}/{n:03x}"


def delta_name(bucket: str, gen: int) -> str:
    return f"{bucket}.{gen}.log"


_META = b',"_meta":{"1":'


def encode_base(table: str, docs: list[dict], gen: int, through: int) -> bytes:
    """A base file: plain TinyDB JSON with the documents (ids 1..n) and a checksummed `_meta`."""
    payload = json.dumps(
        {str(i): d for i, d in enumerate(docs, 1)}, separators=(",", ":"), ensure_ascii=False
    ).encode()
    meta = {"crc": f"{zlib.crc32(payload):08x}", "gen": gen, "through": through, "n": len(docs)}
    head = b'{"' + table.encode() + b'":'
    return head + payload + _META + json.dumps(meta, separators=(",", ":")).encode() + b"}}"


def decode_base(table: str, raw: bytes) -> tuple[list[dict], int, int]:
    """(documents, generation, last folded operation) of a base file; files.Damaged if wrong."""
    head = b'{"' + table.encode() + b'":'
    cut = raw.rfind(_META)
    if not raw.startswith(head) or cut < 0 or not raw.endswith(b"}}"):
        raise files.Damaged("not a trackright partition file (changed by another program?)")
    payload = raw[len(head) : cut]
    try:
        meta = json.loads(raw[cut + len(_META) : -2])
        if zlib.crc32(payload) != int(meta["crc"], 16):
            raise files.Damaged("checksum mismatch")
        docs = json.loads(payload)
        return list(docs.values()), int(meta["gen"]), int(meta["through"])
    except files.Damaged:
        raise
    except (ValueError, KeyError, TypeError, AttributeError):
        raise files.Damaged("checksum or JSON unreadable") from None


def parse_delta(data: bytes, max_seq: int | None) -> tuple[list[tuple[int, list[dict]]], int]:
    """The (seq, docs) entries of a delta log up to `max_seq`, and the bytes they span.

    `data` is only what the op log vouches for, so it must end with a complete line; a torn
    line or one that fails its checksum raises files.Damaged.
    """
    out: list[tuple[int, list[dict]]] = []
    lines, torn = files.split_lines(data)
    if torn:
        raise files.Damaged("the last recorded change is cut short")
    pos = 0
    for line in lines:
        entry = files.decode_line(line)
        if not isinstance(entry, dict) or "s" not in entry or "d" not in entry:
            raise files.Damaged("a delta line without its sequence number or documents")
        if max_seq is not None and entry["s"] > max_seq:
            break
        out.append((int(entry["s"]), entry["d"]))
        pos += len(line) + 1
    return out, pos


def delta_line(seq: int, docs: list[dict]) -> bytes:
    return files.encode_line({"s": seq, "d": docs})
