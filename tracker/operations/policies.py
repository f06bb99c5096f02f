"""Tracking decisions per SKU: set by hand, or imported from `trackright evaluate` output.

An import reads CSV, JSON or JSON Lines (columns sku, method, capture, rule, reason; optional
rulebook_version, vertical, return_qc, gtin, nature, status). A bad row is reported with its row
and skipped, never refusing the whole file; two rows that disagree about one SKU are both
reported and neither is taken. Method `none` (not stock) imports like any other decision.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from pathlib import Path
from typing import NamedTuple

from ..errors import InputError, NotAllowedError, TrackerError
from ..labels import check_identifier
from ..model import CAPTURES, METHODS, PolicySnapshot
from ..vocabulary import NOT_STOCK
from .common import Ops, gtin14

DECISIONS = (*METHODS, NOT_STOCK)
REQUIRED = ("sku", "method")
_TRUE = {"1", "true", "yes", "y", "t"}
#: Policies committed per store transaction during an import (bounds memory and the journal).
CHUNK = 20_000
MAX_ROWS = 5_000_000


class Problem(NamedTuple):
    """One row that could not be imported, and why."""

    where: str
    message: str


class PolicyFile(NamedTuple):
    """What a decisions file holds: the usable decisions, and each row that was not usable."""

    snapshots: tuple[PolicySnapshot, ...]
    problems: tuple[Problem, ...]


def check_gtin(value: object, where: str) -> str:
    """The GTIN as 14 digits ("" for none); InputError when its length or check digit is wrong."""
    text = str(value or "").strip()
    if not text:
        return ""
    if not text.isdigit() or len(text) not in (8, 12, 13, 14):
        raise InputError(f"{where}: gtin {text!r} must be 8, 12, 13 or 14 digits")
    from ..scan import gtin_check_digit

    if gtin_check_digit(text[:-1]) != int(text[-1]):
        raise InputError(f"{where}: gtin {text} has a wrong check digit")
    return gtin14(text)


def check_policy(p: PolicySnapshot) -> PolicySnapshot:
    """Refuse a policy whose SKU, method, capture or GTIN cannot be used."""
    check_identifier(p.sku, "SKU")
    if p.method not in DECISIONS:
        raise InputError(
            f"SKU {p.sku}: method must be one of {', '.join(DECISIONS)}, got {p.method!r}"
        )
    bad = [c for c in p.capture if c not in CAPTURES]
    if bad:
        raise InputError(
            f"SKU {p.sku}: capture must be words from {', '.join(CAPTURES)}, got {bad[0]!r}"
        )
    return p


def _capture(value: object, where: str) -> tuple[str, ...]:
    if value is None or value == "":
        return ()
    if isinstance(value, str):
        words = [w.strip().lower() for w in value.replace(";", ",").split(",")]
    elif isinstance(value, list):
        words = [str(w).strip().lower() for w in value]
    else:
        raise InputError(f"{where}: capture must be a list or text, got {value!r}")
    words = [w for w in words if w and w != "none"]
    for w in words:
        if w not in CAPTURES:
            raise InputError(f"{where}: capture {w!r} is not one of {', '.join(CAPTURES)}")
    return tuple(dict.fromkeys(words))


def _text(row: dict, name: str, where: str) -> str:
    value = row.get(name)
    if value is None:
        return ""
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        raise InputError(f"{where}: {name} must be text, got {type(value).__name__} {value!r}")
    return str(value).strip()


def snapshot_from_row(row: dict, where: str) -> PolicySnapshot:
    """One evaluate row → PolicySnapshot, with errors that name the file and row."""
    if not isinstance(row, dict):
        raise InputError(f"{where}: expected an object with sku and method")
    missing = [c for c in REQUIRED if not _text(row, c, where)]
    if missing:
        raise InputError(f"{where}: missing {', '.join(missing)}")
    method = _text(row, "method", where).lower()
    if method not in DECISIONS:
        raise InputError(f"{where}: method must be one of {', '.join(DECISIONS)}, got {method!r}")
    qc = row.get("return_qc", False)
    sku = _text(row, "sku", where)
    try:
        check_identifier(sku, "SKU")
    except TrackerError as err:
        raise InputError(f"{where}: {err.message}") from None
    return PolicySnapshot(
        sku=sku,
        method=method,
        capture=_capture(row.get("capture"), where),
        rule=_text(row, "rule", where),
        reason=_text(row, "reason", where),
        rulebook_version=_text(row, "rulebook_version", where),
        vertical=_text(row, "vertical", where),
        return_qc=qc if isinstance(qc, bool) else str(qc).strip().lower() in _TRUE,
        gtin=check_gtin(row.get("gtin"), where),
        nature=_text(row, "nature", where),
    )


def _rows(path: Path, text: str) -> Iterable[tuple[str, object]]:
    stripped = text.lstrip()
    if stripped.startswith("["):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as err:
            raise InputError(f"{path}:{err.lineno}: not valid JSON ({err.msg})") from None
        return ((f"{path}: item {i}", r) for i, r in enumerate(data, 1))
    if stripped.startswith("{"):
        return _json_lines(path, text)
    reader = csv.DictReader(text.splitlines())
    if not reader.fieldnames or not set(REQUIRED) <= {f.strip() for f in reader.fieldnames}:
        raise InputError(
            f"{path}: expected a CSV with columns sku, method, capture, rule, reason",
            hint="give the output of `trackright evaluate` (CSV, JSON or JSON Lines)",
        )
    return (
        (f"{path}:{n}", {k.strip(): v for k, v in r.items() if k}) for n, r in enumerate(reader, 2)
    )


def _json_lines(path: Path, text: str) -> Iterable[tuple[str, object]]:
    for n, line in enumerate(text.splitlines(), 1):
        if line.strip():
            try:
                yield f"{path}:{n}", json.loads(line)
            except json.JSONDecodeError as err:
                yield f"{path}:{n}", InputError(f"{path}:{n}: not valid JSON ({err.msg})")


def read_policy_file(path: str | Path) -> PolicyFile:
    """Every usable decision in an evaluate output file, and a Problem for each row that is not."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as err:
        raise InputError(f"cannot read {path}: {getattr(err, 'strerror', None) or err}") from None
    taken: dict[str, tuple[str, PolicySnapshot]] = {}
    conflicts: dict[str, list[str]] = {}
    problems: list[Problem] = []
    rows = 0
    for where, row in _rows(path, text):
        rows += 1
        if rows > MAX_ROWS:
            raise InputError(f"{path} has more than {MAX_ROWS:,} rows; split it")
        if isinstance(row, InputError):
            problems.append(Problem(where, row.message.removeprefix(f"{where}: ")))
            continue
        if isinstance(row, dict) and str(row.get("status", "")).strip().lower() == "rejected":
            why = row.get("error") or "rejected by evaluate"
            problems.append(Problem(where, f"evaluate did not decide this row: {why}"))
            continue
        try:
            snap = snapshot_from_row(row, where)  # type: ignore[arg-type]
        except InputError as err:
            problems.append(Problem(where, err.message.removeprefix(f"{where}: ")))
            continue
        if snap.sku in conflicts:
            conflicts[snap.sku].append(where)
        elif snap.sku in taken:
            first_where, first = taken[snap.sku]
            if (first.method, first.capture, first.gtin) != (snap.method, snap.capture, snap.gtin):
                conflicts[snap.sku] = [first_where, where]
                del taken[snap.sku]
        else:
            taken[snap.sku] = (where, snap)
    for sku, places in conflicts.items():
        problems.append(
            Problem(
                places[0],
                f"SKU {sku} has rows that disagree ({' and '.join(places)}); none was taken",
            )
        )
    if not taken and not problems:
        raise InputError(f"{path} holds no decisions")
    return PolicyFile(tuple(s for _w, s in taken.values()), tuple(problems))


def set_policies(t: Ops, policies: Iterable[PolicySnapshot]) -> int:
    """Store policy snapshots; refuse a method change for a SKU that already has stock."""
    policies = [check_policy(p) for p in policies]
    if len(policies) > CHUNK:  # checked as a whole first, so a refusal changes nothing
        with t.store.reader() as r:
            for p in policies:
                _check_switch(r, p)
    for start in range(0, len(policies), CHUNK):
        with t.store.transaction("policy") as tx:
            for p in policies[start : start + CHUNK]:
                _check_switch(tx, p)
                tx.put_policy(p)
    return len(policies)


def _check_switch(r, p: PolicySnapshot) -> None:
    old = r.policy(p.sku)
    if old and old.method != p.method and (r.lots_of_sku(p.sku) or r.stock_of(p.sku)):
        raise NotAllowedError(
            f"SKU {p.sku} already has stock tracked by {old.method}; "
            f"it cannot switch to {p.method} in this store"
        )
