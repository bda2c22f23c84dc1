"""Each child's data key, kept wrapped by the key-encryption key (KEK) the application is given.

A child's data key (AES-256-GCM) seals the personal content of every event about the child
(``store/sealing.py``). The data keys live in their own table, ``data_keys``, each wrapped
(AES-GCM) by the KEK, which is never in the database: ``PLANTRAIL_KEK`` names the file that
holds it (docs/records-management.md). Destroying a child's row of ``data_keys`` destroys
what the log said about the child (crypto-shredding); the log and its chain stay as they are.

The KEK itself, its file and its rotation: store/kek.py. Beside the KEK file, ``<KEK>.erased``
lists the children whose keys were destroyed: a backup of the database restored later still holds
their keys, and they are refused (and purged at the next write) because the list is kept with the
KEK, not with the database's backups.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from plantrail.domain.errors import Conflict
from plantrail.store.erased_list import read_erased
from plantrail.store.kek import Kek, KekProblem

KEYS_TABLE = "data_keys"
KEYS_KEPT = 50_000  # opened keys a process keeps, reading or writing batch after batch (``_room_for``)

SQLITE_KEYS_DDL = (
    f"CREATE TABLE IF NOT EXISTS {KEYS_TABLE} ("
    "subject_id TEXT PRIMARY KEY, wrapped BLOB NOT NULL, kek_id TEXT NOT NULL, "
    "created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')))"
)


def pg_keys_statements(schema: str) -> list[Any]:  # psycopg.sql.Composed
    from psycopg import sql  # not imported on SQLite

    return [sql.SQL(
        "CREATE TABLE IF NOT EXISTS {s}.{t} (subject_id text PRIMARY KEY, wrapped bytea NOT NULL,"
        " kek_id text NOT NULL, created_at timestamptz NOT NULL DEFAULT clock_timestamp())"
    ).format(s=sql.Identifier(schema), t=sql.Identifier(KEYS_TABLE))]


# --------------------------------------------------------------------------- the keyring


class Keyring:
    """The data keys of one open store: read from ``data_keys`` and unwrapped as needed, made
    for new children (saved by ``flush`` before the events they seal), destroyed on erasure."""

    def __init__(self, recorder: Any, kek_path: Path, *, writing: bool) -> None:
        self._tx_app = SimpleNamespace(recorder=recorder)  # what view_tables.transaction needs
        self.kek_path = kek_path
        self.writing = writing
        self._kek: Kek | None = None
        self._keys: dict[str, AESGCM] = {}
        self._absent: set[str] = set()  # asked for with a batch (``look_up``): no key yet
        self._pending: dict[str, bytes] = {}  # new keys not yet saved: subject -> wrapped
        self._lock = threading.Lock()
        self.erased = read_erased(kek_path)
        self._has_table = False

    # ---------------------------------------------------------------- reading
    def key(self, subject: str) -> AESGCM | None:
        """The subject's data key, or None when there is none (destroyed: the child erased)."""
        found = self._keys.get(subject)
        if found is not None:
            return found
        with self._lock:
            if subject in self.erased:
                return None
            # A read needs a child or two: their rows alone. A process reading many records
            # (a rebuild, a catch-up) asks for each batch's keys at once (``prefetch``); it
            # never reads them all, which at 900,000 children cost seconds and a gigabyte.
            row = self._rows([subject]).get(subject)
            if row is None:
                return None
            self._room_for(1)  # (a long-running reader: one key a child it reads)
            return self._open(subject, *row)

    def holds(self, subject: str) -> bool:
        """Whether the subject's key is open in this process (no read of its row needed)."""
        return subject in self._keys

    @property
    def table_known(self) -> bool:
        """Whether the keys' table is known to be there (found by an earlier look): reads may
        then ask for a key along with the events it opens."""
        return self._has_table

    def offer(self, subject: str, wrapped: bytes, kek_id: str) -> None:
        """A key's row read along with its record's events: opened now, unless held already or
        the subject erased (its row a restored backup put back: never opened)."""
        if subject in self._keys:
            return
        with self._lock:
            if subject not in self._keys and subject not in self.erased:
                self._room_for(1)
                self._open(subject, wrapped, kek_id)

    def prefetch(self, subjects: Iterable[str]) -> None:
        """Open, with one query a few hundred, these subjects' keys (those of a batch of records
        about to be read). The keys kept stay bounded (KEYS_KEPT): a process folding the whole
        log holds one batch's keys, not every child's."""
        with self._lock:
            wanted = {w for w in subjects if w not in self._keys and w not in self.erased}
            if not wanted:
                return
            self._room_for(len(wanted))
        self._ask(sorted(wanted))

    def _room_for(self, more: int) -> None:
        """(Under the lock.) Room for ``more`` keys within KEYS_KEPT: past it, every key held
        but those made and not yet saved is let go, to be looked up again if needed. An opened
        key costs a process ~1.3 kB: an import of a million new children held 1.3 GB of them."""
        if len(self._keys) + more > KEYS_KEPT:
            self._keys = {s: k for s, k in self._keys.items() if s in self._pending}

    def _ask(self, subjects: list[str]) -> set[str]:
        """These subjects' keys asked for, one query a few hundred, and each found opened (not
        one forgotten or opened while its query ran); the subjects found."""
        found: set[str] = set()
        for chunk in (subjects[start:start + 500] for start in range(0, len(subjects), 500)):
            rows = self._rows(chunk)
            with self._lock:
                for subject, row in rows.items():
                    if subject not in self.erased and subject not in self._keys:
                        self._open(subject, *row)
            found.update(rows)
        return found

    def _open(self, subject: str, wrapped: bytes, kek_id: str) -> AESGCM:
        kek = self.kek()
        if kek_id != kek.kek_id:
            raise KekProblem(f"the key-encryption key {kek.path} is not the one this store's keys were wrapped "
                             "with (set PLANTRAIL_KEK to the store's KEK file)")
        aes = self._keys[subject] = AESGCM(kek.unwrap(subject, wrapped))
        return aes

    def kek(self) -> Kek:
        if self._kek is None:
            kek = Kek.read(self.kek_path)
            if kek is None:
                if not self.writing or self._has_keys():
                    raise KekProblem(f"no key-encryption key at {self.kek_path}: this store's records are sealed "
                                     "with it; set PLANTRAIL_KEK to its file")
                kek = Kek.create(self.kek_path)
            self._kek = kek
        return self._kek

    def check(self) -> None:
        """KekProblem unless the KEK opens the store's keys (one row tried): an invocation
        checks this first, so a lost or wrong KEK is refused even by reads served from the
        views, never answered with what they hold."""
        from plantrail.store.view_tables import transaction

        if not self._table_exists():
            return
        with transaction(self._tx_app, commit=False) as tx:
            row = tx.execute("SELECT subject_id, wrapped, kek_id FROM {keys} LIMIT 1").fetchone()
        if row is not None:
            self._open(row["subject_id"], bytes(row["wrapped"]), row["kek_id"])

    # ---------------------------------------------------------------- writing
    def look_up(self, subjects: Iterable[str], *, registered: Iterable[str] = ()) -> None:
        """Before a batch of events is sealed: the keys of its subjects this process does not
        hold, asked for with one query a few hundred (an import's batch names hundreds of new
        children); each found opened, each not found noted as having none yet (``key_for_new``
        then makes it without asking). Never every key: at 300,000 children that cost an import
        0.6 s and 270 MB (docs/performance.md). Children the batch ``registered`` are not asked
        for (a round trip a new child): the store holds a key for one only where an earlier try
        left it or another process registered the same child, and the save then meets it and is
        refused (``flush``, ``return_pending``), the key it holds opened for the next try."""
        with self._lock:  # (those noted as having none are asked again: one may have been saved since)
            new = {s for s in registered if s not in self._keys and s not in self.erased}
            wanted = sorted({s for s in subjects if s not in self._keys and s not in self.erased} - new)
            self._absent.update(new)
            self._room_for(len(wanted) + len(new))
        found = self._ask(wanted)
        with self._lock:
            self._absent.update(s for s in wanted if s not in found)

    def key_for_new(self, subject: str) -> AESGCM:
        """The subject's key, made now if they have none (saved by ``flush``, or on PostgreSQL in
        the statement that saves the events it seals). A key the store holds already (another
        process's, an earlier try's) refuses that save (``flush``, ``return_pending``) and is
        opened for the next try."""
        found = self._keys.get(subject)
        if found is not None:
            return found
        if subject in self.erased:
            raise _erased(subject)
        with self._lock:
            asked = subject in self._absent
            self._absent.discard(subject)
        row = None if asked else self._rows([subject]).get(subject)
        with self._lock:
            if subject in self.erased:  # (again: an erasure may have forgotten the key while the query ran)
                raise _erased(subject)
            if row is not None:
                return self._open(subject, *row)
            material = AESGCM.generate_key(bit_length=256)
            self._room_for(1)  # (before it is pending: let go of nothing of its own)
            self._pending[subject] = self.kek().wrap(subject, material)
            aes = self._keys[subject] = AESGCM(material)
            return aes

    def flush(self) -> None:
        """Save the keys made since the last save, before the events sealed with them. A key
        another process saved first for the same child wins; events sealed here with another
        are then not saved (Conflict: the command runs again, with the saved key)."""
        with self._lock:
            pending, self._pending = self._pending, {}
        if not pending:
            return
        from plantrail.store.view_tables import transaction

        kek_id = self.kek().kek_id
        rows = [(s, w, kek_id) for s, w in pending.items()]
        inserted: set[str] = set()
        try:
            with transaction(self._tx_app, commit=True) as tx:
                for start in range(0, len(rows), 300):  # one statement a few hundred keys
                    chunk = rows[start:start + 300]
                    marks = ", ".join("(?, ?, ?)" for _ in chunk)
                    inserted.update(r["subject_id"] for r in tx.execute(
                        f"INSERT INTO {{keys}} (subject_id, wrapped, kek_id) VALUES {marks}"
                        " ON CONFLICT (subject_id) DO NOTHING RETURNING subject_id",
                        [v for row in chunk for v in row]).fetchall())
        except BaseException:
            self._give_back(pending)  # not saved: saved next time, never sealed with unsaved
            raise
        lost = [s for s in pending if s not in inserted]  # another process saved the child's key first
        if lost:
            with self._lock:  # (the store holds another key for each: the one made here never seals again)
                for subject in lost:
                    self._keys.pop(subject, None)
            self._take_held(lost)
            raise Conflict("the record changed meanwhile; run the command again", rule="concurrency")

    def take_pending(self, subjects: set[str]) -> list[tuple[str, bytes, str]]:
        """The keys made and not yet saved of these subjects (those a save's events are sealed
        with), as (subject, wrapped, KEK id), for the save to store with the events (PostgreSQL:
        one statement). Only those: a key made meanwhile for a later save (an import decides the
        next batch while this one saves) stays for it, so a key lost to another process refuses
        the save whose events it sealed. Taken: a save that fails gives them back."""
        with self._lock:
            pending = {s: self._pending.pop(s) for s in subjects if s in self._pending}
        if not pending:
            return []
        kek_id = self.kek().kek_id
        return [(subject, wrapped, kek_id) for subject, wrapped in pending.items()]

    def return_pending(self, keys: list[tuple[str, bytes, str]], *, lost: bool) -> None:
        """Keys a save did not store: saved with the next one, but where it was refused for a
        key the store holds already (``lost``: another process made that child's key first, or
        an earlier try of the same save landed), whose keys the store holds are opened here."""
        self._give_back({subject: wrapped for subject, wrapped, _ in keys})
        if lost:  # (given back first: were this query to fail, none is left made and unsaved)
            self._take_held([subject for subject, _, _ in keys])

    def _give_back(self, pending: dict[str, bytes]) -> None:
        with self._lock:
            for subject, wrapped in pending.items():
                self._pending.setdefault(subject, wrapped)

    def _take_held(self, subjects: list[str]) -> None:
        """Of these subjects (whose keys made here a save was refused for), those whose key the
        store holds (another process's, or an earlier try's): that key opened for the next try,
        in place of the one made here."""
        rows = self._rows(subjects)
        with self._lock:
            for subject, row in rows.items():
                self._keys.pop(subject, None)
                self._pending.pop(subject, None)
                if subject not in self.erased:  # (an erasure may have forgotten it while the query ran)
                    self._open(subject, *row)

    def still_held(self, subjects: list[str]) -> list[str]:
        """Which of these subjects' keys the ``data_keys`` table still holds."""
        from plantrail.store.view_tables import transaction

        if not subjects or not self._table_exists():
            return []
        held: list[str] = []
        for start in range(0, len(subjects), 500):
            chunk = subjects[start:start + 500]
            marks = ", ".join("?" for _ in chunk)
            with transaction(self._tx_app, commit=False) as tx:
                held += [r["subject_id"] for r in tx.execute(
                    f"SELECT subject_id FROM {{keys}} WHERE subject_id IN ({marks})", chunk).fetchall()]
        return held

    def reread(self) -> None:
        """Look keys up afresh: other processes (an import's workers) may have saved keys for
        children this one found none for, and a key made here for one of them would be lost."""
        with self._lock:
            self._absent.clear()

    def forget(self, subject: str) -> None:
        """The subject's key is destroyed (erased): never read again by this process."""
        with self._lock:
            self.erased.add(subject)
            self._keys.pop(subject, None)
            self._absent.discard(subject)

    def forget_pending(self) -> None:
        with self._lock:
            for subject in self._pending:
                self._keys.pop(subject, None)
            self._pending = {}

    # ---------------------------------------------------------------- SQL
    def _rows(self, subjects: Iterable[str] | None) -> dict[str, tuple[bytes, str]]:
        """These subjects' rows (None: every row, which only the KEK's rotation reads)."""
        from plantrail.store.view_tables import transaction

        if not self._table_exists():
            return {}
        with transaction(self._tx_app, commit=False) as tx:
            if subjects is None:
                rows = tx.execute("SELECT subject_id, wrapped, kek_id FROM {keys}").fetchall()
            else:
                chosen = list(subjects)
                marks = ", ".join("?" for _ in chosen)
                rows = tx.execute(f"SELECT subject_id, wrapped, kek_id FROM {{keys}} WHERE subject_id IN ({marks})",
                                  chosen).fetchall()
        return {r["subject_id"]: (bytes(r["wrapped"]), r["kek_id"]) for r in rows
                if r["subject_id"] not in self.erased}

    def _has_keys(self) -> bool:
        from plantrail.store.view_tables import transaction

        if not self._table_exists():
            return False
        with transaction(self._tx_app, commit=False) as tx:
            return tx.execute("SELECT 1 AS found FROM {keys} LIMIT 1").fetchone() is not None

    def _table_exists(self) -> bool:
        from plantrail.store.view_tables import is_postgres, transaction

        if self._has_table:
            return True
        app = self._tx_app
        with transaction(app, commit=False) as tx:
            if is_postgres(app):
                name = f'"{app.recorder.datastore.schema}"."{KEYS_TABLE}"'
                found = bool(tx.execute("SELECT to_regclass(?) IS NOT NULL AS found", (name,)).fetchone()["found"])
            else:
                found = tx.execute("SELECT 1 AS found FROM sqlite_master WHERE type = 'table' AND name = ?",
                                   (KEYS_TABLE,)).fetchone() is not None
        self._has_table = found
        return found


def _erased(subject: str) -> KekProblem:
    return KekProblem(f"the record {subject} was erased; nothing more can be recorded about it")
