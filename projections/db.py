"""The few SQL things projections need, written once for SQLite and PostgreSQL.

Projections keep their tables in the store's own database (names prefixed
``view_``), reached through the eventsourcing datastore the application already
holds, so they share its connection pool, lock timeout and PostgreSQL schema.
SQL is written with ``?`` placeholders and ``{name}`` table slots; this module
turns them into the dialect's form.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any, NamedTuple
from uuid import UUID

from eventsourcing.postgres import PostgresDatastore
from psycopg.rows import args_row, tuple_row

from store.pg_arrays import Int8s, Texts
from store.pg_arrays import register as register_arrays

VIEW_TABLES = ("view_tracking", "view_plans", "view_children")


class Tx:
    """One open transaction: execute with ``?`` placeholders, rows come back as dicts."""

    def __init__(self, cursor: Any, *, postgres: bool, names: dict[str, str]) -> None:
        self._cursor = cursor
        self._postgres = postgres
        self.names = names

    def sql(self, text: str) -> str:
        text = text.format(**self.names)
        return text.replace("?", "%s") if self._postgres else text

    def execute(self, text: str, params: Sequence[Any] = ()) -> Tx:
        self._cursor.execute(self.sql(text), tuple(params))
        return self

    def executemany(self, text: str, rows: Sequence[Sequence[Any]]) -> None:
        if rows:
            self._cursor.executemany(self.sql(text), [tuple(r) for r in rows])

    @property
    def postgres(self) -> bool:
        return self._postgres

    def execute_columns(self, text: str, arrays: Sequence[Texts | Int8s]) -> None:
        """``text`` with column arrays as parameters (PostgreSQL only)."""
        # On this cursor: registered globally, they reach only the connections
        # opened after store.pg_arrays was first imported.
        register_arrays(self._cursor.adapters)
        self.execute(text, arrays)

    def fetchone(self) -> dict[str, Any] | None:
        row = self._cursor.fetchone()
        return None if row is None else dict(row)

    def fetchall(self) -> list[dict[str, Any]]:
        return [dict(r) for r in self._cursor.fetchall()]

    @property
    def rowcount(self) -> int:
        return self._cursor.rowcount


def is_postgres(app: Any) -> bool:
    return isinstance(app.recorder.datastore, PostgresDatastore)


def table_names(app: Any) -> dict[str, str]:
    """Each table's name as SQL: schema-qualified on PostgreSQL (the store's schema)."""
    tables = (*VIEW_TABLES, "events")
    events = app.recorder.events_table_name
    if not is_postgres(app):
        return {t: (events if t == "events" else t) for t in tables}
    schema = app.recorder.datastore.schema
    return {t: f'"{schema}"."{events if t == "events" else t}"' for t in tables}


@contextmanager
def transaction(app: Any, *, commit: bool) -> Iterator[Tx]:
    """A transaction to write in (``commit=True``), or a connection to read from.

    On PostgreSQL a read runs each statement on its own (the pool's connections are
    autocommit): a statement is its own consistent snapshot, and no read here needs
    two statements to agree. BEGIN and ROLLBACK around it were two more round trips:
    a ``show`` was six round trips, now two.
    """
    datastore = app.recorder.datastore
    names = table_names(app)
    if is_postgres(app):
        if not commit:
            with datastore.get_connection() as conn:
                yield Tx(conn.cursor(), postgres=True, names=names)
            return
        with datastore.transaction(commit=commit) as cursor:
            yield Tx(cursor, postgres=True, names=names)
    else:
        # The library's SQLite transaction yields its cursor wrapper; rowcount
        # lives on the sqlite3 cursor inside it.
        with datastore.transaction(commit=commit) as cursor:
            yield Tx(cursor.sqlite_cursor, postgres=False, names=names)


def column_arrays(rows: Sequence[Sequence[Any]], bigint: Sequence[bool]) -> list[Texts | Int8s]:
    """Rows turned into one array a column, for ``INSERT ... SELECT FROM unnest(...)``: sent
    in binary, NULLs kept, and a value of another type fails the write (nothing is converted).
    psycopg's own list adaptation quotes each string in Python, costing more than the rows."""
    return [Int8s(values) if is_int else Texts(values) for values, is_int in zip(zip(*rows), bigint)]


_lz4: weakref.WeakKeyDictionary[Any, bool] = weakref.WeakKeyDictionary()


def compress_fast(app: Any, tx: Tx) -> None:
    """Have this write transaction compress large values with lz4, where the server has it.

    A plan's document (~3 kB of JSON) is stored compressed. With PostgreSQL's default,
    pglz, compressing it was over a third of the server's time on a rebuild; lz4 halved
    the server's time for writing the plans' rows. It reads back as the same text. The
    setting lasts only this transaction, needs no privilege (unlike ALTER TABLE), and a
    column given its own COMPRESSION keeps it.
    """
    if not is_postgres(app):
        return
    if app not in _lz4:
        row = tx.execute("SELECT 'lz4' = ANY(enumvals) AS lz4 FROM pg_settings"
                         " WHERE name = 'default_toast_compression'").fetchone()
        _lz4[app] = bool(row and row["lz4"])
    if _lz4[app]:
        tx.execute("SET LOCAL default_toast_compression = 'lz4'")


def event_positions(app: Any, record_id: UUID) -> dict[int, int]:
    """Each event's place in the whole log (its notification id), by version.

    Events do not carry their position, and the library reads a record's events
    without it, so this asks the log table directly (one indexed query).
    """
    if is_postgres(app):
        column, key = "notification_id", record_id
    else:
        column, key = "rowid", record_id.hex  # the SQLite recorder keeps ids as hex
    with transaction(app, commit=False) as tx:
        rows = tx.execute(
            f"SELECT {column} AS position, originator_version AS version FROM {{events}} WHERE originator_id = ?",
            (key,),
        ).fetchall()
    return {r["version"]: r["position"] for r in rows}


class Logged(NamedTuple):
    """One event as the log stores it (the fields of the library's Notification)."""

    id: int
    originator_id: UUID
    originator_version: int
    topic: str
    state: bytes


def read_log(app: Any, after: int, limit: int) -> list[Logged]:
    """The log's next ``limit`` events after position ``after``, in order.

    On PostgreSQL this reads in binary: the library's ``select_notifications`` reads
    text, so the server hex-encodes every state and the client decodes it again
    (five times the client's CPU and twice the server's, on a rebuild).
    """
    if not is_postgres(app):
        return [Logged(n.id, n.originator_id, n.originator_version, n.topic, n.state)
                for n in app.recorder.select_notifications(after + 1, limit)]
    sql = (f"SELECT notification_id, originator_id, originator_version, topic, state"
           f" FROM {table_names(app)['events']} WHERE notification_id > %s ORDER BY notification_id LIMIT %s")
    with app.recorder.datastore.get_connection() as conn:  # one statement: no BEGIN/ROLLBACK (see transaction)
        binary = conn.cursor(binary=True, row_factory=args_row(Logged))
        return binary.execute(sql, (after, limit), prepare=True).fetchall()


def records_touched(app: Any, after: int, upto: int, first: UUID, below: UUID | None) -> list[UUID]:
    """The records with an event in positions (``after``, ``upto``] whose ids are in
    [``first``, ``below``) (no upper bound when ``below`` is None), in id order (PostgreSQL)."""
    bound = "" if below is None else " AND originator_id < %s"
    sql = (f"SELECT DISTINCT originator_id FROM {table_names(app)['events']}"
           f" WHERE notification_id > %s AND notification_id <= %s AND originator_id >= %s{bound} ORDER BY 1")
    params = (after, upto, first) if below is None else (after, upto, first, below)
    with app.recorder.datastore.get_connection() as conn:
        return [row[0] for row in conn.cursor(row_factory=tuple_row).execute(sql, params).fetchall()]


def read_records(app: Any, ids: list[UUID], upto: int) -> list[Logged]:
    """Every event of these records up to position ``upto``, record by record in id order,
    each record's in version order (PostgreSQL; in binary, as ``read_log``)."""
    # The position is checked here, not in SQL: beside ``= ANY(ids)`` it led the
    # planner to scan the whole log and sort it (0.2 s a read, not 0.02).
    sql = (f"SELECT notification_id, originator_id, originator_version, topic, state"
           f" FROM {table_names(app)['events']} WHERE originator_id = ANY(%s) ORDER BY originator_id, originator_version")
    with app.recorder.datastore.get_connection() as conn:
        binary = conn.cursor(binary=True, row_factory=args_row(Logged))
        return [n for n in binary.execute(sql, (ids,), prepare=True) if n.id <= upto]


def max_position_sql(app: Any) -> str:
    column = "notification_id" if is_postgres(app) else "rowid"
    return f"(SELECT COALESCE(MAX({column}), 0) FROM {{events}})"
