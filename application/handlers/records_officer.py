"""Handlers of the records officer's withdrawal of a plan and correction of a child."""

from __future__ import annotations

from typing import Any

from plantrail.application.commands import records_officer as c
from plantrail.application.commands.base import Command
from plantrail.application.unit_of_work import UnitOfWork
from plantrail.domain.child import Child, child_id
from plantrail.domain.retention import Kept, Period, retain_until

# A child's record opens with its registration: the entry ``child correct`` corrects.
REGISTRATION = 1


def withdraw_plan(uow: UnitOfWork, cmd: c.WithdrawPlan) -> str:
    """The plan and the child's period both say so; the result is the plan's event id."""
    acting = uow.acting()
    plan = uow.plan(cmd.plan_id)
    plan.withdraw(acting, reason=cmd.reason)
    uow.child(plan.state.child).withdraw_plan(acting, plan_id=plan.id, reason=cmd.reason)
    return f"{plan.id}/{plan.version}"


def correct_child(uow: UnitOfWork, cmd: c.CorrectChild) -> str:
    """The generic correction (``CorrectableRecord.correct``) of the child's registration."""
    acting = uow.acting()
    child = uow.child(cmd.child_ref)
    child.correct(acting, REGISTRATION, cmd.fields, cmd.reason)
    return f"{child.id}/{child.version}"


def request_erasure(uow: UnitOfWork, cmd: c.RequestErasure) -> str:
    """The request, judged against the child's retention period (the application's schedule)."""
    acting = uow.acting()
    child = uow.get(child_id(cmd.child_ref), Child, f"no child {cmd.child_ref}", fix="see `plantrail child list`")
    s = child.state
    kept = retain_until(uow.app.retention_schedule, s.born, s.died, [Period(p.kind, p.ended_on) for p in s.periods]) \
        if s.born else Kept(None, "the record is erased")
    return child.request_erasure(acting, reason=cmd.reason, authority=cmd.authority, kept=kept)


def approve_erasure(uow: UnitOfWork, cmd: c.ApproveErasure) -> None:
    acting = uow.acting()
    uow.get(child_id(cmd.child_ref), Child, f"no child {cmd.child_ref}",
            fix="see `plantrail child list`").approve_erasure(acting)


HANDLERS: dict[type[Command], Any] = {
    c.WithdrawPlan: withdraw_plan,
    c.CorrectChild: correct_child,
    c.RequestErasure: request_erasure,
    c.ApproveErasure: approve_erasure,
}
