"""The plan on a past date, by either clock (DOMAIN.md, "Time").

"What did the record say on 1 March?" (``recorded_at``) and "what was the plan on
1 March?" (``effective_on``) differ when a change was back-dated or corrected
later. Both are folds of the plan's events with the domain's fold; only the choice
and order of events differ (see ``projections.fold``).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID

from plantrail.domain.errors import BadInput
from plantrail.domain.plan_state import PlanState
from plantrail.projections.fold import as_effective, as_recorded
from plantrail.projections.walk import plan_events


def plan_as_at(app: Any, plan_ref: str | UUID, *, recorded_at: datetime | None = None,
               effective_on: date | None = None) -> PlanState:
    """``recorded_at`` (a time; naive means UTC), ``effective_on``, or both: both is
    "what the record said at T about the plan on D" (only what was written by T)."""
    from plantrail.projections.plans import resolve_plan_id

    if recorded_at is None and effective_on is None:
        raise BadInput("give --as-at TIME or --effective-on DATE (or both)")
    events = plan_events(app, resolve_plan_id(app, plan_ref))
    if recorded_at is not None:
        if recorded_at.tzinfo is None:
            recorded_at = recorded_at.replace(tzinfo=UTC)
        state = as_recorded(events, recorded_at)
        if effective_on is None:
            return state
        events = [e for e in events if e.timestamp <= recorded_at]
    assert effective_on is not None
    return as_effective(events, effective_on)
