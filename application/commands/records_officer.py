"""Commands of the records officer beyond ``correct`` and ``void``: a plan withdrawn as
opened in error, and a correction of a child's registration named by the child."""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import Field

from plantrail.application.commands.base import Command, OnPlan, also


class WithdrawPlan(OnPlan):
    """Withdraw a plan opened in error, e.g. on the wrong child (records officer)."""

    command: ClassVar = "plan withdraw"
    method: ClassVar = "withdraw_plan"
    reason: str


class CorrectChild(Command):
    """Correct a child's registration; the original stays in the record (records officer)."""

    command: ClassVar = "child correct"
    method: ClassVar = "correct_child"
    positional: ClassVar = ("child_ref",)
    child_ref: str
    fields: dict[str, Any] = Field(validation_alias=also("fields", "set"))
    reason: str


class RequestErasure(Command):
    """Ask for a child's record to be destroyed (records officer; before its retention period
    ends only with an authority, e.g. a court order)."""

    command: ClassVar = "erase request"
    method: ClassVar = "request_erasure"
    positional: ClassVar = ("child_ref",)
    child_ref: str
    reason: str
    authority: str | None = None


class ApproveErasure(Command):
    """Approve the erasure another asked for: the child's key is destroyed (team manager)."""

    command: ClassVar = "erase approve"
    method: ClassVar = "approve_erasure"
    positional: ClassVar = ("child_ref",)
    child_ref: str


COMMANDS = (WithdrawPlan, CorrectChild, RequestErasure, ApproveErasure)
