"""The domain's rules on the aggregates alone: no store, no application, no clock but a
fixed one (after *Architecture Patterns with Python*'s test_product.py). The same rules
are tested through the application on both stores in tests/domain."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from plantrail.domain import events as ev
from plantrail.domain.acting import Acting
from plantrail.domain.child import Child
from plantrail.domain.errors import BadInput, NotFound, NotPermitted, RuleBroken
from plantrail.domain.plan import Plan
from plantrail.domain.staff import StaffMember

NOW = datetime(2026, 11, 25, 12, tzinfo=UTC)
OPENED = date(2026, 10, 1)


def acting(staff_id: str = "sw1", on: date = OPENED, initials: str = "MG") -> Acting:
    return Acting(staff_id=staff_id, initials=initials, on=on, at=NOW)


def cin_plan(**kwargs) -> Plan:
    return Plan.open(acting(), child_ref="C1", kind="child-in-need", aim="Safe and well", **kwargs)


def care_plan() -> Plan:
    return Plan.open(acting(), child_ref="C1", kind="care-plan", aim="Return home", aim_option=3)


def test_a_plan_opens_with_one_overall_aim():
    plan = cin_plan()
    assert plan.state.aim.text == "Safe and well" and plan.state.status == "open"
    with pytest.raises(BadInput):
        Plan.open(acting(), child_ref="C1", kind="child-in-need", aim="   ")


def test_a_care_plan_aim_is_a_part_one_option_and_option_4_has_months():
    with pytest.raises(BadInput):
        Plan.open(acting(), child_ref="C1", kind="care-plan", aim="Home")
    with pytest.raises(BadInput):
        Plan.open(acting(), child_ref="C1", kind="care-plan", aim="Home", aim_option=4)
    assert Plan.open(acting(), child_ref="C1", kind="care-plan", aim="Home", aim_option=4,
                     aim_months=9).state.aim.months == 9


def test_a_care_plan_aim_changes_only_at_a_held_statutory_review_on_its_date():
    plan = care_plan()
    with pytest.raises(NotFound):
        plan.change_aim(acting("rc1"), review_id="R1", aim="Long-term fostering", aim_option=6)
    plan.hold_review(acting("rc1", on=date(2026, 11, 1)), kind="statutory", chair="rc1")
    plan.change_aim(acting("rc1", on=date(2026, 11, 20)), review_id="R1", aim="Long-term fostering", aim_option=6)
    assert plan.state.aim.set_on == date(2026, 11, 1)  # the review's date, not the day it was typed


def test_nobody_approves_a_plan_they_wrote():
    plan = cin_plan()
    with pytest.raises(RuleBroken, match="separation of duties"):
        plan.approve(acting("sw1"))
    plan.approve(acting("tm2"))
    assert plan.state.approved_version == 1
    with pytest.raises(RuleBroken, match="already approved"):
        plan.approve(acting("tm2"))


def test_a_change_after_approval_is_visibly_since_approval():
    plan = cin_plan()
    plan.approve(acting("tm2"))
    plan.add_action(acting(), area="health", need="n", response="r", frequency="f", responsible="p",
                    starts=OPENED, outcomes=["o"])
    assert "sw1" in plan.state.authors_since_approval


def test_actions_belong_to_the_areas_of_the_plan_kind():
    with pytest.raises(BadInput, match="not an area"):
        cin_plan().add_action(acting(), area="safe", need="n", response="r", frequency="f", responsible="p",
                              starts=OPENED, outcomes=["o"])


def test_a_closed_plan_takes_nothing_but_corrections():
    plan = cin_plan()
    plan.close(acting("tm1"), reason="needs met")
    with pytest.raises(RuleBroken, match="closed"):
        plan.record_visit(acting(), seen_alone=True)
    plan.correct(acting("ro1"), 1, {"aim": "Safe, well and at school"}, "aim mistyped")
    assert plan.state.aim.text == "Safe, well and at school"
    assert plan.entry(1).aim == "Safe and well"  # the original stays as it was recorded


def test_an_initial_plan_is_extended_once_by_at_most_six_weeks_at_a_cin_review():
    plan = Plan.open(acting(), child_ref="C1", kind="initial", aim="Short-term support")
    plan.approve(acting("tm2"))
    plan.hold_review(acting("rc1", on=date(2026, 11, 5)), kind="child-in-need", chair="rc1")
    ends = plan.state.initial_plan_ends
    with pytest.raises(RuleBroken, match="at most 6 weeks"):
        plan.extend(acting("tm1"), review_id="R1", until=ends + timedelta(weeks=7))
    plan.extend(acting("tm1"), review_id="R1", until=ends + timedelta(weeks=6))
    with pytest.raises(RuleBroken, match="once"):
        plan.extend(acting("tm1"), review_id="R1", until=ends + timedelta(weeks=6))


def test_a_void_never_erases_and_an_opening_cannot_be_voided():
    plan = cin_plan()
    plan.record_view(acting(), party="child", name="Alex", text="Wrong child")
    with pytest.raises(RuleBroken):
        plan.void(acting("ro1"), 1, "in error")
    plan.void(acting("ro1"), 2, "recorded on the wrong plan")
    assert plan.state.views == [] and isinstance(plan.entry(2), ev.ViewRecorded)


def test_a_child_has_one_open_plan_of_each_family_and_periods_never_overlap():
    child = Child.register(acting(), child_ref="C1", name="Alex Example", born=date(2020, 1, 1))
    first = cin_plan()
    child.start_plan(acting(), plan_id=first.id, family="childs-plan", kind="child-in-need", replacing=None)
    with pytest.raises(RuleBroken, match="one open plan"):
        child.start_plan(acting(), plan_id=care_plan().id, family="childs-plan", kind="child-protection",
                         replacing=None)
    child.start_plan(acting(), plan_id=care_plan().id, family="care-plan", kind="care-plan", replacing=None)
    assert len(child.state.open_plans()) == 2


def test_a_record_says_what_has_happened_never_a_future_date():
    with pytest.raises(BadInput, match="future"):
        acting(on=NOW.date() + timedelta(days=1))


def test_roles_decide_who_may_act():
    member = StaffMember.register(acting("tm1", initials="TM"), staff_id="sw2", name="Sam Worker",
                                  initials="SW", roles=["social-worker"])
    member.authorise(frozenset({"social-worker", "team-manager"}), "add action")
    with pytest.raises(NotPermitted, match="may not approve plan"):
        member.authorise(frozenset({"team-manager"}), "approve plan")
    with pytest.raises(RuleBroken, match="first staff member"):
        StaffMember.register(acting("x"), staff_id="x", name="X", initials="X", roles=["social-worker"], first=True)
