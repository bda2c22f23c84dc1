"""The staff register's events."""

from __future__ import annotations

from datetime import date

from pydantic import Field, field_validator

from plantrail.domain.base import Created, Event
from plantrail.domain.events.text import not_blank
from plantrail.domain.vocabulary import (
    Role,
)

# --------------------------------------------------------------------------- staff


class StaffMemberRegistered(Created):
    """A member of staff joins the register with their initials and roles (CLI.md, roles).

    The initials are what the margin note of every later change carries by default.
    """

    staff_id: str
    name: str
    staff_initials: str
    roles: list[Role] = Field(min_length=1)

    _blank = field_validator("staff_id", "name", "staff_initials")(not_blank)


class RoleGranted(Event):
    """A team manager grants a further role to a staff member (CLI.md, roles)."""

    role: Role


class RoleRevoked(Event):
    """A team manager takes a role away from a staff member (CLI.md, "Staff": ``staff revoke``).

    From then on no command needing that role is theirs to do; what they did while they held
    it stays recorded as theirs. ``reason`` says why (it is required).
    """

    role: Role


class StaffLeft(Event):
    """A team manager records that a staff member leaves on a date (CLI.md, "Staff": ``staff leave``).

    From ``leaves_on`` they may do nothing: every command they give on or after it is refused,
    reads included. Their past work stays theirs. ``reason`` says why (it is required).
    """

    leaves_on: date


class LoginBound(Created):
    """A team manager binds a database login role to a staff member (CLI.md, "Staff": ``staff
    bind``, ``staff add --login``).

    In a store whose identity comes from the login (``init --identity login``) whoever connects
    as ``bound_login`` acts and reads as ``staff_id``, and may not name anyone else. Each login is a
    record of its own, made once, so a login is bound to one staff member for good: the
    store's unique key refuses a second binding (a new person gets a new login role).
    """

    bound_login: str = Field(min_length=1, max_length=63)  # PostgreSQL's longest role name (NAMEDATALEN - 1)
    staff_id: str

    _blank = field_validator("bound_login", "staff_id")(not_blank)
