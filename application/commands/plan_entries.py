"""Commands recording what a plan holds as it runs: Part Two actions, views, signatures,
contact, reviews, visits, placements, supervision."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from plantrail.application.commands.base import Day, OnPlan, Texts, also


class AddAction(OnPlan):
    """Add an action to an area's table; its result is the action_id (social worker)."""

    command: ClassVar = "action add"
    method: ClassVar = "add_action"
    area: str
    need: str
    response: str
    frequency: str
    responsible: str
    starts: Day
    outcomes: Texts = Field(validation_alias=also("outcomes", "outcome"))
    discussed_with: str | None = None
    agreed_by: str | None = None
    due: Day | None = None
    initials: str | None = None
    on: Day | None = None


AMENDABLE = ("need", "response", "frequency", "responsible", "starts", "outcomes", "agreed_by", "due")


class AmendAction(OnPlan):
    """Amend an action; the margin note (initials, date) is recorded with it (social worker)."""

    command: ClassVar = "action amend"
    method: ClassVar = "amend_action"
    positional: ClassVar = ("plan_id", "action_id")
    action_id: str
    need: str | None = None
    response: str | None = None
    frequency: str | None = None
    responsible: str | None = None
    starts: Day | None = None
    outcomes: Texts | None = Field(default=None, validation_alias=also("outcomes", "outcome"))
    agreed_by: str | None = None
    due: Day | None = None
    discussed_with: str | None = None
    reason: str | None = None
    initials: str | None = None
    on: Day | None = None


class EndAction(OnPlan):
    """End an action with its reason (social worker)."""

    command: ClassVar = "action end"
    method: ClassVar = "end_action"
    positional: ClassVar = ("plan_id", "action_id")
    action_id: str
    reason: str
    discussed_with: str | None = None
    initials: str | None = None
    on: Day | None = None




class RecordView(OnPlan):
    """Record a party's view of the plan (social worker)."""

    command: ClassVar = "view add"
    method: ClassVar = "record_view"
    party: str
    name: str
    text: str
    on: Day | None = None


class RecordSignature(OnPlan):
    """Record a party's signature, and apart from it whether they agree (social worker)."""

    command: ClassVar = "sign"
    method: ClassVar = "record_signature"
    party: str
    name: str
    agrees: str = "unstated"
    on: Day | None = None


class RecordContact(OnPlan):
    """Record a contact arrangement for a member of the birth family (social worker)."""

    command: ClassVar = "contact add"
    method: ClassVar = "record_contact"
    person: str
    relationship: str
    arrangement: str
    on: Day | None = None


class HoldReview(OnPlan):
    """Record a review held; its result is the review_id (review chair)."""

    command: ClassVar = "review hold"
    method: ClassVar = "hold_review"
    kind: str
    on: Day
    chair: str
    next_review: Day | None = None
    ratings: dict[str, str] = Field(default_factory=dict, validation_alias=also("ratings", "rate"))
    participation: str | None = None
    key_questions: str | None = None
    resilience: str | None = None


class RecordVisit(OnPlan):
    """Record a visit to the child (social worker)."""

    command: ClassVar = "visit record"
    method: ClassVar = "record_visit"
    on: Day
    seen_alone: bool | None = None


class RecordPlacement(OnPlan):
    """Record that a looked-after child was placed, or moved; the latest is current (social worker)."""

    command: ClassVar = "placement record"
    method: ClassVar = "record_placement"
    on: Day
    emergency: bool = False
    long_term: bool = False
    placement: str | None = None
    # The SSDA903 episode it starts (``domain.looked_after``).
    placement_type: str | None = None
    legal_status: str | None = None
    reason_new_episode: str | None = None
    provider: str | None = None
    postcode: str | None = None
    home_postcode: str | None = None
    urn: str | None = None
    change_reason: str | None = None
    need: str | None = None


class RecordSupervision(OnPlan):
    """Record that the plan was discussed in supervision (social worker)."""

    command: ClassVar = "supervision record"
    method: ClassVar = "record_supervision"
    on: Day
    note: str | None = None


COMMANDS = (AddAction, AmendAction, EndAction, RecordView, RecordSignature, RecordContact, HoldReview, RecordVisit, RecordPlacement, RecordSupervision)
