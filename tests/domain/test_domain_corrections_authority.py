"""Corrections never route around authority (issue 18, item 6): the fields that say who may
do what are not corrected, and a correction or a void must leave the record as the rules
would have accepted it: every entry is decided again with the command that recorded it."""

from __future__ import annotations

import inspect
from datetime import date, timedelta

import pytest
from plantrail_domain_testkit import CHILD, RC, RO, SW, TM, TM2, add_child, refused

from plantrail.domain import events as ev
from plantrail.domain import redecide
from plantrail.domain.errors import RuleBroken
from plantrail.domain.staff import staff_id_key

OPENED = date(2026, 10, 1)


def _entry(app, record_id, cls, nth=0):
    return [e for e in app.events_of(record_id) if isinstance(e, cls)][nth]


@pytest.fixture
def reviewed(staffed):
    """A child-in-need plan with an action, approved by another team manager, and reviewed."""
    app = staffed
    add_child(app)
    pid = app.open_plan(SW, CHILD, kind="child-in-need", aim="Safe and well", on=OPENED)
    app.add_action(SW, pid, area="health", need="Dental check", response="Appointment", frequency="Once",
                   responsible="Carer", starts=date(2026, 10, 5), outcomes=["Teeth checked"], on=OPENED)
    app.approve_plan(TM, pid, on=date(2026, 10, 2))
    app.hold_review(RC, pid, kind="child-in-need", on=date(2026, 11, 10), chair=RC)
    return app, pid


def test_a_records_officer_cannot_give_themselves_a_role(staffed):
    app = staffed
    registered = _entry(app, staff_id_key(RO), ev.StaffMemberRegistered)
    refused(app, RuleBroken, app.correct, RO, registered.event_id, fields={"roles": ["records-officer",
            "team-manager"]}, reason="promoted", match="carries authority")
    assert app.staff_member(RO).state.roles == ["records-officer"]


@pytest.mark.parametrize(("cls", "fields"), [
    (ev.ReviewHeld, {"chair": SW}),
    (ev.ReviewHeld, {"kind": "statutory"}),
    (ev.PlanApproved, {"approved_version": 1}),
])
def test_what_a_decision_rests_on_is_not_corrected(reviewed, cls, fields):
    app, pid = reviewed
    refused(app, RuleBroken, app.correct, RO, _entry(app, pid, cls).event_id, fields=fields, reason="mistyped",
            match="carries authority")


def test_a_correction_that_would_break_a_rule_the_entry_passed_is_refused(reviewed):
    app, pid = reviewed
    review = _entry(app, pid, ev.ReviewHeld)
    # Moved before the plan opened: the review could never have been recorded so.
    refused(app, RuleBroken, app.correct, RO, review.event_id, fields={"effective_on": "2026-09-01"},
            reason="date mistyped", match="would break a rule it passed")
    # An approval dated before the plan opened: the plan did not exist to approve.
    refused(app, RuleBroken, app.correct, RO, _entry(app, pid, ev.PlanApproved).event_id,
            fields={"effective_on": "2026-09-30"}, reason="date", match="would break a rule")


def test_an_extension_corrected_past_six_weeks_is_refused(staffed):
    app = staffed
    add_child(app)
    pid = app.open_plan(SW, CHILD, kind="initial", aim="Short-term support", on=OPENED)
    app.approve_plan(TM2, pid, on=OPENED)
    review = app.hold_review(RC, pid, kind="child-in-need", on=date(2026, 11, 5), chair=RC)
    ends = app.plan(pid).state.initial_plan_ends
    app.extend_initial_plan(TM, pid, review_id=review, until=ends + timedelta(weeks=6))
    extension = _entry(app, pid, ev.InitialPlanExtended)
    refused(app, RuleBroken, app.correct, RO, extension.event_id,
            fields={"until": (ends + timedelta(weeks=9)).isoformat()}, reason="typed", match="at most 6 weeks")


def test_a_birth_date_corrected_after_a_plan_began_is_refused(reviewed):
    app, _pid = reviewed
    registered = _entry(app, app.child(CHILD).id, ev.ChildRegistered)
    refused(app, RuleBroken, app.correct, RO, registered.event_id, fields={"born": "2026-10-15"},
            reason="date of birth mistyped", match="before the child was born")


def test_a_correction_the_rules_allow_still_lands(reviewed):
    app, pid = reviewed
    added = _entry(app, pid, ev.ActionAdded)
    app.correct(RO, added.event_id, fields={"frequency": "Twice"}, reason="mistyped")
    assert app.plan(pid).state.actions["A1"].frequency == "Twice"


def test_every_kind_of_entry_can_be_decided_again():
    source = inspect.getsource(redecide)
    kinds = {*ev.CORRECTABLE, ev.ChildPlanStarted, ev.ChildPlanEnded, ev.RoleGranted}
    missing = sorted(k.__name__ for k in kinds if f"case ev.{k.__name__}()" not in source)
    assert not missing, f"no way to decide these again (domain/redecide.py): {missing}"
