"""Handlers of the census's modules of a child's record: each is an entry of the child's."""

from __future__ import annotations

from typing import Any

from plantrail.application.commands import census as c
from plantrail.application.commands.base import Command
from plantrail.application.unit_of_work import UnitOfWork


def record_referral(uow: UnitOfWork, cmd: c.RecordReferral) -> str:
    return uow.child(cmd.child_ref).record_referral(uow.acting(on=cmd.on), source=cmd.source,
                                                    primary_need=cmd.primary_need, nfa=cmd.nfa)


def record_assessment(uow: UnitOfWork, cmd: c.RecordAssessment) -> str:
    return uow.child(cmd.child_ref).record_assessment(uow.acting(on=cmd.started), authorised=cmd.authorised,
                                                      factors=cmd.factors)


def record_enquiry(uow: UnitOfWork, cmd: c.RecordEnquiry) -> str:
    return uow.child(cmd.child_ref).record_enquiry(uow.acting(on=cmd.started), icpc_required=cmd.icpc_required,
                                                   icpc=cmd.icpc)


HANDLERS: dict[type[Command], Any] = {
    c.RecordReferral: record_referral,
    c.RecordAssessment: record_assessment,
    c.RecordEnquiry: record_enquiry,
}
