"""The census's own modules of a child's record (CLI.md, "Statutory returns"): the
referral, the child and family assessment, the Section 47 enquiry."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from plantrail.application.commands.base import Command, Day, Texts, also


class RecordReferral(Command):
    """A referral to children's social care (social worker); prints referral_id."""

    command: ClassVar = "referral record"
    method: ClassVar = "record_referral"
    positional: ClassVar = ("child_ref",)
    child_ref: str
    on: Day
    source: str
    primary_need: str | None = None
    nfa: bool = False


class RecordAssessment(Command):
    """A child and family assessment (social worker); prints assessment_id."""

    command: ClassVar = "assessment record"
    method: ClassVar = "record_assessment"
    positional: ClassVar = ("child_ref",)
    child_ref: str
    started: Day
    authorised: Day | None = None
    factors: Texts = Field(default_factory=list, validation_alias=also("factors", "factor"))


class RecordEnquiry(Command):
    """A Section 47 enquiry (social worker); prints s47_id."""

    command: ClassVar = "s47 record"
    method: ClassVar = "record_enquiry"
    positional: ClassVar = ("child_ref",)
    child_ref: str
    started: Day
    icpc_required: bool | None = None
    icpc: Day | None = None


COMMANDS = (RecordReferral, RecordAssessment, RecordEnquiry)
