"""Reading `trackright evaluate` output into policy snapshots (JSON list, JSON Lines or CSV).

Required columns: sku, method, capture, rule, reason; optional: rulebook_version, vertical,
return_qc, gtin. `capture` is a list or a `;`/`,`-joined string of lot, expiry, mfg_date.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

from .errors import InputError
from .model import CAPTURES, METHODS, PolicySnapshot

REQUIRED = ("sku", "method")
_TRUE = {"1", "true", "yes", "y", "t"}


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


def snapshot_from_row(row: dict, where: str) -> PolicySnapshot:
    """One evaluate row → PolicySnapshot, with errors that name the file and row."""
    missing = [c for c in REQUIRED if not str(row.get(c) or "").strip()]
    if missing:
        raise InputError(f"{where}: missing {', '.join(missing)}")
    method = str(row["method"]).strip().lower()
    if method not in METHODS:
        raise InputError(f"{where}: method must be one of {', '.join(METHODS)}, got {method!r}")
    qc = row.get("return_qc", False)
    return PolicySnapshot(
        sku=str(row["sku"]).strip(),
        method=method,
        capture=_capture(row.get("capture"), where),
        rule=str(row.get("rule") or ""),
        reason=str(row.get("reason") or ""),
        rulebook_version=str(row.get("rulebook_version") or ""),
        vertical=str(row.get("vertical") or ""),
        return_qc=qc if isinstance(qc, bool) else str(qc).strip().lower() in _TRUE,
        gtin=str(row.get("gtin") or "").strip(),
    )


def read_policy_file(path: str | Path) -> list[PolicySnapshot]:
    """All snapshots in an evaluate output file; InputError (with row) for anything unusable."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as err:
        raise InputError(f"cannot read {path}: {getattr(err, 'strerror', None) or err}") from None
    stripped = text.lstrip()
    rows: list[tuple[str, dict]] = []
    if stripped.startswith("["):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as err:
            raise InputError(f"{path}:{err.lineno}: not valid JSON ({err.msg})") from None
        rows = [(f"{path}: item {i}", r) for i, r in enumerate(data, 1)]
    elif stripped.startswith("{"):
        for n, line in enumerate(text.splitlines(), 1):
            if line.strip():
                try:
                    rows.append((f"{path}:{n}", json.loads(line)))
                except json.JSONDecodeError as err:
                    raise InputError(f"{path}:{n}: not valid JSON ({err.msg})") from None
    else:
        reader = csv.DictReader(text.splitlines())
        if not reader.fieldnames or not set(REQUIRED) <= {f.strip() for f in reader.fieldnames}:
            raise InputError(
                f"{path}: expected a CSV with columns sku, method, capture, rule, reason",
                hint="give the output of `trackright evaluate` (CSV, JSON or JSON Lines)",
            )
        rows = [
            (f"{path}:{n}", {k.strip(): v for k, v in r.items() if k})
            for n, r in enumerate(reader, 2)
        ]
    snapshots = []
    for where, row in rows:
        if not isinstance(row, dict):
            raise InputError(f"{where}: expected an object with sku and method")
        snapshots.append(snapshot_from_row(row, where))
    if not snapshots:
        raise InputError(f"{path} holds no decisions")
    return snapshots
