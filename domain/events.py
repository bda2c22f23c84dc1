"""The closed catalogue of events: everything that can ever be recorded.

Each event is a frozen pydantic model. Its docstring cites the rule it carries
(DOMAIN.md and the seeds in shared/seeds). Events hold what was decided; they are
validated as values here and as rules in the aggregates' command methods, never in
the apply step (which runs again on every replay).
"""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from pydantic import Field, field_validator

from plantrail.domain.base import Created, Event
from plantrail.domain.vocabulary import (
    Agreement,
    Category,
    ClosureReason,
    Nation,
    Party,
    PlanKind,
    PrimaryNeed,
    Rating,
    ReferralSource,
    ReviewKind,
    Role,
    Sex,
)

Text = str  # free text, never empty where required (see _not_blank)


def _not_blank(value: str | None) -> str | None:
    if value is not None and not value.strip():
        raise ValueError("must not be empty")
    return value


# --------------------------------------------------------------------------- staff


class StaffMemberRegistered(Created):
    """A member of staff joins the register with their initials and roles (CLI.md, roles).

    The initials are what the margin note of every later change carries by default.
    """

    staff_id: str
    name: str
    staff_initials: str
    roles: list[Role] = Field(min_length=1)

    _blank = field_validator("staff_id", "name", "staff_initials")(_not_blank)


class RoleGranted(Event):
    """A team manager grants a further role to a staff member (CLI.md, roles)."""

    role: Role


# --------------------------------------------------------------------------- children


class ChildRegistered(Created):
    """A child is known to the store by the local authority's reference (CLI.md, child add)."""

    child_ref: str
    name: str
    born: date
    sex: Sex = "U"
    upn: str | None = None
    nation: Nation = "england"

    _blank = field_validator("child_ref", "name")(_not_blank)


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


# --------------------------------------------------------------------------- plans


class PlanOpened(Created):
    """A plan is opened for a child with its one overall aim and timescale.

    Every plan has exactly one overall aim (DOMAIN.md, "Overall aim"); a Care Plan's aim
    is one of the ten Part One options, option 4 with its months; a child protection plan
    records its category of abuse and starts on the date of the initial conference; a
    Child's Plan that replaces an Initial Plan names it.

    The census codes the social worker holds at opening are optional and written to the
    DfE census only when recorded (DOMAIN.md, "Statutory return"): the source of the
    referral (``referral_source``, DfE rule 8866) and the primary need found at
    assessment (``primary_need``, DfE rule 8650), from the code sets in
    ``domain.vocabulary``.
    """

    child_ref: str
    kind: PlanKind
    aim: str
    aim_option: int | None = Field(default=None, ge=1, le=10)
    aim_months: int | None = Field(default=None, ge=1, le=240)
    category: Category | None = None
    replaces: UUID | None = None
    referred: date | None = None
    review_by: date | None = None
    referral_source: ReferralSource | None = None
    primary_need: PrimaryNeed | None = None

    _blank = field_validator("aim")(_not_blank)


class PlanApproved(Event):
    """A team manager approves one version of the plan (DOMAIN.md, "Lifecycle").

    The record shows which version was approved; every later change is visibly "since
    approval". Nobody approves a plan they wrote themselves.
    """

    approved_version: int


class PlanKindChanged(Event):
    """A Child's Plan changes kind at a conference or review (DOMAIN.md, "Plans").

    Child in need → child protection → child in need, decided at a held review of the
    plan, on that review's date; moving to child protection records the latest category.
    """

    kind: PlanKind
    review_id: str
    category: Category | None = None


class AimChanged(Event):
    """The overall aim changes — only at a held statutory review of this plan, on its date.

    "Part One sets out the overall aim of the Care Plan and can only be changed through a
    statutory review" (seed 003). Parallel planning sits beside the one aim, never as a
    second aim.
    """

    review_id: str
    aim: str
    aim_option: int | None = Field(default=None, ge=1, le=10)
    aim_months: int | None = Field(default=None, ge=1, le=240)

    _blank = field_validator("aim")(_not_blank)


class PlanDetailsRecorded(Event):
    """Care Plan Part One key details, a Scottish plan's contingency and compulsory
    measures, or the lead professional (seeds 002, 003). Only the fields given change."""

    legal_status: str | None = None
    court: str | None = None
    why_care: str | None = None
    prevention: str | None = None
    parallel_plan: str | None = None
    preferred_placement: str | None = None
    contingency: str | None = None
    compulsory_measures: str | None = None
    lead: str | None = None


class ActionAdded(Event):
    """A row of an area's action table: the six ICS columns and the planned outcomes.

    After the plan is agreed, every change to Part Two carries the date and the initials
    of the social worker responsible, and whether it was discussed with the parents and
    other parties (seed 003, "Reviewing the Care Plan").
    """

    action_id: str
    area: str
    need: str
    response: str
    frequency: str
    responsible: str
    starts: date
    outcomes: list[str] = Field(min_length=1)
    discussed_with: str | None = None

    _blank = field_validator("need", "response", "frequency", "responsible")(_not_blank)


class ActionAmended(Event):
    """An action's columns change; only the fields given change. The margin note rule of
    ActionAdded applies, and the change is listed for the next review."""

    action_id: str
    need: str | None = None
    response: str | None = None
    frequency: str | None = None
    responsible: str | None = None
    starts: date | None = None
    outcomes: list[str] | None = None
    discussed_with: str | None = None

    _blank = field_validator("need", "response", "frequency", "responsible")(_not_blank)


class ActionEnded(Event):
    """An action stops, with its reason; it stays in the record as ended (seed 003)."""

    action_id: str
    discussed_with: str | None = None


class ViewRecorded(Event):
    """The child's, parents'/carers' or an agency's view of the plan, and where the plan
    goes against it, why (seed 003, "Views")."""

    party: Party
    name: str
    text: str

    _blank = field_validator("name", "text")(_not_blank)


class SignatureRecorded(Event):
    """A party signs the plan. Signing does not mean agreeing, so agreement is recorded
    apart from the signature: yes, no or not stated (seed 003)."""

    party: Party
    name: str
    agrees: Agreement = "unstated"

    _blank = field_validator("name")(_not_blank)


class ContactArrangementRecorded(Event):
    """Contact arrangements for every member of the immediate birth family, even where
    there is none ("none" is an arrangement) — family and social relationships (seed 003)."""

    person: str
    relationship: str
    arrangement: str

    _blank = field_validator("person", "relationship", "arrangement")(_not_blank)


class ReviewHeld(Event):
    """A review, conference or core group is held on its date by its chair, rating each
    planned outcome achieved, partly achieved or not achieved (seed 001), and setting the
    next review. All changes since the last review are considered at it (seed 003)."""

    review_id: str
    kind: ReviewKind
    chair: str
    next_review: date | None = None
    ratings: dict[str, Rating] = Field(default_factory=dict)


class SupervisionDiscussed(Event):
    """The plan was discussed in supervision on this date (seed 000, "Date Plan discussed
    in supervision")."""

    note: str | None = None


class VisitRecorded(Event):
    """A visit to the child (seed 004: at least every four weeks), seen alone or not."""

    seen_alone: bool | None = None


class PlanDistributed(Event):
    """Copies of the approved plan sent to the family, the child and agencies (seed 004)."""

    to: list[str] = Field(min_length=1)


class InitialPlanExtended(Event):
    """An Initial Plan is extended once, by at most six more weeks, at a Children in Need
    review (seed 001, "Approving the Initial Plan")."""

    review_id: str
    until: date


class PlacementRecorded(Event):
    """A looked-after child is placed (the effective date is the day of placement), or
    moves to a new placement: the latest placement is the current one.

    "The Care Plan should be completed before a child or young person becomes looked
    after ... in emergencies ... within 14 days of the child or young person being
    placed" (seed 003). Placements belong to a Care Plan, or to a Child's Plan whose short
    breaks make the child looked after (seed 000). ``long_term``: the placement is
    intended to last (the visits' 3-monthly interval after its first year; DOMAIN.md,
    "Timescales"). ``placement``: the carer or setting, in the social worker's words.
    """

    emergency: bool = False
    long_term: bool = False
    placement: str | None = None

    _blank = field_validator("placement")(_not_blank)


class PlanClosed(Event):
    """The plan is closed, with reasons (needs met, stepped up or down), or replaced by
    another plan that names it. A closed plan accepts nothing but corrections (seed 004).

    ``closure_reason`` is the census code of the closure (RC1-RC7), beside the reason in
    words, when the social worker gives one (DfE rules 8805, 8640; never RC8 or RC9,
    which mean no plan followed the assessment: rule 2990).
    """

    replaced_by: UUID | None = None
    closure_reason: ClosureReason | None = None


# --------------------------------------------------------------------------- corrections


class Corrected(Event):
    """A recording error is fixed by naming the event, the fields and their new values,
    and the reason. The original stays in the record; current views apply the
    correction, history shows both and who made it (DOMAIN.md, "Corrections")."""

    target_version: int
    fields: dict[str, Any] = Field(min_length=1)


class Voided(Event):
    """An entry is withdrawn as recorded in error. It stays in the record, marked, and
    current views leave it out (DOMAIN.md, "Corrections")."""

    target_version: int


# Events a records officer may correct or void. The others are bookkeeping that
# follows from them (a child's plan periods) or corrections themselves.
CORRECTABLE: tuple[type[Event], ...] = (
    StaffMemberRegistered,
    ChildRegistered,
    PlanOpened,
    PlanApproved,
    PlanKindChanged,
    AimChanged,
    PlanDetailsRecorded,
    ActionAdded,
    ActionAmended,
    ActionEnded,
    ViewRecorded,
    SignatureRecorded,
    ContactArrangementRecorded,
    ReviewHeld,
    SupervisionDiscussed,
    VisitRecorded,
    PlanDistributed,
    InitialPlanExtended,
    PlacementRecorded,
    PlanClosed,
)

CATALOGUE: tuple[type[Event], ...] = (
    *CORRECTABLE,
    RoleGranted,
    ChildPlanStarted,
    ChildPlanEnded,
    Corrected,
    Voided,
)

# The names users and history see for each event.
EVENT_TYPES: dict[type[Event], str] = {
    StaffMemberRegistered: "staff-registered",
    RoleGranted: "role-granted",
    ChildRegistered: "child-registered",
    ChildPlanStarted: "child-plan-started",
    ChildPlanEnded: "child-plan-ended",
    PlanOpened: "plan-opened",
    PlanApproved: "plan-approved",
    PlanKindChanged: "kind-changed",
    AimChanged: "aim-changed",
    PlanDetailsRecorded: "details-recorded",
    ActionAdded: "action-added",
    ActionAmended: "action-amended",
    ActionEnded: "action-ended",
    ViewRecorded: "view-recorded",
    SignatureRecorded: "signature-recorded",
    ContactArrangementRecorded: "contact-recorded",
    ReviewHeld: "review-held",
    SupervisionDiscussed: "supervision-discussed",
    VisitRecorded: "visit-recorded",
    PlanDistributed: "plan-distributed",
    InitialPlanExtended: "initial-plan-extended",
    PlacementRecorded: "placement-recorded",
    PlanClosed: "plan-closed",
    Corrected: "corrected",
    Voided: "voided",
}


def type_name(event: Event) -> str:
    return EVENT_TYPES[type(event)]
