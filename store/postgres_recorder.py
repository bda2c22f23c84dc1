"""PostgreSQL application recorder whose one save function writes events and their chain links together."""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from importlib import resources
from typing import Any

from eventsourcing.persistence import ApplicationRecorder, InterfaceError, OperationalError, StoredEvent, Subscription
from eventsourcing.postgres import (
    PostgresApplicationRecorder,
    PostgresDatastore,
    PostgresFactory,
)
from eventsourcing.utils import retry
from psycopg import sql
from psycopg.errors import DuplicateObject
from psycopg.rows import tuple_row

from plantrail.store.chain import CHAIN_TABLE, EVENTS_TABLE, canonical_sql
from plantrail.store.commands import (
    ADDED_COLUMNS,
    COMMANDS_TABLE,
    CommandRow,
    command_rows,
    pg_command_statements,
    unchanged_reads,
)
from plantrail.store.guards import PG_GUARD_TRIGGERS, pg_guard_statements
from plantrail.store.keys import KEYS_TABLE, Keyring, pg_keys_statements
from plantrail.store.log import partial_indexes
from plantrail.store.mapper import RecordsEventStoreMixin
from plantrail.store.pg_arrays import bytea_array, int8_array, int8s_of, text_array, uuid_array
from plantrail.store.pg_save import PreparedSave
from plantrail.store.quirks import also_on_connect, hottest_first, kept_cursor
from plantrail.store.record_reads import one_record, plan_with_reader, several_records
from plantrail.store.sealing import attach_sealer, envelope_at, key_hex, subjects_of
from plantrail.store.settings import session_setup
from plantrail.store.subscription import PollingSubscription
from plantrail.store.view_tables import VIEW_TABLES, view_ddl

# The name carries the body's version: a store opened by an owner gets a changed body
# under a new name (the recorder checks that its version exists), never a stale one.
RECORD_FUNCTION = "plantrail_record_v4"
SAVE_SQL = "save_v4.sql"
SAVE_TURN_TABLE = "save_turn"  # (the table saves take turns on: save_v4.sql)
# Its parameters, in order: the definition, the call and the installed check follow this.
RECORD_PARAMS = (("oids", "uuid[]"), ("vers", "bigint[]"), ("topics", "text[]"), ("states", "bytea[]"),
                 ("command_ids", "text[]"), ("results", "text[]"), ("digests", "text[]"), ("firsts", "bigint[]"),
                 ("read_ids", "uuid[]"), ("read_versions", "bigint[]"), ("wait", "text"))
RECORD_SIGNATURE = "(" + ", ".join(kind for _, kind in RECORD_PARAMS) + ")"
# The names the save is prepared under on each connection (store/pg_save.py): alone, and with
# the keys of new children saved in the same statement (insert_events).
SAVE_STATEMENT = b"plantrail_save_v4"
SAVE_WITH_KEYS_STATEMENT = b"plantrail_save_v4_keys"
ALL_TRIGGERS = tuple(name for pair in PG_GUARD_TRIGGERS.values() for name in pair)
# What earlier versions installed and this one replaces (see pg_retired_statements): the
# trigger that chained every insert, its function, an unused link function, the saves v1 to v3.
RETIRED_TRIGGER = f"{EVENTS_TABLE}_chain"
RETIRED_V1 = "plantrail_record_v1(uuid[], bigint[], text[], bytea[], text[], text[], uuid[], bigint[], text)"
RETIRED_V2 = "plantrail_record_v2(uuid[], bigint[], text[], bytea[], text[], text[], uuid[], bigint[], text)"
RETIRED_V3 = "plantrail_record_v3" + RECORD_SIGNATURE  # (the log's EXCLUSIVE lock: save_v4.sql says why not)
RETIRED_FUNCTIONS = ("plantrail_chain_events()", "plantrail_event_link(bytea, bigint, uuid, bigint, text, bytea)",
                     RETIRED_V1, RETIRED_V2, RETIRED_V3)


def pg_chain_statements(schema: str) -> list[sql.Composed]:
    return [sql.SQL(
        # Saves take turns on this table's lock (save_v4.sql); it holds nothing, and no role
        # but the owner is granted anything on it.
        "CREATE TABLE IF NOT EXISTS {s}.{turn} ()").format(s=sql.Identifier(schema),
                                                           turn=sql.Identifier(SAVE_TURN_TABLE)),
        sql.SQL(
        # recorded_by/recorded_at: provenance from the server itself, not from the
        # client, so a writer cannot claim another identity or time.
        "CREATE TABLE IF NOT EXISTS {s}.{chain} ("
        " position bigint PRIMARY KEY,"
        " prev_position bigint NOT NULL UNIQUE,"  # the chain cannot fork
        " link bytea NOT NULL CHECK (octet_length(link) = 32),"
        " recorded_by text NOT NULL DEFAULT session_user,"
        " recorded_at timestamptz NOT NULL DEFAULT clock_timestamp())"
    ).format(s=sql.Identifier(schema), chain=sql.Identifier(CHAIN_TABLE))]


def pg_retired_statements(schema: str) -> list[sql.Composed]:
    """Remove what earlier versions installed, in the transaction that installs the save
    function: a process of an earlier version still calling plantrail_record_v1 as a role
    that cannot install it again then fails ("does not exist") instead of writing events
    that nothing chains."""
    s = sql.Identifier(schema)
    return [sql.SQL("DROP TRIGGER IF EXISTS {t} ON {s}.{e}").format(
        t=sql.Identifier(RETIRED_TRIGGER), s=s, e=sql.Identifier(EVENTS_TABLE))] + [
        sql.SQL("DROP FUNCTION IF EXISTS {s}.").format(s=s) + sql.SQL(signature) for signature in RETIRED_FUNCTIONS]


def pg_record_statements(schema: str) -> list[sql.Composed]:
    """The save function (``save_v4.sql``, which says what it does and why), and EXECUTE on
    it taken from PUBLIC: only roles the owner names may save (docs/integrity.md)."""
    fmt = {"s": sql.Identifier(schema), "events": sql.Identifier(EVENTS_TABLE),
           "chain": sql.Identifier(CHAIN_TABLE), "commands": sql.Identifier(COMMANDS_TABLE),
           "fn": sql.Identifier(RECORD_FUNCTION), "turn": sql.Identifier(SAVE_TURN_TABLE)}
    body = resources.files(__package__).joinpath(SAVE_SQL).read_text(encoding="utf-8")
    params = sql.SQL(", ".join(f"{name} {kind}" for name, kind in RECORD_PARAMS))
    return [
        sql.SQL(body).format(**fmt, params=params, link=sql.SQL(canonical_sql("w."))),
        sql.SQL("REVOKE ALL ON FUNCTION {s}.{fn}" + RECORD_SIGNATURE + " FROM PUBLIC").format(**fmt),
    ]


def pg_carry_over_grants(schema: str) -> sql.Composed:
    """On an upgrade (run before pg_retired_statements removes the old saves): EXECUTE on this
    save function for every role that could save before, and no others: under the saves v2
    and v3, the roles with EXECUTE on them; under v1, the roles that could insert into the log."""
    fmt = {"s": sql.Identifier(schema), "fn": sql.Identifier(RECORD_FUNCTION)}
    grant = sql.SQL("GRANT EXECUTE ON FUNCTION {s}.{fn}" + RECORD_SIGNATURE + " TO ").format(**fmt).as_string()
    prefix = sql.SQL("{s}.").format(s=fmt["s"]).as_string()
    # regrole's text is already quoted where a name needs it ("Records Team").
    grantee = "CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE a.grantee::regrole::text END"
    return sql.SQL(
        "DO $grants$ DECLARE g text; BEGIN"
        " FOR g IN SELECT DISTINCT " + grantee + " FROM pg_proc p, aclexplode(p.proacl) a"
        "  WHERE p.oid IN (to_regprocedure({v2}), to_regprocedure({v3}))"
        "  AND a.privilege_type = 'EXECUTE' AND a.grantee <> p.proowner"
        " UNION SELECT DISTINCT " + grantee + " FROM pg_class c, aclexplode(c.relacl) a"
        "  WHERE to_regprocedure({v1}) IS NOT NULL AND c.oid = to_regclass({events})"
        "  AND a.privilege_type = 'INSERT' AND a.grantee <> c.relowner LOOP"
        "  EXECUTE {grant} || g;"
        " END LOOP; END $grants$"
    ).format(v1=sql.Literal(prefix + RETIRED_V1), v2=sql.Literal(prefix + RETIRED_V2),
             v3=sql.Literal(prefix + RETIRED_V3), events=sql.Literal(sql.Identifier(schema, EVENTS_TABLE).as_string()),
             grant=sql.Literal(grant))


def _view_names(schema: str) -> dict[str, str]:
    return {table: sql.Identifier(schema, table).as_string() for table in VIEW_TABLES}


class ChainedPostgresApplicationRecorder(PostgresApplicationRecorder):
    def __init__(self, datastore: PostgresDatastore, *, events_table_name: str = EVENTS_TABLE, **kwargs: Any):
        if datastore.originator_id_type != "uuid":
            raise ValueError("plantrail's store needs ORIGINATOR_ID_TYPE=uuid")
        hottest_first(datastore.pool)
        if setup := session_setup():
            also_on_connect(datastore.pool, setup)
        # The factory passes "<appname>_events"; a fixed name lets verify, guards
        # and checkpoints find the log from the URL alone (as on SQLite).
        super().__init__(datastore, events_table_name=EVENTS_TABLE, **kwargs)
        schema = sql.Identifier(self.datastore.schema)
        # The whole save is one prepared call (see pg_record_statements); its arrays
        # go in binary, not as the library's array of a composite type (dumped as
        # text, escaped by regex, event by event).
        call = sql.SQL("{s}.{fn}(" + ", ".join(f"${i}::{kind}" for i, (_, kind) in enumerate(RECORD_PARAMS, 1))
                       + ")").format(s=schema, fn=sql.Identifier(RECORD_FUNCTION))
        self._save = PreparedSave(SAVE_STATEMENT, sql.SQL("SELECT {call}").format(call=call).as_string().encode())
        # New children's keys in the same statement and transaction, inserted before the call
        # (its FROM needs them: every save takes the keys' row locks before the log's lock).
        # A key another process saved first is a unique violation, and nothing is saved.
        n = len(RECORD_PARAMS)
        self._save_with_keys = PreparedSave(SAVE_WITH_KEYS_STATEMENT, sql.SQL(
            "WITH k AS (INSERT INTO {s}.{keys} (subject_id, wrapped, kek_id) SELECT * FROM ROWS FROM ("
            f"pg_catalog.unnest(${n + 1}::text[]), pg_catalog.unnest(${n + 2}::bytea[]), "
            f"pg_catalog.unnest(${n + 3}::text[])) RETURNING 1) "
            "SELECT {call} FROM (SELECT pg_catalog.count(*) FROM k) AS keys_saved"
        ).format(s=schema, keys=sql.Identifier(KEYS_TABLE), call=call).as_string().encode())
        self._lock_wait = f"{self.datastore.lock_timeout}s".encode()
        self._select_statements: dict[tuple[bool, ...], str] = {}
        self._select_records_statement: str | None = None
        self._plan_with_reader_statement: str | None = None
        self.command_records_statement = sql.SQL(
            "SELECT command_id, result, digest, position FROM {s}.{t} WHERE command_id = ANY(%s)").format(
            s=schema, t=sql.Identifier(COMMANDS_TABLE))
        self.event_state_statement = sql.SQL("SELECT state FROM {s}.{t} WHERE notification_id = %s").format(
            s=schema, t=sql.Identifier(EVENTS_TABLE))

    keyring: Keyring | None = None
    sealer: Any = None  # (set with the keyring: store/sealing.py)

    def seal_with(self, mapper: Any, env: Any) -> None:
        """Seal the personal content of events about a child (store/sealing.py)."""
        self.keyring = attach_sealer(self, mapper, env)

    def create_table(self) -> None:
        # Skip DDL when everything is in place, so an application role that
        # does not own the tables (docs/integrity.md) can still open the store.
        if self._is_installed():
            self.datastore.register_type_adapters()
            return
        schema = self.datastore.schema
        # One connection, one transaction: the lock, the check and every statement. Two
        # processes opening a fresh store at once queue on the advisory lock (released when
        # the transaction ends) and the second finds everything made; a pool of one
        # connection is enough (it waited for a second one, for ever); a failure leaves
        # nothing half made.
        with self.datastore.transaction(commit=True) as curs:
            curs.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (f"plantrail:{schema}",))
            if not self._is_installed(curs):
                _create(curs, self.sql_create_statements)
                _create(curs, pg_chain_statements(schema) + pg_command_statements(schema)
                        + pg_record_statements(schema) + [pg_carry_over_grants(schema)]
                        + pg_retired_statements(schema) + pg_guard_statements(schema) + pg_keys_statements(schema)
                        + [sql.SQL(s) for s in view_ddl(_view_names(schema))]
                        + [sql.SQL(i) for i in partial_indexes(sql.Identifier(schema, EVENTS_TABLE).as_string(),
                                                               postgres=True)])
        self.datastore.register_type_adapters()

    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)
    def insert_events(self, stored_events: Sequence[StoredEvent], **kwargs: Any) -> Sequence[int] | None:
        """Command ids, lock, read check, events and their links: one statement,
        one round trip, its own transaction (the pool's connections are autocommit).

        An error anywhere (a repeated command id, a record changed meanwhile) is mapped,
        as the datastore maps it, to the library's IntegrityError; nothing of the save is
        recorded. The library's version takes three round trips and sends a NOTIFY on
        every insert; this one sends none (``subscribe()`` polls: store/subscription.py).
        """
        commands = command_rows(kwargs)
        if not stored_events and not commands:
            return []  # nothing to record: no lock, no round trip
        read = unchanged_reads(kwargs)
        params = self._save_params(stored_events, commands, read)
        keys = (self.keyring.take_pending(subjects_of(e.state for e in stored_events))
                if self.keyring is not None else [])
        if not keys:
            return int8s_of(self._save.run(self.datastore, params))
        # The new children's keys with the events they seal: one statement, one transaction.
        try:
            return int8s_of(self._save_with_keys.run(self.datastore, (
                *params, text_array([k for k, _, _ in keys]), bytea_array([w for _, w, _ in keys]),
                text_array([i for _, _, i in keys]))))
        except BaseException as error:
            # Not saved (or its reply lost): the keys stay to be saved with the next try, but
            # where the store holds a child's key already (another process's, an earlier
            # try's), that one is opened for the next try (nothing was saved).
            assert self.keyring is not None
            self.keyring.return_pending(keys, lost=getattr(error, "table", None) == KEYS_TABLE)
            raise

    def _save_params(self, stored_events: Sequence[StoredEvent], commands: Sequence[Any],
                     read: Sequence[Any]) -> tuple[bytes | None, ...]:
        return (
            uuid_array([e.originator_id for e in stored_events]),
            int8_array([e.originator_version for e in stored_events]),
            text_array([e.topic for e in stored_events]),
            bytea_array([e.state for e in stored_events]),
            # NULL for an empty list: nothing to send, and the function skips the step.
            text_array([c.command_id for c in commands]) if commands else None,
            text_array([c.result for c in commands]) if commands else None,
            text_array([c.digest for c in commands]) if commands else None,
            int8_array([c.first for c in commands]) if commands else None,
            uuid_array([i for i, _ in read]) if read else None,
            int8_array([v for _, v in read]) if read else None,
            self._lock_wait,
        )

    # Retried as the library retries its reads: a connection the server closed (a restart,
    # a failover, an idle-connection killer) is replaced, not reported to the command.
    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)
    def select_events(self, originator_id: Any, *, gt: int | None = None, lte: int | None = None,
                      desc: bool = False, limit: int | None = None) -> Any:
        # As the library's, with each shape of the statement composed once (the library
        # composes and encodes it again on every read: several per command), and the first
        # sealed event's key in the same round trip where the keys' table is known to be there
        # (store/record_reads.py), unless the process holds that key already (it read the record).
        keyring = self.keyring
        with_key = (keyring is not None and keyring.table_known and gt is None and not desc
                    and not self.sealer.key_open(originator_id))
        shape = (gt is not None, lte is not None, desc, limit is not None, with_key)
        statement = self._select_statements.get(shape)
        if statement is None:
            statement = self._select_statements[shape] = one_record(self.datastore.schema, shape[:4],
                                                                    with_key=with_key)
        params = [originator_id, *(p for p in (gt, lte, limit) if p is not None)]
        with self.datastore.get_connection() as conn:
            curs = kept_cursor(conn)
            curs.execute(statement, params, prepare=True)
            rows = curs.fetchall()
        if with_key and rows and rows[0][4] is not None:
            keyring.offer(key_hex(rows[0][3]), bytes(rows[0][4]), rows[0][5])
        return [StoredEvent(originator_id=r[0], originator_version=r[1], topic=r[2], state=bytes(r[3])) for r in rows]

    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)
    def select_records(self, originator_ids: Sequence[Any]) -> dict[Any, list[StoredEvent]]:
        """The events of several records in one round trip (a logged read's reader and child),
        each record's in version order; a record with no events is absent."""
        if self._select_records_statement is None:
            self._select_records_statement = several_records(self.datastore.schema)
        with self.datastore.get_connection() as conn:
            curs = kept_cursor(conn)
            curs.execute(self._select_records_statement, [list(originator_ids)], prepare=True)
            return _by_record(curs.fetchall())

    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)
    def select_plan_with_reader(self, plan_id: Any, reader_id: Any) -> dict[Any, list[StoredEvent]] | None:
        """A plan's events, its reader's and its child's, in one round trip
        (record_reads.plan_with_reader), by record, each in version order; a record with no
        events is absent. Each record's first event comes with its key's row, if sealed (the
        keyring opens it unless it holds it already). None where the keys' table is not known
        to be there (a read then asks for each apart)."""
        if self.keyring is None or not self.keyring.table_known:
            return None
        if self._plan_with_reader_statement is None:
            self._plan_with_reader_statement = plan_with_reader(self.datastore.schema)
        with self.datastore.get_connection() as conn:
            curs = kept_cursor(conn)
            curs.execute(self._plan_with_reader_statement, [plan_id, reader_id, plan_id], prepare=True)
            rows = curs.fetchall()
        for r in rows:
            if r[4] is not None:
                self.keyring.offer(key_hex(r[3]), bytes(r[4]), r[5])
        return _by_record(rows)

    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)
    def command_records(self, command_ids: Sequence[str]) -> dict[str, CommandRow]:
        """The command log's rows for these ids (those recorded)."""
        if not command_ids:
            return {}
        with self.datastore.get_connection() as conn, conn.cursor(row_factory=tuple_row) as curs:
            curs.execute(self.command_records_statement, (list(command_ids),), prepare=True)
            return {row[0]: CommandRow(*row[1:]) for row in curs.fetchall()}

    event_envelope = envelope_at  # the plain fields of the event at a position

    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)
    def event_state(self, position: int) -> bytes | None:
        """The stored state of the event at a position, if there is one."""
        with self.datastore.get_connection() as conn, conn.cursor(binary=True, row_factory=tuple_row) as curs:
            row = curs.execute(self.event_state_statement, (position,), prepare=True).fetchone()
        return bytes(row[0]) if row else None

    def subscribe(self, gt: int | None = None, topics: Sequence[str] = ()) -> Subscription[ApplicationRecorder]:
        """The log from position ``gt`` on, then each event as it is saved (polled:
        the save sends no NOTIFY; store/subscription.py)."""
        return PollingSubscription(self, gt=gt, topics=topics)

    def _exists(self, table: str, curs: Any = None) -> bool:
        if curs is None:  # a read-only transaction of its own
            with self.datastore.transaction(commit=False) as curs:
                return self._exists(table, curs)
        curs.execute("SELECT to_regclass(%s) IS NOT NULL AS found",
                     (sql.Identifier(self.datastore.schema, table).as_string(),))
        row = curs.fetchone()
        return bool(row and row["found"])

    def _is_installed(self, curs: Any = None) -> bool:
        if curs is None:  # a read-only transaction of its own
            with self.datastore.transaction(commit=False) as curs:
                return self._is_installed(curs)
        schema = self.datastore.schema
        curs.execute(
            "SELECT to_regclass(%(chain)s) IS NOT NULL AS chain,"
            " to_regtype(%(type)s) IS NOT NULL AS type,"
            " to_regprocedure(%(record)s) IS NOT NULL AS record,"
            " (SELECT count(*) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid"
            "  JOIN pg_namespace n ON n.oid = c.relnamespace"
            "  WHERE n.nspname = %(schema)s AND t.tgname = ANY(%(names)s) AND t.tgenabled <> 'D') AS triggers,"
            # An earlier version's chain trigger, put back by a process of that version
            # run as the owner: with it, every save here would be chained twice (and refused).
            " NOT EXISTS (SELECT 1 FROM pg_trigger t WHERE t.tgrelid = to_regclass(%(events)s)"
            "  AND t.tgname = %(retired)s) AS no_retired,"
            " (SELECT count(*) FROM pg_attribute WHERE attrelid = to_regclass(%(commands)s)"
            "  AND attname = ANY(%(added)s) AND NOT attisdropped) AS added",
            {"chain": sql.Identifier(schema, CHAIN_TABLE).as_string(),
             "type": sql.Identifier(schema, self.stored_event_type_name).as_string(),
             "record": sql.Identifier(schema, RECORD_FUNCTION).as_string() + RECORD_SIGNATURE,
             "schema": schema, "names": list(ALL_TRIGGERS),
             "events": sql.Identifier(schema, EVENTS_TABLE).as_string(), "retired": RETIRED_TRIGGER,
             "commands": sql.Identifier(schema, COMMANDS_TABLE).as_string(),
             "added": [column for column, _ in ADDED_COLUMNS]},
        )
        row = curs.fetchone()
        installed = bool(row and row["chain"] and row["type"] and row["record"] and row["triggers"] == len(ALL_TRIGGERS)
                         and row["no_retired"] and row["added"] == len(ADDED_COLUMNS)
                         and all(self._exists(table, curs) for table in (*VIEW_TABLES, KEYS_TABLE, SAVE_TURN_TABLE)))
        return installed


def _create(curs: Any, statements: Sequence[sql.Composable]) -> None:
    """DDL in the caller's transaction. CREATE TYPE has no IF NOT EXISTS (the library
    makes its type in a transaction of its own for that): a savepoint does it here."""
    for statement in statements:
        if "CREATE TYPE" in statement.as_string():
            with contextlib.suppress(DuplicateObject), curs.connection.transaction():
                curs.execute(statement, prepare=False)
        else:
            curs.execute(statement, prepare=False)


def _by_record(rows: Sequence[Any]) -> dict[Any, list[StoredEvent]]:
    """Rows of several records' events (id, version, topic, state first), by record."""
    found: dict[Any, list[StoredEvent]] = {}
    for r in rows:
        found.setdefault(r[0], []).append(
            StoredEvent(originator_id=r[0], originator_version=r[1], topic=r[2], state=bytes(r[3])))
    return found


class PostgresRecordsFactory(RecordsEventStoreMixin, PostgresFactory):
    """The library's PostgreSQL factory, whose event store opens a record's events together."""
