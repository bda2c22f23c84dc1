"""The rules of the record (DOMAIN.md), each accepting the right case and refusing the wrong
one with nothing recorded, on SQLite and on PostgreSQL."""

from __future__ import annotations

from datetime import date, timedelta
from uuid import uuid4

import pytest
from plantrail_domain_testkit import (
    CHILD,
    CHILD2,
    RC,
    RO,
    SW,
    TM,
    TM2,
    TODAY,
    add_child,
    recorded,
    refused,
    stored_event_count,
)
from pydantic import ValidationError

from plantrail.domain import events as ev
from plantrail.domain.errors import BadInput, NotFound, RuleBroken
from plantrail.domain.vocabulary import (
    AIM_REVIEW_KINDS,
    AREAS_BY_KIND,
    CARE_PLAN_AREAS,
    ICS_AREAS,
    PLAN_FAMILY,
    PLAN_KINDS,
    REVIEW_KINDS,
    REVIEW_KINDS_BY_FAMILY,
    WELLBEING_INDICATORS,
)

OPENED = date(2026, 10, 1)
CAT = {"child-protection": "neglect"}  # a category where the kind needs one
OPT = {"care-plan": 6, "child-in-need-short-breaks": 1}  # an aim option where the kind needs or takes one


def open_plan(app, kind="child-in-need", *, child=CHILD, on=OPENED, actor=SW, **kw):
    kw.setdefault("aim", f"For the child to thrive ({kind})")
    if kind == "care-plan":
        kw.setdefault("aim_option", 6)
    if kind == "child-protection":
        kw.setdefault("category", "neglect")
    return app.open_plan(actor, child, kind=kind, on=on, **kw)


def review(app, pid, kind, on=date(2026, 11, 2), **kw):
    return app.hold_review(RC, pid, kind=kind, on=on, chair=RC, **kw)


def action(app, pid, area="health", *, actor=SW, **kw):
    fields = dict(need="Needs a dental check", response="Book and attend a dental appointment",
                  frequency="Once", responsible="Carer", starts=date(2026, 10, 5),
                  outcomes=["Teeth checked and any treatment started"])
    fields.update(kw)
    return app.add_action(actor, pid, area=area, **fields)


@pytest.fixture
def child(staffed):
    add_child(staffed)
    return staffed


# ====================================================================== overall aim at a statutory review
def test_care_plan_aim_changes_at_a_held_statutory_review_on_its_date(child):
    app = child
    pid = open_plan(app, "care-plan", aim="Return home within six months", aim_option=3)
    rid = review(app, pid, "statutory", on=date(2026, 11, 2))
    recorded(app, app.change_aim, RC, pid, review_id=rid,
             aim="Long-term foster placement until 18", aim_option=6)
    aim = app.plan(pid).state.aim
    assert (aim.text, aim.option, aim.months) == ("Long-term foster placement until 18", 6, None)
    assert aim.review_id == rid
    assert aim.set_on == date(2026, 11, 2)  # the review's date, not the day it was typed in
    last = app.events_of(pid)[-1]
    assert isinstance(last, ev.AimChanged)
    assert last.effective_on == date(2026, 11, 2) and last.review_id == rid
    assert last.timestamp.date() == TODAY


@pytest.mark.parametrize("review_kind", [k for k in REVIEW_KINDS if k != "statutory"])
def test_care_plan_holds_statutory_reviews_only(child, review_kind):
    app = child
    pid = open_plan(app, "care-plan", aim="Return home within six months", aim_option=3)
    refused(app, RuleBroken, app.hold_review, RC, pid, kind=review_kind, on=date(2026, 11, 1), chair=RC)


@pytest.mark.parametrize("review_kind", [k for k in REVIEW_KINDS_BY_FAMILY["childs-plan"] if k != "statutory"])
def test_part_one_aim_refused_at_any_other_review(child, review_kind):
    """A short-breaks plan holds Part One of the Care Plan: its aim changes at a statutory review only."""
    app = child
    pid = open_plan(app, "child-in-need-short-breaks", aim="Remain at home with short breaks", aim_option=1)
    rid = review(app, pid, review_kind)
    refused(app, RuleBroken, app.change_aim, RC, pid, review_id=rid, aim="Adoption", aim_option=9,
            match="statutory")
    assert app.plan(pid).state.aim.option == 1


def test_aim_change_needs_a_review_held_on_that_plan(child):
    app = child
    add_child(app, CHILD2, name="Sam Other")
    other = open_plan(app, "care-plan", child=CHILD2)
    other_review = review(app, other, "statutory")
    pid = open_plan(app, "care-plan")
    # no review held on this plan: the other plan's review is not one of this plan's
    refused(app, NotFound, app.change_aim, RC, pid, review_id=other_review, aim="Adoption", aim_option=9)
    refused(app, NotFound, app.change_aim, RC, pid, review_id="R7", aim="Adoption", aim_option=9)


@pytest.mark.parametrize("kind", PLAN_KINDS)
def test_aim_review_kinds_per_plan_kind(child, kind):
    """Each kind of plan changes its aim at its own statutory reviews only (AIM_REVIEW_KINDS)."""
    app = child
    pid = open_plan(app, kind, aim_option=OPT.get(kind))
    assert AIM_REVIEW_KINDS["care-plan"] == ("statutory",)
    held = REVIEW_KINDS_BY_FAMILY[PLAN_FAMILY[kind]]
    for review_kind in set(REVIEW_KINDS) - set(held):
        refused(app, RuleBroken, app.hold_review, RC, pid, kind=review_kind, on=date(2026, 11, 1), chair=RC)
    for n, review_kind in enumerate(held):
        rid = review(app, pid, review_kind, on=date(2026, 11, 1) + timedelta(days=n))
        call = (app.change_aim, RC, pid)
        kw = dict(review_id=rid, aim=f"New aim at {review_kind}", aim_option=OPT.get(kind))
        if review_kind in AIM_REVIEW_KINDS[kind]:
            recorded(app, *call, **kw)
            assert app.plan(pid).state.aim.text == f"New aim at {review_kind}"
            assert app.plan(pid).state.aim.set_on == date(2026, 11, 1) + timedelta(days=n)
        else:
            refused(app, RuleBroken, *call, **kw)
    assert "core-group" not in AIM_REVIEW_KINDS[kind]


def test_aim_change_still_obeys_the_one_aim_rule(child):
    app = child
    pid = open_plan(app, "care-plan")
    rid = review(app, pid, "statutory")
    refused(app, BadInput, app.change_aim, RC, pid, review_id=rid, aim="Eventual return", aim_option=4)
    refused(app, BadInput, app.change_aim, RC, pid, review_id=rid, aim="  ", aim_option=5)
    refused(app, BadInput, app.change_aim, RC, pid, review_id=rid, aim="Relatives")  # no option
    recorded(app, app.change_aim, RC, pid, review_id=rid, aim="Eventual return", aim_option=4, aim_months=9)
    assert app.plan(pid).state.aim.months == 9


# ====================================================================== margin note after approval
def test_part_two_changes_after_approval_carry_initials_and_date(child):
    app = child
    pid = open_plan(app)
    a1 = action(app, pid)
    app.approve_plan(TM, pid)
    on = date(2026, 11, 20)
    a2 = recorded(app, action, app, pid, "education", initials="MGx", on=on)
    recorded(app, app.amend_action, SW, pid, a1, frequency="Twice", on=date(2026, 11, 21),
             discussed_with="mother", reason="second appointment needed")
    recorded(app, app.end_action, SW, pid, a2, reason="school place found", initials="MG", on=date(2026, 11, 22))
    events = app.events_of(pid)
    added, amended, ended = events[-3:]
    assert (added.initials, added.effective_on) == ("MGx", on)
    assert (amended.initials, amended.effective_on) == ("MG", date(2026, 11, 21))  # the staff member's own
    assert amended.discussed_with == "mother"
    assert (ended.initials, ended.effective_on, ended.reason) == ("MG", date(2026, 11, 22), "school place found")
    state = app.plan(pid).state
    assert state.actions[a1].frequency == "Twice"
    assert (state.actions[a1].initials, state.actions[a1].changed_on) == ("MG", date(2026, 11, 21))
    assert state.actions[a2].status == "ended" and state.actions[a2].ended_on == date(2026, 11, 22)
    assert state.approved_version is not None and SW in state.authors_since_approval


def test_part_two_change_without_initials_is_refused(child):
    app = child
    pid = open_plan(app)
    a1 = action(app, pid)
    app.approve_plan(TM, pid)
    refused(app, BadInput, action, app, pid, "education", initials="  ")
    refused(app, BadInput, app.amend_action, SW, pid, a1, frequency="Weekly", initials="")
    refused(app, BadInput, app.end_action, SW, pid, a1, reason="done", initials=" ")
    refused(app, BadInput, app.amend_action, SW, pid, a1, frequency="Once")  # changes nothing
    refused(app, BadInput, app.end_action, SW, pid, a1, reason=" ")  # ending needs a reason


# ====================================================================== one overall aim
@pytest.mark.parametrize("kind", PLAN_KINDS)
def test_a_plan_needs_its_aim(child, kind):
    app = child
    refused(app, BadInput, app.open_plan, SW, CHILD, kind=kind, aim="", aim_option=OPT.get(kind),
            category=CAT.get(kind))
    refused(app, BadInput, app.open_plan, SW, CHILD, kind=kind, aim="   ", aim_option=OPT.get(kind),
            category=CAT.get(kind))
    pid = recorded(app, app.open_plan, SW, CHILD, kind=kind, aim="An aim", aim_option=OPT.get(kind),
                   category=CAT.get(kind))
    assert app.plan(pid).state.aim.text == "An aim"


@pytest.mark.parametrize("kind", [k for k in PLAN_KINDS if k not in ("care-plan", "child-in-need-short-breaks")])
def test_aim_options_belong_to_part_one_kinds_only(child, kind):
    app = child
    refused(app, BadInput, open_plan, app, kind, aim_option=1)
    refused(app, BadInput, open_plan, app, kind, aim_option=4, aim_months=6)


def test_care_plan_aim_is_one_option_and_option_4_has_months(child):
    app = child
    refused(app, BadInput, open_plan, app, "care-plan", aim_option=None)
    refused(app, BadInput, open_plan, app, "care-plan", aim_option=4)  # months missing
    refused(app, BadInput, open_plan, app, "care-plan", aim_option=3, aim_months=6)  # months with 3
    refused(app, BadInput, open_plan, app, "child-in-need-short-breaks", aim_months=6)  # months, no option
    for bad in (0, 11):
        with pytest.raises((BadInput, ValidationError)):
            open_plan(app, "care-plan", aim_option=bad)
    pid = recorded(app, open_plan, app, "care-plan", aim="Home within 9 months", aim_option=4, aim_months=9)
    aim = app.plan(pid).state.aim
    assert (aim.option, aim.months, aim.set_on) == (4, 9, OPENED)


def test_short_breaks_plan_may_carry_part_one_option(child):
    app = child
    pid = recorded(app, open_plan, app, "child-in-need-short-breaks", aim_option=1)
    assert app.plan(pid).state.aim.option == 1


# ====================================================================== approval: separation of duties
def test_nobody_approves_a_plan_they_wrote(child):
    app = child
    pid = open_plan(app, actor=TM)  # a team manager may write a plan as a social worker may
    refused(app, RuleBroken, app.approve_plan, TM, pid, match="separation of duties")
    recorded(app, app.approve_plan, TM2, pid, on=date(2026, 11, 1))
    state = app.plan(pid).state
    assert (state.approved_by, state.approved_on, state.approved_version) == (TM2, date(2026, 11, 1), 1)


def test_approving_an_unchanged_approved_version_is_refused(child):
    app = child
    pid = open_plan(app)
    app.approve_plan(TM, pid)
    refused(app, RuleBroken, app.approve_plan, TM2, pid, match="already approved")
    refused(app, RuleBroken, app.approve_plan, TM, pid, match="already approved")
    review(app, pid, "child-in-need")  # a review held changes nothing of the plan's content
    refused(app, RuleBroken, app.approve_plan, TM2, pid, match="already approved")


def test_the_author_of_changes_since_approval_cannot_approve_them(child):
    app = child
    pid = open_plan(app)
    app.approve_plan(TM, pid)
    action(app, pid, actor=TM)  # the approving manager now writes part of the plan
    refused(app, RuleBroken, app.approve_plan, TM, pid, match="separation of duties")
    version = app.plan(pid).version
    recorded(app, app.approve_plan, TM2, pid)
    state = app.plan(pid).state
    assert state.approved_version == version and state.approved_by == TM2
    assert state.authors_since_approval == []
    action(app, pid, "education")  # the social worker's change: both managers may approve it
    recorded(app, app.approve_plan, TM, pid)


def test_the_plans_author_cannot_approve_even_after_others_change_it(child):
    app = child
    pid = open_plan(app, actor=TM)
    action(app, pid, actor=SW)
    refused(app, RuleBroken, app.approve_plan, TM, pid)
    recorded(app, app.approve_plan, TM2, pid)


# ====================================================================== kinds, areas, categories
@pytest.mark.parametrize("kind", PLAN_KINDS)
def test_areas_valid_for_the_kind(child, kind):
    app = child
    pid = open_plan(app, kind, aim_option=OPT.get(kind))
    expected = {
        "care-plan": CARE_PLAN_AREAS, "single-agency": WELLBEING_INDICATORS,
        "multi-agency": WELLBEING_INDICATORS,
    }.get(kind, ICS_AREAS)
    assert AREAS_BY_KIND[kind] == expected
    for area in expected:
        recorded(app, action, app, pid, area)
    for area in sorted(set(ICS_AREAS + CARE_PLAN_AREAS + WELLBEING_INDICATORS) - set(expected)):
        refused(app, BadInput, action, app, pid, area)
    refused(app, BadInput, action, app, pid, "astrology")
    assert sorted(a.area for a in app.plan(pid).state.actions.values()) == sorted(expected)


def test_care_plan_splits_parenting_and_environment_areas():
    assert "parenting-capacity" not in CARE_PLAN_AREAS
    assert "family-and-environmental-factors" not in CARE_PLAN_AREAS
    for area in ("birth-family-parenting-capacity", "corporate-parent-parenting-capacity",
                 "birth-family-environmental-factors", "corporate-parent-environmental-factors"):
        assert area in CARE_PLAN_AREAS and area not in ICS_AREAS
    assert WELLBEING_INDICATORS == ("safe", "healthy", "achieving", "nurtured", "active", "respected",
                                    "responsible", "included")


def test_category_required_for_child_protection_and_refused_otherwise(child):
    app = child
    refused(app, BadInput, open_plan, app, "child-protection", category=None)
    with pytest.raises((BadInput, ValidationError)):
        open_plan(app, "child-protection", category="bogus")
    for kind in PLAN_KINDS:
        if kind != "child-protection":
            refused(app, BadInput, open_plan, app, kind, category="neglect", aim_option=OPT.get(kind))
    pid = recorded(app, open_plan, app, "child-protection", category="emotional")
    state = app.plan(pid).state
    assert (state.kind, state.category, state.initial_category) == ("child-protection", "emotional", "emotional")


def test_unknown_kind_refused_with_nothing_recorded(child):
    app = child
    before = stored_event_count(app)
    with pytest.raises((BadInput, ValidationError)):
        app.open_plan(SW, CHILD, kind="foster-plan", aim="An aim")
    assert stored_event_count(app) == before


def test_childs_plan_changes_kind_at_a_review_with_its_category(child):
    app = child
    pid = open_plan(app, "child-in-need")
    cin_review = review(app, pid, "child-in-need", on=date(2026, 10, 15))
    r1 = review(app, pid, "initial-cp-conference", on=date(2026, 10, 20))
    refused(app, BadInput, app.change_kind, RC, pid, kind="child-protection", review_id=r1)  # no category
    refused(app, NotFound, app.change_kind, RC, pid, kind="child-protection", review_id="R9", category="physical")
    refused(app, RuleBroken, app.change_kind, RC, pid, kind="child-in-need", review_id=r1)  # same kind
    refused(app, RuleBroken, app.change_kind, RC, pid, kind="care-plan", review_id=r1)  # other family
    refused(app, RuleBroken, app.change_kind, RC, pid, kind="child-protection", review_id=cin_review,
            category="physical", match="initial-cp-conference")  # a step up is decided at a conference
    recorded(app, app.change_kind, RC, pid, kind="child-protection", review_id=r1, category="physical")
    core_group = review(app, pid, "core-group", on=date(2026, 10, 30))
    refused(app, RuleBroken, app.change_kind, RC, pid, kind="child-in-need", review_id=core_group,
            match="cp-review-conference")
    r2 = review(app, pid, "cp-review-conference", on=date(2026, 11, 10))
    refused(app, BadInput, app.change_kind, RC, pid, kind="child-in-need", review_id=r2, category="physical")
    recorded(app, app.change_kind, RC, pid, kind="child-in-need", review_id=r2)
    state = app.plan(pid).state
    assert state.kind == "child-in-need"
    assert [(k.kind, k.since) for k in state.kinds] == [
        ("child-in-need", OPENED), ("child-protection", date(2026, 10, 20)), ("child-in-need", date(2026, 11, 10)),
    ]
    assert state.initial_category == "physical"


def test_only_a_childs_plan_changes_kind(child):
    app = child
    pid = open_plan(app, "care-plan")
    rid = review(app, pid, "statutory")
    refused(app, RuleBroken, app.change_kind, RC, pid, kind="child-in-need", review_id=rid)


def test_part_one_and_scottish_details_belong_to_their_kinds(child):
    app = child
    add_child(app, CHILD2, name="Sam Other", nation="scotland")
    care = open_plan(app, "care-plan")
    scot = open_plan(app, "multi-agency", child=CHILD2)
    # The contingency belongs to every plan (seed 001); compulsory measures to a Scottish one.
    refused(app, RuleBroken, app.record_details, SW, care, compulsory_measures="Supervision requirement")
    refused(app, RuleBroken, app.record_details, SW, scot, legal_status="Accommodated")
    refused(app, BadInput, app.record_details, SW, care)
    recorded(app, app.record_details, SW, care, legal_status="Care order", parallel_plan="Adoption")
    recorded(app, app.record_details, SW, scot, contingency="Kinship carer", lead=SW)
    assert app.plan(care).state.details == {"legal_status": "Care order", "parallel_plan": "Adoption"}
    assert app.plan(scot).state.details == {"contingency": "Kinship carer", "lead": SW}


# ====================================================================== closed plans
def test_a_closed_plan_accepts_nothing_but_corrections(child):
    app = child
    pid = open_plan(app)
    a1 = action(app, pid)
    rid = review(app, pid, "child-in-need")
    recorded(app, app.close_plan, TM, pid, reason="needs met", on=date(2026, 11, 20))
    state = app.plan(pid).state
    assert (state.status, state.closed_on, state.close_reason) == ("closed", date(2026, 11, 20), "needs met")
    attempts = [
        (app.approve_plan, (TM2, pid), {}),
        (app.close_plan, (TM, pid), {"reason": "again"}),
        (app.change_kind, (RC, pid), {"kind": "child-protection", "review_id": rid, "category": "neglect"}),
        (app.change_aim, (RC, pid), {"review_id": rid, "aim": "New"}),
        (app.record_details, (SW, pid), {"lead": SW}),
        (app.distribute_plan, (SW, pid), {"to": ["mother"]}),
        (app.add_action, (SW, pid), dict(area="health", need="n", response="r", frequency="f",
                                         responsible="p", starts=OPENED, outcomes=["o"])),
        (app.amend_action, (SW, pid, a1), {"frequency": "Weekly"}),
        (app.end_action, (SW, pid, a1), {"reason": "done"}),
        (app.record_view, (SW, pid), {"party": "child", "name": "A", "text": "ok"}),
        (app.record_signature, (SW, pid), {"party": "parent", "name": "B"}),
        (app.record_contact, (SW, pid), {"person": "Dad", "relationship": "father", "arrangement": "none"}),
        (app.hold_review, (RC, pid), {"kind": "child-in-need", "on": TODAY, "chair": RC}),
        (app.record_visit, (SW, pid), {"on": TODAY}),
        (app.record_supervision, (SW, pid), {"on": TODAY}),
    ]
    for call, args, kwargs in attempts:
        refused(app, RuleBroken, call, *args, match="closed", **kwargs)
    # ...but a records officer may still correct it
    added = next(e for e in app.events_of(pid) if isinstance(e, ev.ActionAdded))
    recorded(app, app.correct, RO, added.event_id, fields={"frequency": "Twice"}, reason="mistyped")
    assert app.plan(pid).state.actions[a1].frequency == "Twice"
    assert app.plan(pid).state.status == "closed"


# ====================================================================== one open plan per family, no overlap
def test_one_open_plan_per_family(child):
    app = child
    cin = open_plan(app, "child-in-need")
    for kind in ("child-in-need", "child-in-need-short-breaks", "child-protection"):
        refused(app, RuleBroken, open_plan, app, kind, aim_option=OPT.get(kind), match="one open plan")
    # other families may be open beside it
    care = recorded(app, open_plan, app, "care-plan")
    refused(app, RuleBroken, open_plan, app, "care-plan", match="one open plan")
    scot = recorded(app, open_plan, app, "single-agency")
    refused(app, RuleBroken, open_plan, app, "multi-agency", match="one open plan")
    initial = recorded(app, open_plan, app, "initial")
    refused(app, RuleBroken, open_plan, app, "initial", match="one open plan")
    # another child is not affected
    add_child(app, CHILD2, name="Sam Other")
    recorded(app, open_plan, app, "child-protection", child=CHILD2)
    periods = {p.plan_id: p for p in app.child(CHILD).state.open_plans()}
    assert set(periods) == {cin, care, scot, initial}


def test_no_overlapping_periods_after_a_plan_closes(child):
    app = child
    cin = open_plan(app, "child-in-need", on=date(2026, 9, 1))
    app.close_plan(TM, cin, reason="stepped down", on=date(2026, 10, 15))
    refused(app, RuleBroken, open_plan, app, "child-protection", on=date(2026, 10, 14), match="overlap")
    refused(app, RuleBroken, open_plan, app, "child-in-need", on=date(2026, 9, 1), match="overlap")
    cp = recorded(app, open_plan, app, "child-protection", on=date(2026, 10, 15))
    periods = app.child(CHILD).state.periods
    assert [(p.plan_id, p.started_on, p.ended_on) for p in periods] == [
        (cin, date(2026, 9, 1), date(2026, 10, 15)), (cp, date(2026, 10, 15), None),
    ]


def test_a_plan_cannot_start_before_the_child_was_born(child):
    app = child  # the child was born 2018-05-01
    refused(app, RuleBroken, open_plan, app, on=date(2018, 4, 30))


# ====================================================================== the Initial Plan
def test_initial_plan_extended_once_by_at_most_six_weeks_at_a_cin_review(child):
    app = child
    pid = open_plan(app, "initial", on=date(2026, 10, 1))
    app.approve_plan(TM, pid, on=date(2026, 10, 2))
    ends = date(2026, 10, 2) + timedelta(weeks=6)
    assert app.plan(pid).state.initial_plan_ends == ends
    refused(app, RuleBroken, app.hold_review, RC, pid, kind="statutory", on=date(2026, 11, 6), chair=RC)
    cin_review = review(app, pid, "child-in-need", on=date(2026, 11, 9))
    refused(app, NotFound, app.extend_initial_plan, TM, pid, review_id="R9", until=ends + timedelta(weeks=2))
    refused(app, RuleBroken, app.extend_initial_plan, TM, pid, review_id=cin_review,
            until=ends + timedelta(weeks=6, days=1))
    refused(app, RuleBroken, app.extend_initial_plan, TM, pid, review_id=cin_review, until=ends)
    recorded(app, app.extend_initial_plan, TM, pid, review_id=cin_review, until=ends + timedelta(weeks=6))
    state = app.plan(pid).state
    assert state.extended_until == state.initial_plan_ends == ends + timedelta(weeks=6)
    assert app.events_of(pid)[-1].effective_on == date(2026, 11, 9)  # the review's date
    refused(app, RuleBroken, app.extend_initial_plan, TM, pid, review_id=cin_review,
            until=ends + timedelta(weeks=3), match="once")


def test_only_an_initial_plan_is_extended(child):
    app = child
    pid = open_plan(app, "child-in-need")
    rid = review(app, pid, "child-in-need")
    refused(app, RuleBroken, app.extend_initial_plan, TM, pid, review_id=rid, until=date(2026, 12, 20))


def test_a_childs_plan_replacing_an_initial_plan_closes_it(child):
    app = child
    initial = open_plan(app, "initial", on=date(2026, 9, 1))
    refused(app, RuleBroken, open_plan, app, "care-plan", replaces=str(initial), on=date(2026, 10, 1))
    refused(app, NotFound, open_plan, app, "child-in-need", replaces=str(uuid4()))
    new = recorded(app, open_plan, app, "child-protection", replaces=str(initial), on=date(2026, 10, 1))
    old_state, new_state = app.plan(initial).state, app.plan(new).state
    assert (old_state.status, old_state.replaced_by, old_state.closed_on) == ("closed", new, date(2026, 10, 1))
    assert new_state.replaces == initial and new_state.kind == "child-protection"
    periods = {p.plan_id: p for p in app.child(CHILD).state.periods}
    assert periods[initial].ended_on == date(2026, 10, 1) and periods[new].ended_on is None
    # replaced already: it cannot be replaced again, nor take new work
    refused(app, RuleBroken, open_plan, app, "child-in-need", replaces=str(initial), match="closed")
    refused(app, RuleBroken, action, app, initial)


def test_only_an_initial_plan_of_the_same_child_is_replaced(child):
    app = child
    cin = open_plan(app, "child-in-need")
    add_child(app, CHILD2, name="Sam Other")
    other_initial = open_plan(app, "initial", child=CHILD2)
    refused(app, RuleBroken, open_plan, app, "child-protection", replaces=str(cin))
    refused(app, RuleBroken, open_plan, app, "child-in-need", child=CHILD, replaces=str(other_initial))
    assert app.plan(other_initial).state.is_open and app.plan(cin).state.is_open


def test_replacement_refused_when_the_family_already_has_an_open_plan(child):
    app = child
    initial = open_plan(app, "initial")
    open_plan(app, "child-in-need")
    refused(app, RuleBroken, open_plan, app, "child-protection", replaces=str(initial), match="one open plan")
    assert app.plan(initial).state.is_open  # the old plan was not closed either


# ====================================================================== the first staff member
def test_first_staff_member_needs_no_actor_and_must_be_a_team_manager(app):
    refused(app, RuleBroken, app.add_staff, None, "sw1", name="S W", initials="SW", roles=["social-worker"],
            match="team manager")
    assert stored_event_count(app) == 0
    recorded(app, app.add_staff, None, "tm1", name="T M", initials="TM", roles=["team-manager"])
    assert app.staff_member("tm1").state.roles == ["team-manager"]
    refused(app, BadInput, app.add_staff, None, "sw1", name="S W", initials="SW", roles=["social-worker"])
    refused(app, NotFound, app.add_staff, "nobody", "sw1", name="S W", initials="SW", roles=["social-worker"])
    recorded(app, app.add_staff, "tm1", "sw1", name="S W", initials="SW", roles=["social-worker"])
    refused(app, RuleBroken, app.add_staff, "tm1", "sw1", name="S W", initials="SW", roles=["social-worker"],
            match="already registered")
    state = app.staff_member("sw1").state
    assert (state.staff_id, state.name, state.initials, state.roles) == ("sw1", "S W", "SW", ["social-worker"])


# ====================================================================== unknown ids, future dates
def test_unknown_ids_are_not_found(child):
    app = child
    pid = open_plan(app)
    rid = review(app, pid, "child-in-need")
    action(app, pid)
    missing = uuid4()
    refused(app, NotFound, app.approve_plan, TM, missing)
    refused(app, NotFound, app.approve_plan, TM, str(missing)[:8])
    refused(app, NotFound, app.record_visit, SW, str(missing), on=TODAY)
    refused(app, NotFound, open_plan, app, child="NO-SUCH-CHILD")
    refused(app, NotFound, app.record_visit, "no-such-staff", pid, on=TODAY)
    refused(app, NotFound, app.amend_action, SW, pid, "A99", frequency="Weekly")
    refused(app, NotFound, app.end_action, SW, pid, "A99", reason="done")
    refused(app, NotFound, app.hold_review, RC, pid, kind="statutory", on=TODAY, chair="no-such-chair")
    refused(app, NotFound, review, app, pid, "child-in-need", ratings={"A99": "achieved"})
    refused(app, NotFound, app.change_aim, RC, pid, review_id="R99", aim="New")
    # The lead professional is named in words, of any agency (seed 002): not a staff id.
    recorded(app, app.record_details, SW, pid, lead="Dr Jane Smith, health visitor")
    refused(app, NotFound, app.staff_member, "no-such-staff")
    refused(app, NotFound, app.child, "NO-SUCH-CHILD")
    refused(app, NotFound, app.correct, RO, f"{missing}/1", fields={"aim": "x"}, reason="r")
    refused(app, NotFound, app.correct, RO, f"{pid}/99", fields={"aim": "x"}, reason="r")
    refused(app, NotFound, app.void, RO, f"{pid}/99", reason="r")
    assert app.plan(str(pid)[:8]).id == pid  # a unique prefix of 8 characters names the plan
    assert rid == "R1"


def test_future_effective_dates_are_bad_input(child):
    app = child
    tomorrow = TODAY + timedelta(days=1)
    refused(app, BadInput, open_plan, app, on=tomorrow, match="future")
    pid = open_plan(app)
    a1 = action(app, pid)
    refused(app, BadInput, action, app, pid, on=tomorrow)
    refused(app, BadInput, app.amend_action, SW, pid, a1, frequency="Weekly", on=tomorrow)
    refused(app, BadInput, app.end_action, SW, pid, a1, reason="done", on=tomorrow)
    refused(app, BadInput, app.approve_plan, TM, pid, on=tomorrow)
    refused(app, BadInput, review, app, pid, "child-in-need", on=tomorrow)
    refused(app, BadInput, app.record_visit, SW, pid, on=tomorrow)
    refused(app, BadInput, app.record_supervision, SW, pid, on=tomorrow)
    refused(app, BadInput, app.record_view, SW, pid, party="child", name="A", text="t", on=tomorrow)
    refused(app, BadInput, app.record_signature, SW, pid, party="child", name="A", on=tomorrow)
    refused(app, BadInput, app.distribute_plan, SW, pid, to=["mother"], on=tomorrow)
    refused(app, BadInput, app.close_plan, TM, pid, reason="done", on=tomorrow)
    refused(app, BadInput, app.register_child, SW, "C999", name="N", born=date(2020, 1, 1), on=tomorrow)
    # today is fine, and planned dates (a service starting, the next review) may be ahead
    recorded(app, action, app, pid, "education", on=TODAY, starts=TODAY + timedelta(days=30))
    recorded(app, review, app, pid, "child-in-need", on=TODAY, next_review=TODAY + timedelta(weeks=6))
    assert app.plan(pid).state.next_review == TODAY + timedelta(weeks=6)


def test_review_ratings_and_next_review(child):
    app = child
    pid = open_plan(app, review_by=date(2026, 11, 12))
    a1 = action(app, pid)
    assert app.plan(pid).state.next_review == date(2026, 11, 12)
    refused(app, BadInput, review, app, pid, "child-in-need", on=date(2026, 11, 10), next_review=date(2026, 11, 10))
    refused(app, BadInput, review, app, pid, "child-in-need", on=date(2026, 9, 30))  # before the plan opened
    refused(app, RuleBroken, app.hold_review, RC, pid, kind="statutory", on=TODAY, chair=SW,
            match="not a review chair")  # a social worker chairs CIN meetings and core groups only (seed 004)
    rid = recorded(app, review, app, pid, "child-in-need", on=date(2026, 11, 10),
                   next_review=date(2026, 12, 22), ratings={a1: "partly"})
    r = app.plan(pid).state.reviews[rid]
    assert (r.kind, r.held_on, r.chair, r.next_review, r.ratings) == (
        "child-in-need", date(2026, 11, 10), RC, date(2026, 12, 22), {a1: "partly"})
