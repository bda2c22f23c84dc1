"""The PostgreSQL recorder as it was before the performance work (for bench/ab.py only).

A verbatim copy of store/postgres_recorder.py at the start of the work: NOTIFY on every
insert, composite-type array insert, row-by-row chain trigger, statements composed per call.
"""

from __future__ import annotations

from typing import Any

from eventsourcing.postgres import (
    PostgresAggregateRecorder,
    PostgresApplicationRecorder,
    PostgresDatastore,
)
from psycopg import sql

from store.chain import CHAIN_TABLE, EVENTS_TABLE
from store.commands import COMMANDS_TABLE, command_rows, pg_command_statements
from store.guards import PG_GUARD_TRIGGERS, pg_guard_statements

LINK_FUNCTION = "plantrail_event_link"
CHAIN_FUNCTION = "plantrail_chain_events"
CHAIN_TRIGGER = f"{EVENTS_TABLE}_chain"
ALL_TRIGGERS = (CHAIN_TRIGGER, *(name for pair in PG_GUARD_TRIGGERS.values() for name in pair))


def pg_chain_statements(schema: str) -> list[sql.Composed]:
    fmt = {
        "s": sql.Identifier(schema), "events": sql.Identifier(EVENTS_TABLE),
        "chain": sql.Identifier(CHAIN_TABLE), "link_fn": sql.Identifier(LINK_FUNCTION),
        "chain_fn": sql.Identifier(CHAIN_FUNCTION), "trigger": sql.Identifier(CHAIN_TRIGGER),
    }
    return [sql.SQL(text).format(**fmt) for text in (
        # recorded_by/recorded_at: provenance from the server itself, not from the
        # client, so a writer cannot claim another identity or time.
        "CREATE TABLE IF NOT EXISTS {s}.{chain} ("
        " position bigint PRIMARY KEY,"
        " prev_position bigint NOT NULL UNIQUE,"  # the chain cannot fork
        " link bytea NOT NULL CHECK (octet_length(link) = 32),"
        " recorded_by text NOT NULL DEFAULT session_user,"
        " recorded_at timestamptz NOT NULL DEFAULT clock_timestamp())",
        # Byte-identical to store.chain.canonical()/next_link().
        "CREATE OR REPLACE FUNCTION {s}.{link_fn}(prev bytea, pos bigint, oid uuid, ver bigint, topic text, state bytea)"
        " RETURNS bytea LANGUAGE sql IMMUTABLE AS $body$"
        " SELECT sha256(prev || int8send(pos) || uuid_send(oid) || int8send(ver)"
        " || int4send(octet_length(convert_to(coalesce(topic, ''), 'UTF8'))) || convert_to(coalesce(topic, ''), 'UTF8')"
        " || int4send(octet_length(coalesce(state, ''::bytea))) || coalesce(state, ''::bytea))"
        " $body$",
        # Statement-level, over the transition table, so a multi-row insert is chained
        # in position order. It runs inside the inserting transaction, after the
        # library's LOCK TABLE ... IN EXCLUSIVE MODE, so the head cannot move under it.
        # SECURITY DEFINER: an application role needs no INSERT right on the chain.
        "CREATE OR REPLACE FUNCTION {s}.{chain_fn}() RETURNS trigger LANGUAGE plpgsql"
        " SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $body$"
        " DECLARE head_pos bigint; head_link bytea; r record;"
        " BEGIN"
        "  SELECT position, link INTO head_pos, head_link FROM {s}.{chain} ORDER BY position DESC LIMIT 1;"
        "  IF NOT FOUND THEN head_pos := 0; head_link := decode(repeat('00', 32), 'hex'); END IF;"
        "  FOR r IN SELECT * FROM new_events ORDER BY notification_id LOOP"
        "   IF r.notification_id <= head_pos THEN"
        "    RAISE EXCEPTION 'plantrail: event position % is not after the chain head %', r.notification_id, head_pos;"
        "   END IF;"
        "   head_link := {s}.{link_fn}(head_link, r.notification_id, r.originator_id, r.originator_version, r.topic, r.state);"
        "   INSERT INTO {s}.{chain} (position, prev_position, link) VALUES (r.notification_id, head_pos, head_link);"
        "   head_pos := r.notification_id;"
        "  END LOOP;"
        "  RETURN NULL;"
        " END $body$",
        "CREATE OR REPLACE TRIGGER {trigger} AFTER INSERT ON {s}.{events}"
        " REFERENCING NEW TABLE AS new_events FOR EACH STATEMENT EXECUTE FUNCTION {s}.{chain_fn}()",
        "ALTER TABLE {s}.{events} ENABLE TRIGGER {trigger}",
    )]


class ChainedPostgresApplicationRecorder(PostgresApplicationRecorder):
    def __init__(self, datastore: PostgresDatastore, *, events_table_name: str = EVENTS_TABLE, **kwargs: Any):
        if datastore.originator_id_type != "uuid":
            raise ValueError("plantrail's store needs ORIGINATOR_ID_TYPE=uuid")
        # The factory passes "<appname>_events"; a fixed name lets verify, guards
        # and checkpoints find the log from the URL alone (as on SQLite).
        super().__init__(datastore, events_table_name=EVENTS_TABLE, **kwargs)
        # The factory will next create "<appname>_snapshots"; two processes opening a
        # fresh store at once would race on it, so create_table makes it under our lock.
        prefix = events_table_name.removesuffix("_events")
        self.snapshots_table = None if prefix in ("", "stored") else f"{prefix}_snapshots"

    def create_table(self) -> None:
        # Skip DDL when everything is in place, so an application role that
        # does not own the tables (docs/integrity.md) can still open the store.
        if self._is_installed():
            self.datastore.register_type_adapters()
            return
        schema = self.datastore.schema
        # Two processes opening a fresh store at once would race on CREATE TYPE and
        # CREATE TABLE; an advisory lock (held only while creating) queues them.
        with self.datastore.get_connection() as lock_conn:
            lock_conn.execute("SELECT pg_advisory_lock(hashtext(%s))", (f"plantrail:{schema}",))
            try:
                if not self._is_installed():
                    super().create_table()
                    with self.datastore.transaction(commit=True) as curs:
                        for statement in (pg_chain_statements(schema) + pg_command_statements(schema)
                                          + pg_guard_statements(schema)):
                            curs.execute(statement, prepare=False)
                if self.snapshots_table and not self._exists(self.snapshots_table):
                    PostgresAggregateRecorder(self.datastore, events_table_name=self.snapshots_table).create_table()
            finally:
                lock_conn.execute("SELECT pg_advisory_unlock(hashtext(%s))", (f"plantrail:{schema}",))
        self.datastore.register_type_adapters()

    def _insert_events(self, curs: Any, stored_events: Any, **kwargs: Any) -> None:
        # Runs inside the insert transaction, before the events: a repeated command id
        # fails the whole transaction on the primary key, so nothing is recorded twice.
        for command_id, result in command_rows(kwargs):
            curs.execute(sql.SQL("INSERT INTO {s}.{t} (command_id, result) VALUES (%s, %s)").format(
                s=sql.Identifier(self.datastore.schema), t=sql.Identifier(COMMANDS_TABLE)), (command_id, result))

    def command_result(self, command_id: str) -> str | None:
        """The result JSON recorded with a command id, or None if it was never recorded."""
        with self.datastore.transaction(commit=False) as curs:
            curs.execute(sql.SQL("SELECT result FROM {s}.{t} WHERE command_id = %s").format(
                s=sql.Identifier(self.datastore.schema), t=sql.Identifier(COMMANDS_TABLE)), (command_id,))
            row = curs.fetchone()
        return row["result"] if row else None

    def _exists(self, table: str) -> bool:
        with self.datastore.transaction(commit=False) as curs:
            curs.execute("SELECT to_regclass(%s) IS NOT NULL AS found",
                         (sql.Identifier(self.datastore.schema, table).as_string(),))
            row = curs.fetchone()
        return bool(row and row["found"])

    def _is_installed(self) -> bool:
        schema = self.datastore.schema
        with self.datastore.transaction(commit=False) as curs:
            curs.execute(
                "SELECT to_regclass(%(chain)s) IS NOT NULL AS chain,"
                " to_regtype(%(type)s) IS NOT NULL AS type,"
                " (SELECT count(*) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid"
                "  JOIN pg_namespace n ON n.oid = c.relnamespace"
                "  WHERE n.nspname = %(schema)s AND t.tgname = ANY(%(names)s) AND t.tgenabled <> 'D') AS triggers",
                {"chain": sql.Identifier(schema, CHAIN_TABLE).as_string(),
                 "type": sql.Identifier(schema, self.stored_event_type_name).as_string(),
                 "schema": schema, "names": list(ALL_TRIGGERS)},
            )
            row = curs.fetchone()
        installed = bool(row and row["chain"] and row["type"] and row["triggers"] == len(ALL_TRIGGERS))
        return installed and (not self.snapshots_table or self._exists(self.snapshots_table))
