"""One plain TinyDB file of the live store, for programs that read TinyDB rather than trackright.

The live store is partitioned (see `tinydb_store`); this writes every unit, lot, order, policy,
suspect and setting as of one committed operation into a single new file that stock
``TinyDB(path)`` opens, written through TinyDB itself.
"""

from __future__ import annotations

import os
from pathlib import Path

from tinydb import TinyDB

from ..errors import InputError
from .base import Store
from .records import Reader

TABLES = ("units", "lots", "orders", "policies", "suspects", "settings")


def export_tinydb(store: Store, target: str | os.PathLike[str]) -> dict[str, int]:
    """Write the store into a new TinyDB file at `target`; the number of documents per table."""
    target = Path(target)
    if os.path.lexists(target):
        raise InputError(f"{target} already exists; the export writes a new file only")
    counts: dict[str, int] = {}
    with store.reader() as r:
        reader: Reader = getattr(r, "_r", r)
        db = TinyDB(target, indent=None, ensure_ascii=False)
        try:
            for name in TABLES:
                docs = [{k: v for k, v in d.items() if k != "ev"} for d in reader._table(name)]
                db.table(name).insert_multiple(docs)
                counts[name] = len(docs)
            db.table("meta").insert({"exported_at_operation": reader.seq})
        finally:
            db.close()
    return counts
