"""What the practice guidance adds to a plan's record: its meetings, a manager's return of a
plan for changes, and the other plans and records joined to it (seeds 000, 003, 004)."""

from __future__ import annotations

from datetime import date

from pydantic import Field, field_validator

from plantrail.domain.base import Event
from plantrail.domain.events.text import not_blank
from plantrail.domain.vocabulary import LinkedRecord, MeetingKind


class MeetingRecorded(Event):
    """A meeting about the plan, on its date: who was invited, who came, who sent apologies,
    and when its record went out (``record_sent``, none yet while not sent).

    "The planning meeting should be chaired by the social worker ... The social worker is
    then responsible ... for sending out a record of the meeting and a copy of the agreed
    plan to all who attended or who were invited to the meeting but could not attend"
    (seed 004). A Child's Plan is approved "within seven working days" of the first CIN
    meeting (seed 001): the first planning or child-in-need meeting starts that clock.
    The core group "should meet regularly" (seed 000); a resource panel approves what the
    plan needs "if necessary" (seed 004, step 7); a strategy meeting or discussion is
    convened where reluctance to engage suggests a risk of significant harm (seed 001).
    """

    meeting_id: str
    kind: MeetingKind
    invited: list[str] = Field(default_factory=list)
    attended: list[str] = Field(default_factory=list)
    apologies: list[str] = Field(default_factory=list)
    record_sent: date | None = None


class MeetingRecordSent(Event):
    """The meeting's record was sent to everyone invited, on ``effective_on`` (seed 004)."""

    meeting_id: str


class PlanReturned(Event):
    """A team manager sends the plan back for changes instead of approving it, with comments
    (seed 004: "Formal plan forwarded to manager for approval; manager reviews and approves
    plan"). The version returned is named; nobody returns a plan they wrote themselves.
    """

    returned_version: int
    comments: str

    _blank = field_validator("comments")(not_blank)


class RecordLinked(Event):
    """Another plan or record is joined to this plan, on its date: a Personal Education Plan
    ("agreed within 20 school days of becoming looked after", seed 003), a health assessment
    ("in time for ... the child's first review"), the permanence plan ("agreed ... at their
    second (4 month) review"), the core assessment ("within 35 working days of ... becoming
    looked after"), a Placement Agreement for short breaks (seed 000), or another agency's
    plan brought together with this one (seed 000: "for example, a Personal Education Plan"),
    or the assessment the plan follows (seed 004: "Assessment completed with outcome that
    further support is required").

    An Adoption Plan (aim option 9) or a Pathway Plan "will replace Part Two of the Care
    Plan" (seed 003): once linked, Part Two takes no more actions.
    """

    record: LinkedRecord
    note: str | None = None

    _blank = field_validator("note")(not_blank)
