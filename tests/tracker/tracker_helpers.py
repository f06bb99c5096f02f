"""Shared data for tracker tests: a fixed clock, a pure-Python verdict, the SKUs' policies.

A module with its own name (not `conftest`), so test files can import it whichever other
conftest modules pytest has loaded."""

from __future__ import annotations

from datetime import UTC, datetime

from tracker import PolicySnapshot, Verdict

NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)

#: Set as a test module's ``STORES`` to run each of its tests on both stores (see conftest).
BOTH = ("tinydb", "postgresql")


def simple_verdict(facts: dict[str, object]) -> Verdict:
    """The return verdict order of inventory-tracking.md §7(b), in plain Python."""
    order = [
        (not facts["id_known"], "quarantine", "counterfeit_suspect", "returns/unknown-id"),
        (not facts["ever_shipped"], "quarantine", "not_shipped_suspect", "returns/never-shipped"),
        (not facts["shipped_on_this_order"], "quarantine", "swap_suspect", "returns/other-order"),
        (facts["already_returned_on_this_order"], "refuse", "already_returned", "returns/again"),
        (facts["lot_recalled"], "recalled", "recalled_lot", "returns/recalled"),
        (facts["lot_expired"], "quarantine", "expired", "returns/expired"),
        (facts["return_requires_qc"], "quarantine", "qc_required", "returns/qc"),
        (int(facts["return_count"]) >= 3, "inspect", "repeat_returner", "returns/repeat"),
        (facts["reason"] in ("damaged", "defective"), "inspect", "damaged", "returns/damaged"),
    ]
    for hit, verdict, flag, rule in order:
        if hit:
            return Verdict(verdict, flag, rule, f"{flag.replace('_', ' ')}", "test-1")
    return Verdict("restock", None, "returns/restock", "genuine return", "test-1")


POLICIES = [
    PolicySnapshot("PHONE", "serial", (), "electronics-serial", "high value"),
    PolicySnapshot("DRESS", "lpn", (), "fashion-lpn", "fit returns"),
    PolicySnapshot("VITC", "batch", ("lot", "expiry"), "supplements", "recalls", return_qc=True),
    PolicySnapshot("TEA", "batch", ("lot", "expiry"), "food", "recalls", gtin="80614141123458"),
    PolicySnapshot("PUMP", "serial", ("lot", "expiry"), "meddev", "UDI"),
]


PG_TABLES = (
    "meta", "numbers", "units", "lots", "orders", "order_figures", "policies", "suspects",
    "settings", "events", "event_refs",
)  # fmt: skip


def store_files(store) -> dict[str, bytes]:
    """Every file of a TinyDB store (manifest and data folder) by relative path, or every row of
    a PostgreSQL store by table, for comparisons ("a refused operation changed no byte")."""
    from pathlib import Path

    if not hasattr(store, "data"):
        import psycopg

        with psycopg.connect(store.url) as conn:
            return {
                t: repr(conn.execute(f"SELECT * FROM {t} ORDER BY 1, 2").fetchall()).encode()
                if t != "meta"
                else repr(conn.execute("SELECT seq FROM meta").fetchall()).encode()
                for t in PG_TABLES
            }

    root = Path(store.path).parent
    out = {}
    for path in sorted(root.rglob("*")):
        if path.is_file() and "tmp" not in path.relative_to(root).parts:
            out[str(path.relative_to(root))] = path.read_bytes()
    return out


def unit_ids(store) -> set[str]:
    """The keys of every unit in the store (read through the store's own reader)."""
    with store.reader() as r:
        return {d["id"] for d in r._table("units")}


_REAL = {}


def real_verdict(facts: dict[str, object]) -> Verdict:
    """The bundled rules/returns.yaml through advisor.advice.returns (loaded once per run)."""
    if "rules" not in _REAL:
        from advisor.advice.returns import load_return_rules

        _REAL["rules"] = load_return_rules()
    return _REAL["rules"].verdict(facts)
