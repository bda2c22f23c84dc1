"""Placements (seed 003): a looked-after child's placements on a Care Plan or a short-breaks
Child's Plan; several may be recorded (moves), the latest is current; any other plan refuses
one, and a refused placement records nothing."""

from __future__ import annotations

from datetime import date

import pytest
from plantrail_domain_testkit import (
    CHILD,
    CHILD2,
    RO,
    SW,
    TM,
    add_child,
    recorded,
    refused,
)

from plantrail.domain import events as ev
from plantrail.domain.errors import BadInput, RuleBroken
from plantrail.projections.current import plan_document

OPENED = date(2026, 10, 1)


@pytest.fixture
def care(staffed):
    app = staffed
    add_child(app)
    plan = app.open_plan(SW, CHILD, kind="care-plan", aim="Long-term foster care until 18", aim_option=6,
                         on=OPENED)
    return app, plan


def test_a_placement_is_recorded_with_its_date_and_shown(care):
    app, plan = care
    recorded(app, app.record_placement, SW, plan, on=date(2026, 10, 5), emergency=True,
             placement="Mr and Mrs Irvine, foster carers")
    event = app.events_of(plan)[-1]
    assert isinstance(event, ev.PlacementRecorded) and ev.type_name(event) == "placement-recorded"
    assert (event.effective_on, event.emergency, event.long_term) == (date(2026, 10, 5), True, False)
    doc = plan_document(app.plan(plan).state)
    assert doc["placed_on"] == "2026-10-05"
    (shown,) = doc["placements"]
    assert {k: shown[k] for k in ("placed_on", "emergency", "long_term", "placement")} == {
        "placed_on": "2026-10-05", "emergency": True, "long_term": False,
        "placement": "Mr and Mrs Irvine, foster carers"}
    assert shown["placement_type"] is None and shown["ended_on"] is None  # no SSDA903 codes given


def test_an_emergency_placement_may_come_before_the_plan(care):
    """In an emergency the child is placed first and the Care Plan follows within 14 days."""
    app, plan = care
    recorded(app, app.record_placement, SW, plan, on=date(2026, 9, 24), emergency=True)
    assert app.plan(plan).state.placement.placed_on == date(2026, 9, 24)


def test_the_latest_placement_is_the_current_one(care):
    app, plan = care
    app.record_placement(SW, plan, on=date(2026, 10, 20), placement="Residential home", long_term=True)
    app.record_placement(SW, plan, on=date(2026, 10, 5), placement="Emergency foster carer", emergency=True)
    state = app.plan(plan).state
    assert [p.placed_on for p in state.placements] == [date(2026, 10, 5), date(2026, 10, 20)]
    assert state.placement.placement == "Residential home" and state.placement.long_term
    assert plan_document(state)["placed_on"] == "2026-10-20"


def test_a_short_breaks_plan_takes_placements(staffed):
    app = staffed
    add_child(app)
    plan = app.open_plan(SW, CHILD, kind="child-in-need-short-breaks", aim="Short breaks", aim_option=1, on=OPENED)
    recorded(app, app.record_placement, TM, plan, on=date(2026, 10, 9), placement="Short-break carers")


@pytest.mark.parametrize("kind, extra", [
    ("child-in-need", {}),
    ("child-protection", {"category": "neglect"}),
    ("initial", {}),
    ("single-agency", {}),
])
def test_other_plans_refuse_a_placement_and_record_nothing(staffed, kind, extra):
    app = staffed
    add_child(app)
    plan = app.open_plan(SW, CHILD, kind=kind, aim="Safe and well at home", on=OPENED, **extra)
    err = refused(app, RuleBroken, app.record_placement, SW, plan, on=date(2026, 10, 5), match="placement")
    assert err.rule == "placements" and kind in err.message


def test_a_closed_plan_or_a_blank_setting_records_nothing(care):
    app, plan = care
    refused(app, BadInput, app.record_placement, SW, plan, on=date(2026, 10, 5), placement="  ")
    app.close_plan(TM, plan, reason="returned home", on=date(2026, 11, 2))
    refused(app, RuleBroken, app.record_placement, SW, plan, on=date(2026, 11, 3))


def test_a_mistyped_placement_is_corrected_or_voided_never_erased(staffed):
    app = staffed
    add_child(app, CHILD2)
    plan = app.open_plan(SW, CHILD2, kind="care-plan", aim="Return home", aim_option=3, on=OPENED)
    app.record_placement(SW, plan, on=date(2026, 10, 6), placement="Irvine")
    app.record_placement(SW, plan, on=date(2026, 10, 7), placement="Wrong child's carer")
    first, second = [e for e in app.events_of(plan) if isinstance(e, ev.PlacementRecorded)]
    app.correct(RO, first.event_id, fields={"effective_on": "2026-10-05", "long_term": True}, reason="date misread")
    app.void(RO, second.event_id, reason="recorded on the wrong plan")
    state = app.plan(plan).state
    assert [(p.placed_on, p.long_term) for p in state.placements] == [(date(2026, 10, 5), True)]
    assert len([e for e in app.events_of(plan) if isinstance(e, ev.PlacementRecorded)]) == 2  # both still held
