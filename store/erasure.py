"""Destroying an erased child's key and derived rows, and scrubbing the database files.

Called once the child's erasure is recorded (``ChildErased``). The events stay (the chain
still verifies over them); the child's data key is deleted, so their sealed content can no
longer be opened; the rows derived from them (the views' rows of the child and the child's
plans) are deleted; the child is added to the erasure list kept with the KEK, so a restored
backup of the database, which still holds the key, does not bring the child back. Then the
freed space is scrubbed: on SQLite with ``secure_delete``, ``VACUUM`` and a WAL checkpoint
that truncates the WAL; on PostgreSQL the tables are vacuumed, so no row, live or dead,
holds what was deleted (docs/records-management.md: backups and archived WAL).

Only ``data_keys`` and the views' tables are touched: the log, its chain and the command log
stay guarded (their rows hold no plain personal content: store/sealing.py).
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import orjson

from plantrail.store.erased_list import add_erased
from plantrail.store.log import erasure_events
from plantrail.store.view_tables import is_postgres, transaction

SCRUBBED_TABLES = ("data_keys", "view_plans", "view_children")


def destroy_child(app: Any, subject: UUID, child_ref: str) -> None:
    """Idempotent: run again after an interruption, it finishes the work."""
    keyring = app.recorder.keyring
    if keyring is not None and subject.hex not in keyring.erased:
        add_erased(keyring.kek_path, subject.hex, f"{child_ref} {datetime.now(UTC).isoformat(timespec='seconds')}")
        keyring.forget(subject.hex)
    with transaction(app, commit=True) as tx:
        if not tx.postgres:
            tx.execute("PRAGMA secure_delete = ON")  # deleted cells are overwritten with zeros
        tx.execute("DELETE FROM {keys} WHERE subject_id = ?", (subject.hex,))
        tx.execute("DELETE FROM {view_plans} WHERE child = ?", (child_ref,))
        tx.execute("DELETE FROM {view_children} WHERE child_id = ?", (str(subject),))
    scrub(app)


def scrub(app: Any) -> None:
    """No trace of deleted rows left in the database's files (SQLite) or dead tuples (PostgreSQL)."""
    if is_postgres(app):
        schema = app.recorder.datastore.schema
        with app.recorder.datastore.get_connection() as conn:  # autocommit: VACUUM runs outside a transaction
            for table in SCRUBBED_TABLES:
                conn.execute(f'VACUUM "{schema}"."{table}"')
        return
    conn = sqlite3.connect(app.recorder.datastore.pool.db_name, isolation_level=None, timeout=30)
    try:
        conn.execute("PRAGMA secure_delete = ON")
        # VACUUM rewrites the file from its live rows (freed pages and the free space inside
        # pages, where earlier versions of the views' rows lay, are left behind); the WAL it
        # wrote through is then copied back and truncated to nothing.
        conn.execute("VACUUM")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    finally:
        conn.close()


def restored_erased(app: Any) -> list[str]:
    """Children on the erasure list whose keys the database still holds: it was restored from
    a backup taken before they were erased."""
    keyring = app.recorder.keyring
    if keyring is None or not keyring.erased:
        return []
    return keyring.still_held(sorted(keyring.erased))


def unfinished(app: Any) -> list[tuple[UUID, str]]:
    """Children whose erasure is recorded but whose key the database still holds: an approval
    interrupted between its event and the key's destruction (or a backup of the moment
    between). Each with their reference (an erasure's event holds it in plain)."""
    keyring = app.recorder.keyring
    if keyring is None:
        return []
    recorded = {stored.originator_id.hex: stored for stored in erasure_events(app)}
    return [(UUID(subject), orjson.loads(recorded[subject].state).get("child_ref", ""))
            for subject in keyring.still_held(sorted(recorded))]


def finish_unfinished(app: Any) -> list[str]:
    """Finish each interrupted erasure (``unfinished``); the subjects finished."""
    done = []
    for subject, child_ref in unfinished(app):
        destroy_child(app, subject, child_ref)
        done.append(subject.hex)
    return done


def purge_restored(app: Any) -> list[str]:
    """Erase again, from a restored database, the children on the erasure list (their keys
    and derived rows); the children's references, from the views, where they are there."""
    done = []
    for subject in restored_erased(app):
        with transaction(app, commit=False) as tx:
            row = tx.execute("SELECT child_ref FROM {view_children} WHERE child_id = ?",
                             (str(UUID(subject)),)).fetchone()
        destroy_child(app, UUID(subject), row["child_ref"] if row else "")
        done.append(subject)
    return done
