"""A plan's life: opening, approval, kind and aim, details, copies, extension, closing."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from pydantic import Field, field_validator

from plantrail.domain.base import Created, Event
from plantrail.domain.events.text import not_blank
from plantrail.domain.vocabulary import (
    Category,
    ClosureReason,
    PlanKind,
    PrimaryNeed,
    ReferralSource,
)

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

    _blank = field_validator("aim")(not_blank)


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

    _blank = field_validator("aim")(not_blank)


class PlanDetailsRecorded(Event):
    """Care Plan Part One key details, a Scottish plan's compulsory measures, and what every
    plan records (seeds 001, 002, 003). Only the fields given change.

    Every plan: "the possible consequences, or further action to be taken if the plan is
    not followed" (``contingency``), "any referrals made to other agencies"
    (``referrals``), "which agency/individual is responsible for monitoring the outcomes
    ... and how" (``monitoring``), "the level of involvement of the child and her/his
    family" (``involvement``) (seed 001); the lead professional (``lead``), named in words,
    of any agency: "a lead professional to co-ordinate the plan" (seed 002).

    A Scottish plan: "a single service Child's Plan ... will be led by the named person"
    (``named_person``); "reasons for the plan; partners to the plan; a summary of the child
    or young person's needs; ... resources to be provided" (seed 002).
    """

    legal_status: str | None = None
    court: str | None = None
    why_care: str | None = None
    prevention: str | None = None
    parallel_plan: str | None = None
    preferred_placement: str | None = None
    contingency: str | None = None
    compulsory_measures: str | None = None
    lead: str | None = None
    named_person: str | None = None
    monitoring: str | None = None
    involvement: str | None = None
    referrals: list[str] | None = None
    reasons: str | None = None
    partners: str | None = None
    needs_summary: str | None = None
    resources: str | None = None


class PlanDistributed(Event):
    """Copies of the approved plan sent to the family, the child and agencies (seed 004).

    "Once the manager has approved the child's plan the social worker should send a copy
    to the family" (seed 001): a plan is sent only once approved, and the copy names the
    version sent (``version``) and the approved version it rests on. "A copy of any
    changed section(s) should be sent to all parties" (seed 003): ``sections`` names the
    Part Two actions changed since the last copy went out.
    """

    to: list[str] = Field(min_length=1)
    version: int | None = None
    approved_version: int | None = None
    sections: list[str] = Field(default_factory=list)


class InitialPlanExtended(Event):
    """An Initial Plan is extended once, by at most six more weeks, at a Children in Need
    review (seed 001, "Approving the Initial Plan")."""

    review_id: str
    until: date


class PlanClosed(Event):
    """The plan is closed, with reasons (needs met, stepped up or down), or replaced by
    another plan that names it. A closed plan accepts nothing but corrections (seed 004).

    ``closure_reason`` is the census code of the closure (RC1-RC7), beside the reason in
    words, when the social worker gives one (DfE rules 8805, 8640; never RC8 or RC9,
    which mean no plan followed the assessment: rule 2990).
    """

    replaced_by: UUID | None = None
    closure_reason: ClosureReason | None = None


class PlanWithdrawn(Event):
    """A plan opened in error (on the wrong child, or never meant) is withdrawn by a
    records officer, with the reason in ``reason``.

    Neither a void (an opening cannot be voided: the child's periods rest on it) nor a
    closing (a closed plan still counts as a plan the child had): a withdrawn plan
    leaves every list, due date, count and return, and stays whole in its history and
    in the subject access export of the child it was opened on, marked withdrawn with
    the reason (DOMAIN.md, "Corrections": nothing is erased). It takes nothing more.
    """
