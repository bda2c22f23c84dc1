"""A child's record: registration, and the plan periods kept across plans."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from pydantic import field_validator

from plantrail.domain.base import Created, Event
from plantrail.domain.events.text import not_blank
from plantrail.domain.vocabulary import (
    Nation,
    PlanKind,
    Sex,
)

# --------------------------------------------------------------------------- children


class ChildRegistered(Created):
    """A child is known to the store by the local authority's reference (CLI.md, child add)."""

    child_ref: str
    name: str
    born: date
    sex: Sex = "U"
    upn: str | None = None
    nation: Nation = "england"
    died: date | None = None  # the retention schedule runs from it (DOMAIN.md, "Keeping records")

    _blank = field_validator("child_ref", "name")(not_blank)


class ChildPlanStarted(Event):
    """A plan of one family starts for the child.

    One child has at most one open plan of each family, and never a child-in-need and
    a child-protection period open at once (DOMAIN.md, "Plans"; census rules 4001, 4004,
    8935, 8940). The child's record is where that rule can be kept across plans.
    """

    plan_id: UUID
    family: str
    kind: PlanKind


class ChildPlanEnded(Event):
    """A plan of the child's is closed or replaced; its family is free again."""

    plan_id: UUID


class ChildPlanWithdrawn(Event):
    """A plan of the child's was withdrawn as opened in error: its period is no longer
    one of the child's, so it frees the family and no census period comes of it. The
    child's record keeps it apart (``ChildState.withdrawn``), for the subject access
    export."""

    plan_id: UUID
