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

from eventsourcing.persistence import IntegrityError

from plantrail.domain.access import AccessEntry, may_read
from plantrail.domain.errors import BadInput, Conflict, NotFound, NotPermitted

# Who may read the access log (CLI.md, "Who reads": ``access``): a read, so not among the
# commands' permissions (application/permissions.py).
READS_ACCESS_LOG = frozenset({"auditor", "team-manager", "records-officer"})
# A read decided again when the reader's or the child's record moved on before its entry was
# saved (each time on the records as they are then); beyond that, refused as a conflict.
READ_RETRIES = 3


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
    """Let ``read`` through, with its access log entry saved first; or refuse it. The entry's
    save checks that the reader's and the child's records are as they were read: a leave, a
    role revoked or a restriction recorded between the checks and the save refuses the save,
    and the read is decided again on the records as they are then."""
    if not read.actor:
        raise BadInput("every read of a child's or a plan's records needs a reader (it is logged)",
                       fix="give --as STAFF_ID or set PLANTRAIL_AS")
    for attempt in range(1, READ_RETRIES + 1):
        try:
            return _decide_and_log(log, read)
        except _Moved as moved:
            if attempt == READ_RETRIES:  # refused, and (as every refused read) logged
                save_entry(log, read, moved.initials, refused=True)
                raise Conflict(f"the records of {read.actor} or of the child changed while the read was being "
                               "decided, again and again", fix="try the read again") from None
    raise AssertionError("unreachable")  # pragma: no cover


def _decide_and_log(log: Any, read: Read) -> None:
    shows_child = read.child is not None and read.needs is None  # (the access log names, it does not show)
    member, child = log.reader_and_child(read.actor, read.child if shows_child else None)
    if member is None:
        raise NotFound(f"no staff member {read.actor}", fix="give --as the id of a registered staff member")
    as_read = [(member.id, member.version)]
    try:
        member.check_present(log.today())
        if read.needs:
            member.authorise(read.needs, f"read the access log ({read.command})")
        if shows_child:
            found = child()
            if found is None:
                raise NotFound(f"no child {read.child}", fix="see `plantrail child add`")
            as_read.append((found.id, found.version))
            _check_restriction(found.state.restricted_to, read, member.state.roles)
    except NotPermitted:
        # Refused on these records, if they are still as read (else decided again: a refusal
        # on records since changed, a restriction lifted, is not the reader's due).
        _save_as_read(log, read, member.state.initials, refused=True, as_read=as_read)
        raise
    _save_as_read(log, read, member.state.initials, refused=False, as_read=as_read)


def _save_as_read(log: Any, read: Read, initials: str, *, refused: bool, as_read: list[tuple[UUID, int]]) -> None:
    """The entry, saved only if the records it was decided on are unchanged (else _Moved)."""
    try:
        save_entry(log, read, initials, refused=refused, unchanged=as_read)
    except IntegrityError:
        if any(log.recorder.select_events(record_id, gt=version, limit=1) for record_id, version in as_read):
            raise _Moved(initials) from None
        raise  # refused for another reason: the entry could not be saved


class _Moved(Exception):
    """The reader's or the child's record moved on between the checks and the entry's save."""

    def __init__(self, initials: str) -> None:
        super().__init__("moved")
        self.initials = initials


def _check_restriction(restricted_to: list[str] | None, read: Read, roles: list[str]) -> None:
    if not may_read(restricted_to, read.actor or "", roles, read.purpose):
        # (the reader's id is not repeated: theirs is the refusal, and the access log names them)
        raise NotPermitted(f"the record of child {read.child} is restricted", rule="restriction",
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


def save_entry(log: Any, read: Read, initials: str, *, refused: bool,
               unchanged: list[tuple[UUID, int]] | None = None) -> None:
    """Save one access log entry: a record of its own, one event, appended to the chained
    log (so ``verify`` checks it); no read of the log first, no other record's lock. The save
    is refused (IntegrityError) if a record of ``unchanged`` has moved on from its version."""
    entry = AccessEntry.read(at=log.clock(), actor=read.actor or "", initials=initials, command=read.command,
                             login=read.login, child=read.child, plan_id=read.plan_id,
                             children=sorted(set(read.children)), purpose=read.purpose, refused=refused,
                             staff=read.staff)
    events = entry.collect_events()
    log.recorder.insert_events([log.mapper.to_stored_event(event) for event in events], unchanged=unchanged or ())
