"""Handlers of the commands recording what a plan holds as it runs."""

from __future__ import annotations

from typing import Any

from plantrail.application.commands import plan_entries as c
from plantrail.application.commands.base import Command
from plantrail.application.unit_of_work import UnitOfWork
from plantrail.domain.looked_after import EPISODE_FIELDS


def add_action(uow: UnitOfWork, cmd: c.AddAction) -> str:
    acting = uow.acting(on=cmd.on, initials=cmd.initials)
    return uow.plan(cmd.plan_id).add_action(
        acting, area=cmd.area, need=cmd.need, response=cmd.response, frequency=cmd.frequency,
        responsible=cmd.responsible, starts=cmd.starts, outcomes=cmd.outcomes, discussed_with=cmd.discussed_with,
        agreed_by=cmd.agreed_by, due=cmd.due)


def amend_action(uow: UnitOfWork, cmd: c.AmendAction) -> None:
    acting = uow.acting(on=cmd.on, initials=cmd.initials)
    uow.plan(cmd.plan_id).amend_action(acting, cmd.action_id, reason=cmd.reason, discussed_with=cmd.discussed_with,
                                       **cmd.given(*c.AMENDABLE))


def end_action(uow: UnitOfWork, cmd: c.EndAction) -> None:
    acting = uow.acting(on=cmd.on, initials=cmd.initials)
    uow.plan(cmd.plan_id).end_action(acting, cmd.action_id, reason=cmd.reason, discussed_with=cmd.discussed_with)


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
    chair_roles = list(uow.staff_member(cmd.chair).state.roles)
    acting = uow.acting(on=cmd.on)
    actor_roles = list(uow.staff_member(acting.staff_id).state.roles)
    return uow.plan(cmd.plan_id).hold_review(acting, kind=cmd.kind, chair=cmd.chair, next_review=cmd.next_review,
                                             ratings=cmd.ratings, chair_roles=chair_roles, actor_roles=actor_roles,
                                             participation=cmd.participation, key_questions=cmd.key_questions,
                                             resilience=cmd.resilience)


def record_visit(uow: UnitOfWork, cmd: c.RecordVisit) -> None:
    acting = uow.acting(on=cmd.on)
    uow.plan(cmd.plan_id).record_visit(acting, seen_alone=cmd.seen_alone)


def record_placement(uow: UnitOfWork, cmd: c.RecordPlacement) -> None:
    """The looked-after child is placed (or moves) on ``on`` (seed 003)."""
    acting = uow.acting(on=cmd.on)
    uow.plan(cmd.plan_id).record_placement(acting, emergency=cmd.emergency, long_term=cmd.long_term,
                                           placement=cmd.placement, **cmd.given(*EPISODE_FIELDS))


def record_supervision(uow: UnitOfWork, cmd: c.RecordSupervision) -> None:
    acting = uow.acting(on=cmd.on)
    uow.plan(cmd.plan_id).record_supervision(acting, note=cmd.note)


HANDLERS: dict[type[Command], Any] = {
    c.AddAction: add_action,
    c.AmendAction: amend_action,
    c.EndAction: end_action,
    c.RecordView: record_view,
    c.RecordSignature: record_signature,
    c.RecordContact: record_contact,
    c.HoldReview: hold_review,
    c.RecordVisit: record_visit,
    c.RecordPlacement: record_placement,
    c.RecordSupervision: record_supervision,
}
