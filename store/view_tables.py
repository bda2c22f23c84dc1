"""The materialised views' tables: every line of their SQL, for SQLite and PostgreSQL.

The views (``plantrail.projections.views``) keep their rows in the store's own database
(tables prefixed ``view_``), reached through the eventsourcing datastore the application
already holds, so they share its connection pool, lock timeout and PostgreSQL schema.
SQL is written with ``?`` placeholders and ``{name}`` table slots; ``Tx`` turns them into
the dialect's form. The log itself is read by ``plantrail.store.log``.
"""

from __future__ import annotations

import sys
import weakref
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from uuid import UUID

if TYPE_CHECKING:  # psycopg only where the store is on PostgreSQL
    from plantrail.store.pg_arrays import Int8s, Texts

from plantrail.store.chain import CHAIN_TABLE
from plantrail.store.commands import COMMANDS_TABLE

VIEW_TABLES = ("view_tracking", "view_plans", "view_children")


@dataclass(frozen=True)
class Table:
    """A view's table: one row a record, keyed by the record's id."""

    name: str
    key: str
    columns: tuple[str, ...]
    bigints: frozenset[str]  # the integer columns (the others are text)
    ddl: tuple[str, ...]


# One row a plan: its ``show`` document and the columns ``plans`` filters on.
PLANS = Table(
    name="view_plans", key="plan_id",
    columns=("plan_id", "child", "kind", "status", "aim", "opened_on", "closed_on", "next_review",
             "approved_version", "changed_since_approval", "version", "position", "document"),
    bigints=frozenset({"approved_version", "changed_since_approval", "version", "position"}),
    ddl=(
        "CREATE TABLE IF NOT EXISTS {view_plans} ("
        " plan_id TEXT PRIMARY KEY, child TEXT NOT NULL, kind TEXT NOT NULL, status TEXT NOT NULL,"
        " aim TEXT, opened_on TEXT, closed_on TEXT, next_review TEXT, approved_version BIGINT,"
        " changed_since_approval INTEGER NOT NULL, version BIGINT NOT NULL, position BIGINT NOT NULL,"
        " document TEXT NOT NULL)",
        "CREATE INDEX IF NOT EXISTS view_plans_child ON {view_plans} (child)",
        "CREATE INDEX IF NOT EXISTS view_plans_status ON {view_plans} (status)",
    ),
)
# One row a child: reference, name, and nation (whose bank holidays count for timescales).
CHILDREN = Table(
    name="view_children", key="child_id",
    columns=("child_id", "child_ref", "name", "born", "nation", "position"),
    bigints=frozenset({"position"}),
    ddl=(
        "CREATE TABLE IF NOT EXISTS {view_children} ("
        " child_id TEXT PRIMARY KEY, child_ref TEXT NOT NULL, name TEXT NOT NULL, born TEXT,"
        " nation TEXT NOT NULL, position BIGINT NOT NULL)",
        "CREATE INDEX IF NOT EXISTS view_children_ref ON {view_children} (child_ref)",
    ),
)
TABLES = (PLANS, CHILDREN)
TRACKING_DDL = (
    "CREATE TABLE IF NOT EXISTS {view_tracking} ("
    " name TEXT PRIMARY KEY, position BIGINT NOT NULL, version INTEGER NOT NULL)"
)


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
        from plantrail.store.pg_arrays import register as register_arrays

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
    # A store on PostgreSQL has imported the library's PostgreSQL module; asking without
    # importing it keeps psycopg out of every command on SQLite.
    postgres = sys.modules.get("eventsourcing.postgres")
    return postgres is not None and isinstance(app.recorder.datastore, postgres.PostgresDatastore)


def table_names(app: Any) -> dict[str, str]:
    """Each table's name as SQL (``{events}``, ``{commands}``, the views'): schema-qualified on
    PostgreSQL (the store's schema)."""
    names = {**{t: t for t in VIEW_TABLES}, "events": app.recorder.events_table_name, "commands": COMMANDS_TABLE,
             "chain": CHAIN_TABLE, "keys": "data_keys"}
    if not is_postgres(app):
        return names
    schema = app.recorder.datastore.schema
    return {slot: f'"{schema}"."{table}"' for slot, table in names.items()}


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
    from plantrail.store.pg_arrays import Int8s, Texts

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


def position_column(app: Any) -> str:
    """The column of an event's place in the log: PostgreSQL's ``notification_id``, SQLite's ``rowid``."""
    return "notification_id" if is_postgres(app) else "rowid"


def max_position_sql(app: Any) -> str:
    return f"(SELECT COALESCE(MAX({position_column(app)}), 0) FROM {{events}})"


# ---------------------------------------------------------------------- tracking


def view_ddl(names: dict[str, str]) -> list[str]:
    """The views' tables, made with the log's by the recorders (``init``, the first write):
    a read never runs DDL. ``names`` maps each table to its name as SQL."""
    return [statement.format(**names) for statement in (TRACKING_DDL, *(s for t in TABLES for s in t.ddl))]


def track(app: Any, views: Sequence[tuple[str, int]]) -> None:
    """Each view's tracking row (position 0, this version), if missing: on the write path."""
    with transaction(app, commit=True) as tx:
        for name, version in views:
            tx.execute("INSERT INTO {view_tracking} (name, position, version) VALUES (?, 0, ?)"
                       " ON CONFLICT (name) DO NOTHING", (name, version))


def tracking(app: Any) -> tuple[dict[str, dict[str, Any]], int]:
    """Every view's position and version, and the log's last position: one statement, one
    snapshot (two where no view is tracked yet)."""
    with transaction(app, commit=False) as tx:
        rows = tx.execute(
            f"SELECT name, position, version, {max_position_sql(app)} AS log_position FROM {{view_tracking}}"
        ).fetchall()
        if not rows:  # nothing has caught up yet: the log's position alone
            return {}, tx.execute(f"SELECT {max_position_sql(app)} AS log_position").fetchone()["log_position"]
    return {r["name"]: r for r in rows}, rows[0]["log_position"]


def advance(tx: Tx, name: str, expected: int, to: int) -> bool:
    """Move a view from ``expected`` to ``to``; False if another process moved it meanwhile."""
    # Written first: on SQLite this takes the write lock before anything is read.
    tx.execute("UPDATE {view_tracking} SET position = ? WHERE name = ? AND position = ?", (to, name, expected))
    return tx.rowcount == 1


def reset(app: Any, name: str, version: int, table: Table) -> None:
    """Empty a view's table and put it back to position 0, at this version of its code."""
    with transaction(app, commit=True) as tx:
        tx.execute(f"DELETE FROM {{{table.name}}}")
        tx.execute("INSERT INTO {view_tracking} (name, position, version) VALUES (?, 0, ?)"
                   " ON CONFLICT (name) DO UPDATE SET position = 0, version = excluded.version",
                   (name, version))


# ---------------------------------------------------------------------- rows


class Gone(tuple):  # type: ignore[type-arg]
    """In place of a row: the record's child was erased, and its row is deleted (a view keeps
    nothing of an erased child)."""


def upsert(tx: Tx, table: Table, rows: list[tuple[Any, ...]]) -> None:
    """One row a record (a batch never holds two rows of one record), always written over
    the row there: a row is never kept for claiming a later position (a forged one would
    be). Two processes bringing a view up to date at once cannot leave a row behind its
    view's position: a batch's rows and its move of the position are one transaction that
    fails whole if another moved the view first, and where rebuild workers wrote rows
    before the position moves, whoever moves it on next folds every record touched after
    the position it moves from (``projections.runner``)."""
    gone = [row[0] for row in rows if isinstance(row, Gone)]
    if gone:
        rows = [row for row in rows if not isinstance(row, Gone)]
        marks = ", ".join("?" for _ in gone)
        tx.execute(f"DELETE FROM {{{table.name}}} WHERE {table.key} IN ({marks})", gone)
    if not rows:
        return
    cols = ", ".join(table.columns)
    sets = ", ".join(f"{c} = excluded.{c}" for c in table.columns if c != table.key)
    conflict = f"ON CONFLICT ({table.key}) DO UPDATE SET {sets}"
    if tx.postgres:
        # One statement a batch, a column an array: a statement a row cost the
        # runner and the server more than the rows themselves.
        bigint = [c in table.bigints for c in table.columns]
        arrays = ", ".join("?::bigint[]" if b else "?::text[]" for b in bigint)
        tx.execute_columns(f"INSERT INTO {{{table.name}}} AS kept ({cols}) SELECT * FROM unnest({arrays}) {conflict}",
                           column_arrays(rows, bigint))
        return
    marks = ", ".join("?" for _ in table.columns)
    tx.executemany(f"INSERT INTO {{{table.name}}} AS kept ({cols}) VALUES ({marks}) {conflict}", rows)


def known_ids(tx: Tx, table: Table, ids: set[UUID]) -> set[UUID]:
    """Which of these records have a row in the table."""
    marks = ", ".join("?" for _ in ids)
    rows = tx.execute(f"SELECT {table.key} AS id FROM {{{table.name}}} WHERE {table.key} IN ({marks})",
                      [str(i) for i in ids]).fetchall()
    return {UUID(r["id"]) for r in rows}


# ---------------------------------------------------------------------- reads


def _select(app: Any, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
    with transaction(app, commit=False) as tx:
        return tx.execute(sql, params).fetchall()


def plan_rows(app: Any, child: str | None = None, status: str | None = None) -> list[dict[str, Any]]:
    """The plans view's rows (without documents), by opening date, of a child or status."""
    where, params = [], []
    if child is not None:
        where.append("child = ?")
        params.append(child)
    if status is not None:
        where.append("status = ?")
        params.append(status)
    return _select(
        app,
        "SELECT plan_id, child, kind, status, aim, opened_on, closed_on, next_review, approved_version,"
        " changed_since_approval, version FROM {view_plans}"
        + (" WHERE " + " AND ".join(where) if where else "")
        + " ORDER BY opened_on, plan_id",
        params,
    )


def plan_ids_starting(app: Any, dashed_prefix: str) -> list[UUID]:
    """Plans whose (dashed) id starts with the prefix: an indexed range. The prefix holds
    only hex digits and dashes, so the pattern has no wildcards but its own."""
    rows = _select(app, "SELECT plan_id FROM {view_plans} WHERE plan_id LIKE ?", (dashed_prefix + "%",))
    return [UUID(r["plan_id"]) for r in rows]


def open_plans_with_nations(app: Any) -> list[dict[str, Any]]:
    """Each open plan's id, child, document (JSON text) and its child's nation."""
    return _select(
        app,
        "SELECT p.plan_id, p.child, p.document, c.nation FROM {view_plans} p"
        " LEFT JOIN {view_children} c ON c.child_ref = p.child WHERE p.status = 'open'",
    )


def child_nations(app: Any, refs: Sequence[str]) -> dict[str, str]:
    """The nations of these children, by reference."""
    marks = ", ".join("?" for _ in refs)
    rows = _select(app, f"SELECT child_ref, nation FROM {{view_children}} WHERE child_ref IN ({marks})", refs)
    return {r["child_ref"]: r["nation"] for r in rows}


def child_rows(app: Any, search: str | None = None) -> list[dict[str, Any]]:
    """The children view's rows whose reference or name holds ``search`` (any case)."""
    where, params = "", []
    if search:
        pattern = "%" + search.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        where = " WHERE lower(child_ref) LIKE ? ESCAPE '\\' OR lower(name) LIKE ? ESCAPE '\\'"
        params = [pattern, pattern]
    return _select(app, "SELECT child_id, child_ref, name, born, nation, position FROM {view_children}" + where,
                   params)
