"""Immutability guards: the database itself refuses UPDATE, DELETE (and TRUNCATE) of the log.

The guards stop mistakes and casual edits. They do not stop a database owner or
superuser who drops them first; the hash chain and signed checkpoints are what
catch that (see docs/integrity.md).
"""

from __future__ import annotations

from typing import Any

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


def pg_guard_statements(schema: str) -> list[Any]:  # psycopg.sql.Composed
    from psycopg import sql  # not imported on SQLite

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
        recorder = factory.application_recorder()
        if hasattr(recorder.datastore, "schema"):  # PostgreSQL: an index added since the store was made
            _add_partial_indexes(recorder)
            _retire_earlier_saves(recorder)
    finally:
        factory.close()


def _add_partial_indexes(recorder: Any) -> None:
    from psycopg import sql

    from plantrail.store.log import partial_indexes

    table = sql.Identifier(recorder.datastore.schema, EVENTS_TABLE).as_string()
    with recorder.datastore.transaction(commit=True) as curs:
        for statement in partial_indexes(table, postgres=True):
            curs.execute(statement)


def _retire_earlier_saves(recorder: Any) -> None:
    """An earlier version's save put back by a process of that version run as the owner: its
    roles given this version's save, and it dropped again (the store counts as installed while
    this version's save exists, so only ``init`` looks for it)."""
    from plantrail.store.postgres_recorder import RETIRED_V3, pg_carry_over_grants, pg_retired_statements

    schema = recorder.datastore.schema
    with recorder.datastore.transaction(commit=True) as curs:
        curs.execute("SELECT to_regprocedure(%s) IS NOT NULL AS back", (f'"{schema}".{RETIRED_V3}',))
        if curs.fetchone()["back"]:
            for statement in [pg_carry_over_grants(schema), *pg_retired_statements(schema)]:
                curs.execute(statement)


def grant_app_role(url: str, role: str) -> list[str]:
    """Give a login role exactly what plantrail's reads and writes need, and nothing that
    could change the log, its chain or the command log; the statements run. Run by the
    store's owner after ``init`` (PostgreSQL only).

    The role may save (EXECUTE on the save function, which writes events, links and command
    ids with the owner's rights), read the log, chain and command log, and read and keep up
    the views' tables (their rows are derived: verify checks every one against the log). It
    may not INSERT, UPDATE, DELETE or TRUNCATE the log, the chain or the command log, nor
    change the guards or the save function, which only the owner can."""
    from psycopg import sql

    from plantrail.store.derived import SNAPSHOT_TABLES
    from plantrail.store.identity import IDENTITY_TABLE
    from plantrail.store.keys import KEYS_TABLE
    from plantrail.store.postgres_recorder import RECORD_FUNCTION, RECORD_SIGNATURE, SAVE_TURN_TABLE
    from plantrail.store.settings import PostgresURL, parse_url, pg_connect
    from plantrail.store.view_tables import VIEW_TABLES

    parsed = parse_url(url)
    if not isinstance(parsed, PostgresURL):
        raise BadRole("--app-role is for a PostgreSQL store: SQLite has no roles (protect its file instead)")
    schema = sql.Identifier(parsed.schema or "public")
    who = sql.Identifier(role)
    log = sql.SQL(", ").join(sql.SQL("{}.{}").format(schema, sql.Identifier(t)) for t in GUARDED_TABLES)
    views = sql.SQL(", ").join(sql.SQL("{}.{}").format(schema, sql.Identifier(t)) for t in VIEW_TABLES)
    statements = [
        # (and the table saves take turns on: who may lock it could stop every save)
        sql.SQL("REVOKE ALL ON {log}, {s}.{turn} FROM {who}").format(
            log=log, s=schema, turn=sql.Identifier(SAVE_TURN_TABLE), who=who),
        sql.SQL("GRANT USAGE ON SCHEMA {s} TO {who}").format(s=schema, who=who),
        sql.SQL("GRANT SELECT ON {log} TO {who}").format(log=log, who=who),
        sql.SQL("GRANT SELECT, INSERT, UPDATE, DELETE ON {views} TO {who}").format(views=views, who=who),
        # Children's data keys: made with a child's first events, destroyed when the child is erased.
        sql.SQL("GRANT SELECT, INSERT, DELETE ON {s}.{t} TO {who}").format(
            s=schema, t=sql.Identifier(KEYS_TABLE), who=who),
        sql.SQL("GRANT EXECUTE ON FUNCTION {s}.{fn}" + RECORD_SIGNATURE + " TO {who}").format(
            s=schema, fn=sql.Identifier(RECORD_FUNCTION), who=who),
    ]
    with pg_connect(parsed, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (role,)).fetchone():
            raise BadRole(f"there is no role {role!r} at {parsed.where}; create it first (CREATE ROLE ... LOGIN)")
        # An earlier version's snapshots, which verify checks; and the identity mode (read only:
        # the people acting must not be able to change how the store knows who they are).
        for table in (*SNAPSHOT_TABLES, IDENTITY_TABLE):
            name = sql.Identifier(parsed.schema or "public", table)
            if conn.execute("SELECT to_regclass(%s)", (name.as_string(conn),)).fetchone()[0]:
                statements.append(sql.SQL("GRANT SELECT ON {t} TO {who}").format(t=name, who=who))
        with conn.transaction():
            for statement in statements:
                conn.execute(statement)
        return [statement.as_string(conn) for statement in statements]


class BadRole(ValueError):
    """An --app-role that cannot be granted (CLI exit code 2)."""
