"""Commands the practice guidance adds (CLI.md, "The practice guidance, second pass"):
meetings and their records, a manager's return of a plan, records joined to a plan."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from plantrail.application.commands.base import Day, OnPlan, Texts, also


class RecordMeeting(OnPlan):
    """Record a meeting about the plan; its result is the meeting_id (social worker)."""

    command: ClassVar = "meeting record"
    method: ClassVar = "record_meeting"
    kind: str
    on: Day
    invited: Texts = Field(default_factory=list)
    attended: Texts = Field(default_factory=list)
    apologies: Texts = Field(default_factory=list)
    record_sent: Day | None = None


class RecordMeetingSent(OnPlan):
    """Record that a meeting's record was sent to everyone invited (social worker)."""

    command: ClassVar = "meeting record-sent"
    method: ClassVar = "record_meeting_sent"
    positional: ClassVar = ("plan_id", "meeting_id")
    meeting_id: str
    on: Day


class ReturnPlan(OnPlan):
    """Send a plan back for changes instead of approving it, with comments (team manager)."""

    command: ClassVar = "plan return"
    method: ClassVar = "return_plan"
    comments: str
    on: Day | None = None


class LinkRecord(OnPlan):
    """Join another plan or record to the plan: PEP, health assessment, permanence plan, ... (social worker)."""

    command: ClassVar = "plan link"
    method: ClassVar = "link_record"
    record: str = Field(validation_alias=also("record", "what"))
    note: str | None = None
    on: Day | None = None


COMMANDS = (RecordMeeting, RecordMeetingSent, ReturnPlan, LinkRecord)
