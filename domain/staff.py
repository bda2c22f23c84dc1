"""The staff register: each member's name, initials and roles."""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from uuid import NAMESPACE_URL, UUID, uuid5

from pydantic import Field

from plantrail.domain import events as ev
from plantrail.domain.acting import Acting
from plantrail.domain.base import Model, Record
from plantrail.domain.errors import BadInput, NotPermitted, RuleBroken
from plantrail.domain.record import CorrectableRecord


class StaffState(Model):
    staff_id: str = ""
    name: str = ""
    initials: str = ""
    roles: list[str] = Field(default_factory=list)
    leaves_on: date | None = None  # from this date they may do nothing (``staff leave``)


@lru_cache(maxsize=65536)  # uuid5 is a SHA-1: computed once per id, not once per command
def staff_id_key(staff_id: str) -> UUID:
    """A staff member's record id follows from their staff id: ids are unique."""
    return uuid5(NAMESPACE_URL, f"plantrail:staff:{staff_id}")


class StaffMember(CorrectableRecord):

    def redecide(self, acting: Acting, entry: ev.Event) -> None:
        from plantrail.domain.redecide import staff_entry

        staff_entry(self, acting, entry)

    def blank(self) -> StaffState:
        return StaffState()

    def evolve(self, state: StaffState, event: ev.Event) -> None:
        if isinstance(event, ev.StaffMemberRegistered):
            state.staff_id, state.name = event.staff_id, event.name
            state.initials, state.roles = event.staff_initials, list(event.roles)
        elif isinstance(event, ev.RoleGranted) and event.role not in state.roles:
            state.roles.append(event.role)
        elif isinstance(event, ev.RoleRevoked) and event.role in state.roles:
            state.roles.remove(event.role)
        elif isinstance(event, ev.StaffLeft):
            state.leaves_on = event.leaves_on

    @classmethod
    def register(cls, acting: Acting, *, staff_id: str, name: str, initials: str, roles: list[str],
                 first: bool = False) -> StaffMember:
        if first and "team-manager" not in roles:
            raise RuleBroken(
                "the first staff member of a store must be a team manager, so that others can be added",
                rule="roles", fix="give --role team-manager",
            )
        return cls._create(
            ev.StaffMemberRegistered, id=staff_id_key(staff_id),
            **acting.envelope(authority="first staff member of an empty store" if first else None),
            staff_id=staff_id, name=name, staff_initials=initials, roles=sorted(set(roles)),
        )

    def grant(self, acting: Acting, role: str) -> None:
        if role in self.state.roles:
            raise RuleBroken(f"{self.state.staff_id} already has the role {role}", rule="roles")
        self.trigger_event(ev.RoleGranted, **acting.envelope(), role=role)

    def revoke(self, acting: Acting, role: str, reason: str) -> None:
        """Take a role away; what was done with it stays recorded as this member's."""
        if role not in self.state.roles:
            raise RuleBroken(f"{self.state.staff_id} does not have the role {role}", rule="roles",
                             fix=f"their roles: {', '.join(self.state.roles) or 'none'}")
        self.trigger_event(ev.RoleRevoked, **acting.envelope(), role=role, reason=_reason(reason))

    def leave(self, acting: Acting, leaves_on: date, reason: str) -> None:
        """From ``leaves_on`` this member may do nothing; their past work stays theirs."""
        if self.state.leaves_on is not None and self.state.leaves_on <= acting.at.date():
            raise RuleBroken(f"{self.state.staff_id} left on {self.state.leaves_on.isoformat()}", rule="leavers")
        self.trigger_event(ev.StaffLeft, **acting.envelope(), leaves_on=leaves_on, reason=_reason(reason))

    def check_present(self, today: date) -> None:
        """Raise NotPermitted if this member has left by ``today``: a leaver may do nothing."""
        if self.state.leaves_on is not None and self.state.leaves_on <= today:
            raise NotPermitted(
                f"{self.state.staff_id} left on {self.state.leaves_on.isoformat()} and may do nothing since",
                rule="leavers", fix="act as a staff member who is still in post (--as STAFF_ID)",
            )

    def authorise(self, allowed: frozenset[str], what: str) -> None:
        """Raise NotPermitted unless one of this member's roles is ``allowed`` to do ``what``
        (who may do what: ``plantrail.application.permissions``)."""
        if not allowed.intersection(self.state.roles):
            raise NotPermitted(
                f"{self.state.staff_id} ({', '.join(self.state.roles)}) may not {what}; "
                f"that needs the role {' or '.join(sorted(allowed))}",
                rule="roles", fix="act as a staff member who holds that role (--as STAFF_ID)",
            )


class LoginState(Model):
    login: str = ""
    staff_id: str = ""


@lru_cache(maxsize=4096)
def login_key(login: str) -> UUID:
    """A login's binding record id follows from the login: one binding a login."""
    return uuid5(NAMESPACE_URL, f"plantrail:login:{login}")


class LoginBinding(Record):
    """Which staff member a database login is (``init --identity login``): a record a login,
    one event, so the store's unique key keeps each login bound to one person."""

    def blank(self) -> LoginState:
        return LoginState()

    def evolve(self, state: LoginState, event: ev.Event) -> None:
        if isinstance(event, ev.LoginBound):
            state.login, state.staff_id = event.bound_login, event.staff_id

    @classmethod
    def bind(cls, acting: Acting, *, login: str, staff_id: str) -> LoginBinding:
        return cls._create(ev.LoginBound, id=login_key(login), **acting.envelope(), bound_login=login,
                           staff_id=staff_id)


def _reason(reason: str) -> str:
    if not reason or not reason.strip():
        raise BadInput("a reason is required", fix="give --reason TEXT")
    return reason
