"""What a plan records as it runs: views, signatures, contact, reviews, supervision, visits, placements."""

from __future__ import annotations

from datetime import date

from pydantic import Field, field_validator

from plantrail.domain.base import Event
from plantrail.domain.events.text import not_blank
from plantrail.domain.vocabulary import (
    Agreement,
    Party,
    Rating,
    ReviewKind,
)


class ViewRecorded(Event):
    """The child's, parents'/carers' or an agency's view of the plan, and where the plan
    goes against it, why (seed 003, "Views")."""

    party: Party
    name: str
    text: str

    _blank = field_validator("name", "text")(not_blank)


class SignatureRecorded(Event):
    """A party signs the plan. Signing does not mean agreeing, so agreement is recorded
    apart from the signature: yes, no or not stated (seed 003)."""

    party: Party
    name: str
    agrees: Agreement = "unstated"

    _blank = field_validator("name")(not_blank)


class ContactArrangementRecorded(Event):
    """Contact arrangements for every member of the immediate birth family, even where
    there is none ("none" is an arrangement) — family and social relationships (seed 003)."""

    person: str
    relationship: str
    arrangement: str

    _blank = field_validator("person", "relationship", "arrangement")(not_blank)


class ReviewHeld(Event):
    """A review, conference or core group is held on its date by its chair, rating each
    planned outcome achieved, partly achieved or not achieved (seed 001), and setting the
    next review. All changes since the last review are considered at it (seed 003)."""

    review_id: str
    kind: ReviewKind
    chair: str
    next_review: date | None = None
    ratings: dict[str, Rating] = Field(default_factory=dict)
    # How the looked-after child took part in their review (SSDA903 REVIEW_CODE, PN0-PN7).
    participation: str | None = None


class SupervisionDiscussed(Event):
    """The plan was discussed in supervision on this date (seed 000, "Date Plan discussed
    in supervision")."""

    note: str | None = None


class VisitRecorded(Event):
    """A visit to the child (seed 004: at least every four weeks), seen alone or not."""

    seen_alone: bool | None = None


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
    # The SSDA903 episode this placement starts (``domain.looked_after``): codes from the
    # DfE's lists; what a legal-status-only change (RNE L) leaves out carries on.
    placement_type: str | None = None
    legal_status: str | None = None
    reason_new_episode: str | None = None
    provider: str | None = None
    postcode: str | None = None
    home_postcode: str | None = None
    urn: str | None = None
    change_reason: str | None = None
    need: str | None = None

    _blank = field_validator("placement", "postcode", "home_postcode", "urn")(not_blank)


class PlacementEnded(Event):
    """The child stops being looked after on this plan (the effective date is the day the
    last episode ceased), with the DfE's reason the episode ceased (SSDA903 REC, e.g. E4A
    returned home as part of the care plan). A later placement starts a new period of care."""

    reason: str
