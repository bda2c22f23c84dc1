"""A child's record: registration, and the plan periods kept across plans."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from pydantic import Field, field_validator

from plantrail.domain.base import Created, Event
from plantrail.domain.census_codes import Disability, Ethnicity, UpnUnknown
from plantrail.domain.events.text import not_blank
from plantrail.domain.vocabulary import (
    Nation,
    PlanKind,
    Sex,
)

# --------------------------------------------------------------------------- children


class ChildRegistered(Created):
    """A child is known to the store by the local authority's reference (CLI.md, child add).

    The characteristics the statutory returns report (CLI.md, "Statutory returns"): the
    ethnicity and disabilities from the DfE code sets (DfE rules 4220, 8540), the reason a
    UPN is not held (8770Q), a former UPN (1560Q), and the date of death (8535Q). Each is
    optional: a record made before they were asked for reads as "not recorded".
    """

    child_ref: str
    name: str
    born: date
    sex: Sex = "U"
    upn: str | None = None
    nation: Nation = "england"
    # ---- the SSDA903 return's characteristics (CLI.md, "Statutory returns"); kept together
    # so other returns' characteristics can sit apart. previous_permanence: the option before
    # care (PREV_PERM), with the authority (LA_PERM) and date (DATE_PERM) when known;
    # mother: the child is a mother (MOTHER), of a child born on mother_child_born (MC_DOB).
    previous_permanence: str | None = None
    previous_permanence_la: str | None = None
    previous_permanence_date: date | None = None
    mother: bool | None = None
    mother_child_born: date | None = None
    # ---- the CIN census's characteristics (ethnicity and disabilities, the UPN's absence,
    # a former UPN, the date of death).
    ethnicity: Ethnicity | None = None
    disabilities: list[Disability] = Field(default_factory=list)
    upn_unknown: UpnUnknown | None = None
    former_upn: str | None = None
    died: date | None = None  # the retention schedule runs from it too (DOMAIN.md, "Keeping records")

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


class MissingPeriodRecorded(Event):
    """A looked-after child was missing from their placement, or away from it without
    authorisation (SSDA903 Missing table: M or A), from ``effective_on`` to ``ended``
    (None: not yet back)."""

    kind: str
    ended: date | None = None


class ChildRestricted(Event):
    """A team manager or records officer restricts a child's record (CLI.md, "Who reads":
    ``child restrict``): from then on only the staff it ``allowed`` may read it, and auditors
    who give a ``--purpose``; anyone else is refused, and the refusal is logged. ``reason``
    (required) says why. A later restriction replaces the list."""

    allowed: list[str]


class ChildUnrestricted(Event):
    """The restriction of a child's record is lifted (CLI.md, "Who reads": ``child unrestrict``);
    ``reason`` (required) says why."""
