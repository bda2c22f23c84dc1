"""The roles of CLI.md ("Writes"): every command is refused (NotPermitted, nothing recorded)
to each role that may not do it, and done by each role that may. A team manager may do
what a social worker may. The table below is copied from CLI.md, not from the code."""

from __future__ import annotations

from datetime import date

import pytest
from plantrail_domain_testkit import (
    AU,
    CHILD,
    CHILD2,
    RC,
    RO,
    ROLE_OF,
    SW,
    TM,
    TM2,
    TODAY,
    add_child,
    recorded,
    refused,
)

from plantrail.application.commands import BY_METHOD
from plantrail.application.permissions import PERMISSIONS
from plantrail.domain import events as ev
from plantrail.domain.errors import BadInput, NotPermitted

OPENED = date(2026, 10, 1)
SOCIAL = ("social-worker", "team-manager")

# command -> (roles that may, per CLI.md; how to call it as `actor`, the n-th time)
COMMANDS = {
    "add_staff": (("team-manager",), lambda app, s, actor, n: app.add_staff(
        actor, f"new{n}", name="New Member", initials="NM", roles=["social-worker"])),
    "bind_login": (("team-manager",), lambda app, s, actor, n: app.bind_login(actor, AU, login=f"{actor}_login_{n}")),
    "grant_role": (("team-manager",), lambda app, s, actor, n: app.grant_role(actor, AU, "social-worker")),
    "revoke_role": (("team-manager",), lambda app, s, actor, n: app.revoke_role(
        actor, AU, role="auditor", reason="moved to another team")),
    "record_leaving": (("team-manager",), lambda app, s, actor, n: app.record_leaving(
        actor, AU, on=TODAY, reason="left the authority")),
    "restrict_child": (("team-manager", "records-officer"), lambda app, s, actor, n: app.restrict_child(
        actor, CHILD, allow=[SW], reason="a relative works in the team")),
    "unrestrict_child": (("team-manager", "records-officer"), lambda app, s, actor, n: (
        app.restrict_child(TM, CHILD2, allow=[SW], reason="restricted again") if n == 1 else None,
        app.unrestrict_child(actor, CHILD2, reason="the relative has left"))),
    "register_child": (SOCIAL, lambda app, s, actor, n: app.register_child(
        actor, f"C9{n}", name="New Child", born=date(2020, 1, 1))),
    "open_plan": (SOCIAL, lambda app, s, actor, n: app.open_plan(
        actor, CHILD, **[dict(kind="care-plan", aim="Home", aim_option=2),
                         dict(kind="single-agency", aim="Safe and well")][n])),
    "approve_plan": (("team-manager",), lambda app, s, actor, n: app.approve_plan(actor, s["cin"])),
    "change_kind": (("review-chair",), lambda app, s, actor, n: app.change_kind(
        actor, s["cin"], kind="child-protection", review_id=s["conference"], category="neglect")),
    "close_plan": (("team-manager",), lambda app, s, actor, n: app.close_plan(actor, s["cin"], reason="needs met")),
    "add_action": (SOCIAL, lambda app, s, actor, n: app.add_action(
        actor, s["cin"], area="education", need="n", response="r", frequency="f", responsible="p",
        starts=OPENED, outcomes=["o"])),
    "amend_action": (SOCIAL, lambda app, s, actor, n: app.amend_action(
        actor, s["cin"], "A1", frequency=f"Every {n + 2} weeks")),
    "end_action": (SOCIAL, lambda app, s, actor, n: app.end_action(actor, s["cin"], f"A{n + 1}", reason="done")),
    "record_view": (SOCIAL, lambda app, s, actor, n: app.record_view(
        actor, s["cin"], party="child", name="Alex", text="Happy with it")),
    "record_signature": (SOCIAL, lambda app, s, actor, n: app.record_signature(
        actor, s["cin"], party="parent", name="Ms Example", agrees="no")),
    # A social worker records the CIN meetings and core groups (CLI.md, "The practice guidance, second pass").
    "hold_review": (("review-chair", *SOCIAL), lambda app, s, actor, n: app.hold_review(
        actor, s["cin"], kind="child-in-need", on=TODAY, chair=RC)),
    "change_aim": (("review-chair",), lambda app, s, actor, n: app.change_aim(
        actor, s["cin"], review_id=s["cin_review"], aim="A new aim")),
    "record_details": (SOCIAL, lambda app, s, actor, n: app.record_details(actor, s["cin"], lead=[SW, TM][n])),
    "extend_initial_plan": (("team-manager",), lambda app, s, actor, n: app.extend_initial_plan(
        actor, s["initial"], review_id=s["initial_review"], until=date(2026, 11, 20))),
    "distribute_plan": (SOCIAL, lambda app, s, actor, n: app.distribute_plan(actor, s["care"], to=["mother"])),
    "record_meeting": (SOCIAL, lambda app, s, actor, n: app.record_meeting(
        actor, s["cin"], kind="planning", on=TODAY, invited=["mother"], attended=["mother"])),
    "record_meeting_sent": (SOCIAL, lambda app, s, actor, n: app.record_meeting_sent(
        actor, s["cin"], f"M{n + 1}", on=TODAY)),
    "return_plan": (("team-manager",), lambda app, s, actor, n: app.return_plan(
        actor, s["cin"], comments="outcomes need dates")),
    "link_record": (SOCIAL, lambda app, s, actor, n: app.link_record(actor, s["care"], record="pep", on=TODAY)),
    "record_contact": (SOCIAL, lambda app, s, actor, n: app.record_contact(
        actor, s["cin"], person="Mr Example", relationship="father", arrangement="none")),
    "record_visit": (SOCIAL, lambda app, s, actor, n: app.record_visit(actor, s["cin"], on=TODAY, seen_alone=True)),
    "record_placement": (SOCIAL, lambda app, s, actor, n: app.record_placement(
        actor, s["care"], on=TODAY, placement=f"Foster carer {n}")),
    "end_placement": (SOCIAL, lambda app, s, actor, n: _end_placement(app, s, actor, n)),
    "record_missing": (SOCIAL, lambda app, s, actor, n: app.record_missing(
        actor, CHILD2, started=date(2026, 11, 1 + n), kind="missing")),
    "record_referral": (SOCIAL, lambda app, s, actor, n: app.record_referral(
        actor, CHILD, on=date(2026, 9, 1 + n), source="2A", primary_need="N1")),
    "record_assessment": (SOCIAL, lambda app, s, actor, n: app.record_assessment(
        actor, CHILD2, started=date(2026, 9, 2 + 2 * n), authorised=date(2026, 9, 3 + 2 * n), factors=["21"])),
    "record_enquiry": (SOCIAL, lambda app, s, actor, n: app.record_enquiry(
        actor, CHILD2, started=date(2026, 9, 2 + 2 * n), icpc_required=False)),
    "record_supervision": (SOCIAL, lambda app, s, actor, n: app.record_supervision(
        actor, s["cin"], on=TODAY, note="Discussed")),
    "correct": (("records-officer",), lambda app, s, actor, n: app.correct(
        actor, s["action_event"], fields={"frequency": "Monthly"}, reason="mistyped")),
    "void": (("records-officer",), lambda app, s, actor, n: app.void(
        actor, s["view_event"], reason="wrong plan")),
    "withdraw_plan": (("records-officer",), lambda app, s, actor, n: app.withdraw_plan(
        actor, s["cin"], reason="opened on the wrong child")),
    "correct_child": (("records-officer",), lambda app, s, actor, n: app.correct_child(
        actor, CHILD, fields={"name": f"Alex Example {n}"}, reason="name mistyped")),
    "request_erasure": (("records-officer",), lambda app, s, actor, n: app.request_erasure(
        actor, CHILD2, reason="court ordered", authority=f"Order {n}")),
    "approve_erasure": (("team-manager",), lambda app, s, actor, n: app.approve_erasure(actor, f"E{n}")),
}


def test_the_table_covers_every_command_the_code_guards():
    assert {BY_METHOD[method].command for method in COMMANDS} == set(PERMISSIONS)
    for method, (roles, _) in COMMANDS.items():
        assert set(PERMISSIONS[BY_METHOD[method].command]) == set(roles), method


def _end_placement(app, s, actor, n):
    """The scene's looked-after child goes home; a second time, after a new period of care
    recorded by the social worker (only then: a refused call must record nothing)."""
    if n:
        app.record_placement(SW, s["care"], on=date(2026, 11, 10), placement_type="U6", legal_status="V2",
                             reason_new_episode="S")
    app.end_placement(actor, s["care"], on=date(2026, 11, 5 + 10 * n), reason="E4A")


@pytest.fixture
def scene(staffed):
    app = staffed
    add_child(app)
    cin = app.open_plan(SW, CHILD, kind="child-in-need", aim="Safe and well", on=OPENED)
    for n in range(2):
        app.add_action(SW, cin, area="health", need=f"Need {n}", response="r", frequency="Weekly",
                       responsible="p", starts=OPENED, outcomes=["o"], on=OPENED)
    app.record_view(SW, cin, party="carer", name="Mrs Carer", text="Fine", on=OPENED)
    cin_review = app.hold_review(RC, cin, kind="child-in-need", on=date(2026, 10, 20), chair=RC)
    conference = app.hold_review(RC, cin, kind="initial-cp-conference", on=date(2026, 10, 21), chair=RC)
    initial = app.open_plan(SW, CHILD, kind="initial", aim="Short-term support", on=OPENED)
    initial_review = app.hold_review(RC, initial, kind="child-in-need", on=date(2026, 11, 5), chair=RC)
    add_child(app, CHILD2, name="Sam Example")
    app.record_referral(SW, CHILD2, on=date(2026, 9, 1), source="2A", primary_need="N1")  # the census's modules
    care = app.open_plan(SW, CHILD2, kind="care-plan", aim="Return home", aim_option=3, on=OPENED)
    app.record_placement(SW, care, on=OPENED, placement_type="U6", legal_status="V2", reason_new_episode="S")
    app.approve_plan(TM, care, on=OPENED)  # copies go out once approved (seed 001)
    for _ in range(2):
        app.record_meeting(SW, cin, kind="child-in-need", on=date(2026, 10, 20), invited=["mother"])
    app.restrict_child(TM, CHILD2, allow=[SW], reason="a relative works in the team")  # to lift
    for n in range(2):  # asked for by the records officer, for a team manager to approve
        add_child(app, f"E{n}", name=f"Erin Example {n}")
        app.request_erasure(RO, f"E{n}", reason="court ordered", authority="Order 1")
    events = app.events_of(cin)
    return app, {
        "cin": cin, "care": care, "cin_review": cin_review, "conference": conference, "initial": initial, "initial_review": initial_review,
        "action_event": next(e for e in events if isinstance(e, ev.ActionAdded)).event_id,
        "view_event": next(e for e in events if isinstance(e, ev.ViewRecorded)).event_id,
    }


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_each_command_is_refused_to_roles_that_may_not_do_it(scene, command):
    app, s = scene
    roles, call = COMMANDS[command]
    allowed = [staff for staff, role in ROLE_OF.items() if role in roles]
    forbidden = [staff for staff in ROLE_OF if staff not in allowed]
    assert forbidden, command
    for actor in forbidden:
        err = refused(app, NotPermitted, call, app, s, actor, 0)
        assert ROLE_OF[actor] in err.message and " or ".join(sorted(roles)) in err.message
    for n, actor in enumerate(allowed):
        recorded(app, call, app, s, actor, n)
    if set(roles) == set(SOCIAL):
        assert allowed == [TM, SW]  # a team manager may do what a social worker may


def test_the_auditor_may_write_nothing(scene):
    app, s = scene
    for command, (_, call) in COMMANDS.items():
        refused(app, NotPermitted, call, app, s, AU, 0)


def test_a_second_team_manager_may_approve(scene):
    app, s = scene
    recorded(app, app.approve_plan, TM2, s["cin"])
    assert app.plan(s["cin"]).state.approved_by == TM2


def test_every_write_needs_an_actor_once_the_store_has_staff(scene):
    app, s = scene
    for command, (_, call) in COMMANDS.items():
        refused(app, BadInput, call, app, s, None, 0)


def test_a_role_granted_later_is_honoured(scene):
    app, s = scene
    refused(app, NotPermitted, app.record_visit, RO, s["cin"], on=TODAY)
    app.grant_role(TM, RO, "social-worker")
    recorded(app, app.record_visit, RO, s["cin"], on=TODAY)
    assert app.staff_member(RO).state.roles == ["records-officer", "social-worker"]
