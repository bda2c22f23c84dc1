"""Commands of the SSDA903 return's looked-after episodes (CLI.md, "Statutory returns"): a
placement's end, and a child's missing or away-from-placement periods. The placement
itself is ``placement record`` (``plan_entries.RecordPlacement``)."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from plantrail.application.commands.base import Command, Day, OnPlan, also


class EndPlacement(OnPlan):
    """Record that a looked-after child stopped being looked after, with the DfE's reason (social worker)."""

    command: ClassVar = "placement end"
    method: ClassVar = "end_placement"
    on: Day
    reason: str


class RecordMissing(Command):
    """Record a child's missing or away-from-placement period (social worker)."""

    command: ClassVar = "missing record"
    method: ClassVar = "record_missing"
    positional: ClassVar = ("child_ref",)
    child_ref: str
    started: Day = Field(validation_alias=also("started", "from", "from_"))
    ended: Day | None = Field(default=None, validation_alias=also("ended", "to"))
    kind: str


COMMANDS = (EndPlacement, RecordMissing)
