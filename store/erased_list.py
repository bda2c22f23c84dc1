"""The erasure list kept beside the KEK file: every child whose key was destroyed, one a line.

Checked when a store is opened (a restored backup holding an erased child's key row must not
bring the child back: docs/records-management.md); written before the key row is deleted.
"""

from __future__ import annotations

import os
from pathlib import Path


def erased_list(kek_path: Path) -> Path:
    return kek_path.with_name(kek_path.name + ".erased")


def read_erased(kek_path: Path) -> set[str]:
    """The children erased; none where the list is not there yet. A list that cannot be read,
    or is not the list (bytes that are not text), is a problem with the keys (exit 4): without
    it, a restored backup could bring an erased child back."""
    from plantrail.store.kek import KekProblem

    path = erased_list(kek_path)
    try:
        return {line.split()[0] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()}
    except FileNotFoundError:
        return set()
    except (OSError, UnicodeDecodeError) as e:
        raise KekProblem(f"cannot read the erasure list {path}: {getattr(e, 'strerror', None) or e}; "
                         "it is kept beside the key-encryption key, and every erased child is on it") from None


def add_erased(kek_path: Path, subject: str, note: str) -> None:
    """Append a child to the erasure list kept with the KEK (written before the key row is
    deleted, so a crash between leaves the child erased, not readable)."""
    # One write() of the whole line to a file opened O_APPEND: two processes erasing at once
    # each append a whole line (the kernel moves to the end and writes as one step), so
    # neither needs a lock, and neither line is lost or torn.
    fd = os.open(erased_list(kek_path), os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, f"{subject} {note}\n".encode())
        os.fsync(fd)
    finally:
        os.close(fd)
