"""The rulebook's change log: every rulebook the tracker accepted, kept, so audits can replay it.

Each time a policy is accepted (`trackright track policy import`, the app's accept) the rulebook
that made it is recorded in the workspace beside the store::

    .trackright/rulebooks/log.jsonl            one JSON line per accepted version, appended
    .trackright/rulebooks/v0003-5caf585f4a79/  the rules files as accepted, never rewritten

A log line holds the version number, the content hash (`Rulebook.version`), the human tag, the
time, where it came from, and what changed against the previous version, as `rules diff` says
it. Accepting the same rulebook again adds nothing; going back to an older one adds a version
(it is what was in force from then on). `trackright rules history` lists the log and
`trackright rules diff 3 rules/ …` compares a stored version with a folder.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

from advisor.errors import TrackrightError
from advisor.rulebook.model import FILES, Rulebook

LOG = "log.jsonl"
FOLDER = "rulebooks"
EXTRA_FILES = ("onboarding.yaml",)


@dataclass(frozen=True, slots=True)
class Entry:
    """One accepted rulebook: `n` counts from 1 in the order they were accepted."""

    n: int
    hash: str
    tag: str
    accepted_at: str  # ISO 8601, local time with offset
    source: str  # what accepted it: "track policy import decisions.json", "app accept"
    rules: str  # the folder it was read from
    snapshot: str  # folder name under the history folder
    changes: tuple[str, ...]  # against the previous entry, as `rules diff` says

    @property
    def label(self) -> str:
        return f"v{self.n} {self.tag}"


def history_folder(store: str | os.PathLike[str]) -> Path:
    """The history folder of the workspace a store file (or workspace folder) belongs to.

    A PostgreSQL store (a URL) has no folder of its own: its history is kept in this machine's
    workspace folder, ./.trackright, beside where a file store would be."""
    from tracker.store import DEFAULT_PATH, is_url

    if is_url(store):
        return DEFAULT_PATH.parent / FOLDER
    p = Path(store)
    if p.is_dir() or (not p.exists() and not p.suffix):
        return p / FOLDER
    return p.parent / FOLDER


def entries(folder: Path) -> list[Entry]:
    """Every recorded version, oldest first ([] when nothing was ever accepted)."""
    log = folder / LOG
    if not log.is_file():
        return []
    out = []
    for n, line in enumerate(log.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
            data["changes"] = tuple(data.get("changes", ()))
            out.append(Entry(**data))
        except (ValueError, TypeError) as exc:
            raise TrackrightError(
                f"{log}:{n}: not a rulebook history entry ({exc})",
                hint="the log is append-only; restore it from a backup rather than editing it",
            ) from None
    return out


def _now() -> str:
    return dt.datetime.now().astimezone().isoformat(timespec="seconds")


def _snapshot(book: Rulebook, folder: Path, name: str) -> Path:
    target = folder / name
    if target.is_dir():
        return target
    tmp = Path(tempfile.mkdtemp(prefix=".incoming-", dir=folder))
    for fname in (*FILES, *EXTRA_FILES):
        src = book.root / fname
        if src.is_file():
            shutil.copy2(src, tmp / fname)
    os.replace(tmp, target)
    return target


def record(
    book: Rulebook, store: str | os.PathLike[str], source: str, when: str | None = None
) -> Entry | None:
    """Record `book` as accepted now; None when it is already the latest version."""
    from filelock import FileLock

    from advisor.authoring.diff import rule_changes
    from advisor.rulebook.load import load_rulebook

    folder = history_folder(store)
    folder.mkdir(parents=True, exist_ok=True)
    with FileLock(str(folder / ".lock"), timeout=10):
        past = entries(folder)
        if past and past[-1].hash == book.version:
            return None
        same = next((e for e in past if e.hash == book.version), None)
        name = same.snapshot if same else f"v{len(past) + 1:04d}-{book.version}"
        _snapshot(book, folder, name)
        if past:
            try:
                prev = load_rulebook(folder / past[-1].snapshot)
                changes = tuple(
                    f"{Path(c.file).name}:{c.line}: {c.text()}" for c in rule_changes(prev, book)
                ) or ("no rule, fallback or band changed (other content did)",)
            except TrackrightError:
                changes = ("(the previous version no longer loads; compare by hand)",)
        else:
            changes = ("first rulebook recorded",)
        entry = Entry(
            len(past) + 1,
            book.version,
            book.tag,
            when or _now(),
            source,
            str(book.root),
            name,
            changes,
        )
        with (folder / LOG).open("a", encoding="utf-8") as fh:
            fh.write(json.dumps(asdict(entry), ensure_ascii=False) + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        return entry


def record_import(
    versions: set[str],
    rules_dir: str | os.PathLike[str] | None,
    store: str | os.PathLike[str],
    source: Path,
) -> str:
    """Record the rulebook behind imported decisions; a line to show the user ("" if nothing).

    The decisions carry their rulebook's tag; the rules folder (`--rules`, $TRACKRIGHT_RULES or
    the bundled rules) is recorded only if its content hash is that tag's, since the history
    must hold the rulebook that actually decided.
    """
    from advisor.rulebook.load import load_rulebook

    hashes = {v.split("+")[-1] for v in versions if v}
    if not hashes:
        return ""
    try:
        book = load_rulebook(rules_dir)
    except TrackrightError:
        return "warning: the rules folder does not load, so the rulebook history was not updated"
    if hashes != {book.version}:
        known = {e.hash for e in entries(history_folder(store))}
        if hashes <= known:
            return ""
        return (
            f"warning: these decisions were made by rulebook {', '.join(sorted(versions))}, not by "
            f"{book.root} ({book.tag}); the rulebook history was not updated: pass --rules with "
            "the folder that made them"
        )
    entry = record(book, store, f"track policy import {source}")
    return f"Rulebook history: recorded {entry.label}" if entry else ""


def find(folder: Path, ref: str) -> Entry | None:
    """The entry `ref` names: a number (`3`, `v3`, `@3`), a hash prefix, or a tag."""
    past = entries(folder)
    r = ref.strip().lstrip("@")
    num = r[1:] if r[:1] in "vV" else r
    if num.isdigit():
        return next((e for e in past if e.n == int(num)), None)
    hits = [e for e in past if e.tag == r or (len(r) >= 6 and e.hash.startswith(r.split("+")[-1]))]
    return hits[-1] if hits else None


def snapshot_dir(folder: Path, entry: Entry) -> Path:
    return folder / entry.snapshot


def in_force(folder: Path, when: str) -> Entry | None:
    """The version in force at `when` (ISO date or time): the last one accepted before it."""
    past = [e for e in entries(folder) if e.accepted_at[: len(when)] <= when]
    return past[-1] if past else None


__all__ = [
    "Entry",
    "entries",
    "find",
    "history_folder",
    "in_force",
    "record",
    "record_import",
    "snapshot_dir",
]
