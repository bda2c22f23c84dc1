"""Signed checkpoints: an Ed25519 signature over the chain's head, kept outside the database.

A checkpoint proves later that the log still holds that position with that link,
so rewriting the whole chain, or cutting off its tail, cannot go unnoticed.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from collections.abc import Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

from plantrail.store.errors import BadCheckpoint, ChainBroken, SigningKeyError

KEY_ENV = "PLANTRAIL_SIGNING_KEY"
SIGNED_FIELDS = ("position", "link", "events", "made_at", "public_key")


def _public_hex(key: Ed25519PrivateKey) -> str:
    return key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw).hex()


def create_key(path: str | os.PathLike[str]) -> str:
    """Write a new private key (PEM, mode 0600) to path, and its public key beside it
    (``PATH.pub``: the hex, one line, for the records policy and ``verify --trusted-key``);
    return the public key (hex).

    Refuses to overwrite either: losing the old key would orphan every checkpoint made with it.
    """
    path = Path(path).expanduser()
    public_path = public_key_path(path)
    for existing in (path, public_path):
        if existing.exists() or existing.is_symlink():
            raise SigningKeyError(f"{existing} already exists; choose another path (keep the old key for its checkpoints)")
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    path.parent.mkdir(parents=True, exist_ok=True)
    _write_new(path, pem, 0o600)  # exactly owner read/write, whatever the umask
    _write_new(public_path, (_public_hex(key) + "\n").encode(), 0o644)
    return _public_hex(key)


def public_key_path(private: str | os.PathLike[str]) -> Path:
    return Path(f"{Path(private).expanduser()}.pub")


def _write_new(path: Path, data: bytes, mode: int) -> None:
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, mode)
    except FileExistsError:
        raise SigningKeyError(f"{path} already exists; choose another path") from None
    with os.fdopen(fd, "wb") as f:
        os.fchmod(f.fileno(), mode)
        f.write(data)


def fingerprint(public_hex: str) -> str:
    """How a person names a public key: ``SHA256:`` and the base64 of its digest (as ssh does)."""
    digest = hashlib.sha256(bytes.fromhex(public_hex)).digest()
    return "SHA256:" + base64.b64encode(digest).decode().rstrip("=")


def load_trusted_keys(paths: Sequence[str | os.PathLike[str]]) -> set[str]:
    """The public keys (hex) in these files: one a line (``key create``'s ``.pub`` files, or
    a file of several); blank lines and lines starting # are skipped."""
    keys: set[str] = set()
    for raw in paths:
        path = Path(raw).expanduser()
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as e:
            raise BadCheckpoint(f"cannot read trusted keys from {path}: {getattr(e, 'strerror', None) or e}") from None
        for number, line in enumerate(lines, start=1):
            text = line.split("#", 1)[0].strip()
            if not text:
                continue
            word = text.split()[0].lower()
            if len(word) != 64 or any(c not in "0123456789abcdef" for c in word):
                raise BadCheckpoint(f"{path}, line {number}: not a public key (64 hex digits, as key create writes)")
            keys.add(word)
    return keys


def load_key(key_path: str | os.PathLike[str] | None = None) -> Ed25519PrivateKey:
    raw = key_path or os.environ.get(KEY_ENV)
    if not raw:
        raise SigningKeyError(f"no signing key: give its path or set {KEY_ENV} (create one with create_key)")
    path = Path(raw).expanduser()
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except OSError as e:
        raise SigningKeyError(f"cannot read signing key {path}: {e.strerror or e}") from None
    except (ValueError, TypeError):
        raise SigningKeyError(f"{path} is not an unencrypted Ed25519 private key in PEM form") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise SigningKeyError(f"{path} is not an Ed25519 private key")
    return key


def _message(cp: dict[str, Any]) -> bytes:
    return json.dumps({k: cp[k] for k in SIGNED_FIELDS}, sort_keys=True, separators=(",", ":")).encode()


def make_checkpoint(url: str, key_path: str | os.PathLike[str] | None = None) -> dict[str, Any]:
    """Verify the log, then sign its head. Raises ChainBroken rather than vouch for an altered log."""
    from plantrail.store.verify import verify

    key = load_key(key_path)
    report = verify(url)
    if not report.intact:
        raise ChainBroken(report)
    cp: dict[str, Any] = {
        "position": report.head_position,
        "link": report.head_link,
        "events": report.events_checked,
        "made_at": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "public_key": _public_hex(key),
    }
    cp["signature"] = key.sign(_message(cp)).hex()
    return cp


def load_checkpoint(source: Any) -> dict[str, Any]:
    """A checkpoint dict (or JSON file path) whose signature holds; BadCheckpoint otherwise.

    The signature proves the file unaltered, not who made it: whether its key is one the
    auditor trusts is verify's to say (``untrusted-key``). The checkpoint carries its name
    (``source``: the file, where it came from one).
    """
    name = "checkpoint"
    if not isinstance(source, dict):
        name = str(source)
        try:
            source = json.loads(Path(source).read_text())
        except OSError as e:
            raise BadCheckpoint(f"cannot read checkpoint {name}: {e.strerror or e}") from None
        except ValueError:  # (not JSON, not UTF-8)
            raise BadCheckpoint(f"{name} is not a checkpoint (not JSON)") from None
        except RecursionError:
            raise BadCheckpoint(f"{name} is not a checkpoint (JSON nested past what can be read)") from None
    try:
        cp = {k: source[k] for k in (*SIGNED_FIELDS, "signature")}
        if not (isinstance(cp["position"], int) and isinstance(cp["events"], int)):
            raise TypeError
        public = Ed25519PublicKey.from_public_bytes(bytes.fromhex(cp["public_key"]))
        signature = bytes.fromhex(cp["signature"])
    except (KeyError, TypeError, ValueError):
        raise BadCheckpoint(f"{name} is not a checkpoint (fields missing or malformed)") from None
    try:
        public.verify(signature, _message(cp))
    except InvalidSignature:
        raise BadCheckpoint(f"{name}: the signature does not match; the checkpoint file has been altered") from None
    cp["source"] = name
    return cp


if __name__ == "__main__":  # python -m store.checkpoint new-key PATH
    import sys

    if len(sys.argv) != 3 or sys.argv[1] != "new-key":
        sys.exit("usage: python -m store.checkpoint new-key PATH")
    try:
        print(create_key(sys.argv[2]))
    except SigningKeyError as e:
        sys.exit(str(e))
