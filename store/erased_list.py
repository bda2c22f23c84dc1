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
    try:
        return {line.split()[0] for line in erased_list(kek_path).read_text().splitlines() if line.strip()}
    except FileNotFoundError:
        return set()


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
