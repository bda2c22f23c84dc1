"""Commands about the staff register and children's records."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from plantrail.application.commands.base import Command, Day, Texts, also


class AddStaff(Command):
    """Register a staff member. The first on an empty store needs no --as and must be a team manager."""

    command: ClassVar = "staff add"
    method: ClassVar = "add_staff"
    positional: ClassVar = ("staff_id",)
    staff_id: str
    name: str
    initials: str
    roles: Texts


class GrantRole(Command):
    """Grant a further role to a staff member (team manager)."""

    command: ClassVar = "staff grant"
    method: ClassVar = "grant_role"
    positional: ClassVar = ("staff_id", "role")
    staff_id: str
    role: str = Field(validation_alias=also("role", "role_"))




class RegisterChild(Command):
    """Register a child by the local authority's reference (social worker)."""

    command: ClassVar = "child add"
    method: ClassVar = "register_child"
    positional: ClassVar = ("child_ref",)
    child_ref: str
    name: str
    born: Day
    sex: str = "U"
    upn: str | None = None
    nation: str = "england"
    died: Day | None = None
    on: Day | None = None


COMMANDS = (AddStaff, GrantRole, RegisterChild)
