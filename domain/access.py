"""The access log: each read of a child's or a plan's records is an entry of its own
(CLI.md, "Who reads"). Entries are made here and only saved (never loaded to decide on)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import uuid4

from plantrail.domain import events as ev
from plantrail.domain.base import Model, Record


class AccessState(Model):
    command: str = ""


class AccessEntry(Record):
    """One read: its own record, one event, so entries never conflict with each other."""

    def blank(self) -> AccessState:
        return AccessState()

    def evolve(self, state: AccessState, event: ev.Event) -> None:
        if isinstance(event, ev.RecordRead):
            state.command = event.command

    @classmethod
    def read(cls, *, at: datetime, actor: str, initials: str, **fields: Any) -> AccessEntry:
        """The entry for one read (``fields``: those of ``RecordRead``)."""
        return cls._create(ev.RecordRead, id=uuid4(), timestamp=at, actor=actor, initials=initials or actor,
                           effective_on=at.date(), **fields)


def may_read(restricted_to: list[str] | None, staff_id: str, roles: list[str], purpose: str | None) -> bool:
    """Whether a staff member may read a child's record (CLI.md, "Who reads"): anyone, unless
    it is restricted; then only the staff it allows, and auditors who say why (``--purpose``)."""
    if restricted_to is None or staff_id in restricted_to:
        return True
    return "auditor" in roles and bool(purpose and purpose.strip())
