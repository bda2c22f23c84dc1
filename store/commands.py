"""The command log: which command ids have been recorded, what each answered, a digest of
the command, and the position of its first event.

Every write has an id (the client's ``--command-id``, or one the application makes), saved
in the same transaction as its events; the id is the table's primary key, so a repeat (even
a concurrent one, or the library's retry of a save whose reply was lost) can never record
the command twice. The repeat is answered with the first result if it is the same command
(the digest), and is bad input if it is another. The first event's position ties the row to
the log: a row that the log does not back is a forgery, which verify reports.
"""

from __future__ import annotations

from typing import Any, NamedTuple

COMMANDS_TABLE = "command_log"

# digest and position came in 2026-12 (rows before have neither): ADDED_COLUMNS adds them.
SQLITE_COMMANDS_TABLE = (
    f"CREATE TABLE IF NOT EXISTS {COMMANDS_TABLE} ("
    "command_id TEXT PRIMARY KEY, result TEXT NOT NULL, "
    "recorded_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')), "
    "digest TEXT, position INTEGER)"
)
ADDED_COLUMNS = (("digest", "TEXT"), ("position", "BIGINT"))


class CommandRow(NamedTuple):
    """A command log row: what the command answered, its digest, its first event's position."""

    result: str
    digest: str | None
    position: int | None


class SavedCommand(NamedTuple):
    """A command id an application saves with its events (save(commands=[...])): ``first``
    is the index of its first event among the events saved (0-based), or None."""

    command_id: str
    result: str
    digest: str | None
    first: int | None


def pg_command_statements(schema: str) -> list[Any]:  # psycopg.sql.Composed
    from psycopg import sql  # not imported on SQLite (docs/performance.md)

    fmt = {"s": sql.Identifier(schema), "t": sql.Identifier(COMMANDS_TABLE)}
    return [sql.SQL(
        "CREATE TABLE IF NOT EXISTS {s}.{t} ("
        " command_id text PRIMARY KEY, result text NOT NULL,"
        " recorded_at timestamptz NOT NULL DEFAULT clock_timestamp())"
    ).format(**fmt)] + [
        sql.SQL("ALTER TABLE {s}.{t} ADD COLUMN IF NOT EXISTS {c} " + kind).format(**fmt, c=sql.Identifier(column))
        for column, kind in ADDED_COLUMNS]


def command_rows(kwargs: dict[str, Any]) -> list[SavedCommand]:
    """The command ids an application passed to save(commands=...)."""
    return [SavedCommand(*row) for row in kwargs.get("commands") or ()]


def unchanged_reads(kwargs: dict[str, Any]) -> list[tuple[Any, int]]:
    """The (record id, version) pairs a command read without changing, passed as
    save(unchanged=...): the save is refused if any of them has moved on since."""
    return list(kwargs.get("unchanged") or ())
