"""The access log as a report (CLI.md, "Who reads", ``access``): who looked at a child's or a
plan's records, and what one staff member looked at. Each entry's time and login are the
server's on PostgreSQL (the chain's ``stored_at`` and ``stored_by``: the client could not have
chosen them), the entry's own elsewhere."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.persistence import StoredEvent
from eventsourcing.utils import get_topic

from plantrail.domain import events as ev
from plantrail.store.log import events_of_topics, restriction_events


def access_entries(app: Any, *, child: str | None = None, plan_id: UUID | None = None, staff: str | None = None,
                   since: date | None = None) -> list[dict[str, Any]]:
    """The access log's entries, oldest first: those that showed ``child`` (alone or in a
    list), or ``plan_id``, or were made by ``staff``; from ``since`` on."""
    entries = []
    for stored in events_of_topics(app, [get_topic(ev.RecordRead)]):
        entry = app.mapper.to_domain_event(StoredEvent(stored.originator_id, stored.originator_version,
                                                       stored.topic, stored.state))
        if not isinstance(entry, ev.RecordRead):
            continue  # unreadable: verify says what is wrong with it
        row = _row(entry, stored)
        if _wanted(row, entry, child, plan_id, staff, since):
            entries.append(row)
    return entries


def _row(entry: ev.RecordRead, stored: Any) -> dict[str, Any]:
    at = stored.stored_at or entry.timestamp
    return {
        "at": at.isoformat(), "actor": entry.actor, "login": stored.stored_by or entry.login,
        "command": entry.command, "child": entry.child, "plan_id": str(entry.plan_id) if entry.plan_id else None,
        "purpose": entry.purpose, "refused": entry.refused, "children": list(entry.children),
        "staff": entry.staff, "event_id": entry.event_id, "position": stored.position,
    }


def _wanted(row: dict[str, Any], entry: ev.RecordRead, child: str | None, plan_id: UUID | None,
            staff: str | None, since: date | None) -> bool:
    if since is not None and date.fromisoformat(row["at"][:10]) < since:
        return False
    if child is not None and entry.child != child and child not in entry.children:
        return False
    if plan_id is not None and entry.plan_id != plan_id:
        return False
    return staff is None or entry.actor == staff


def restrictions(app: Any) -> dict[str, list[str]]:
    """Each restricted child's reference, with the staff allowed to read the record (what
    the lists leave out for everyone else)."""
    allowed: dict[UUID, list[str]] = {}
    for stored in restriction_events(app):
        event = app.mapper.to_domain_event(StoredEvent(stored.originator_id, stored.originator_version,
                                                       stored.topic, stored.state))
        if isinstance(event, ev.ChildRestricted):
            allowed[event.originator_id] = list(event.allowed)
        elif isinstance(event, ev.ChildUnrestricted):
            allowed.pop(event.originator_id, None)
    return {app.repository.get(record_id).state.child_ref: staff for record_id, staff in allowed.items()}
