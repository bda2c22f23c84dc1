"""The parts of a plan's state the practice guidance adds (seeds 000, 001, 003, 004): its
meetings, the versions returned for changes, the records joined to it and the copies sent.
``plan_state.fold`` fills them."""

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
