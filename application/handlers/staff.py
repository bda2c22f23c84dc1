"""Handlers of the staff register's and children's commands."""

from __future__ import annotations

from typing import Any

from plantrail.application import commands as c
from plantrail.application.unit_of_work import UnitOfWork
from plantrail.domain.child import Child
from plantrail.domain.staff import StaffMember


def add_staff(uow: UnitOfWork, cmd: c.AddStaff) -> None:
    first = uow.store_is_empty()
    acting = uow.first_acting(cmd.staff_id, cmd.initials) if first else uow.acting()
    member = StaffMember.register(acting, staff_id=cmd.staff_id, name=cmd.name, initials=cmd.initials,
                                  roles=cmd.roles, first=first)
    uow.add(member, f"staff member {cmd.staff_id} is already registered")


def grant_role(uow: UnitOfWork, cmd: c.GrantRole) -> None:
    acting = uow.acting()
    uow.staff_member(cmd.staff_id).grant(acting, cmd.role)


def register_child(uow: UnitOfWork, cmd: c.RegisterChild) -> None:
    acting = uow.acting(on=cmd.on)
    child = Child.register(acting, child_ref=cmd.child_ref, name=cmd.name, born=cmd.born, sex=cmd.sex,
                           upn=cmd.upn, nation=cmd.nation, died=cmd.died)
    uow.add(child, f"child {cmd.child_ref} is already registered")


HANDLERS: dict[type[c.Command], Any] = {
    c.AddStaff: add_staff,
    c.GrantRole: grant_role,
    c.RegisterChild: register_child,
}
