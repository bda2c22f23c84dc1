"""Handlers of the staff register's and children's commands."""

from __future__ import annotations

from typing import Any

from plantrail.application.commands import staff as c
from plantrail.application.commands.base import Command
from plantrail.application.unit_of_work import UnitOfWork
from plantrail.domain.child import LOOKED_AFTER_CHARACTERISTICS, Child
from plantrail.domain.staff import LoginBinding, StaffMember


def add_staff(uow: UnitOfWork, cmd: c.AddStaff) -> None:
    first = uow.store_is_empty()
    acting = uow.first_acting(cmd.staff_id, cmd.initials) if first else uow.acting()
    member = StaffMember.register(acting, staff_id=cmd.staff_id, name=cmd.name, initials=cmd.initials,
                                  roles=cmd.roles, first=first)
    uow.add(member, f"staff member {cmd.staff_id} is already registered")
    if cmd.login:
        _bind(uow, acting, cmd.login, cmd.staff_id)


def bind_login(uow: UnitOfWork, cmd: c.BindLogin) -> None:
    acting = uow.acting()
    uow.staff_member(cmd.staff_id)  # an unknown id is bad input
    _bind(uow, acting, cmd.login, cmd.staff_id)


def _bind(uow: UnitOfWork, acting: Any, login: str, staff_id: str) -> None:
    uow.add(LoginBinding.bind(acting, login=login, staff_id=staff_id),
            f"the login {login} is bound to a staff member already; a login stays its person's for good "
            "(make a new login role for someone else)")


def grant_role(uow: UnitOfWork, cmd: c.GrantRole) -> None:
    acting = uow.acting()
    uow.staff_member(cmd.staff_id).grant(acting, cmd.role)


def revoke_role(uow: UnitOfWork, cmd: c.RevokeRole) -> None:
    acting = uow.acting()
    uow.staff_member(cmd.staff_id).revoke(acting, cmd.role, cmd.reason)


def record_leaving(uow: UnitOfWork, cmd: c.RecordLeaving) -> None:
    acting = uow.acting()
    uow.staff_member(cmd.staff_id).leave(acting, cmd.on, cmd.reason)


def register_child(uow: UnitOfWork, cmd: c.RegisterChild) -> None:
    acting = uow.acting(on=cmd.on)
    child = Child.register(acting, child_ref=cmd.child_ref, name=cmd.name, born=cmd.born, sex=cmd.sex,
                           upn=cmd.upn, nation=cmd.nation, ethnicity=cmd.ethnicity, disabilities=cmd.disabilities,
                           upn_unknown=cmd.upn_unknown, former_upn=cmd.former_upn, died=cmd.died,
                           **cmd.given(*LOOKED_AFTER_CHARACTERISTICS))
    uow.add(child, f"child {cmd.child_ref} is already registered")


def restrict_child(uow: UnitOfWork, cmd: c.RestrictChild) -> None:
    acting = uow.acting()
    for staff_id in cmd.allow:
        uow.staff_member(staff_id)  # an unknown id is bad input
    uow.child(cmd.child_ref).restrict(acting, allowed=list(cmd.allow), reason=cmd.reason)


def unrestrict_child(uow: UnitOfWork, cmd: c.UnrestrictChild) -> None:
    acting = uow.acting()
    uow.child(cmd.child_ref).unrestrict(acting, reason=cmd.reason)


HANDLERS: dict[type[Command], Any] = {
    c.AddStaff: add_staff,
    c.BindLogin: bind_login,
    c.GrantRole: grant_role,
    c.RevokeRole: revoke_role,
    c.RecordLeaving: record_leaving,
    c.RegisterChild: register_child,
    c.RestrictChild: restrict_child,
    c.UnrestrictChild: unrestrict_child,
}
