"""Reading the TinyDB store as of one committed operation: the op log, partitions and the ledger.

The op log (``head.<gen>.json`` + ``head.<gen>.log``) is the store's spine: one checksummed line
per committed operation, in sequence, each naming the size every file it appended to reached.
A reader takes the last line as its snapshot and reads of every other file exactly the bytes the
op log vouches for — so a write in progress is invisible, and a file cut short, a missing file
or a flipped bit is an error that names what is lost instead of a silent gap. An operation whose
journal record is durable but not yet applied (its writer was killed, or a fold failed) is read
from the journal, so what was acknowledged is always what readers see.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from ..errors import StoreCorruptError
from . import buckets, files, headcache

RECOVER = (
    "restore the whole store folder (store.json and the folder beside it) from a backup; "
    "trackright changed nothing"
)
_HEAD_RE = re.compile(r"^head\.(\d+)\.json$")


class Retry(Exception):
    """The files moved on under a reader (two folds of one partition); read again."""


class Unvouched(StoreCorruptError):
    """A file holds bytes the op log does not record: lost op-log lines, unless a writer is busy.

    A reader that meets it looks again: if an operation is in flight the bytes are its own; if
    not, the op log has lost operations and this is the error a person sees.
    """


class Head:
    """The committed state as of operation `seq`: sequences, counts and the size of every file."""

    __slots__ = (
        "seq",
        "numbers",
        "counts",
        "files",
        "gens",
        "segment",
        "gen",
        "log_size",
        "torn",
        "last",
    )

    def __init__(self, gen: int = 0) -> None:
        self.seq = 0
        self.numbers: dict[str, int] = {}
        self.counts: dict[str, int] = {}
        self.files: dict[str, int] = {}  # size the op log vouches for, per appended file
        self.gens: dict[str, int] = {}  # generation of each folded partition
        self.segment = 1
        self.gen = gen  # the op log's own generation
        self.log_size = 0  # bytes of head.<gen>.log read
        self.torn = False  # head.<gen>.log ends in a partial line (a writer mid-commit, or damage)
        self.last: dict = {}  # the last op line (op, time)

    def to_doc(self) -> dict:
        return {
            "seq": self.seq,
            "numbers": self.numbers,
            "counts": self.counts,
            "files": self.files,
            "gens": self.gens,
            "segment": self.segment,
            "last": self.last,
        }

    def apply(self, line: dict, where: str) -> None:
        """Take one op-log line into the state; refuse anything out of sequence."""
        seq = line.get("s")
        if "op" in line:
            if seq == self.seq:
                raise StoreCorruptError(
                    f"{where}: operation {seq} was committed twice ({self.last.get('op')} at "
                    f"{self.last.get('t')}, then {line.get('op')} at {line.get('t')}): two "
                    "processes wrote at once, so one acknowledged operation may be lost",
                    hint=RECOVER,
                )
            if seq != self.seq + 1:
                raise StoreCorruptError(
                    f"{where}: operation {seq} follows operation {self.seq}; "
                    f"operations {self.seq + 1} to {seq - 1} are missing",
                    hint=RECOVER,
                )
            self.seq = seq
            self.last = {"op": line["op"], "t": line.get("t")}
            for name, delta in line.get("c", {}).items():
                self.counts[name] = self.counts.get(name, 0) + delta
            self.numbers.update(line.get("n", {}))
            if "seg" in line:
                self.segment = line["seg"]
        elif seq != self.seq:
            raise StoreCorruptError(f"{where}: a fold line for operation {seq} is out of place")
        self.files.update(line.get("f", {}))
        for bucket, gen in line.get("g", {}).items():
            old = self.gens.get(bucket, 0)
            self.files.pop(buckets.delta_name(bucket, old), None)
            self.gens[bucket] = gen


def head_gens(data: Path) -> list[int]:
    """Generations of the op log present in the data folder, newest first."""
    try:
        names = os.listdir(data)
    except FileNotFoundError:
        return []
    return sorted((int(m.group(1)) for n in names if (m := _HEAD_RE.match(n))), reverse=True)


def read_head(data: Path) -> Head:
    """The op log as of its last complete line; StoreCorruptError for damage."""
    for _attempt in range(5):
        gens = head_gens(data)
        gen = gens[0] if gens else 0
        head = Head(gen=gen)
        base = data / f"head.{gen}.json"
        raw = files.read_bytes(base)
        if raw is None and gen > 0:
            continue  # folded away while we looked: list again
        if raw is not None:
            state = headcache.recall(data, raw)
            if state is None:
                try:
                    docs, _g, _t = buckets.decode_base("head", raw)
                    state = docs[0]
                except (files.Damaged, IndexError) as err:
                    raise StoreCorruptError(
                        f"{base} is damaged ({err}): the store's record of its operations "
                        "cannot be read",
                        hint=RECOVER,
                    ) from None
                headcache.remember(data, raw, state)
            head.seq = state["seq"]
            head.numbers = dict(state["numbers"])
            head.counts = dict(state["counts"])
            head.files = dict(state["files"])
            head.gens = dict(state["gens"])
            head.segment = state["segment"]
            head.last = dict(state.get("last", {}))
        log = data / f"head.{gen}.log"
        chunk = files.read_bytes(log)
        if chunk is None:
            if raw is None and files.size_of(data / "events" / "000001.log"):
                raise StoreCorruptError(
                    f"{log} is missing, yet the store holds events: the record of every "
                    "operation is lost",
                    hint=RECOVER,
                )
            chunk = b""
        lines, torn = files.split_lines(chunk)
        head.torn = bool(torn)
        pos = 0
        for n, line in enumerate(lines, 1):
            try:
                entry = files.decode_line(line)
            except files.Damaged as err:
                raise StoreCorruptError(
                    f"{log}:{n}: operation record damaged ({err}); the operations after "
                    f"{head.seq} cannot be read",
                    hint=RECOVER,
                ) from None
            head.apply(entry, f"{log}:{n}")
            pos += len(line) + 1
        head.log_size = pos
        return head
    raise Retry


def load_bucket(
    data: Path, head: Head, bucket: str, table: str, overlay: dict[str, tuple[int, bytes]]
) -> tuple[dict[str, dict], int]:
    """One partition's documents by key and its generation, as of `head` (plus a pending record)."""
    spec = buckets.TABLES[table]
    expected = head.gens.get(bucket, 0)
    docs: dict[str, dict] = {}
    gen = expected
    newer = data / f"{bucket}.{expected + 1}.json"
    raw = files.read_bytes(newer)
    through = 0
    if raw is not None:  # folded after our snapshot, or a fold whose op-log line was cut off
        listed, gen, through = _decode_base(newer, table, raw)
        if through > head.seq:
            raw = None
    if raw is None and expected > 0:
        base = data / f"{bucket}.{expected}.json"
        raw = files.read_bytes(base)
        if raw is None:
            if files.read_bytes(newer) is not None:
                raise Retry  # folded twice while we read
            raise StoreCorruptError(
                f"{base} is missing: the {table} of this partition are lost", hint=RECOVER
            )
        listed, gen, through = _decode_base(base, table, raw)
        if through > head.seq or gen != expected:
            raise Retry
    if raw is not None:
        for doc in listed:
            docs[spec.key(doc)] = doc
    else:
        gen = expected
    rel = buckets.delta_name(bucket, gen)
    chunk = _vouched_bytes(data, head, rel, overlay, f"changes to these {table}")
    try:
        entries, _ = buckets.parse_delta(chunk, None)
    except files.Damaged as err:
        raise StoreCorruptError(
            f"{data / rel} is damaged ({err}): changes to these {table} cannot be read",
            hint=RECOVER,
        ) from None
    for _seq, changed in entries:
        for doc in changed:
            docs[spec.key(doc)] = doc
    return docs, gen


def _decode_base(path: Path, table: str, raw: bytes) -> tuple[list[dict], int, int]:
    try:
        return buckets.decode_base(table, raw)
    except files.Damaged as err:
        raise StoreCorruptError(
            f"{path} is damaged ({err}): the {table} in this partition cannot be read",
            hint=RECOVER,
        ) from None


def read_span(data: Path, head: Head, rel: str, offset: int, length: int, overlay: dict) -> bytes:
    """`length` bytes at `offset` of an append-only file, within what the op log vouches for."""
    pending = overlay.get(rel)
    if pending is not None and offset >= pending[0]:
        start = offset - pending[0]
        return pending[1][start : start + length]
    vouched = head.files.get(rel, 0)
    if offset + length > vouched:
        raise StoreCorruptError(
            f"{data / rel}: an index points past the recorded end of the file", hint=RECOVER
        )
    try:
        with open(data / rel, "rb") as fh:
            fh.seek(offset)
            chunk = fh.read(length)
    except FileNotFoundError:
        raise StoreCorruptError(
            f"{data / rel} is missing: the events it held are lost", hint=RECOVER
        ) from None
    if len(chunk) < length:
        raise StoreCorruptError(
            f"{data / rel} is shorter than recorded: events are lost", hint=RECOVER
        )
    return chunk


def read_appended(
    data: Path, head: Head, rel: str, overlay: dict, what: str = "the lot history it indexed"
) -> bytes:
    """All vouched bytes of an append-only file (an index log), plus a pending record's."""
    chunk = _vouched_bytes(data, head, rel, overlay, what)
    if chunk and not chunk.endswith(b"\n"):
        raise StoreCorruptError(f"{data / rel}: the last entry is cut short", hint=RECOVER)
    return chunk


def _vouched_bytes(data: Path, head: Head, rel: str, overlay: dict, what: str) -> bytes:
    """The bytes of `rel` the op log vouches for; with a pending record, the part before it
    from disk and the rest from the journal."""
    pending = overlay.get(rel)
    need = pending[0] if pending is not None else head.files.get(rel, 0)
    raw = files.read_bytes(data / rel) if need else b""
    if raw is None:
        raise StoreCorruptError(
            f"{data / rel} is missing: {what} are lost ({need} bytes recorded)", hint=RECOVER
        )
    if len(raw) < need:
        raise StoreCorruptError(
            f"{data / rel} is {len(raw)} bytes, {need} recorded: {what} by the latest "
            "operations are lost",
            hint=RECOVER,
        )
    if pending is not None:
        return raw[:need] + pending[1]
    if len(raw) > need:
        raise Unvouched(
            f"{data / rel} holds {len(raw) - need} bytes of {what} that the op log does not "
            "record: operations are missing from the op log",
            hint=RECOVER,
        )
    return raw


def torn_head_error(data: Path, head: Head) -> StoreCorruptError:
    return StoreCorruptError(
        f"{data / f'head.{head.gen}.log'}: the record of operation {head.seq + 1} is cut short "
        "although no operation is in progress",
        hint=RECOVER,
    )


def read_pending(data: Path, head: Head, *, strict: bool = True) -> tuple[dict | None, bool]:
    """The journal's record not yet in the op log (or None), and whether a torn record is there.

    `strict` is for a writer holding the lock; a reader (not strict) that finds the journal ahead
    of the op log it read has merely been overtaken by writers, and reads again (Retry).
    """
    raw = files.read_bytes(data / "wal.log")
    if not raw:
        return None, False
    lines, torn = files.split_lines(raw)
    if not lines:
        return None, bool(torn)
    try:
        record = files.decode_line(lines[0])
    except files.Damaged as err:
        raise StoreCorruptError(
            f"{data / 'wal.log'} is damaged ({err}): the last operation, recorded but not yet "
            "applied, cannot be read",
            hint=RECOVER,
        ) from None
    if not isinstance(record, dict) or "s" not in record or "a" not in record:
        raise StoreCorruptError(f"{data / 'wal.log'}: not a journal record", hint=RECOVER)
    if record["s"] <= head.seq:
        return None, False
    if record["s"] != head.seq + 1:
        if not strict:
            raise Retry
        raise StoreCorruptError(
            f"{data / 'wal.log'} holds operation {record['s']}, but the store has only "
            f"{head.seq}: operations in between are missing",
            hint=RECOVER,
        )
    return record, False


def overlay_of(record: dict | None) -> dict[str, tuple[int, bytes]]:
    if record is None:
        return {}
    return {rel: (size, text.encode()) for rel, size, text in record["a"]}


def decode_event_line(chunk: bytes, where: str) -> dict:
    try:
        doc = files.decode_line(chunk.rstrip(b"\n"))
    except files.Damaged as err:
        raise StoreCorruptError(f"{where}: an event is damaged ({err})", hint=RECOVER) from None
    if not isinstance(doc, dict):
        raise StoreCorruptError(f"{where}: not an event", hint=RECOVER)
    return doc


def segment_name(n: int) -> str:
    return f"events/{n:06d}.log"
