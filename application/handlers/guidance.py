"""Handlers of the commands the practice guidance adds."""

from __future__ import annotations

from typing import Any

from plantrail.application.commands import guidance as c
from plantrail.application.commands.base import Command
from plantrail.application.unit_of_work import UnitOfWork
from plantrail.domain.errors import BadInput
from plantrail.domain.vocabulary import LINKED_RECORDS, MEETING_KINDS


def record_meeting(uow: UnitOfWork, cmd: c.RecordMeeting) -> str:
    if cmd.kind not in MEETING_KINDS:
        raise BadInput(f"'{cmd.kind}' is not a kind of meeting", fix="kinds: " + ", ".join(MEETING_KINDS))
    acting = uow.acting(on=cmd.on)
    return uow.plan(cmd.plan_id).record_meeting(acting, kind=cmd.kind, invited=cmd.invited, attended=cmd.attended,
                                                apologies=cmd.apologies, record_sent=cmd.record_sent)


def record_meeting_sent(uow: UnitOfWork, cmd: c.RecordMeetingSent) -> None:
    acting = uow.acting(on=cmd.on)
    uow.plan(cmd.plan_id).record_meeting_sent(acting, meeting_id=cmd.meeting_id)


def return_plan(uow: UnitOfWork, cmd: c.ReturnPlan) -> None:
    acting = uow.acting(on=cmd.on)
    uow.plan(cmd.plan_id).return_plan(acting, comments=cmd.comments)


def link_record(uow: UnitOfWork, cmd: c.LinkRecord) -> None:
    if cmd.record not in LINKED_RECORDS:
        raise BadInput(f"'{cmd.record}' is not a record plantrail joins to a plan",
                       fix="give --what one of " + ", ".join(LINKED_RECORDS))
    acting = uow.acting(on=cmd.on)
    uow.plan(cmd.plan_id).link_record(acting, record=cmd.record, note=cmd.note)


HANDLERS: dict[type[Command], Any] = {
    c.RecordMeeting: record_meeting,
    c.RecordMeetingSent: record_meeting_sent,
    c.ReturnPlan: return_plan,
    c.LinkRecord: link_record,
}
