"""The key-encryption key (KEK): the one key the application is given, in its own file, which
wraps every child's data key (store/keys.py) and is never in the database; where it is kept when
``PLANTRAIL_KEK`` names no file; and its rotation (docs/records-management.md)."""

from __future__ import annotations

import base64
import hashlib
import os
import secrets
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from plantrail.store.erased_list import erased_list
from plantrail.store.errors import StoreUnavailable

KEK_FILE_MOST = 4096  # bytes of a KEK file read: more is not a key
NONCE = 12  # bytes: AES-GCM's standard nonce, fresh from the OS for every sealing


class KekProblem(StoreUnavailable):
    """The key-encryption key is missing, unreadable or not the one the store's keys were
    wrapped with: nothing sealed can be read or written (CLI exit code 4)."""


def default_kek_path(store: str) -> Path:
    """Where the KEK is kept when ``PLANTRAIL_KEK`` is not set: beside an SQLite store's file
    (fine for the demo; production keeps it elsewhere), or under the user's data directory
    for a PostgreSQL store."""
    if store.startswith("/"):
        return Path(store + ".kek")
    base = os.environ.get("XDG_DATA_HOME", "")
    if not os.path.isabs(base):
        base = os.path.join(os.path.expanduser("~"), ".local", "share")
    return Path(base, "plantrail", "keys", store + ".kek")


class Kek:
    """The key-encryption key: 32 random bytes, kept in its file as one line of base64."""

    def __init__(self, path: Path, material: bytes) -> None:
        self.path = path
        self._aes = AESGCM(material)
        # Which KEK wrapped a key (stored with it): a wrong KEK is named as such at once.
        self.kek_id = hashlib.sha256(b"plantrail-kek:" + material).hexdigest()[:16]

    @classmethod
    def read(cls, path: Path) -> Kek | None:
        try:
            with path.open("rb") as file:
                text = file.read(KEK_FILE_MOST).strip()  # (a key is 44 characters: never a whole device)
        except FileNotFoundError:
            return None
        except OSError as e:
            raise KekProblem(f"cannot read the key-encryption key {path}: {e.strerror or e}") from None
        try:  # (bytes: a file of anything else, not UTF-8 text, is as wrong as any other)
            material = base64.b64decode(text, validate=True)
        except ValueError:
            material = b""
        if len(material) != 32:
            raise KekProblem(f"{path} is not a plantrail key-encryption key (32 random bytes in base64); "
                             "`plantrail kek rotate FILE` makes one")
        return cls(path, material)

    @classmethod
    def create(cls, path: Path) -> Kek:
        # Quietly (scripts read stderr): `init` says where it is, and the docs say to keep it
        # apart from the store's backups (docs/records-management.md).
        material = secrets.token_bytes(32)
        write_kek(path, material)
        return cls(path, material)

    def wrap(self, subject: str, key: bytes) -> bytes:
        nonce = secrets.token_bytes(NONCE)
        return nonce + self._aes.encrypt(nonce, key, subject.encode())

    def unwrap(self, subject: str, wrapped: bytes) -> bytes:
        try:
            return self._aes.decrypt(wrapped[:NONCE], wrapped[NONCE:], subject.encode())
        except InvalidTag:
            raise KekProblem(f"the key-encryption key {self.path} does not open this store's keys "
                             "(a wrong PLANTRAIL_KEK, or an altered key row)") from None


def write_kek(path: Path, material: bytes) -> None:
    """A new KEK file, readable by its owner only; never overwrites one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(base64.b64encode(material).decode() + "\n")


def rotate_kek(keyring: Any, new_path: Path) -> int:
    """Re-wrap every data key with the KEK in ``new_path`` (made if it is not there) in one
    transaction, and copy the erasure list beside it; the number of keys. The caller then
    points PLANTRAIL_KEK at the new file."""
    from plantrail.store.view_tables import transaction

    old = keyring.kek()
    new = Kek.read(new_path) or Kek.create(new_path)
    if new.kek_id == old.kek_id:
        raise KekProblem(f"{new_path} holds the key-encryption key in use; give a new file")
    rows = keyring._rows(None)
    with transaction(keyring._tx_app, commit=True) as tx:
        for subject, (wrapped, kek_id) in rows.items():
            if kek_id != old.kek_id:
                raise KekProblem(f"the key of {subject} is not wrapped by {old.path}; nothing was re-wrapped")
            tx.execute("UPDATE {keys} SET wrapped = ?, kek_id = ? WHERE subject_id = ?",
                       (new.wrap(subject, old.unwrap(subject, wrapped)), new.kek_id, subject))
    listed = erased_list(old.path)
    if listed.exists():
        erased_list(new.path).write_text(listed.read_text())
    return len(rows)
