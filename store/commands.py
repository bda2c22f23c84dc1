"""The command log: which client-chosen command ids have been recorded, and what each printed.

A write that carries ``--command-id`` stores its id in the same transaction as its
events; the id is the table's primary key, so a repeat (even a concurrent one) can
never record the command twice. The repeat is answered with the first result.
"""

from __future__ import annotations

from typing import Any

from psycopg import sql

COMMANDS_TABLE = "command_log"

SQLITE_COMMANDS_TABLE = (
    f"CREATE TABLE IF NOT EXISTS {COMMANDS_TABLE} ("
    "command_id TEXT PRIMARY KEY, result TEXT NOT NULL, "
    "recorded_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')))"
)


def pg_command_statements(schema: str) -> list[sql.Composed]:
    return [sql.SQL(
        "CREATE TABLE IF NOT EXISTS {s}.{t} ("
        " command_id text PRIMARY KEY, result text NOT NULL,"
        " recorded_at timestamptz NOT NULL DEFAULT clock_timestamp())"
    ).format(s=sql.Identifier(schema), t=sql.Identifier(COMMANDS_TABLE))]


def command_rows(kwargs: dict[str, Any]) -> list[tuple[str, str]]:
    """The (command_id, result JSON) pairs an application passed to save(commands=...)."""
    return list(kwargs.get("commands") or ())


def unchanged_reads(kwargs: dict[str, Any]) -> list[tuple[Any, int]]:
    """The (record id, version) pairs a command read without changing, passed as
    save(unchanged=...): the save is refused if any of them has moved on since."""
    return list(kwargs.get("unchanged") or ())
