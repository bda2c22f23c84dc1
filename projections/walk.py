"""A plan's events one by one, with the plan document before and after each.

History and the review chair's changes are both this walk, rendered differently.
The fold is the aggregate's (see ``projections.fold``): a correction re-folds, so
"after" a correction is the record as it read once the correction was made.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from pydantic_core import to_jsonable_python

from plantrail.domain.base import ENVELOPE_FIELDS, Event
from plantrail.domain.errors import NotFound
from plantrail.domain.events import ActionAmended, Corrected, PlanDetailsRecorded, PlanOpened, Voided, type_name
from plantrail.domain.plan import Plan
from plantrail.projections.current import plan_document
from plantrail.projections.fold import Folding
from plantrail.store.log import Provenance, provenance

# The envelope: about the recording, not the record; shown beside ``data``.
NOT_DATA = ENVELOPE_FIELDS | {"initials", "effective_on", "reason", "authority"}


@dataclass
class Step:
    event: Event
    stored: Provenance | None  # its place in the log, and the server's provenance
    before: dict[str, Any]
    after: dict[str, Any]
    target: Event | None = None  # the entry a correction or void names, as first recorded
    target_was: Event | None = None  # that entry as it read just before this correction

    @property
    def corrected_fields(self) -> list[dict[str, Any]]:
        """For a correction: each field it set, with the value it replaced."""
        if not isinstance(self.event, Corrected) or self.target_was is None:
            return []
        return [
            {"field": name, "before": to_jsonable_python(getattr(self.target_was, name, None)),
             "after": to_jsonable_python(value)}
            for name, value in self.event.fields.items()
        ]


def plan_events(app: Any, plan_id: UUID) -> list[Event]:
    events = app.events_of(plan_id)
    if not events or not isinstance(events[0], PlanOpened):
        raise NotFound(f"no plan {plan_id}", fix="see `plantrail plans`")
    return events


def steps(app: Any, plan_id: UUID) -> Iterator[Step]:
    events = plan_events(app, plan_id)
    stored = provenance(app, plan_id)
    folding = Folding(Plan)
    before = plan_document(folding.state, version=0)
    for event in events:
        target = target_was = None
        if isinstance(event, (Corrected, Voided)):
            target = folding.record.entry(event.target_version)
            target_was = folding.record.as_corrected(target) if target is not None else None
        folding.take(event)
        after = plan_document(folding.state, version=folding.version)
        yield Step(event, stored.get(event.originator_version), before, after, target, target_was)
        before = after


def envelope(event: Event, stored: Provenance | None) -> dict[str, Any]:
    """What every listed event shows about its recording (DOMAIN.md, "Time"): the client's
    ``recorded_at`` and, where the server keeps them (PostgreSQL), its own clock
    (``stored_at``) and the login that stored it (``stored_by``)."""
    return {
        "event_id": event.event_id,
        "position": stored.position if stored else None,
        "type": type_name(event),
        "recorded_at": iso_utc(event.timestamp),
        "stored_at": iso_utc(stored.stored_at) if stored and stored.stored_at else None,
        "stored_by": stored.stored_by if stored else None,
        "effective_on": event.effective_on.isoformat(),
        "actor": event.actor,
        "login": event.login,
        "initials": event.initials,
        "reason": event.reason,
        "authority": event.authority,
    }


def data(event: Event) -> dict[str, Any]:
    # An amendment or details entry names only the fields it changes; the others
    # are absent (None), and listing them would read as "set to nothing".
    partial = isinstance(event, (ActionAmended, PlanDetailsRecorded))
    return event.model_dump(mode="json", exclude=set(NOT_DATA), exclude_none=partial)


def iso_utc(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")
