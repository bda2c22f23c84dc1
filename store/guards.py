"""Immutability guards: the database itself refuses UPDATE, DELETE (and TRUNCATE) of the log.

The guards stop mistakes and casual edits. They do not stop a database owner or
superuser who drops them first; the hash chain and signed checkpoints are what
catch that (see docs/integrity.md).
"""

from __future__ import annotations

from psycopg import sql

from plantrail.store.chain import CHAIN_TABLE, EVENTS_TABLE
from plantrail.store.commands import COMMANDS_TABLE

GUARDED_TABLES = (EVENTS_TABLE, CHAIN_TABLE, COMMANDS_TABLE)

SQLITE_GUARDS = [
    f"CREATE TRIGGER IF NOT EXISTS {table}_refuse_{op.lower()} BEFORE {op} ON {table} "
    f"BEGIN SELECT RAISE(ABORT, 'plantrail: {table} is append-only, {op} refused'); END"
    for table in GUARDED_TABLES
    for op in ("UPDATE", "DELETE")
]

# PostgreSQL trigger names, per table: row-level UPDATE/DELETE and statement-level TRUNCATE.
PG_GUARD_TRIGGERS = {
    table: (f"{table}_refuse_change", f"{table}_refuse_truncate") for table in GUARDED_TABLES
}
PG_REFUSE_FUNCTION = "plantrail_refuse_change"


def pg_guard_statements(schema: str) -> list[sql.Composed]:
    s = sql.Identifier(schema)
    statements = [sql.SQL(
        "CREATE OR REPLACE FUNCTION {s}.{fn}() RETURNS trigger LANGUAGE plpgsql AS $body$ "
        "BEGIN RAISE EXCEPTION 'plantrail: %.% is append-only, % refused', "
        "TG_TABLE_SCHEMA, TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege'; END $body$"
    ).format(s=s, fn=sql.Identifier(PG_REFUSE_FUNCTION))]
    for table, (change, truncate) in PG_GUARD_TRIGGERS.items():
        fmt = {"s": s, "t": sql.Identifier(table), "fn": sql.Identifier(PG_REFUSE_FUNCTION),
               "change": sql.Identifier(change), "truncate": sql.Identifier(truncate)}
        statements += [
            sql.SQL("CREATE OR REPLACE TRIGGER {change} BEFORE UPDATE OR DELETE ON {s}.{t} "
                    "FOR EACH ROW EXECUTE FUNCTION {s}.{fn}()").format(**fmt),
            sql.SQL("CREATE OR REPLACE TRIGGER {truncate} BEFORE TRUNCATE ON {s}.{t} "
                    "FOR EACH STATEMENT EXECUTE FUNCTION {s}.{fn}()").format(**fmt),
            # A trigger someone disabled stays disabled through CREATE OR REPLACE; switch it back on.
            sql.SQL("ALTER TABLE {s}.{t} ENABLE TRIGGER {change}").format(**fmt),
            sql.SQL("ALTER TABLE {s}.{t} ENABLE TRIGGER {truncate}").format(**fmt),
        ]
    return statements


def install_guards(url: str) -> None:
    """Create the store's tables if missing and (re)install its guards. Idempotent.

    Raises StoreUnavailable / BadStoreURL like prepare().
    """
    from eventsourcing.persistence import InfrastructureFactory
    from eventsourcing.utils import Environment

    from plantrail.store.settings import env_for_url, prepare

    prepare(url)
    factory = InfrastructureFactory.construct(Environment("", {**env_for_url(url), "CREATE_TABLE": "y"}))
    try:
        # The recorders create tables, chain and guards (and re-enable disabled guards).
        factory.application_recorder()
    finally:
        factory.close()
