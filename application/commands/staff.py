"""Commands about the staff register and children's records."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from plantrail.application.commands.base import Command, Day, Login, Texts, also


class AddStaff(Command):
    """Register a staff member. The first on an empty store needs no --as and must be a team manager."""

    command: ClassVar = "staff add"
    method: ClassVar = "add_staff"
    positional: ClassVar = ("staff_id",)
    staff_id: str
    name: str
    initials: str
    roles: Texts
    login: Login | None = None  # a database login role to bind to them (``staff bind``)


class BindLogin(Command):
    """Bind a database login role to a staff member (team manager): in a store initialised with
    ``--identity login``, whoever connects as that login acts and reads as them."""

    command: ClassVar = "staff bind"
    method: ClassVar = "bind_login"
    positional: ClassVar = ("staff_id",)
    staff_id: str
    login: Login


class GrantRole(Command):
    """Grant a further role to a staff member (team manager)."""

    command: ClassVar = "staff grant"
    method: ClassVar = "grant_role"
    positional: ClassVar = ("staff_id", "role")
    staff_id: str
    role: str = Field(validation_alias=also("role", "role_"))


class RevokeRole(Command):
    """Take a role away from a staff member (team manager); their past work stays theirs."""

    command: ClassVar = "staff revoke"
    method: ClassVar = "revoke_role"
    positional: ClassVar = ("staff_id",)
    staff_id: str
    role: str
    reason: str


class RecordLeaving(Command):
    """Record that a staff member leaves on a date (team manager): from it they may do nothing."""

    command: ClassVar = "staff leave"
    method: ClassVar = "record_leaving"
    positional: ClassVar = ("staff_id",)
    staff_id: str
    on: Day
    reason: str


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
    ethnicity: str | None = None
    disabilities: Texts = Field(default_factory=list, validation_alias=also("disabilities", "disability"))
    upn_unknown: str | None = None
    former_upn: str | None = None
    died: Day | None = None
    on: Day | None = None
    # ---- the SSDA903 return's characteristics (kept apart from other returns')
    previous_permanence: str | None = None
    previous_permanence_la: str | None = None
    previous_permanence_date: Day | None = None
    mother: bool | None = None
    mother_child_born: Day | None = None


class RestrictChild(Command):
    """Restrict a child's record to the staff named (team manager or records officer)."""

    command: ClassVar = "child restrict"
    method: ClassVar = "restrict_child"
    positional: ClassVar = ("child_ref",)
    child_ref: str
    allow: Texts
    reason: str


class UnrestrictChild(Command):
    """Lift the restriction of a child's record (team manager or records officer)."""

    command: ClassVar = "child unrestrict"
    method: ClassVar = "unrestrict_child"
    positional: ClassVar = ("child_ref",)
    child_ref: str
    reason: str


COMMANDS = (AddStaff, BindLogin, GrantRole, RevokeRole, RecordLeaving, RegisterChild, RestrictChild, UnrestrictChild)
