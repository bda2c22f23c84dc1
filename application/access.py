"""Reads of a child's or a plan's records: who may read, and the access log entry written
before anything is shown (CLI.md, "Who reads").

``logged_read`` is the one way a read is let through: it names the reader (a read needs one,
exit 2 without), refuses a leaver (exit 1, the refusal logged), and saves the entry. Where the
entry cannot be saved the caller must show nothing. ``log`` is the application the entry is
saved to: the primary store, even where the read itself is served from a standby.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from plantrail.domain.access import AccessEntry, may_read
from plantrail.domain.errors import BadInput, NotFound, NotPermitted


@dataclass(frozen=True)
class Read:
    """What one read shows, and who reads it and why."""

    command: str
    actor: str | None
    login: str = ""
    purpose: str | None = None
    child: str | None = None
    plan_id: UUID | None = None
    children: Iterable[str] = field(default_factory=tuple)
    staff: str | None = None
    needs: frozenset[str] | None = None  # the roles the read needs (the access log's), if any


def logged_read(log: Any, read: Read) -> None:
    """Let ``read`` through, with its access log entry saved first; or refuse it."""
    if not read.actor:
        raise BadInput("every read of a child's or a plan's records needs the staff member reading "
                       "(it is logged)", fix="give --as STAFF_ID or set PLANTRAIL_AS")
    shows_child = read.child is not None and read.needs is None  # (the access log names, it does not show)
    member, child = log.reader_and_child(read.actor, read.child if shows_child else None)
    if member is None:
        raise NotFound(f"no staff member {read.actor}", fix="give --as the id of a registered staff member")
    try:
        member.check_present(log.today())
        if read.needs:
            member.authorise(read.needs, f"read the access log ({read.command})")
        if shows_child:
            found = child()
            if found is None:
                raise NotFound(f"no child {read.child}", fix="see `plantrail child add`")
            _check_restriction(found.state.restricted_to, read, member.state.roles)
    except NotPermitted:
        save_entry(log, read, member.state.initials, refused=True)
        raise
    save_entry(log, read, member.state.initials, refused=False)


def _check_restriction(restricted_to: list[str] | None, read: Read, roles: list[str]) -> None:
    if not may_read(restricted_to, read.actor or "", roles, read.purpose):
        raise NotPermitted(f"the record of child {read.child} is restricted, and {read.actor} is not among those "
                           "who may read it", rule="restriction",
                           fix="ask a team manager or records officer; an auditor reads it with --purpose TEXT")


def unreadable(log: Any, actor: str | None, purpose: str | None, restricted: dict[str, list[str]]) -> set[str]:
    """The restricted children (``restricted``: each with the staff it allows) whose records
    this reader may not see: a list leaves them out, and says only how many it left out."""
    if not restricted:
        return set()
    try:
        member = log.staff_member(actor) if actor else None
    except NotFound:
        member = None
    roles = member.state.roles if member is not None else []
    return {child for child, allowed in restricted.items() if not may_read(allowed, actor or "", roles, purpose)}


def save_entry(log: Any, read: Read, initials: str, *, refused: bool) -> None:
    """Save one access log entry: a record of its own, one event, appended to the chained
    log (so ``verify`` checks it); no read of the log first, no other record's lock."""
    entry = AccessEntry.read(at=log.clock(), actor=read.actor or "", initials=initials, command=read.command,
                             login=read.login, child=read.child, plan_id=read.plan_id,
                             children=sorted(set(read.children)), purpose=read.purpose, refused=refused,
                             staff=read.staff)
    events = entry.collect_events()
    log.recorder.insert_events([log.mapper.to_stored_event(event) for event in events])
