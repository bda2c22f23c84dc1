"""Each command's story: load the records, decide (the aggregates keep the rules), and
leave the unit of work to save what changed. One handler a command class (``HANDLERS``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from plantrail.application import commands as c
from plantrail.application.unit_of_work import UnitOfWork
from plantrail.domain.acting import Acting
from plantrail.domain.base import Record
from plantrail.domain.child import Child
from plantrail.domain.errors import BadInput, RuleBroken
from plantrail.domain.events import PlanClosed, PlanOpened
from plantrail.domain.plan import Plan
from plantrail.domain.staff import StaffMember
from plantrail.domain.vocabulary import PLAN_FAMILY

Handler = Callable[[UnitOfWork, Any], Any]


# ------------------------------------------------------------------ staff
def add_staff(uow: UnitOfWork, cmd: c.AddStaff) -> None:
    first = uow.store_is_empty()
    acting = uow.first_acting(cmd.staff_id, cmd.initials) if first else uow.acting()
    member = StaffMember.register(acting, staff_id=cmd.staff_id, name=cmd.name, initials=cmd.initials,
                                  roles=cmd.roles, first=first)
    uow.add(member, f"staff member {cmd.staff_id} is already registered")


def grant_role(uow: UnitOfWork, cmd: c.GrantRole) -> None:
    acting = uow.acting()
    uow.staff_member(cmd.staff_id).grant(acting, cmd.role)


# ------------------------------------------------------------------ children
def register_child(uow: UnitOfWork, cmd: c.RegisterChild) -> None:
    acting = uow.acting(on=cmd.on)
    child = Child.register(acting, child_ref=cmd.child_ref, name=cmd.name, born=cmd.born, sex=cmd.sex,
                           upn=cmd.upn, nation=cmd.nation)
    uow.add(child, f"child {cmd.child_ref} is already registered")


# ------------------------------------------------------------------ plans
def open_plan(uow: UnitOfWork, cmd: c.OpenPlan) -> Any:
    acting = uow.acting(on=cmd.on, initials=cmd.initials)
    child = uow.child(cmd.child_ref)
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
    if cmd.lead:
        uow.staff_member(cmd.lead)  # the lead professional is a known staff member
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


# ------------------------------------------------------------------ Part Two
def add_action(uow: UnitOfWork, cmd: c.AddAction) -> str:
    acting = uow.acting(on=cmd.on, initials=cmd.initials)
    return uow.plan(cmd.plan_id).add_action(
        acting, area=cmd.area, need=cmd.need, response=cmd.response, frequency=cmd.frequency,
        responsible=cmd.responsible, starts=cmd.starts, outcomes=cmd.outcomes, discussed_with=cmd.discussed_with)


def amend_action(uow: UnitOfWork, cmd: c.AmendAction) -> None:
    acting = uow.acting(on=cmd.on, initials=cmd.initials)
    uow.plan(cmd.plan_id).amend_action(acting, cmd.action_id, reason=cmd.reason, discussed_with=cmd.discussed_with,
                                       **cmd.given(*c.AMENDABLE))


def end_action(uow: UnitOfWork, cmd: c.EndAction) -> None:
    acting = uow.acting(on=cmd.on, initials=cmd.initials)
    uow.plan(cmd.plan_id).end_action(acting, cmd.action_id, reason=cmd.reason, discussed_with=cmd.discussed_with)


# ------------------------------------------------------------------ views, reviews, visits
def record_view(uow: UnitOfWork, cmd: c.RecordView) -> None:
    acting = uow.acting(on=cmd.on)
    uow.plan(cmd.plan_id).record_view(acting, party=cmd.party, name=cmd.name, text=cmd.text)


def record_signature(uow: UnitOfWork, cmd: c.RecordSignature) -> None:
    acting = uow.acting(on=cmd.on)
    uow.plan(cmd.plan_id).record_signature(acting, party=cmd.party, name=cmd.name, agrees=cmd.agrees)


def record_contact(uow: UnitOfWork, cmd: c.RecordContact) -> None:
    acting = uow.acting(on=cmd.on)
    uow.plan(cmd.plan_id).record_contact(acting, person=cmd.person, relationship=cmd.relationship,
                                         arrangement=cmd.arrangement)


def hold_review(uow: UnitOfWork, cmd: c.HoldReview) -> str:
    if "review-chair" not in uow.staff_member(cmd.chair).state.roles:
        raise RuleBroken(f"{cmd.chair} is not a review chair", rule="roles",
                         fix="name a staff member with the review-chair role as --chair")
    acting = uow.acting(on=cmd.on)
    return uow.plan(cmd.plan_id).hold_review(acting, kind=cmd.kind, chair=cmd.chair, next_review=cmd.next_review,
                                             ratings=cmd.ratings)


def record_visit(uow: UnitOfWork, cmd: c.RecordVisit) -> None:
    acting = uow.acting(on=cmd.on)
    uow.plan(cmd.plan_id).record_visit(acting, seen_alone=cmd.seen_alone)


def record_placement(uow: UnitOfWork, cmd: c.RecordPlacement) -> None:
    """The looked-after child is placed (or moves) on ``on`` (seed 003)."""
    acting = uow.acting(on=cmd.on)
    uow.plan(cmd.plan_id).record_placement(acting, emergency=cmd.emergency, long_term=cmd.long_term,
                                           placement=cmd.placement)


def record_supervision(uow: UnitOfWork, cmd: c.RecordSupervision) -> None:
    acting = uow.acting(on=cmd.on)
    uow.plan(cmd.plan_id).record_supervision(acting, note=cmd.note)


# ------------------------------------------------------------------ corrections
def correct(uow: UnitOfWork, cmd: c.Correct) -> str:
    acting = uow.acting()
    record, version = event_target(uow, cmd.event_id)
    record.correct(acting, version, cmd.fields, cmd.reason)
    corrected = f"{record.id}/{record.version}"
    if isinstance(record, Plan) and "effective_on" in cmd.fields:
        _follow_period(uow, acting, record, version, cmd.reason)
    return corrected


def void(uow: UnitOfWork, cmd: c.Void) -> str:
    acting = uow.acting()
    record, version = event_target(uow, cmd.event_id)
    record.void(acting, version, cmd.reason)
    return f"{record.id}/{record.version}"


def _follow_period(uow: UnitOfWork, acting: Acting, plan: Plan, version: int, reason: str) -> None:
    """A corrected opening or closing date moves the child's plan period with it."""
    if not isinstance(plan.entry(version), (PlanOpened, PlanClosed)):
        return
    uow.child(plan.state.child).move_period(acting, plan_id=plan.id, started_on=plan.state.opened_on,
                                            ended_on=plan.state.closed_on, reason=reason)


def event_target(uow: UnitOfWork, event_ref: str) -> tuple[Record, int]:
    """The record an event id (``RECORD/VERSION``; a plan by a unique prefix) names, and the version."""
    from uuid import UUID

    record_ref, _, version = event_ref.strip().rpartition("/")
    if not record_ref or not version.isdigit():
        raise BadInput(f"'{event_ref}' is not an event id", fix="event ids look like PLAN_ID/7; see `plantrail history`")
    try:
        record_id = UUID(record_ref)
    except ValueError:
        record_id = uow.app.plan_id(record_ref)
    return uow.get(record_id, Record, f"no record {record_ref}", fix="see `plantrail history`"), int(version)


HANDLERS: dict[type[c.Command], Handler] = {
    c.AddStaff: add_staff, c.GrantRole: grant_role, c.RegisterChild: register_child, c.OpenPlan: open_plan,
    c.ApprovePlan: approve_plan, c.ChangeKind: change_kind, c.ChangeAim: change_aim,
    c.RecordDetails: record_details, c.ExtendInitialPlan: extend_initial_plan, c.DistributePlan: distribute_plan,
    c.ClosePlan: close_plan, c.AddAction: add_action, c.AmendAction: amend_action, c.EndAction: end_action,
    c.RecordView: record_view, c.RecordSignature: record_signature, c.RecordContact: record_contact,
    c.HoldReview: hold_review, c.RecordVisit: record_visit, c.RecordPlacement: record_placement,
    c.RecordSupervision: record_supervision, c.Correct: correct, c.Void: void,
}
