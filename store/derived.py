"""Reading what is derived from the log, for verify to check against it: the views' rows and
how far each has read, the command log, any snapshots an earlier version left, and the
events those rest on (every line of SQL that check needs)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, NamedTuple
from uuid import UUID

from plantrail.store.log import Logged, read_records
from plantrail.store.view_tables import Table, is_postgres, position_column, transaction

CHUNK = 1000
_EVERY_POSITION = 2**63 - 1
# Where earlier versions kept snapshots (plantrail reads none now): the library's names.
SNAPSHOT_TABLES = ("plantrail_snapshots", "stored_snapshots")


class CommandLogRow(NamedTuple):
    command_id: str
    digest: str | None
    position: int | None


class SnapshotRow(NamedTuple):
    originator_id: UUID
    version: int
    topic: str
    state: bytes


def _key(app: Any, record_id: UUID) -> Any:
    """A record id as the events table keeps it (SQLite: 32 hex digits)."""
    return record_id if is_postgres(app) else record_id.hex


def _id(app: Any, stored: Any) -> UUID:
    return stored if isinstance(stored, UUID) else UUID(str(stored))


def first_events_between(app: Any, topics: Sequence[str], low: int, high: int) -> list[tuple[UUID, int]]:
    """The records with an event of these topics at a position in (low, high], each with that
    event's position, by position: one bounded window of the log (store/windows.py says why)."""
    marks = ", ".join("?" for _ in topics)
    column = position_column(app)
    with transaction(app, commit=False) as tx:
        rows = tx.execute(f"SELECT originator_id AS id, {column} AS position FROM {{events}}"
                          f" WHERE {column} > ? AND {column} <= ? AND topic IN ({marks}) ORDER BY {column}",
                          [low, high, *topics]).fetchall()
    return [(_id(app, r["id"]), r["position"]) for r in rows]


def record_events(app: Any, ids: Sequence[UUID]) -> dict[UUID, list[Logged]]:
    """Every event of these records, each record's in version order, with its position
    (PostgreSQL: ``read_records``, one index lookup a record, whatever the statistics)."""
    out: dict[UUID, list[Logged]] = {record_id: [] for record_id in ids}
    if is_postgres(app):
        for start in range(0, len(ids), CHUNK):
            for n in read_records(app, list(ids[start:start + CHUNK]), upto=_EVERY_POSITION):
                out[n.originator_id].append(n)
        return out
    query = (f"SELECT {position_column(app)} AS position, originator_id AS id, originator_version AS version,"
             " topic, state FROM {events} WHERE originator_id IN (MARKS) ORDER BY originator_id, originator_version")
    for r in _rows_for(app, query, [_key(app, i) for i in ids]):
        record_id = _id(app, r["id"])
        out[record_id].append(Logged(r["position"], record_id, r["version"], r["topic"], bytes(r["state"])))
    return out


def view_rows_after(app: Any, table: Table, after: str | None, limit: int) -> list[dict[str, Any]]:
    """The view's next ``limit`` rows by key after ``after`` (from the first if None): a page
    read along the key's index, so a check holds one page, whatever the size of the view.
    Rows without a key (SQLite lets a forged one in) are not among them: ``keyless_rows``."""
    return _page_after(app, "*", table.name, table.key, after, limit)


def _page_after(app: Any, columns: str, table: str, key: str, after: str | None, limit: int) -> list[Any]:
    """A page of ``table``'s rows with a ``key``, by key, after ``after`` (from the first if None)."""
    where = f" AND {key} > ?" if after is not None else ""
    with transaction(app, commit=False) as tx:
        return tx.execute(f"SELECT {columns} FROM {{{table}}} WHERE {key} IS NOT NULL{where} ORDER BY {key} LIMIT ?",
                          [*([after] if after is not None else []), limit]).fetchall()


def keyless_rows(app: Any, table: str, key: str) -> int:
    """How many rows of a view or of the command log (``table``: its name) have no ``key``:
    none unless forged (SQLite lets NULL into a text primary key)."""
    with transaction(app, commit=False) as tx:
        return tx.execute(f"SELECT COUNT(*) AS n FROM {{{table}}} WHERE {key} IS NULL").fetchone()["n"]


def keys_held(app: Any, table: Table, keys: Sequence[str]) -> set[str]:
    """Which of these keys the view's table holds a row for."""
    query = f"SELECT {table.key} AS k FROM {{{table.name}}} WHERE {table.key} IN (MARKS)"
    return {r["k"] for r in _rows_for(app, query, keys)}


def _rows_for(app: Any, query: str, values: Sequence[Any]) -> Iterator[Any]:
    """``query``'s rows for ``values``, CHUNK of them a statement (its ``IN (MARKS)``)."""
    for start in range(0, len(values), CHUNK):
        chunk = list(values[start:start + CHUNK])
        with transaction(app, commit=False) as tx:
            yield from tx.execute(query.replace("MARKS", ", ".join("?" for _ in chunk)), chunk).fetchall()


def command_log_after(app: Any, after: str | None, limit: int) -> list[CommandLogRow]:
    """The command log's next ``limit`` rows by command id after ``after`` (from the first if
    None): a page along its primary key. (A row without an id answers no command.)"""
    rows = _page_after(app, "command_id, digest, position", "commands", "command_id", after, limit)
    return [CommandLogRow(r["command_id"], r["digest"], r["position"]) for r in rows]


def states_at(app: Any, positions: Sequence[int]) -> dict[int, bytes]:
    """The stored state of the event at each of these positions (those there are)."""
    column = position_column(app)
    query = f"SELECT {column} AS position, state FROM {{events}} WHERE {column} IN (MARKS)"
    return {r["position"]: bytes(r["state"]) for r in _rows_for(app, query, positions)}


def snapshots(app: Any) -> list[SnapshotRow]:
    """The rows of any snapshots table an earlier version of plantrail left."""
    found: list[SnapshotRow] = []
    for name in SNAPSHOT_TABLES:
        qualified = (f'"{app.recorder.datastore.schema}"."{name}"' if is_postgres(app) else name)
        with transaction(app, commit=False) as tx:
            if is_postgres(app):
                exists = tx.execute("SELECT to_regclass(?) IS NOT NULL AS found", (qualified,)).fetchone()["found"]
            else:
                exists = bool(tx.execute("SELECT 1 AS found FROM sqlite_master WHERE type = 'table' AND name = ?",
                                         (name,)).fetchall())
            if not exists:
                continue
            rows = tx.execute(f"SELECT originator_id AS id, originator_version AS version, topic, state"
                              f" FROM {qualified}").fetchall()
        found += [SnapshotRow(_id(app, r["id"]), r["version"], r["topic"], bytes(r["state"])) for r in rows]
    return found
