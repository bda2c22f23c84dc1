"""The access log's events: who read a child's or a plan's records (CLI.md, "Who reads")."""

from __future__ import annotations

from uuid import UUID

from pydantic import Field

from plantrail.domain.base import Created


class RecordRead(Created):
    """A staff member read a child's or a plan's records, or was refused the read (CLI.md,
    "Who reads"): recorded before anything of it was shown, so no read goes unlogged.

    Each entry is a record of its own (one event), so readers never wait on one another's
    entries. ``actor`` is who read (the envelope's), ``login`` the account it came from (the
    operating-system user on SQLite, the database login on PostgreSQL, where the server's own
    ``stored_by`` is also kept beside it), ``command`` what they ran, ``child`` and ``plan_id``
    what it showed (``children``: every child a list named), ``purpose`` the ``--purpose`` they
    gave, ``refused`` whether the read was refused (the entry is then all they got), and
    ``staff`` the staff member whose reads an ``access --by`` looked at.
    """

    command: str
    login: str = ""
    child: str | None = None
    plan_id: UUID | None = None
    children: list[str] = Field(default_factory=list)
    purpose: str | None = None
    refused: bool = False
    staff: str | None = None
