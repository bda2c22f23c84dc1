"""Helpers for the domain acceptance tests: a staffed store and "refused, nothing recorded".

``FixedClock``, ``open_app`` and ``stored_event_count`` are the shared ones of ``tests.support``.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

import pytest

from tests.support import FixedClock, open_app, stored_event_count  # noqa: E402,F401

# The staffed store: one member per role, and a second team manager for approvals.
TM = "tmills"      # team manager
TM2 = "rpatel"     # a second team manager
SW = "mgrant"      # social worker (Mary Grant, seed 000)
RC = "ahill"       # review chair (an Independent Reviewing Officer)
RO = "jokafor"     # records officer
AU = "bcole"       # auditor
STAFF = {
    TM: ("Tina Mills", "TM", ["team-manager"]),
    TM2: ("Raj Patel", "RP", ["team-manager"]),
    SW: ("Mary Grant", "MG", ["social-worker"]),
    RC: ("Anne Hill", "AH", ["review-chair"]),
    RO: ("Joy Okafor", "JO", ["records-officer"]),
    AU: ("Ben Cole", "BC", ["auditor"]),
}
ROLE_OF = {TM: "team-manager", SW: "social-worker", RC: "review-chair", RO: "records-officer", AU: "auditor"}

TODAY = date(2026, 11, 25)  # FixedClock's default
CHILD = "C100"
CHILD2 = "C200"


def staff_the_store(app: Any) -> None:
    first = True
    for staff_id, (name, initials, roles) in STAFF.items():
        app.add_staff(None if first else TM, staff_id, name=name, initials=initials, roles=roles)
        first = False


def add_child(app: Any, ref: str = CHILD, *, name: str = "Alex Example", born: date = date(2018, 5, 1),
              nation: str = "england") -> str:
    app.register_child(SW, ref, name=name, born=born, nation=nation)
    return ref


def refused(app: Any, error: type[BaseException], call: Any, *args: Any, match: str | None = None,
            **kwargs: Any) -> BaseException:
    """Run a command that must be refused with exactly ``error``; assert nothing was recorded."""
    before = stored_event_count(app)
    with pytest.raises(error, match=match) as info:
        call(*args, **kwargs)
    assert type(info.value) is error, f"refused with {type(info.value).__name__}, expected {error.__name__}"
    assert stored_event_count(app) == before, "a refused command recorded something"
    return info.value


def recorded(app: Any, call: Any, *args: Any, **kwargs: Any) -> Any:
    """Run a command that must be accepted; assert it recorded something."""
    before = stored_event_count(app)
    result = call(*args, **kwargs)
    assert stored_event_count(app) > before, "an accepted command recorded nothing"
    return result


def plan_events(app: Any, plan_id: UUID) -> list[Any]:
    return app.events_of(plan_id)


def save(app: Any, *records: Any) -> None:
    """Save records loaded and changed outside a command as a command's unit of work saves
    them: in one transaction, a record changed meanwhile refused as a Conflict."""
    from plantrail.application.unit_of_work import UnitOfWork

    unit = UnitOfWork(app)
    unit.records.update((record.id, record) for record in records)
    app.commit(unit)
