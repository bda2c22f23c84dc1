"""The staff register: each member's name, initials and roles, and what each role may do."""

from __future__ import annotations

from functools import lru_cache
from uuid import NAMESPACE_URL, UUID, uuid5

from pydantic import BaseModel, Field

from domain import events as ev
from domain.acting import Acting
from domain.errors import NotPermitted, RuleBroken
from domain.record import CorrectableRecord

SOCIAL_WORK = frozenset({"social-worker", "team-manager"})  # a team manager may do what a social worker may

# Who may do what (CLI.md, "Writes"). One table, read by the application before every command.
PERMISSIONS: dict[str, frozenset[str]] = {
    "add_staff": frozenset({"team-manager"}),
    "grant_role": frozenset({"team-manager"}),
    "register_child": SOCIAL_WORK,
    "open_plan": SOCIAL_WORK,
    "approve_plan": frozenset({"team-manager"}),
    "change_kind": frozenset({"review-chair"}),
    "close_plan": frozenset({"team-manager"}),
    "add_action": SOCIAL_WORK,
    "amend_action": SOCIAL_WORK,
    "end_action": SOCIAL_WORK,
    "record_view": SOCIAL_WORK,
    "record_signature": SOCIAL_WORK,
    "hold_review": frozenset({"review-chair"}),
    "change_aim": frozenset({"review-chair"}),
    "record_details": SOCIAL_WORK,
    "extend_initial_plan": frozenset({"team-manager"}),
    "distribute_plan": SOCIAL_WORK,
    "record_contact": SOCIAL_WORK,
    "record_visit": SOCIAL_WORK,
    "record_placement": SOCIAL_WORK,
    "record_supervision": SOCIAL_WORK,
    "correct": frozenset({"records-officer"}),
    "void": frozenset({"records-officer"}),
}


class StaffState(BaseModel):
    staff_id: str = ""
    name: str = ""
    initials: str = ""
    roles: list[str] = Field(default_factory=list)


@lru_cache(maxsize=65536)  # uuid5 is a SHA-1: computed once per id, not once per command
def staff_id_key(staff_id: str) -> UUID:
    """A staff member's record id follows from their staff id: ids are unique."""
    return uuid5(NAMESPACE_URL, f"plantrail:staff:{staff_id}")


class StaffMember(CorrectableRecord):

    def blank(self) -> StaffState:
        return StaffState()

    def evolve(self, state: StaffState, event: ev.Event) -> None:
        if isinstance(event, ev.StaffMemberRegistered):
            state.staff_id, state.name = event.staff_id, event.name
            state.initials, state.roles = event.staff_initials, list(event.roles)
        elif isinstance(event, ev.RoleGranted) and event.role not in state.roles:
            state.roles.append(event.role)

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

    def authorise(self, command: str) -> None:
        """Raise NotPermitted unless one of this member's roles may do the command."""
        allowed = PERMISSIONS[command]
        if not allowed.intersection(self.state.roles):
            raise NotPermitted(
                f"{self.state.staff_id} ({', '.join(self.state.roles)}) may not {command.replace('_', ' ')}; "
                f"that needs the role {' or '.join(sorted(allowed))}",
                rule="roles", fix="act as a staff member who holds that role (--as STAFF_ID)",
            )
