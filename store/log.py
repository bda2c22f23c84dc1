"""Reading the log for the views: in order of position, or record by record.

Every line of SQL that reads the events table for the projections is here (the
recorders read it for the application, and ``plantrail.store.verify`` for the chain).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, NamedTuple
from uuid import UUID

from psycopg.rows import args_row, tuple_row

from plantrail.store.view_tables import is_postgres, table_names, transaction


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
            "SELECT e.notification_id AS position, e.originator_version AS version, c.recorded_at, c.recorded_by"
            " FROM {events} e LEFT JOIN {chain} c ON c.position = e.notification_id WHERE e.originator_id = ?",
            (record_id,)).fetchall()
    return {r["version"]: Provenance(r["position"], r["recorded_at"], r["recorded_by"]) for r in rows}


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
