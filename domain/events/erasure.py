"""Erasure at the end of a child's retention period (DOMAIN.md, "Keeping records")."""

from __future__ import annotations

from datetime import date

from pydantic import field_validator

from plantrail.domain.base import Event
from plantrail.domain.events.text import not_blank


class ErasureRequested(Event):
    """A records officer asks for a child's record to be destroyed: after its retention
    period, or before it only on an authority such as a court order (``authority``). Kept
    plain, as the evidence of the erasure: its reason and authority say why, never what the
    record held. ``retain_until``: the date the schedule kept the record to, as it stood."""

    request_id: str
    retain_until: date | None = None

    _blank = field_validator("reason")(not_blank)


class ChildErased(Event):
    """A team manager who did not ask for it approves the erasure (two people): the child's
    key is destroyed, so what the log said about the child can no longer be read; the events
    and their chain stay. Holds no personal data: the reference, the request, who asked."""

    child_ref: str
    request_id: str
    requested_by: str
