"""Folding: rewriting a grown partition (or the op log) as a new base file, by atomic replacement.

A fold writes generation g+1 of a partition — every document as of the last operation — and
removes generation g-1, keeping g for readers still looking at it. The op log learns the new
generation from the next operation that touches the partition; until then readers find it
beside the one the op log names. Folding is housekeeping: it never changes what a reader sees.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from . import buckets, files, view
from .records import Reader, Transaction

if TYPE_CHECKING:
    from .tinydb_store import TinyDBStore

PER_OPERATION = 4


def _is_delta(rel: str) -> bool:
    return rel.endswith(".log") and rel.count("/") == 1 and rel.split("/")[0] in buckets.TABLES


def fold_bucket(store: TinyDBStore, bucket: str, docs: list[dict], gen: int, seq: int) -> None:
    """Write generation gen+1 of a partition and drop generation gen-1."""
    files.step("fold", bucket)
    table = bucket.partition("/")[0]
    files.atomic_write(
        store.data / f"{bucket}.{gen + 1}.json",
        buckets.encode_base(table, docs, gen + 1, seq),
        store.data / "tmp",
    )
    for old in (f"{bucket}.{gen - 1}.json", f"{bucket}.{gen - 1}.log"):
        _unlink(store.data / old)


def fold_grown(store: TinyDBStore, tx: Transaction, head: view.Head, appends: list) -> None:
    """After an operation: fold the few partitions it grew most, and the op log if it is long."""
    grown = []
    for rel, size, data in appends:
        if not _is_delta(rel):
            continue
        bucket, gen, _ = rel.rsplit(".", 2)
        total = size + len(data)
        base = files.size_of(store.data / f"{bucket}.{gen}.json")
        if total >= max(store.fold_min_bytes, base // 2):
            grown.append((total - base // 2, bucket, int(gen)))
    for _score, bucket, gen in sorted(grown, reverse=True)[:PER_OPERATION]:
        fold_bucket(store, bucket, list(tx._docs(bucket).values()), gen, head.seq)
    if head.log_size >= store.head_fold_bytes:
        fold_head(store, head)


def fold_head(store: TinyDBStore, head: view.Head) -> None:
    """Write the op log's state as generation gen+1 and start its next log."""
    files.step("fold", "head")
    files.atomic_write(
        store.data / f"head.{head.gen + 1}.json",
        buckets.encode_base("head", [head.to_doc()], head.gen + 1, head.seq),
        store.data / "tmp",
    )
    files.fsync_dir(store.data)
    for old in (f"head.{head.gen - 1}.json", f"head.{head.gen - 1}.log"):
        _unlink(store.data / old)
    head.gen += 1
    head.log_size = 0


def compact(store: TinyDBStore, head: view.Head) -> int:
    """Fold every partition whose delta holds anything, record it as one operation, fold the log."""
    r = Reader(store.data, head)
    folded: dict[str, int] = {}
    for bucket in sorted(
        {rel.rsplit(".", 2)[0] for rel, n in head.files.items() if n and _is_delta(rel)}
    ):
        docs = list(r._docs(bucket).values())
        gen = r._gen[bucket]
        if head.files.get(buckets.delta_name(bucket, gen)):
            fold_bucket(store, bucket, docs, gen, head.seq)
            folded[bucket] = gen + 1
        r._cache.pop(bucket, None)
    if folded:
        tx = Transaction(store.data, head, "compact")
        tx.gen_fixes = folded
        store._commit(tx, head)
        fold_head(store, head)
    return len(folded)


def _unlink(path: Path) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
