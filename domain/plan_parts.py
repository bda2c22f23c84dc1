"""Parts of a plan's state: its reviews and placements (with the SSDA903 codes they carry),
and what the practice guidance adds (seeds 000, 001, 003, 004): its meetings, the versions
returned for changes, the records joined to it and the copies sent. ``plan_state.fold``
fills them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass(slots=True, kw_only=True)
class Meeting:
    """A meeting about the plan (seed 004): who was asked, who came, when its record went out."""

    meeting_id: str
    kind: str
    held_on: date
    invited: list[str]
    attended: list[str]
    apologies: list[str]
    record_sent: date | None = None


@dataclass(slots=True, kw_only=True)
class Returned:
    """A version of the plan a team manager sent back for changes (seed 004)."""

    version: int
    on: date
    by: str
    comments: str


@dataclass(slots=True, kw_only=True)
class Linked:
    """Another plan or record joined to this one (seeds 000, 003)."""

    record: str
    on: date
    note: str | None = None


@dataclass(slots=True, kw_only=True)
class Copy:
    """Copies sent (seeds 001, 003): to whom, on what date, which version and which sections."""

    to: list[str]
    on: date
    version: int | None = None
    approved_version: int | None = None
    sections: list[str] = field(default_factory=list)


@dataclass(slots=True, kw_only=True)
class Review:
    review_id: str
    kind: str
    held_on: date
    chair: str
    next_review: date | None = None
    ratings: dict[str, str] = field(default_factory=dict)
    participation: str | None = None  # SSDA903 REVIEW_CODE, at a looked-after child's review
    key_questions: str | None = None
    resilience: str | None = None


@dataclass(slots=True, kw_only=True)
class Placement:
    """A looked-after child's placement (seed 003): from ``placed_on``."""

    placed_on: date
    emergency: bool = False
    long_term: bool = False
    placement: str | None = None
    # The SSDA903 episode it starts, as recorded (``domain.looked_after``); None: not given.
    placement_type: str | None = None
    legal_status: str | None = None
    reason_new_episode: str | None = None
    provider: str | None = None
    postcode: str | None = None
    home_postcode: str | None = None
    urn: str | None = None
    change_reason: str | None = None
    need: str | None = None
    # ``placement end``: the day the child stopped being looked after, and the DfE's reason.
    ended_on: date | None = None
    end_reason: str | None = None
