"""The seeds' worked examples (Karen Hawthorne, Ibriham Hussain: seed 000; Susan Simpson:
seed 003), recorded through the application and read back field by field. The seeds' own
words are spelt out here again, so a slip in domain/examples.py shows."""

from __future__ import annotations

from datetime import date

import pytest
from plantrail_domain_testkit import RC, SW, TM, refused

from plantrail.application import examples as ex
from plantrail.domain.errors import RuleBroken


@pytest.fixture
def recorded_examples(staffed):
    plan_ids = ex.record_examples(staffed, social_worker=SW, team_manager=TM, review_chair=RC)
    return staffed, plan_ids


def _action_rows(state):
    return [
        (a.area, a.need, a.response, a.frequency, a.responsible, a.starts, a.outcomes)
        for a in sorted(state.actions.values(), key=lambda a: int(a.action_id[1:]))
    ]


def test_three_plans_are_recorded_in_order(recorded_examples):
    app, plan_ids = recorded_examples
    assert len(plan_ids) == 3 and len(set(plan_ids)) == 3
    children = [app.plan(pid).state.child for pid in plan_ids]
    assert tuple(children) == ex.EXAMPLE_CHILDREN
    assert [app.child(ref).state.name for ref in children] == ["Karen Hawthorne", "Ibriham Hussain", "Susan Simpson"]


def test_karen_hawthorne_child_protection_plan(recorded_examples):
    app, (karen, _, _) = recorded_examples
    s = app.plan(karen).state
    assert s.plan_id == karen and s.child == ex.KAREN["child_ref"]
    assert (s.kind, s.category, s.initial_category, s.status) == ("child-protection", "neglect", "neglect", "open")
    assert s.aim.text == (
        "For Karen to attain and maintain satisfactory developmental progress within a safe family "
        "and home environment by the date of the second review conference."
    )
    assert (s.aim.option, s.aim.months, s.aim.set_on) == (None, None, ex.KAREN_PLAN["on"])
    assert s.opened_on == ex.KAREN_PLAN["on"] and s.opened_by == SW
    assert (s.approved_by, s.approved_on) == (TM, ex.KAREN_APPROVED_ON)
    assert s.authors_since_approval == []
    [conference] = s.reviews.values()
    assert (conference.kind, conference.held_on, conference.chair) == ("initial-cp-conference", s.opened_on, RC)
    assert s.next_review == ex.KAREN_PLAN["review_by"] == date(2025, 6, 10)
    child = app.child(ex.KAREN["child_ref"]).state
    assert (child.name, child.born, child.sex, child.nation) == ("Karen Hawthorne", ex.KAREN["born"], "F", "england")
    assert _age(child.born, s.opened_on) == 3
    assert [(p.plan_id, p.family, p.kind, p.ended_on) for p in child.periods] == [
        (karen, "childs-plan", "child-protection", None)
    ]


def test_ibriham_hussain_child_in_need_plan_with_short_breaks(recorded_examples):
    app, (_, ibriham, _) = recorded_examples
    s = app.plan(ibriham).state
    assert s.child == ex.IBRIHAM["child_ref"]
    assert (s.kind, s.category, s.status) == ("child-in-need-short-breaks", None, "open")
    assert (s.aim.text, s.aim.option) == (ex.IBRIHAM_PLAN["aim"], 1)
    assert (s.approved_by, s.approved_on) == (TM, ex.IBRIHAM_APPROVED_ON)
    areas = sorted(a.area for a in s.actions.values())
    assert areas == ["family-and-social-relationships", "self-care-skills"]
    [self_care] = [a for a in s.actions.values() if a.area == "self-care-skills"]
    assert self_care.need == "Ibriham need to develop his self-care skills to become more independent"
    assert "Attendance at Link to be increased to include overnight short break once a month." in self_care.response
    assert "Self care programme will be developed for Ibriham" in self_care.response
    assert self_care.frequency.lower() == "once a month"
    assert "Mary Grant (Social worker)" in self_care.responsible
    assert "James Page (Key worker)" in self_care.responsible
    assert self_care.outcomes == ["Budget, plan, purchase and cook a simple meal."]
    assert (self_care.status, self_care.initials, self_care.added_on) == ("open", "MG", ex.IBRIHAM_PLAN["on"])
    assert _action_rows(s) == [
        (a["area"], a["need"], a["response"], a["frequency"], a["responsible"], a["starts"], a["outcomes"])
        for a in ex.IBRIHAM_ACTIONS
    ]
    assert [(v.party, v.name, v.text) for v in s.views] == [(v["party"], v["name"], v["text"]) for v in ex.IBRIHAM_VIEWS]
    child = app.child(ex.IBRIHAM["child_ref"]).state
    assert (child.name, child.sex) == ("Ibriham Hussain", "M")
    assert _age(child.born, s.opened_on) == 14


def test_susan_simpson_care_plan(recorded_examples):
    app, (_, _, susan) = recorded_examples
    s = app.plan(susan).state
    assert s.child == ex.SUSAN["child_ref"]
    assert (s.kind, s.category, s.status) == ("care-plan", None, "open")
    assert (s.aim.text, s.aim.option, s.aim.months) == (ex.SUSAN_PLAN["aim"], 3, None)
    assert s.opened_on.year == 2002 and s.approved_on.year == 2002
    assert s.details == ex.SUSAN_DETAILS
    assert [(c.person, c.relationship) for c in s.contacts] == [("Jo Simpson", "mother")]
    rows = _action_rows(s)
    assert rows == [
        (
            "birth-family-parenting-capacity",
            "Ms Simpson would like to develop her play skills.",
            "Sessions for Ms Simpson and Susan with play worker at Forth Street Family Centre",
            "1 hour per week",
            "Jenny Page, play worker.",
            date(2002, 7, 31),
            [
                "Ms Simpson will feel more confident in playing with Susan.",
                "Ms Simpson will be able to structure play for Susan using different materials.",
            ],
        ),
        (
            "corporate-parent-parenting-capacity",
            "Mr and Mrs Irvine currently do not understand the nature and impact of Ms Simpson’s illness.",
            "Tim Moore to support initial contact sessions at foster home.",
            "1 hour three days a week",
            "Tim Moore, social work assistant",
            date(2002, 7, 20),
            ["Initial contact will take place in foster home reducing stress for Susan."],
        ),
        (
            "corporate-parent-parenting-capacity",
            "Mr and Mrs Irvine currently do not understand the nature and impact of Ms Simpson’s illness.",
            "Mr and Mrs Irvine to meet with Gordon Hill, CPN.",
            "1 hour",
            "Gordon Hill, CPN",
            date(2002, 7, 24),
            [
                "Mr and Mrs Irvine will have an understanding of Ms Simpson’s illness and its impact.",
                "Contact will take place in home without additional support of SWA.",
            ],
        ),
    ]
    assert all(a.initials == "MG" and a.status == "open" for a in s.actions.values())
    child = app.child(ex.SUSAN["child_ref"]).state
    assert (child.name, child.sex) == ("Susan Simpson", "F")
    assert _age(child.born, s.opened_on) == 3


def test_the_examples_keep_the_rules(recorded_examples):
    """Recording the examples again is refused: the children are already registered."""
    app, _ = recorded_examples
    refused(app, RuleBroken, ex.record_examples, app, social_worker=SW, team_manager=TM, review_chair=RC)


def _age(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))
