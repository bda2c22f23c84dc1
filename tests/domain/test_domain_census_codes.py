"""Census codes the social worker holds (DOMAIN.md, "Statutory return"): the source of the
referral and the primary need when a plan opens, the reason for closure when it closes.
Each is optional, one of the DfE code set, and refused (nothing recorded) where it does not
belong."""

from __future__ import annotations

from datetime import date

import pytest
from plantrail_domain_testkit import CHILD, RO, SW, TM, add_child, recorded, refused

from plantrail.domain import events as ev
from plantrail.domain.errors import BadInput, RuleBroken
from plantrail.domain.vocabulary import CLOSURE_REASONS, PRIMARY_NEEDS, REFERRAL_SOURCES
from plantrail.projections.current import plan_document

OPENED = date(2026, 10, 1)


def test_the_code_sets_are_the_dfe_census_ones():
    assert len(REFERRAL_SOURCES) == 22 and {"1A", "3F", "5D", "10"} <= set(REFERRAL_SOURCES)
    assert list(PRIMARY_NEEDS) == [f"N{n}" for n in range(1, 10)]  # N0 "not stated" is left out
    assert list(CLOSURE_REASONS) == [f"RC{n}" for n in range(1, 10)]


def test_codes_are_recorded_at_opening_and_closing_and_shown(staffed):
    app = staffed
    add_child(app)
    plan = recorded(app, app.open_plan, SW, CHILD, kind="child-in-need", aim="Safe at home", referred=date(2026, 9, 28),
                    referral_source="3B", primary_need="N1", on=OPENED)
    recorded(app, app.close_plan, TM, plan, reason="needs met", closure_reason="RC7", on=date(2026, 11, 2))
    opened, closed = app.events_of(plan)[0], app.events_of(plan)[-1]
    assert (opened.referral_source, opened.primary_need) == ("3B", "N1")
    assert isinstance(closed, ev.PlanClosed) and closed.closure_reason == "RC7"
    doc = plan_document(app.plan(plan).state)
    assert (doc["referral_source"], doc["primary_need"], doc["closure_reason"]) == ("3B", "N1", "RC7")
    assert doc["close_reason"] == "needs met"  # the reason in words stays beside the code


def test_without_codes_nothing_is_invented(staffed):
    app = staffed
    add_child(app)
    plan = app.open_plan(SW, CHILD, kind="child-in-need", aim="Safe at home", on=OPENED)
    app.close_plan(TM, plan, reason="needs met", on=date(2026, 11, 2))
    doc = plan_document(app.plan(plan).state)
    assert (doc["referral_source"], doc["primary_need"], doc["closure_reason"]) == (None, None, None)


@pytest.mark.parametrize("codes", [{"referral_source": "11"}, {"referral_source": "3G"}, {"primary_need": "N0"},
                                   {"primary_need": "n1"}])
def test_a_code_outside_the_dfe_set_is_bad_input(staffed, codes):
    app = staffed
    add_child(app)
    err = refused(app, BadInput, app.open_plan, SW, CHILD, kind="child-in-need", aim="Safe", on=OPENED, **codes)
    assert "DfE census" in err.message


def test_referral_codes_belong_to_the_plans_the_census_reports(staffed):
    app = staffed
    add_child(app)
    err = refused(app, RuleBroken, app.open_plan, SW, CHILD, kind="single-agency", aim="Safe", primary_need="N4",
                  on=OPENED)
    assert err.rule == "census codes"
    recorded(app, app.open_plan, SW, CHILD, kind="initial", aim="Support", referral_source="2A", on=OPENED)


def test_closed_after_assessment_is_refused_a_plan_was_made(staffed):
    """RC8 and RC9 mean no plan followed the assessment (DfE rule 2990)."""
    app = staffed
    add_child(app)
    plan = app.open_plan(SW, CHILD, kind="child-in-need", aim="Safe at home", on=OPENED)
    for code in ("RC8", "RC9"):
        err = refused(app, RuleBroken, app.close_plan, TM, plan, reason="closed", closure_reason=code)
        assert "2990" in err.message
    refused(app, BadInput, app.close_plan, TM, plan, reason="closed", closure_reason="RC10")
    assert app.plan(plan).state.is_open


def test_a_looked_after_childs_care_plan_takes_the_census_codes(staffed):
    """A looked-after child is a child in need: the census reports the Care Plan too."""
    app = staffed
    add_child(app)
    care = app.open_plan(SW, CHILD, kind="care-plan", aim="Home", aim_option=3, referral_source="6",
                         primary_need="N1", on=OPENED)
    recorded(app, app.close_plan, TM, care, reason="adopted", closure_reason="RC1")


def test_corrections_are_held_to_the_same_code_rules(staffed):
    app = staffed
    add_child(app)
    plan = app.open_plan(SW, CHILD, kind="child-in-need", aim="Safe", referral_source="1A", on=OPENED)
    app.close_plan(TM, plan, reason="moved away", closure_reason="RC7", on=date(2026, 11, 2))
    opened, closed = app.events_of(plan)[0], app.events_of(plan)[-1]
    recorded(app, app.correct, RO, opened.event_id, fields={"referral_source": "1B"}, reason="mistyped")
    recorded(app, app.correct, RO, closed.event_id, fields={"closure_reason": "RC5"}, reason="wrong code")
    refused(app, BadInput, app.correct, RO, opened.event_id, fields={"referral_source": "ZZ"}, reason="x")
    refused(app, RuleBroken, app.correct, RO, closed.event_id, fields={"closure_reason": "RC8"}, reason="x")
    state = app.plan(plan).state
    assert (state.referral_source, state.closure_reason) == ("1B", "RC5")
