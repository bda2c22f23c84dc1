"""Where verify reads the log from: one class a kind of store, behind one protocol.

Each reads one consistent snapshot of the log (events and links by position) and gives
the fast walk its batches in the form it hashes quickest; ``plantrail.store.verify``
walks and judges, and hashes every event itself.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NamedTuple, Protocol

from plantrail.store.chain import CHAIN_TABLE, EVENTS_TABLE, canonical, canonical_sql, next_link
from plantrail.store.errors import StoreUnavailable
from plantrail.store.settings import PostgresURL, SQLiteURL, parse_url, pg_connect, read_only_uri
from plantrail.store.windows import in_windows


class Event(NamedTuple):
    position: int
    originator_id: Any  # a uuid; SQLite keeps it as 32 hex digits
    originator_version: int
    topic: str | None
    state: bytes | None


class Link(NamedTuple):
    position: int
    prev_position: int
    link: bytes


class Hashables(NamedTuple):
    """A batch of events as the fast walk hashes them: their positions, and one item an
    event that ``LogSource.chain`` turns into links."""

    positions: tuple[int, ...]
    items: Sequence[Any]


class LinkColumns(NamedTuple):
    positions: tuple[int, ...]
    prevs: tuple[int, ...]
    links: tuple[bytes, ...]


class LogSource(Protocol):
    # Whether the next batch may be fetched on another thread (sqlite3 connections refuse).
    threaded: bool
    standby: bool  # a hot standby, answering as of what it has replayed
    timeline: int  # above 1 once the server has been promoted from a standby

    def events(self, after: int, n: int) -> list[Event]: ...

    def links(self, after: int, n: int) -> list[Link]: ...

    def hashables(self, after: int, n: int) -> Hashables: ...

    def chain(self, prev: bytes, items: Sequence[Any]) -> list[bytes] | None:
        """The links a run of hashables makes from ``prev``; None if one can't be hashed."""

    def link_columns(self, after: int, n: int) -> LinkColumns: ...

    def highest_issued(self) -> int | None:
        """The highest position the store ever issued, where it keeps one."""


class _RowHashing:
    """Hashables are the event rows themselves, hashed by store.chain.next_link."""

    threaded = False
    standby, timeline = False, 1  # a primary, never promoted, until the server says otherwise

    def events(self, after: int, n: int) -> list[Event]:  # pragma: no cover - each source's own
        raise NotImplementedError

    def links(self, after: int, n: int) -> list[Link]:  # pragma: no cover - each source's own
        raise NotImplementedError

    def hashables(self, after: int, n: int) -> Hashables:
        rows = self.events(after, n)
        return Hashables(tuple(r[0] for r in rows), rows)

    def chain(self, prev: bytes, items: Sequence[Any]) -> list[bytes] | None:
        try:
            return [prev := next_link(prev, *e) for e in items]
        except (ValueError, TypeError):  # e.g. an originator id that is no longer a uuid
            return None

    def link_columns(self, after: int, n: int) -> LinkColumns:
        rows = self.links(after, n)
        return LinkColumns(*zip(*rows)) if rows else LinkColumns((), (), ())

    def highest_issued(self) -> int | None:
        return None


def _event_row(_: Any, row: tuple[Any, ...]) -> Event:
    return Event(*row)


def _link_row(_: Any, row: tuple[Any, ...]) -> Link:
    return Link(*row)


class SQLiteSource(_RowHashing):
    def __init__(self, conn: sqlite3.Connection, tables: set[str]) -> None:
        self.has_chain = CHAIN_TABLE in tables
        self._issued = None
        if "sqlite_sequence" in tables:
            row = conn.execute("SELECT seq FROM sqlite_sequence WHERE name = ?", (EVENTS_TABLE,)).fetchone()
            self._issued = row[0] if row else None
        self.event_rows, self.link_rows = conn.cursor(), conn.cursor()
        self.event_rows.row_factory, self.link_rows.row_factory = _event_row, _link_row

    def events(self, after: int, n: int) -> list[Event]:
        return self.event_rows.execute(
            f"SELECT rowid, originator_id, originator_version, topic, state FROM {EVENTS_TABLE} "
            "WHERE rowid > ? ORDER BY rowid LIMIT ?", (after, n)).fetchall()

    def links(self, after: int, n: int) -> list[Link]:
        if not self.has_chain:
            return []
        return self.link_rows.execute(
            f"SELECT position, prev_position, link FROM {CHAIN_TABLE} "
            "WHERE position > ? ORDER BY position LIMIT ?", (after, n)).fetchall()

    def highest_issued(self) -> int | None:
        return self._issued


class PostgresSource(_RowHashing):
    """Rows in binary (bytea arrives as bytes, with no hex to decode); the fast path's
    links as three arrays in one row (half the client's time for them). Each read asks for a
    window of positions bounded at both ends (store/windows.py), so no plan the server may
    choose reads more of the log than that window."""

    threaded = True  # psycopg lets go of the GIL while the server works

    def __init__(self, conn: Any, schema: str, has_chain: bool) -> None:
        from psycopg import sql
        from psycopg.rows import args_row

        self.has_chain = has_chain
        fmt = {"s": sql.Identifier(schema), "e": sql.Identifier(EVENTS_TABLE), "c": sql.Identifier(CHAIN_TABLE)}
        events_in = " WHERE notification_id > %s AND notification_id <= %s ORDER BY notification_id LIMIT %s"
        links_in = " WHERE position > %s AND position <= %s ORDER BY position LIMIT %s"
        self.q_events = sql.SQL("SELECT notification_id, originator_id, originator_version, topic, state FROM {s}.{e}"
                                + events_in).format(**fmt)
        self.q_links = sql.SQL("SELECT position, prev_position, link FROM {s}.{c}" + links_in).format(**fmt)
        # The links come in the subquery's order; were that ever not so, the batch would
        # not be in step, and the careful walk would check it link by link.
        self.q_link_columns = sql.SQL(
            "SELECT array_agg(position), array_agg(prev_position), array_agg(link) FROM"
            " (SELECT position, prev_position, link FROM {s}.{c}" + links_in + ") AS batch").format(**fmt)
        self.q_canonicals = sql.SQL("SELECT notification_id, " + canonical_sql() + " FROM {s}.{e}"
                                    + events_in).format(**fmt)
        # The ends of the log and of the chain in this snapshot (verify reads one: where a
        # window comes back short, they say whether that is the end or a gap).
        chain_end = "(SELECT MAX(position) FROM {s}.{c})" if has_chain else "NULL"
        ends = conn.execute(sql.SQL("SELECT (SELECT MAX(notification_id) FROM {s}.{e}), " + chain_end)
                            .format(**fmt)).fetchone()
        self.events_end, self.links_end = (ends[0] or 0), (ends[1] or 0)
        # A cursor each: the fast path fetches on a worker thread, and cursors are not shared.
        self.event_rows = conn.cursor(binary=True, row_factory=args_row(Event))
        self.link_rows = conn.cursor(binary=True, row_factory=args_row(Link))
        self.columns = conn.cursor(binary=True)

    def events(self, after: int, n: int) -> list[Event]:
        return in_windows(lambda low, high, k: self.event_rows.execute(self.q_events, (low, high, k)).fetchall(),
                          after, n, lambda: self.events_end)

    def links(self, after: int, n: int) -> list[Link]:
        if not self.has_chain:
            return []
        return in_windows(lambda low, high, k: self.link_rows.execute(self.q_links, (low, high, k)).fetchall(),
                          after, n, lambda: self.links_end)

    def link_columns(self, after: int, n: int) -> LinkColumns:
        if not self.has_chain:
            return LinkColumns((), (), ())

        def window(low: int, high: int, k: int) -> LinkColumns:
            row = self.columns.execute(self.q_link_columns, (low, high, k)).fetchone()
            return LinkColumns(*(tuple(column or ()) for column in row))

        return in_windows(window, after, n, lambda: self.links_end, size=lambda c: len(c.positions),
                          join=lambda cs: LinkColumns(*(sum(columns, ()) for columns in zip(*cs))))


class PostgresServerHashingSource(PostgresSource):
    """As PostgresSource, but the server sends each event as the one byte string the
    verifier hashes (store.chain.canonical_sql): the client still does all the hashing,
    of exactly what is stored, with no Python per column. Used only where the server
    builds those bytes as canonical() does (``canonical_agrees``)."""

    def __init__(self, conn: Any, schema: str, has_chain: bool) -> None:
        super().__init__(conn, schema, has_chain)
        self.hashing = conn.cursor(binary=True)

    def hashables(self, after: int, n: int) -> Hashables:
        rows = in_windows(lambda low, high, k: self.hashing.execute(self.q_canonicals, (low, high, k)).fetchall(),
                          after, n, lambda: self.events_end)
        return Hashables(*zip(*rows)) if rows else Hashables((), ())

    def chain(self, prev: bytes, items: Sequence[Any]) -> list[bytes] | None:
        # The inner loop of the whole walk, so as bare as it can be: one hash per event.
        sha256 = hashlib.sha256
        return [prev := sha256(prev + c).digest() for c in items]


_CANONICAL_SAMPLES = (  # a multi-byte topic, binary state, and the empty and NULL cases
    (1, "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0", 7, "tópic:Événement", b"\x00\xff{\"a\":1}\n"),
    (2**40 + 3, "00000000-0000-0000-0000-000000000000", 0, "", b""),
    (9, "ffffffff-ffff-ffff-ffff-ffffffffffff", 2**62, None, None),
)


def canonical_agrees(conn: Any) -> bool:
    """Whether this server builds canonical_sql() byte for byte as canonical() does.

    If not (the SQL or the Python changed alone, or an odd server encoding), the fast
    path is not used and the careful walk, which hashes canonical() itself, checks the
    whole log. So the verdict always rests on store.chain's definition of the bytes.
    """
    import psycopg

    query = ("SELECT " + canonical_sql() + " FROM (VALUES (%s::bigint, %s::uuid, %s::bigint, %s::text, %s::bytea))"
             " AS v(notification_id, originator_id, originator_version, topic, state)")
    try:
        with conn.transaction():  # a savepoint: should the check fail, the snapshot lives on
            got = [bytes(conn.execute(query, sample).fetchone()[0]) for sample in _CANONICAL_SAMPLES]
    except (psycopg.Error, UnicodeError):  # e.g. a server encoding that can't hold the sample topic
        return False
    return got == [canonical(*sample) for sample in _CANONICAL_SAMPLES]


@contextmanager
def open_source(url: str) -> Iterator[LogSource]:
    parsed = parse_url(url)
    opened = _sqlite_source(parsed.path) if isinstance(parsed, SQLiteURL) else _pg_source(parsed)
    with opened as src:
        yield src


@contextmanager
def _sqlite_source(path: Path) -> Iterator[LogSource]:
    if not path.is_file():
        raise StoreUnavailable(f"there is no store at {path}; run 'plantrail init' or check --db")
    try:
        conn = sqlite3.connect(read_only_uri(path), uri=True, timeout=5, isolation_level=None)
    except sqlite3.Error as e:
        raise StoreUnavailable(f"cannot open SQLite store {path}: {e}") from None
    try:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if EVENTS_TABLE not in tables:
            raise StoreUnavailable(f"{path} holds no plantrail store; run 'plantrail init' or check --db")
        conn.execute("BEGIN")  # one read snapshot for the whole walk, even while others append
        yield SQLiteSource(conn, tables)
    except sqlite3.Error as e:
        raise StoreUnavailable(f"cannot read SQLite store {path}: {e}") from None
    finally:
        conn.close()


@contextmanager
def _pg_source(u: PostgresURL) -> Iterator[LogSource]:
    import psycopg
    from psycopg import sql

    from plantrail.store.replica import role_of

    schema = u.schema or "public"
    conn = pg_connect(u)
    try:
        # REPEATABLE READ: one snapshot across all batches, so a concurrent append
        # can't show an event whose link we have already read past.
        conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        conn.read_only = True
        # Whatever the database or the role sets: names resolve in pg_catalog first, and no
        # schema anyone can write to stands in for them (the SQL names pg_catalog's too).
        conn.execute("SELECT pg_catalog.set_config('search_path', 'pg_catalog, pg_temp', false)")
        row = conn.execute("SELECT to_regclass(%s), to_regclass(%s)", (
            sql.Identifier(schema, EVENTS_TABLE).as_string(conn),
            sql.Identifier(schema, CHAIN_TABLE).as_string(conn))).fetchone()
        if row[0] is None:
            raise StoreUnavailable(f"no plantrail store in schema {schema!r} at {u.where}/{u.dbname}; "
                                   "run 'plantrail init' or check --db")
        kind = PostgresServerHashingSource if row[1] and canonical_agrees(conn) else PostgresSource
        source = kind(conn, schema, has_chain=row[1] is not None)
        role = role_of(u, conn)
        source.standby, source.timeline = role.standby, role.timeline
        yield source
    except psycopg.Error as e:
        raise StoreUnavailable(f"cannot read the store at {u.where}: {' '.join(str(e).split())}") from None
    finally:
        conn.close()
