"""Handlers of the commands about a plan's life."""

from __future__ import annotations

from typing import Any

from plantrail.application.commands import plans as c
from plantrail.application.commands.base import Command
from plantrail.application.unit_of_work import UnitOfWork
from plantrail.domain.plan import Plan
from plantrail.domain.vocabulary import PLAN_FAMILY, REFERRAL_CODE_FAMILIES

# The plans whose --referred names a referral of the child's record (the census's episodes).
CENSUS_PLAN_FAMILIES = REFERRAL_CODE_FAMILIES


def open_plan(uow: UnitOfWork, cmd: c.OpenPlan) -> Any:
    acting = uow.acting(on=cmd.on, initials=cmd.initials)
    child = uow.child(cmd.child_ref)
    if cmd.referred is not None and PLAN_FAMILY.get(cmd.kind) in CENSUS_PLAN_FAMILIES:
        child.check_named_referral(cmd.referred)
    old = uow.plan(cmd.replaces) if cmd.replaces else None
    plan = Plan.open(acting, child_ref=cmd.child_ref, kind=cmd.kind, aim=cmd.aim, aim_option=cmd.aim_option,
                     aim_months=cmd.aim_months, category=cmd.category, replaces=old, referred=cmd.referred,
                     review_by=cmd.review_by, referral_source=cmd.referral_source, primary_need=cmd.primary_need)
    uow.add(plan, f"plan {plan.id} is already recorded")
    if old is not None:
        old.close(acting, reason=f"replaced by {cmd.kind} plan {plan.id}", replaced_by=plan.id)
        child.end_plan(acting, plan_id=old.id)
    child.start_plan(acting, plan_id=plan.id, family=PLAN_FAMILY[cmd.kind], kind=cmd.kind,
                     replacing=old.id if old else None)
    return plan.id


def approve_plan(uow: UnitOfWork, cmd: c.ApprovePlan) -> None:
    acting = uow.acting(on=cmd.on)
    uow.plan(cmd.plan_id).approve(acting)


def change_kind(uow: UnitOfWork, cmd: c.ChangeKind) -> None:
    acting = uow.acting()
    uow.plan(cmd.plan_id).change_kind(acting, kind=cmd.kind, review_id=cmd.review_id, category=cmd.category)


def change_aim(uow: UnitOfWork, cmd: c.ChangeAim) -> None:
    acting = uow.acting()
    uow.plan(cmd.plan_id).change_aim(acting, review_id=cmd.review_id, aim=cmd.aim, aim_option=cmd.aim_option,
                                     aim_months=cmd.aim_months)


def record_details(uow: UnitOfWork, cmd: c.RecordDetails) -> None:
    acting = uow.acting(on=cmd.on)
    # The lead professional and the named person are named in words: they may be of any
    # agency ("Dr Jane Smith, health visitor"), seed 002.
    uow.plan(cmd.plan_id).record_details(acting, **cmd.given(*c.DETAILS))


def extend_initial_plan(uow: UnitOfWork, cmd: c.ExtendInitialPlan) -> None:
    acting = uow.acting()
    uow.plan(cmd.plan_id).extend(acting, review_id=cmd.review_id, until=cmd.until)


def distribute_plan(uow: UnitOfWork, cmd: c.DistributePlan) -> None:
    acting = uow.acting(on=cmd.on)
    uow.plan(cmd.plan_id).distribute(acting, to=cmd.to)


def close_plan(uow: UnitOfWork, cmd: c.ClosePlan) -> None:
    acting = uow.acting(on=cmd.on)
    plan = uow.plan(cmd.plan_id)
    child = uow.child(plan.state.child)
    plan.close(acting, reason=cmd.reason, closure_reason=cmd.closure_reason)
    child.end_plan(acting, plan_id=plan.id)


HANDLERS: dict[type[Command], Any] = {
    c.OpenPlan: open_plan,
    c.ApprovePlan: approve_plan,
    c.ChangeKind: change_kind,
    c.ChangeAim: change_aim,
    c.RecordDetails: record_details,
    c.ExtendInitialPlan: extend_initial_plan,
    c.DistributePlan: distribute_plan,
    c.ClosePlan: close_plan,
}
