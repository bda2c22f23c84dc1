"""PostgreSQL application recorder whose events are chained by a trigger in the same transaction."""

from __future__ import annotations

import weakref
from collections import deque
from collections.abc import Sequence
from typing import Any

from eventsourcing.postgres import (
    PostgresAggregateRecorder,
    PostgresApplicationRecorder,
    PostgresDatastore,
)
from eventsourcing.persistence import InterfaceError, OperationalError, StoredEvent
from eventsourcing.utils import retry
from psycopg import sql
from psycopg.rows import tuple_row

from store.chain import CHAIN_TABLE, EVENTS_TABLE, canonical_sql
from store.commands import COMMANDS_TABLE, command_rows, pg_command_statements, unchanged_reads
from store.guards import PG_GUARD_TRIGGERS, pg_guard_statements
from store.pg_arrays import Blobs, Int8s, Texts, UUIDs

LINK_FUNCTION = "plantrail_event_link"
CHAIN_FUNCTION = "plantrail_chain_events"
CHAIN_TRIGGER = f"{EVENTS_TABLE}_chain"
# The name carries the body's version: a store opened by an owner gets a changed body
# under a new name (the recorder checks that its version exists), never a stale one.
RECORD_FUNCTION = "plantrail_record_v1"
# Its parameters, in order: the definition, the call and the installed check follow this.
RECORD_PARAMS = (("oids", "uuid[]"), ("vers", "bigint[]"), ("topics", "text[]"), ("states", "bytea[]"),
                 ("command_ids", "text[]"), ("results", "text[]"), ("read_ids", "uuid[]"),
                 ("read_versions", "bigint[]"), ("wait", "text"))
RECORD_SIGNATURE = "(" + ", ".join(kind for _, kind in RECORD_PARAMS) + ")"
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
        "  positions bigint[] := '{{}}'; prevs bigint[] := '{{}}'; links bytea[] := '{{}}';"
        " BEGIN"
        "  SELECT position, link INTO head_pos, head_link FROM {s}.{chain} ORDER BY position DESC LIMIT 1;"
        "  IF NOT FOUND THEN head_pos := 0; head_link := decode(repeat('00', 32), 'hex'); END IF;"
        "  FOR r IN SELECT notification_id, originator_id, originator_version, topic, state"
        "   FROM new_events ORDER BY notification_id LOOP"
        "   IF r.notification_id <= head_pos THEN"
        "    RAISE EXCEPTION 'plantrail: event position % is not after the chain head %', r.notification_id, head_pos;"
        "   END IF;"
        # The link, as {link_fn} computes it, written out: a function call per row costs more.
        f"   head_link := sha256(head_link || {canonical_sql('r.')});"
        "   positions := positions || r.notification_id; prevs := prevs || head_pos; links := links || head_link;"
        "   head_pos := r.notification_id;"
        "  END LOOP;"
        # One INSERT for the whole statement's links (a row-by-row INSERT cost ~3x more
        # on a large batch; see docs/performance.md).
        "  INSERT INTO {s}.{chain} (position, prev_position, link)"
        "   SELECT * FROM unnest(positions, prevs, links);"
        "  RETURN NULL;"
        " END $body$",
        "CREATE OR REPLACE TRIGGER {trigger} AFTER INSERT ON {s}.{events}"
        " REFERENCING NEW TABLE AS new_events FOR EACH STATEMENT EXECUTE FUNCTION {s}.{chain_fn}()",
        "ALTER TABLE {s}.{events} ENABLE TRIGGER {trigger}",
    )]


def pg_record_statements(schema: str) -> list[sql.Composed]:
    """The save as one statement: a command is then one round trip, like a bare INSERT.

    In one transaction (the statement's own): the command ids (their primary key refuses
    a repeat), the EXCLUSIVE table lock (positions are issued in commit order, and the
    chain trigger needs a head that cannot move), the check that the records the
    command only read are as it read them, and the events (chained by the trigger).
    Any failure rolls all of it back; an integrity error says the command must be
    decided again on what is now recorded.
    """
    fmt = {"s": sql.Identifier(schema), "events": sql.Identifier(EVENTS_TABLE),
           "commands": sql.Identifier(COMMANDS_TABLE), "fn": sql.Identifier(RECORD_FUNCTION)}
    return [sql.SQL(
        "CREATE OR REPLACE FUNCTION {s}.{fn}(" + ", ".join(f"{name} {kind}" for name, kind in RECORD_PARAMS) + ")"
        # No SET search_path (every name is qualified; it costs ~6% of a save) and not
        # SECURITY DEFINER: the caller's own rights apply.
        " RETURNS bigint[] LANGUAGE plpgsql AS $body$"
        " DECLARE positions bigint[];"
        " BEGIN"
        "  IF command_ids IS NOT NULL THEN"
        "   INSERT INTO {s}.{commands} (command_id, result) SELECT * FROM unnest(command_ids, results);"
        "  END IF;"
        "  PERFORM set_config('lock_timeout', wait, true);"
        "  LOCK TABLE {s}.{events} IN EXCLUSIVE MODE;"
        # LATERAL ... LIMIT 1: one index probe per record read. (A plain join gets a
        # generic plan that may scan the whole log: it did, and slowed with every event.)
        "  IF read_ids IS NOT NULL AND EXISTS ("
        "   SELECT 1 FROM unnest(read_ids, read_versions) AS r(id, version) CROSS JOIN LATERAL ("
        "    SELECT 1 FROM {s}.{events} e WHERE e.originator_id = r.id AND e.originator_version > r.version"
        "    LIMIT 1) AS later) THEN"
        "   RAISE EXCEPTION 'plantrail: a record this command read has changed meanwhile'"
        "    USING ERRCODE = 'integrity_constraint_violation';"
        "  END IF;"
        "  WITH written AS ("
        "   INSERT INTO {s}.{events} (originator_id, originator_version, topic, state)"
        "   SELECT * FROM unnest(oids, vers, topics, states) RETURNING notification_id)"
        "  SELECT array_agg(notification_id ORDER BY notification_id) INTO positions FROM written;"
        "  RETURN positions;"
        " END $body$"
    ).format(**fmt)]


class _LastReturnedFirst(deque):  # type: ignore[type-arg]
    """The pool's idle connections, handed out last returned first (the pool takes from the left)."""

    def popleft(self) -> Any:
        return self.pop()


def hottest_first(pool: Any) -> None:
    """Make the pool hand out the connection returned last, not the one idle longest.

    psycopg_pool's queue is first in, first out: one writer's commands went round every
    pooled connection, each a server process woken in turn, and ran at 715-869 a second
    against 922-1,316 on the connection returned last (interleaved; docs/performance.md).
    SQLAlchemy offers this as ``pool_use_lifo``; psycopg_pool has no option, so its queue
    is swapped under its own lock. Concurrent users still each get a connection of their
    own. (The pool's idle shrinking, every ten minutes at most, then closes the newest idle
    connection rather than the oldest: one reconnect.) Nothing is changed if a psycopg_pool
    release no longer keeps its queue this way: tests/store/test_store_settings.py then fails.
    """
    queue, lock = getattr(pool, "_pool", None), getattr(pool, "_lock", None)
    if type(queue) is not deque or lock is None:
        return
    with lock:
        pool._pool = _LastReturnedFirst(pool._pool)


class ChainedPostgresApplicationRecorder(PostgresApplicationRecorder):
    def __init__(self, datastore: PostgresDatastore, *, events_table_name: str = EVENTS_TABLE, **kwargs: Any):
        if datastore.originator_id_type != "uuid":
            raise ValueError("plantrail's store needs ORIGINATOR_ID_TYPE=uuid")
        hottest_first(datastore.pool)
        # The factory passes "<appname>_events"; a fixed name lets verify, guards
        # and checkpoints find the log from the URL alone (as on SQLite).
        super().__init__(datastore, events_table_name=EVENTS_TABLE, **kwargs)
        # The factory will next create "<appname>_snapshots"; two processes opening a
        # fresh store at once would race on it, so create_table makes it under our lock.
        prefix = events_table_name.removesuffix("_events")
        self.snapshots_table = None if prefix in ("", "stored") else f"{prefix}_snapshots"
        schema = sql.Identifier(self.datastore.schema)
        # The whole save is one prepared call (see pg_record_statements); its arrays
        # go in binary, not as the library's array of a composite type (dumped as
        # text, escaped by regex, event by event).
        self.record_statement = sql.SQL(
            "SELECT {s}.{fn}(" + ", ".join(f"%s::{kind}" for _, kind in RECORD_PARAMS) + ")"
        ).format(s=schema, fn=sql.Identifier(RECORD_FUNCTION)).as_string()
        self._lock_wait = f"{self.datastore.lock_timeout}s"
        self._cursors: weakref.WeakKeyDictionary[Any, Any] = weakref.WeakKeyDictionary()
        self._select_statements: dict[tuple[bool, bool, bool, bool], str] = {}
        self.command_result_statement = sql.SQL("SELECT result FROM {s}.{t} WHERE command_id = %s").format(
            s=schema, t=sql.Identifier(COMMANDS_TABLE))

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
                                          + pg_record_statements(schema) + pg_guard_statements(schema)):
                            curs.execute(statement, prepare=False)
                if self.snapshots_table and not self._exists(self.snapshots_table):
                    PostgresAggregateRecorder(self.datastore, events_table_name=self.snapshots_table).create_table()
            finally:
                lock_conn.execute("SELECT pg_advisory_unlock(hashtext(%s))", (f"plantrail:{schema}",))
        self.datastore.register_type_adapters()

    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)
    def insert_events(self, stored_events: Sequence[StoredEvent], **kwargs: Any) -> Sequence[int] | None:
        """Command ids, lock, read check, events (the trigger chains them): one statement,
        one round trip, its own transaction (the pool's connections are autocommit).

        An error anywhere (a repeated command id, a record changed meanwhile) is mapped by
        the datastore to the library's IntegrityError; nothing of the save is recorded.
        The library's version takes three round trips and sends a NOTIFY on every insert
        (nothing in plantrail LISTENs: projections pull; and a NOTIFY serialises every
        committing transaction in the database on the notify queue).
        """
        commands = command_rows(kwargs)
        read = unchanged_reads(kwargs)
        with self.datastore.get_connection() as conn:
            curs = self._cursor(conn)
            curs.execute(self.record_statement, (
                UUIDs([e.originator_id for e in stored_events]),
                Int8s([e.originator_version for e in stored_events]),
                Texts([e.topic for e in stored_events]),
                Blobs([e.state for e in stored_events]),
                # NULL for an empty list: nothing to dump, and the function skips the step.
                Texts([c for c, _ in commands]) if commands else None,
                Texts([r for _, r in commands]) if commands else None,
                UUIDs([i for i, _ in read]) if read else None,
                Int8s([v for _, v in read]) if read else None,
                self._lock_wait,
            ), prepare=True, binary=True)
            row = curs.fetchone()
        return list(row[0] or []) if row else []

    def select_events(self, originator_id: Any, *, gt: int | None = None, lte: int | None = None,
                      desc: bool = False, limit: int | None = None) -> Any:
        # As the library's, with each shape of the statement composed once (the library
        # composes and encodes it again on every read: several per command).
        key = (gt is not None, lte is not None, desc, limit is not None)
        statement = self._select_statements.get(key)
        if statement is None:
            text = "SELECT originator_id, originator_version, topic, state FROM {s}.{t} WHERE originator_id = %s"
            text += " AND originator_version > %s" if key[0] else ""
            text += " AND originator_version <= %s" if key[1] else ""
            text += " ORDER BY originator_version " + ("DESC" if desc else "ASC")
            text += " LIMIT %s" if key[3] else ""
            statement = sql.SQL(text).format(s=sql.Identifier(self.datastore.schema),
                                             t=sql.Identifier(EVENTS_TABLE)).as_string()
            self._select_statements[key] = statement
        params = [originator_id, *(p for p in (gt, lte, limit) if p is not None)]
        with self.datastore.get_connection() as conn:
            curs = self._cursor(conn)
            curs.execute(statement, params, prepare=True)
            return [StoredEvent(originator_id=r[0], originator_version=r[1], topic=r[2], state=bytes(r[3]))
                    for r in curs.fetchall()]

    def _cursor(self, conn: Any) -> Any:
        """The connection's own cursor for saves and record reads, made once: a new cursor
        sets up its dumpers and loaders afresh (~20 µs of a save's ~140 µs client CPU).
        Only whoever holds the connection (taken from the pool) uses it."""
        curs = self._cursors.get(conn)
        if curs is None or curs.closed:
            curs = self._cursors[conn] = conn.cursor(row_factory=tuple_row)
        return curs

    def command_result(self, command_id: str) -> str | None:
        """The result JSON recorded with a command id, or None if it was never recorded."""
        with self.datastore.get_connection() as conn, conn.cursor() as curs:
            curs.execute(self.command_result_statement, (command_id,), prepare=True)
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
                " to_regprocedure(%(record)s) IS NOT NULL AS record,"
                " (SELECT count(*) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid"
                "  JOIN pg_namespace n ON n.oid = c.relnamespace"
                "  WHERE n.nspname = %(schema)s AND t.tgname = ANY(%(names)s) AND t.tgenabled <> 'D') AS triggers",
                {"chain": sql.Identifier(schema, CHAIN_TABLE).as_string(),
                 "type": sql.Identifier(schema, self.stored_event_type_name).as_string(),
                 "record": sql.Identifier(schema, RECORD_FUNCTION).as_string() + RECORD_SIGNATURE,
                 "schema": schema, "names": list(ALL_TRIGGERS)},
            )
            row = curs.fetchone()
        installed = bool(row and row["chain"] and row["type"] and row["record"] and row["triggers"] == len(ALL_TRIGGERS))
        return installed and (not self.snapshots_table or self._exists(self.snapshots_table))
