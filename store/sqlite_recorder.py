"""SQLite application recorder that chains every event as it is written."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from uuid import UUID

from eventsourcing.persistence import IntegrityError
from eventsourcing.sqlite import SQLiteApplicationRecorder, SQLiteDatastore, SQLiteFactory

from plantrail.store.chain import CHAIN_TABLE, EVENTS_TABLE, GENESIS, next_link
from plantrail.store.commands import (
    ADDED_COLUMNS,
    COMMANDS_TABLE,
    SQLITE_COMMANDS_TABLE,
    CommandRow,
    command_rows,
    unchanged_reads,
)
from plantrail.store.guards import SQLITE_GUARDS
from plantrail.store.keys import SQLITE_KEYS_DDL, Keyring
from plantrail.store.log import partial_indexes
from plantrail.store.mapper import RecordsEventStoreMixin
from plantrail.store.sealing import attach_sealer, envelope_at
from plantrail.store.subscription import PollingSubscription
from plantrail.store.view_tables import VIEW_TABLES, view_ddl

if TYPE_CHECKING:
    from collections.abc import Sequence

    from eventsourcing.persistence import ApplicationRecorder, StoredEvent, Subscription
    from eventsourcing.sqlite import SQLiteCursor

SQLITE_TABLES = [
    # An explicit INTEGER PRIMARY KEY AUTOINCREMENT (the library uses a bare rowid):
    # VACUUM may renumber a bare rowid, which would break every link, and
    # AUTOINCREMENT never reuses a position and keeps the highest one ever
    # issued in sqlite_sequence, which lets verify notice a deleted tail.
    # Naming the column "rowid" keeps the library's "SELECT rowid, *" working.
    f"CREATE TABLE IF NOT EXISTS {EVENTS_TABLE} ("
    "rowid INTEGER PRIMARY KEY AUTOINCREMENT, "
    "originator_id TEXT NOT NULL, "
    "originator_version INTEGER NOT NULL, "
    "topic TEXT NOT NULL, "
    "state BLOB NOT NULL, "
    "UNIQUE (originator_id, originator_version))",
    # prev_position UNIQUE: two links can never extend the same predecessor, so
    # the chain cannot fork even if a writer bypassed the usual locking.
    f"CREATE TABLE IF NOT EXISTS {CHAIN_TABLE} ("
    "position INTEGER PRIMARY KEY, "
    "prev_position INTEGER NOT NULL UNIQUE, "
    "link BLOB NOT NULL CHECK (length(link) = 32))",
    SQLITE_COMMANDS_TABLE,
]


class ChainedSQLiteApplicationRecorder(SQLiteApplicationRecorder):
    def __init__(self, datastore: SQLiteDatastore, events_table_name: str = EVENTS_TABLE):
        if datastore.originator_id_type != "uuid":
            raise ValueError("plantrail's store needs ORIGINATOR_ID_TYPE=uuid")
        super().__init__(datastore, EVENTS_TABLE)
        self.insert_events_statement = (
            f"INSERT INTO {EVENTS_TABLE} (originator_id, originator_version, topic, state) VALUES (?,?,?,?)"
        )

    def construct_create_table_statements(self) -> list[str]:
        return (SQLITE_TABLES + [SQLITE_KEYS_DDL, *partial_indexes(EVENTS_TABLE, postgres=False)] + SQLITE_GUARDS
                + view_ddl({t: t for t in VIEW_TABLES}))

    keyring: Keyring | None = None

    def seal_with(self, mapper: Any, env: Any) -> None:
        """Seal the personal content of events about a child (store/sealing.py)."""
        self.keyring = attach_sealer(self, mapper, env)

    def _create_table(self, c: SQLiteCursor) -> None:
        super()._create_table(c)
        # A store made before the command log held digests and positions gains them.
        c.execute(f"SELECT name FROM pragma_table_info('{COMMANDS_TABLE}')")
        have = {row[0] for row in c.fetchall()}
        for column, kind in ADDED_COLUMNS:
            if column not in have:
                c.execute(f"ALTER TABLE {COMMANDS_TABLE} ADD COLUMN {column} {kind}")

    def insert_events(self, stored_events: Sequence[StoredEvent], **kwargs: Any) -> Sequence[int] | None:
        if not stored_events and not command_rows(kwargs):
            return []  # nothing to record: no transaction, no lock (as on PostgreSQL)
        if self.keyring is not None:
            self.keyring.flush()  # the new children's keys first: an event is never saved without its key
        return super().insert_events(stored_events, **kwargs)

    def _insert_events(
        self, c: SQLiteCursor, stored_events: Sequence[StoredEvent], **kwargs: Any,
    ) -> Sequence[int] | None:
        # The library opened a deferred transaction. The first INSERT takes the
        # database write lock (waiting, with a fresh snapshot, if another process
        # holds it), so the chain head read after it cannot move before commit:
        # concurrent writers queue up rather than fork the chain.
        positions: list[int] = []
        for s in stored_events:
            c.execute(self.insert_events_statement, (
                _stored_id(s.originator_id),
                s.originator_version, s.topic, s.state,
            ))
            positions.append(c.lastrowid)
        if not positions:
            return positions
        _check_unchanged(c, unchanged_reads(kwargs))
        c.execute(f"SELECT position, link FROM {CHAIN_TABLE} ORDER BY position DESC LIMIT 1")
        head = c.fetchone()
        prev_pos, prev_link = (head[0], bytes(head[1])) if head else (0, GENESIS)
        rows = []
        for pos, s in zip(positions, stored_events):
            link = next_link(prev_link, pos, s.originator_id, s.originator_version, s.topic, s.state)
            rows.append((pos, prev_pos, link))
            prev_pos, prev_link = pos, link
        c.executemany(f"INSERT INTO {CHAIN_TABLE} (position, prev_position, link) VALUES (?,?,?)", rows)
        c.executemany(
            f"INSERT INTO {COMMANDS_TABLE} (command_id, result, digest, position) VALUES (?,?,?,?)",
            [(cmd.command_id, cmd.result, cmd.digest, None if cmd.first is None else positions[cmd.first])
             for cmd in command_rows(kwargs)])
        return positions

    def subscribe(self, gt: int | None = None, topics: Sequence[str] = ()) -> Subscription[ApplicationRecorder]:
        """The library's SQLite recorder has none; this one polls (store/subscription.py)."""
        return PollingSubscription(self, gt=gt, topics=topics)

    def command_records(self, command_ids: Sequence[str]) -> dict[str, CommandRow]:
        """The command log's rows for these ids (those recorded)."""
        if not command_ids:
            return {}
        found: dict[str, CommandRow] = {}
        with self.datastore.transaction(commit=False) as c:
            for start in range(0, len(command_ids), 500):  # SQLite's limit on host parameters
                ids = list(command_ids[start:start + 500])
                c.execute(f"SELECT command_id, result, digest, position FROM {COMMANDS_TABLE}"
                          f" WHERE command_id IN ({', '.join('?' for _ in ids)})", ids)
                found.update((row[0], CommandRow(*row[1:])) for row in c.fetchall())
        return found

    def select_records(self, originator_ids: Sequence[Any]) -> dict[Any, list[StoredEvent]]:
        """The events of several records, each in version order (as PostgreSQL's recorder: there
        one round trip; here a file read, record by record); a record with no events is absent."""
        return {record: events for record in originator_ids if (events := self.select_events(record))}

    event_envelope = envelope_at  # the plain fields of the event at a position

    def event_state(self, position: int) -> bytes | None:
        """The stored state of the event at a position, if there is one."""
        with self.datastore.transaction(commit=False) as c:
            c.execute(f"SELECT state FROM {EVENTS_TABLE} WHERE rowid = ?", (position,))
            row = c.fetchone()
        return bytes(row[0]) if row else None


def _check_unchanged(c: SQLiteCursor, reads: list[tuple[Any, int]]) -> None:
    """Refuse the save if a record the command only read has moved on since (the
    write lock is held by now, so nothing can move on before commit)."""
    for record_id, version in reads:
        c.execute(f"SELECT 1 FROM {EVENTS_TABLE} WHERE originator_id = ? AND originator_version > ? LIMIT 1",
                  (_stored_id(record_id), version))
        if c.fetchone():
            raise IntegrityError(f"record {record_id} has changed since the command read it")


def _stored_id(record_id: Any) -> Any:
    """A record id as this table keeps it: a uuid as its hex (the library's form)."""
    return record_id.hex if isinstance(record_id, UUID) else record_id


class SQLiteRecordsFactory(RecordsEventStoreMixin, SQLiteFactory):
    """The library's SQLite factory, whose event store opens a record's events together."""
