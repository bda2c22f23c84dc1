"""What a logged read decides on: the reader's staff record and the child's, read with the plan.

A read of a child's records is let through only once its access log entry is saved
(application/access.py), and the entry is decided on the reader's record (a leaver, a role
revoked) and the child's (a restriction). On PostgreSQL each read of the log waits on the
server, so a plan read for a named reader brings those two records in its own round trip
(``plan_for_reader``) and keeps them for the entry's decision (``reader_and_child``): a logged
read of a plan is then two round trips, the read and the entry's save, not three.

Records read ahead are only ever a first look: the entry's save, let through or refused, checks
that the reader's and the child's records are still at the versions decided on, and the read is
decided again on the records as they are if not. They are kept for the one read that follows, and only on the
application they were read through (a read served by a standby logs to the primary, which
reads its own).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from plantrail.domain.base import fold_events
from plantrail.domain.child import Child, child_id
from plantrail.domain.errors import NotFound
from plantrail.domain.plan import Plan
from plantrail.domain.staff import StaffMember, staff_id_key

Stored = dict[UUID, list[Any]]  # a record's id -> its stored events, in version order


def plan_for_reader(app: Any, plan_id: UUID, staff_id: str) -> Plan | None:
    """The plan, read with its reader's and its child's records, which are kept on ``app`` for
    the read's entry; None where the store cannot read them together (SQLite, where a read
    does not wait on a server; a store without its keys' table known), for the plain read."""
    app.read_ahead = None  # (what an earlier read brought and no entry used is never used later)
    select = getattr(app.recorder, "select_plan_with_reader", None)
    if select is None or app.in_command:
        return None
    reader_id = staff_id_key(staff_id)
    found: Stored | None = select(plan_id, reader_id)
    if found is None:
        return None
    plan = fold_events(None, app.mapper.to_domain_events(found.get(plan_id, ())))
    if not isinstance(plan, Plan):
        return None  # (the plain read says there is no such plan, as it always has)
    # The reader, found or not (it was looked for), and whatever else the statement found: the
    # child whose key sealed the plan (none from a plain plan, or a key id it could not read as
    # an id; the decision then reads the child apart).
    ahead = {record: events for record, events in found.items() if record != plan_id}
    ahead.setdefault(reader_id, [])
    app.read_ahead = ahead
    return plan


def reader_and_child(app: Any, staff_id: str, child_ref: str | None
                     ) -> tuple[StaffMember | None, Callable[[], Child | None]]:
    """A reader's staff record and, if named, the child's record whose restriction the read
    must honour: those read ahead with the plan if they are the ones wanted, else read
    together (one round trip on PostgreSQL); None where there is no such record. The child's
    is opened only when asked for, once the reader's checks have passed: a leaver's read
    opens nothing of the child's."""
    if app.in_command:  # (inside a command: through its unit of work)
        return _found(app.staff_member, staff_id), lambda: (
            _found(app.child, child_ref) if child_ref is not None else None)
    wanted = [staff_id_key(staff_id), *([child_id(child_ref)] if child_ref is not None else [])]
    ahead, app.read_ahead = app.read_ahead, None  # (for one read only)
    stored = ahead if ahead is not None and all(w in ahead for w in wanted) else app.recorder.select_records(wanted)

    def folded(record_id: UUID, kind: type) -> Any:
        found = fold_events(None, app.mapper.to_domain_events(stored.get(record_id, ())))
        return found if isinstance(found, kind) else None

    return folded(wanted[0], StaffMember), lambda: folded(wanted[1], Child) if child_ref is not None else None


def _found(get: Callable[[str], Any], ref: str) -> Any:
    try:
        return get(ref)
    except NotFound:
        return None
