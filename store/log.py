"""Reading the log for the views: in order of position, or record by record.

Every line of SQL that reads the events table for the projections is here (the
recorders read it for the application, and ``plantrail.store.verify`` for the chain).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any, NamedTuple
from uuid import UUID

from plantrail.store.sealing import subjects_of
from plantrail.store.view_tables import is_postgres, position_column, table_names, transaction
from plantrail.store.windows import in_windows


class Provenance(NamedTuple):
    """Where an event sits in the log, and (PostgreSQL) when the server stored it and for
    which login: facts the client could not have chosen, unlike the event's own timestamp."""

    position: int
    stored_at: datetime | None = None
    stored_by: str | None = None


def provenance(app: Any, record_id: UUID) -> dict[int, Provenance]:
    """Each event of a record's place in the log, and the server's provenance, by version
    (events do not carry their position: one indexed query)."""
    if not is_postgres(app):
        with transaction(app, commit=False) as tx:
            rows = tx.execute("SELECT rowid AS position, originator_version AS version FROM {events}"
                              " WHERE originator_id = ?", (record_id.hex,)).fetchall()  # kept as hex
        return {r["version"]: Provenance(r["position"]) for r in rows}
    with transaction(app, commit=False) as tx:
        rows = tx.execute(
            # LATERAL ... LIMIT 1: each event's link by its key (a join, even a LATERAL one the
            # planner flattens, may hash the whole chain).
            "SELECT e.notification_id AS position, e.originator_version AS version, c.recorded_at, c.recorded_by"
            " FROM {events} e LEFT JOIN LATERAL (SELECT recorded_at, recorded_by FROM {chain}"
            " WHERE position = e.notification_id LIMIT 1) c ON true WHERE e.originator_id = ?",
            (record_id,)).fetchall()
    return {r["version"]: Provenance(r["position"], r["recorded_at"], r["recorded_by"]) for r in rows}


def prefetch_keys(app: Any, logged: list[Any]) -> None:
    """Before a batch of stored events is decoded: the keys they are sealed with, opened with
    one query (``Keyring.prefetch``), not one a child."""
    keyring = getattr(app.recorder, "keyring", None)
    if keyring is not None:
        keyring.prefetch(subjects_of(n.state for n in logged))


def count_after(app: Any, after: int, topic: str) -> int:
    """How many of the log's events after position ``after`` are of one kind (a range of the
    positions' index, one query)."""
    with transaction(app, commit=False) as tx:
        row = tx.execute(f"SELECT count(*) AS n FROM {{events}} WHERE {position_column(app)} > ? AND topic = ?",
                         (after, topic)).fetchone()
    return int(row["n"])


class Logged(NamedTuple):
    """One event as the log stores it (the fields of the library's Notification)."""

    id: int
    originator_id: UUID
    originator_version: int
    topic: str
    state: bytes


def read_log(app: Any, after: int, limit: int) -> list[Logged]:
    """The log's next ``limit`` events after position ``after``, in order (fewer only at its end).

    On PostgreSQL this reads in binary: the library's ``select_notifications`` reads
    text, so the server hex-encodes every state and the client decodes it again
    (five times the client's CPU and twice the server's, on a rebuild).
    """
    if not is_postgres(app):
        return [Logged(n.id, n.originator_id, n.originator_version, n.topic, n.state)
                for n in app.recorder.select_notifications(after + 1, limit)]
    events = table_names(app)["events"]
    sql = (f"SELECT notification_id, originator_id, originator_version, topic, state FROM {events}"
           " WHERE notification_id > %s AND notification_id <= %s ORDER BY notification_id LIMIT %s")
    from psycopg.rows import args_row, tuple_row

    with app.recorder.datastore.get_connection() as conn:  # one statement: no BEGIN/ROLLBACK (see transaction)
        binary = conn.cursor(binary=True, row_factory=args_row(Logged))

        def window(low: int, high: int, n: int) -> list[Logged]:
            return binary.execute(sql, (low, high, n), prepare=True).fetchall()

        def end() -> int:
            last = conn.cursor(row_factory=tuple_row).execute(f"SELECT MAX(notification_id) FROM {events}")
            return last.fetchone()[0] or 0

        return in_windows(window, after, limit, end)  # bounded windows: store/windows.py


# Positions a walk of the log reads at a time (``records_touched``). A window is bounded at
# both ends, so whatever plan the server picks reads that stretch of the position index and
# no more: a query of the whole rest of the log, cut short by a LIMIT, is only as good as the
# planner's guess of how much is left, and an unanalysed log led it to scan everything.
WINDOW = 20_000


def records_touched(app: Any, after: int, upto: int, first: UUID, below: UUID | None) -> Iterator[UUID]:
    """The records with an event in positions (``after``, ``upto``] whose ids are in
    [``first``, ``below``) (no upper bound when ``below`` is None), in id order (PostgreSQL).

    One pass over the stretch in position order, a window at a time (each worker of a
    rebuild reads the whole stretch: ~1 s a million events here), done before the first id
    is given (the connection is back in the pool by then). The share is a filter on each
    window's rows, written ``(...) IS TRUE`` so that it cannot be used as an index condition:
    as one, it let the planner AND in half of the id index on every window. The ids are held
    as 16 bytes each, in 256 runs by their first byte, each run sorted only when its turn
    comes: a set of a million ids as objects had a rebuild's worker grow by ~100 MB at 10M.
    """
    share = "originator_id >= %s" + ("" if below is None else " AND originator_id < %s")
    sql = (f"SELECT DISTINCT originator_id FROM {table_names(app)['events']}"
           f" WHERE notification_id > %s AND notification_id <= %s AND ({share}) IS TRUE")
    bounds = (first,) if below is None else (first, below)
    runs = [bytearray() for _ in range(256)]
    from psycopg.rows import tuple_row

    with app.recorder.datastore.get_connection() as conn:
        cursor = conn.cursor(binary=True, row_factory=tuple_row)
        low = after
        while low < upto:
            high = min(low + WINDOW, upto)
            for (record,) in cursor.execute(sql, (low, high, *bounds), prepare=True):
                raw = record.bytes
                runs[raw[0]] += raw
            low = high
    return _in_id_order(runs)


def _in_id_order(runs: list[bytearray]) -> Iterator[UUID]:
    """The ids of the runs (16 bytes each; the first byte, the run's), each once, in order: a
    UUID compares as its 16 bytes do. A run is let go once given."""
    for at, run in enumerate(runs):
        ids = sorted({bytes(run[i:i + 16]) for i in range(0, len(run), 16)})
        runs[at] = bytearray()
        for raw in ids:
            yield UUID(bytes=raw)


def read_records(app: Any, ids: list[UUID], upto: int) -> list[Logged]:
    """Every event of these records up to position ``upto``, record by record in the order
    of ``ids``, each record's in version order (PostgreSQL; in binary, as ``read_log``).

    One index lookup a record (LATERAL): the only plans the server can choose read each
    record by its id. ``originator_id = ANY(ids)`` left it free to read the whole log and
    sort it, which an unanalysed log of 10M events made it do for every 1,000 records.
    The position is checked here, not in SQL, where it would let the planner AND in the
    position index up to ``upto`` (most of it) for every record.
    """
    sql = ("SELECT e.notification_id, e.originator_id, e.originator_version, e.topic, e.state"
           " FROM unnest(%s::uuid[]) WITH ORDINALITY AS k(id, n) CROSS JOIN LATERAL ("
           " SELECT notification_id, originator_id, originator_version, topic, state"
           f" FROM {table_names(app)['events']} WHERE originator_id = k.id ORDER BY originator_version) AS e"
           " ORDER BY k.n, e.originator_version")
    from psycopg.rows import args_row

    with app.recorder.datastore.get_connection() as conn:
        binary = conn.cursor(binary=True, row_factory=args_row(Logged))
        return [n for n in binary.execute(sql, (ids,), prepare=True) if n.id <= upto]


class Stored(NamedTuple):
    """One event with its place in the log and (PostgreSQL) the server's provenance."""

    position: int
    originator_id: UUID
    originator_version: int
    topic: str
    state: bytes
    stored_at: datetime | None = None
    stored_by: str | None = None


# Kinds of event every list, or every opening of the store, looks for, each kind in a partial
# index of its own, named in the SQL text (never as a parameter): a planner (PostgreSQL's or
# SQLite's) uses a partial index only for a query whose WHERE repeats its predicate. They
# must not cost a pass over the log (tests/store/test_store_plans.py checks the plans).
RESTRICTION_TOPICS = ("domain.events:ChildRestricted", "domain.events:ChildUnrestricted")
ERASURE_TOPICS = ("domain.events:ChildErased",)
RESTRICTIONS_INDEX = "stored_events_restrictions"
ERASURES_INDEX = "stored_events_erasures"
PARTIAL_INDEXES = {RESTRICTIONS_INDEX: RESTRICTION_TOPICS, ERASURES_INDEX: ERASURE_TOPICS}


def _kinds(topics: tuple[str, ...]) -> str:
    return "topic IN (" + ", ".join(f"'{t}'" for t in topics) + ")"


def partial_indexes(events_table: str, *, postgres: bool) -> list[str]:
    """The partial indexes of those kinds (made with the tables, and by ``init``)."""
    position = "notification_id" if postgres else "rowid"
    return [f"CREATE INDEX IF NOT EXISTS {name} ON {events_table} ({position}) WHERE {_kinds(topics)}"
            for name, topics in PARTIAL_INDEXES.items()]


def restriction_events(app: Any) -> list[Stored]:
    """Every restriction and lifting of one, in log order: one look at a small index."""
    return _events_where(app, _kinds(RESTRICTION_TOPICS), ())


def erasure_events(app: Any) -> list[Stored]:
    """Every approved erasure, in log order: one look at a small index."""
    return _events_where(app, _kinds(ERASURE_TOPICS), ())


def events_of_topics(app: Any, topics: list[str]) -> list[Stored]:
    """Every event of these kinds, in log order, with the server's provenance on PostgreSQL
    (the access log's entries: ``projections.access``). A pass over the log: a report an
    investigation asks for, not a read on every command's path."""
    return _events_where(app, "topic IN (" + ", ".join("?" * len(topics)) + ")", tuple(topics))


def _events_where(app: Any, where: str, params: tuple[Any, ...]) -> list[Stored]:
    if not is_postgres(app):
        with transaction(app, commit=False) as tx:
            rows = tx.execute("SELECT rowid AS position, originator_id, originator_version, topic, state"
                              f" FROM {{events}} WHERE {where} ORDER BY rowid", params).fetchall()
        return [Stored(r["position"], UUID(r["originator_id"]), r["originator_version"], r["topic"],
                       bytes(r["state"])) for r in rows]
    with transaction(app, commit=False) as tx:
        rows = tx.execute(
            "SELECT e.notification_id AS position, e.originator_id, e.originator_version, e.topic, e.state,"
            " c.recorded_at, c.recorded_by FROM {events} e LEFT JOIN LATERAL (SELECT recorded_at, recorded_by"
            " FROM {chain} WHERE position = e.notification_id LIMIT 1) c ON true"
            f" WHERE e.{where} ORDER BY e.notification_id", params).fetchall()
    return [Stored(r["position"], r["originator_id"], r["originator_version"], r["topic"], bytes(r["state"]),
                   r["recorded_at"], r["recorded_by"]) for r in rows]
