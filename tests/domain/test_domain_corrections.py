"""Corrections and voids (DOMAIN.md, "Corrections"): a records officer fixes a recording
error without erasing it; the original stays in the event log, current state shows the
corrected value, and a correction that would break a rule of the record is refused."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from plantrail_domain_testkit import (
    AU,
    CHILD,
    RC,
    RO,
    SW,
    TM,
    TODAY,
    add_child,
    recorded,
    refused,
)

from plantrail.domain import events as ev
from plantrail.domain.errors import BadInput, NotPermitted, RuleBroken

OPENED = date(2026, 10, 1)


@pytest.fixture
def plan(staffed):
    """A child-in-need plan with one action, approved."""
    app = staffed
    add_child(app)
    pid = app.open_plan(SW, CHILD, kind="child-in-need", aim="For Alex to be safe and well", on=OPENED)
    aid = app.add_action(SW, pid, area="health", need="Needs a dental check", response="Dental appointment",
                         frequency="Once", responsible="Carer", starts=date(2026, 10, 5),
                         outcomes=["Teeth checked"], on=OPENED)
    app.approve_plan(TM, pid, on=date(2026, 10, 2))
    return app, pid, aid


def event_of(app, pid, cls, nth=0):
    return [e for e in app.events_of(pid) if isinstance(e, cls)][nth]


def test_a_correction_shows_in_the_state_and_keeps_the_original(plan):
    app, pid, aid = plan
    added = event_of(app, pid, ev.ActionAdded)
    correction_id = recorded(app, app.correct, RO, added.event_id,
                             fields={"frequency": "Twice a year", "starts": "2026-10-06"},
                             reason="typed from the wrong form")
    state = app.plan(pid).state
    assert state.actions[aid].frequency == "Twice a year"
    assert state.actions[aid].starts == date(2026, 10, 6)
    events = app.events_of(pid)
    original = next(e for e in events if e.originator_version == added.originator_version)
    assert original == added  # the event log still holds the original, unchanged
    assert (original.frequency, original.starts) == ("Once", date(2026, 10, 5))
    correction = events[-1]
    assert isinstance(correction, ev.Corrected) and correction.event_id == correction_id
    assert correction.target_version == added.originator_version
    assert correction.fields == {"frequency": "Twice a year", "starts": "2026-10-06"}
    assert (correction.actor, correction.reason) == (RO, "typed from the wrong form")
    assert correction.timestamp.date() == TODAY
    # a correction is not a change of the plan's content by its officer: no re-approval owed to them
    assert RO not in state.authors_since_approval


def test_corrections_of_aim_and_dates_apply(plan):
    app, pid, _ = plan
    opened = event_of(app, pid, ev.PlanOpened)
    recorded(app, app.correct, RO, opened.event_id,
             fields={"aim": "For Alex to be safe, well and in school", "effective_on": "2026-09-30"},
             reason="aim mistyped; conference date mistyped")
    state = app.plan(pid).state
    assert state.aim.text == "For Alex to be safe, well and in school"
    assert state.opened_on == date(2026, 9, 30)
    assert app.events_of(pid)[0].aim == "For Alex to be safe and well"


@pytest.mark.parametrize("field", ["actor", "timestamp", "originator_id", "originator_version", "command_id",
                                   "action_id", "colour"])
def test_only_the_record_fields_can_be_corrected(plan, field):
    app, pid, _ = plan
    added = event_of(app, pid, ev.ActionAdded)
    refused(app, BadInput, app.correct, RO, added.event_id, fields={field: "x"}, reason="r")


@pytest.mark.parametrize("fields", [
    {"starts": "not a date"},
    {"need": "   "},
    {"outcomes": []},
    {"outcomes": "one outcome"},
    {"frequency": None},
])
def test_corrected_values_are_validated(plan, fields):
    app, pid, _ = plan
    added = event_of(app, pid, ev.ActionAdded)
    refused(app, BadInput, app.correct, RO, added.event_id, fields=fields, reason="r")


def test_a_correction_needs_a_reason_and_a_change(plan):
    app, pid, _ = plan
    added = event_of(app, pid, ev.ActionAdded)
    refused(app, BadInput, app.correct, RO, added.event_id, fields={"frequency": "Weekly"}, reason=" ")
    refused(app, BadInput, app.correct, RO, added.event_id, fields={"frequency": "Once"}, reason="r")
    refused(app, BadInput, app.void, RO, added.event_id, reason="")


def test_correcting_an_action_area_to_one_invalid_for_the_kind_is_refused(plan):
    app, pid, aid = plan
    added = event_of(app, pid, ev.ActionAdded)
    for area in ("birth-family-parenting-capacity", "safe", "nowhere"):
        refused(app, RuleBroken, app.correct, RO, added.event_id, fields={"area": area}, reason="wrong table")
    recorded(app, app.correct, RO, added.event_id, fields={"area": "education"}, reason="wrong table")
    assert app.plan(pid).state.actions[aid].area == "education"


def test_corrections_keep_the_one_aim_and_category_rules(plan):
    app, pid, _ = plan
    opened = event_of(app, pid, ev.PlanOpened)
    refused(app, BadInput, app.correct, RO, opened.event_id, fields={"aim_option": 3}, reason="r")
    refused(app, BadInput, app.correct, RO, opened.event_id, fields={"category": "neglect"}, reason="r")
    refused(app, BadInput, app.correct, RO, opened.event_id, fields={"aim": ""}, reason="r")
    refused(app, BadInput, app.correct, RO, opened.event_id, fields={"category": "bogus"}, reason="r")


def test_correcting_a_plans_kind_to_another_family_is_refused(plan):
    app, pid, _ = plan
    opened = event_of(app, pid, ev.PlanOpened)
    # a Care Plan or a Scottish plan is another family of plans: the child's periods would no longer add up
    refused(app, RuleBroken, app.correct, RO, opened.event_id, fields={"kind": "single-agency"}, reason="r")
    refused(app, RuleBroken, app.correct, RO, opened.event_id, fields={"kind": "initial"}, reason="r")
    # within the Child's Plan family the kind is a recording detail, with its rules
    refused(app, BadInput, app.correct, RO, opened.event_id, fields={"kind": "child-protection"}, reason="r")
    recorded(app, app.correct, RO, opened.event_id, fields={"kind": "child-protection", "category": "neglect"},
             reason="was a child protection plan from the start")
    assert app.plan(pid).state.kind == "child-protection"


def test_a_correction_cannot_move_an_effective_date_into_the_future(plan):
    app, pid, _ = plan
    added = event_of(app, pid, ev.ActionAdded)
    tomorrow = (TODAY + timedelta(days=1)).isoformat()
    refused(app, BadInput, app.correct, RO, added.event_id, fields={"effective_on": tomorrow}, reason="r")


def test_corrections_on_a_plan_stepped_down_from_child_protection(staffed):
    """A plan that was child protection keeps its latest category when it steps down; that
    must not block corrections of its other entries."""
    app = staffed
    add_child(app)
    pid = app.open_plan(SW, CHILD, kind="child-protection", aim="Safe at home", category="neglect", on=OPENED)
    aid = app.add_action(SW, pid, area="health", need="n", response="r", frequency="Weekly", responsible="GP",
                         starts=OPENED, outcomes=["o"], on=OPENED)
    rid = app.hold_review(RC, pid, kind="cp-review-conference", on=date(2026, 11, 1), chair=RC)
    app.change_kind(RC, pid, kind="child-in-need", review_id=rid)
    added = event_of(app, pid, ev.ActionAdded)
    recorded(app, app.correct, RO, added.event_id, fields={"frequency": "Fortnightly"}, reason="mistyped")
    state = app.plan(pid).state
    assert state.actions[aid].frequency == "Fortnightly"
    assert (state.kind, state.initial_category) == ("child-in-need", "neglect")


# ====================================================================== voids
def test_voiding_withdraws_an_entry_but_keeps_it_in_the_log(plan):
    app, pid, aid = plan
    app.record_view(SW, pid, party="parent", name="Ms Example", text="Agrees with the plan")
    view = event_of(app, pid, ev.ViewRecorded)
    recorded(app, app.void, RO, view.event_id, reason="recorded on the wrong child's plan")
    assert app.plan(pid).state.views == []
    assert view in app.events_of(pid)
    last = app.events_of(pid)[-1]
    assert isinstance(last, ev.Voided) and last.target_version == view.originator_version
    refused(app, RuleBroken, app.void, RO, view.event_id, reason="again", match="already voided")
    refused(app, RuleBroken, app.correct, RO, view.event_id, fields={"text": "x"}, reason="r")
    assert aid in app.plan(pid).state.actions


def test_voiding_the_opening_event_is_refused(plan):
    app, pid, _ = plan
    refused(app, RuleBroken, app.void, RO, f"{pid}/1", reason="wrong child")
    child_id = app.child(CHILD).id
    refused(app, RuleBroken, app.void, RO, f"{child_id}/1", reason="duplicate")


def test_voiding_a_review_an_aim_change_rests_on_is_refused(staffed):
    app = staffed
    add_child(app)
    pid = app.open_plan(SW, CHILD, kind="care-plan", aim="Home within six months", aim_option=3, on=OPENED)
    rid = app.hold_review(RC, pid, kind="statutory", on=date(2026, 11, 2), chair=RC)
    app.change_aim(RC, pid, review_id=rid, aim="Long-term foster placement", aim_option=6)
    held = event_of(app, pid, ev.ReviewHeld)
    aim_changed = event_of(app, pid, ev.AimChanged)
    refused(app, RuleBroken, app.void, RO, held.event_id, reason="r")
    # nor may the review become one the aim cannot change at
    refused(app, RuleBroken, app.correct, RO, held.event_id, fields={"kind": "core-group"}, reason="r")
    # void the aim change first, then the review
    recorded(app, app.void, RO, aim_changed.event_id, reason="aim change recorded in error")
    assert app.plan(pid).state.aim.option == 3
    recorded(app, app.void, RO, held.event_id, reason="review recorded in error")
    assert app.plan(pid).state.reviews == {}


def test_voiding_an_action_that_later_entries_rest_on_is_refused(plan):
    app, pid, aid = plan
    added = event_of(app, pid, ev.ActionAdded)
    app.amend_action(SW, pid, aid, frequency="Twice")
    refused(app, RuleBroken, app.void, RO, added.event_id, reason="r")
    aid2 = app.add_action(SW, pid, area="education", need="n", response="r", frequency="f", responsible="p",
                          starts=OPENED, outcomes=["o"])
    app.hold_review(RC, pid, kind="child-in-need", on=TODAY, chair=RC, ratings={aid2: "achieved"})
    refused(app, RuleBroken, app.void, RO, event_of(app, pid, ev.ActionAdded, 1).event_id, reason="r")


def test_voiding_a_review_an_extension_rests_on_is_refused(staffed):
    app = staffed
    add_child(app)
    pid = app.open_plan(SW, CHILD, kind="initial", aim="Short-term support", on=OPENED)
    rid = app.hold_review(RC, pid, kind="child-in-need", on=date(2026, 11, 9), chair=RC)
    app.extend_initial_plan(TM, pid, review_id=rid, until=date(2026, 12, 20))
    refused(app, RuleBroken, app.void, RO, event_of(app, pid, ev.ReviewHeld).event_id, reason="r")


def test_follow_on_events_cannot_be_corrected_by_themselves(plan):
    app, pid, _ = plan
    child = app.child(CHILD)
    started = [e for e in app.events_of(child.id) if isinstance(e, ev.ChildPlanStarted)][0]
    refused(app, RuleBroken, app.void, RO, started.event_id, reason="r")
    refused(app, RuleBroken, app.correct, RO, started.event_id, fields={"kind": "initial"}, reason="r")
    opened = event_of(app, pid, ev.PlanOpened)
    correction_id = app.correct(RO, opened.event_id, fields={"aim": "Better aim"}, reason="r")
    refused(app, RuleBroken, app.void, RO, correction_id, reason="r")


def test_children_and_staff_are_corrected_too(plan):
    app, _, _ = plan
    child = app.child(CHILD)
    recorded(app, app.correct, RO, f"{child.id}/1", fields={"name": "Alexandra Example", "born": "2018-05-02"},
             reason="name and date of birth mistyped")
    state = app.child(CHILD).state
    assert (state.name, state.born) == ("Alexandra Example", date(2018, 5, 2))
    member = app.staff_member(SW)
    recorded(app, app.correct, RO, f"{member.id}/1", fields={"staff_initials": "MAG"}, reason="initials")
    assert app.staff_member(SW).state.initials == "MAG"
    refused(app, BadInput, app.correct, RO, f"{member.id}/1", fields={"staff_id": "other"}, reason="r")


@pytest.mark.parametrize("actor", [SW, TM, RC, AU])
def test_only_a_records_officer_corrects_and_voids(plan, actor):
    app, pid, _ = plan
    added = event_of(app, pid, ev.ActionAdded)
    refused(app, NotPermitted, app.correct, actor, added.event_id, fields={"frequency": "Weekly"}, reason="r")
    refused(app, NotPermitted, app.void, actor, added.event_id, reason="r")


# ====================================================================== the child's plan periods follow corrections
def test_voiding_a_closing_cannot_leave_two_open_plans_of_one_family(staffed):
    app = staffed
    add_child(app)
    first = app.open_plan(SW, CHILD, kind="child-in-need", aim="Safe and well", on=date(2026, 9, 1))
    app.close_plan(TM, first, reason="stepped up", on=date(2026, 10, 1))
    app.open_plan(SW, CHILD, kind="child-protection", aim="Safe", category="neglect", on=date(2026, 10, 1))
    closing = event_of(app, first, ev.PlanClosed)
    refused(app, RuleBroken, app.void, RO, closing.event_id, reason="closed in error")


def test_correcting_an_opening_date_keeps_periods_apart(staffed):
    app = staffed
    add_child(app)
    first = app.open_plan(SW, CHILD, kind="child-in-need", aim="Safe and well", on=date(2026, 9, 1))
    app.close_plan(TM, first, reason="stepped up", on=date(2026, 10, 1))
    second = app.open_plan(SW, CHILD, kind="child-protection", aim="Safe", category="neglect", on=date(2026, 10, 1))
    refused(app, RuleBroken, app.correct, RO, f"{second}/1", fields={"effective_on": "2026-09-15"}, reason="r")


def test_a_corrected_opening_date_moves_the_childs_period(staffed):
    app = staffed
    add_child(app)
    first = app.open_plan(SW, CHILD, kind="child-in-need", aim="Safe and well", on=date(2026, 9, 1))
    app.correct(RO, f"{first}/1", fields={"effective_on": "2026-09-03"}, reason="date mistyped")
    assert app.plan(first).state.opened_on == date(2026, 9, 3)
    [period] = app.child(CHILD).state.periods
    assert period.started_on == date(2026, 9, 3)
    app.close_plan(TM, first, reason="needs met", on=date(2026, 10, 1))
    closing = event_of(app, first, ev.PlanClosed)
    app.correct(RO, closing.event_id, fields={"effective_on": "2026-10-02"}, reason="date mistyped")
    [period] = app.child(CHILD).state.periods
    assert period.ended_on == date(2026, 10, 2)
    refused(app, RuleBroken, app.correct, RO, closing.event_id, fields={"effective_on": "2026-08-01"},
            reason="before it opened")


def test_a_record_with_many_corrections_is_folded_once_when_read(plan, monkeypatch):
    # Each correction used to re-fold the whole record as it was read: a long plan with
    # many corrections took a fold per correction. The state is folded once, when looked at.
    from plantrail.domain.plan import Plan

    app, pid, aid = plan
    added = event_of(app, pid, ev.ActionAdded)
    for n in range(6):
        recorded(app, app.correct, RO, added.event_id, fields={"frequency": f"{n + 2} times"},
                 reason="typed from the wrong form")
    folds = []
    real_refold = Plan.refold
    monkeypatch.setattr(Plan, "refold", lambda self: folds.append(1) or real_refold(self))
    app.kept.clear()  # read it from the store, as another process would
    state = app.plan(pid).state
    assert state.actions[aid].frequency == "7 times"
    assert len(folds) == 1
