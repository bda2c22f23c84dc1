"""Handlers of corrections and voids, and finding the event they name."""

from __future__ import annotations

from typing import Any

from plantrail.application.commands import corrections as c
from plantrail.application.commands.base import Command
from plantrail.application.unit_of_work import UnitOfWork
from plantrail.domain.acting import Acting
from plantrail.domain.base import Record
from plantrail.domain.errors import BadInput
from plantrail.domain.events import PlanClosed, PlanOpened
from plantrail.domain.plan import Plan


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
    if not isinstance(plan.entry(version), (PlanOpened, PlanClosed)) or plan.state.status == "withdrawn":
        return  # (a withdrawn plan's period is no longer the child's)
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


HANDLERS: dict[type[Command], Any] = {
    c.Correct: correct,
    c.Void: void,
}
