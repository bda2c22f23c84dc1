"""Handlers of the SSDA903 episode commands: a placement's end, a missing period."""

from __future__ import annotations

from typing import Any

from plantrail.application.commands import looked_after as c
from plantrail.application.commands.base import Command
from plantrail.application.unit_of_work import UnitOfWork


def end_placement(uow: UnitOfWork, cmd: c.EndPlacement) -> None:
    acting = uow.acting(on=cmd.on)
    uow.plan(cmd.plan_id).end_placement(acting, reason=cmd.reason)


def record_missing(uow: UnitOfWork, cmd: c.RecordMissing) -> None:
    acting = uow.acting(on=cmd.started)
    uow.child(cmd.child_ref).record_missing(acting, kind=cmd.kind, ended=cmd.ended)


HANDLERS: dict[type[Command], Any] = {
    c.EndPlacement: end_placement,
    c.RecordMissing: record_missing,
}
