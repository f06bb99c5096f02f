"""The PostgreSQL store's schema as numbered migrations, and the table that records which ran.

`store init` runs every migration on an empty database (or schema: the first one of the
connection's `search_path`); `store upgrade` runs those a store has not had yet. Each migration
runs in one transaction with its row in `trackright_schema`, so a store is always at exactly one
version. The ledger tables refuse UPDATE, DELETE and TRUNCATE by trigger: the ledger is
append-only whatever program connects.
"""

from __future__ import annotations

from typing import NamedTuple


class Migration(NamedTuple):
    """One step of the schema: its version, what it does (for `store upgrade`), its SQL."""

    version: int
    note: str
    sql: str


MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        1,
        "units, lots, orders, policies, suspects, settings; the append-only ledger",
        """
        CREATE TABLE meta (
            one boolean PRIMARY KEY DEFAULT true CHECK (one),
            seq bigint NOT NULL DEFAULT 0,
            created timestamptz NOT NULL DEFAULT now()
        );
        INSERT INTO meta DEFAULT VALUES;
        CREATE TABLE numbers (name text PRIMARY KEY, value bigint NOT NULL);
        CREATE TABLE units (
            key text PRIMARY KEY, id text NOT NULL, sku text NOT NULL, lot text,
            location text NOT NULL, status text NOT NULL, watched boolean NOT NULL,
            doc text NOT NULL
        );
        CREATE INDEX units_id ON units (id);
        CREATE INDEX units_lot ON units (sku, lot);
        CREATE INDEX units_watched ON units (key) WHERE watched;
        CREATE TABLE lots (sku text, lot text, doc text NOT NULL, PRIMARY KEY (sku, lot));
        CREATE TABLE orders (order_id text PRIMARY KEY, doc text NOT NULL);
        CREATE TABLE order_figures (
            order_id text, sku text, shipped bigint NOT NULL, returned bigint NOT NULL,
            PRIMARY KEY (order_id, sku)
        );
        CREATE TABLE policies (sku text PRIMARY KEY, gtin text NOT NULL, doc text NOT NULL);
        CREATE INDEX policies_gtin ON policies (gtin) WHERE gtin <> '';
        CREATE TABLE suspects (key text PRIMARY KEY, id text NOT NULL, doc text NOT NULL);
        CREATE INDEX suspects_id ON suspects (id);
        CREATE TABLE settings (key text PRIMARY KEY, value text NOT NULL);
        CREATE TABLE events (
            seq bigint NOT NULL, pos integer NOT NULL, doc text NOT NULL,
            recorded timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (seq, pos)
        );
        CREATE TABLE event_refs (
            kind char(1) NOT NULL, key text NOT NULL, seq bigint NOT NULL, pos integer NOT NULL
        );
        CREATE INDEX event_refs_key ON event_refs (kind, key, seq, pos);
        CREATE FUNCTION ledger_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'the trackright ledger is append-only: % on % refused',
                TG_OP, TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
        END $$;
        CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON events
            FOR EACH ROW EXECUTE FUNCTION ledger_append_only();
        CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events
            FOR EACH STATEMENT EXECUTE FUNCTION ledger_append_only();
        CREATE TRIGGER event_refs_append_only BEFORE UPDATE OR DELETE ON event_refs
            FOR EACH ROW EXECUTE FUNCTION ledger_append_only();
        CREATE TRIGGER event_refs_no_truncate BEFORE TRUNCATE ON event_refs
            FOR EACH STATEMENT EXECUTE FUNCTION ledger_append_only();
        """,
    ),
)

LATEST = MIGRATIONS[-1].version

VERSION_TABLE = """
CREATE TABLE IF NOT EXISTS trackright_schema (
    version integer PRIMARY KEY,
    note text NOT NULL,
    applied timestamptz NOT NULL DEFAULT now()
)
"""


def current_version(cur) -> int | None:
    """The store's schema version; None for a database (schema) trackright never set up."""
    cur.execute("SELECT to_regclass('trackright_schema') IS NOT NULL")
    if not cur.fetchone()[0]:
        return None
    cur.execute("SELECT coalesce(max(version), 0) FROM trackright_schema")
    return int(cur.fetchone()[0])


def migrate(conn, *, upto: int = LATEST) -> list[Migration]:
    """Run the migrations the store lacks, each in its own transaction; the ones that ran."""
    ran = []
    for step in MIGRATIONS:
        if step.version > upto:
            break
        with conn.transaction(), conn.cursor() as cur:
            cur.execute("SELECT pg_advisory_xact_lock(727274)")  # two `init`s at once: one runs
            cur.execute(VERSION_TABLE)
            have = current_version(cur) or 0
            if step.version <= have:
                continue
            cur.execute(step.sql)
            cur.execute(
                "INSERT INTO trackright_schema (version, note) VALUES (%s, %s)",
                (step.version, step.note),
            )
            ran.append(step)
    return ran
