"""Corrections and voids, for every kind of record."""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import Field

from plantrail.application.commands.base import Command, also


class Correct(Command):
    """Correct a recording error; the original stays in the record (records officer)."""

    command: ClassVar = "correct"
    method: ClassVar = "correct"
    positional: ClassVar = ("event_id",)
    event_id: str = Field(validation_alias=also("event_id", "event_ref"))
    fields: dict[str, Any] = Field(validation_alias=also("fields", "set"))
    reason: str


class Void(Command):
    """Withdraw an entry recorded in error; it stays in the record, marked (records officer)."""

    command: ClassVar = "void"
    method: ClassVar = "void"
    positional: ClassVar = ("event_id",)
    event_id: str = Field(validation_alias=also("event_id", "event_ref"))
    reason: str


COMMANDS = (Correct, Void)
