"""The plan on a past date, by either clock (DOMAIN.md, "Time").

"What did the record say on 1 March?" (``recorded_at``) and "what was the plan on
1 March?" (``effective_on``) differ when a change was back-dated or corrected
later. Both are folds of the plan's events with the domain's fold; only the choice
and order of events differ (see ``projections.fold``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID

from plantrail.domain.errors import BadInput
from plantrail.domain.plan_state import PlanState
from plantrail.projections.fold import as_effective, as_recorded
from plantrail.projections.walk import plan_events
from plantrail.store.log import provenance


def _recorded_when(app: Any, plan_id: UUID, by: str) -> Callable[[Any], datetime]:
    """When each event was recorded: by the server's clock where it keeps one (``by``
    "server", PostgreSQL: the client's own timestamp is only what the client said), else by
    the event's own (``by`` "event": the clock the application was given)."""
    stored = provenance(app, plan_id) if by == "server" else {}

    def when(event: Any) -> datetime:
        kept = stored.get(event.originator_version)
        return kept.stored_at if kept is not None and kept.stored_at is not None else event.timestamp

    return when


def plan_as_at(app: Any, plan_ref: str | UUID, *, recorded_at: datetime | None = None,
               effective_on: date | None = None, by: str = "server") -> PlanState:
    """``recorded_at`` (a time; naive means UTC), ``effective_on``, or both: both is
    "what the record said at T about the plan on D" (only what was written by T)."""
    from plantrail.projections.plans import resolve_plan_id

    if recorded_at is None and effective_on is None:
        raise BadInput("give --as-at TIME or --effective-on DATE (or both)")
    plan_id = resolve_plan_id(app, plan_ref)
    events = plan_events(app, plan_id)
    if recorded_at is not None:
        if recorded_at.tzinfo is None:
            recorded_at = recorded_at.replace(tzinfo=UTC)
        when = _recorded_when(app, plan_id, by)
        state = as_recorded(events, recorded_at, when)
        if effective_on is None:
            return state
        events = [e for e in events if when(e) <= recorded_at]
    assert effective_on is not None
    return as_effective(events, effective_on)
