"""SSDA903 episodes in the domain (issue 24): the reason for a new episode agrees with
whether the child is in care; codes outside the DfE's lists are bad input; a correction is
decided again by the same rules; and the return's episodes follow the DfE's guidance (a
row for each change of placement or legal status, what is left out carried on)."""

from __future__ import annotations

from datetime import date

import pytest
from plantrail_domain_testkit import CHILD, RO, SW, add_child, recorded, refused

from plantrail.domain import events as ev
from plantrail.domain.errors import BadInput, RuleBroken
from plantrail.projections.exports.ssda903 import episodes_of

OPENED = date(2026, 10, 1)
FIRST = {"placement_type": "U6", "legal_status": "V2", "reason_new_episode": "S", "provider": "PR1", "need": "N1",
         "postcode": "LS6 2AA", "home_postcode": "LS11 5QR", "urn": "XXXXXXX"}


@pytest.fixture
def care(staffed):
    app = staffed
    add_child(app)
    return app, app.open_plan(SW, CHILD, kind="care-plan", aim="Home", aim_option=3, on=OPENED)


def test_episodes_follow_moves_legal_status_changes_and_ends(care):
    app, plan = care
    app.record_placement(SW, plan, on=OPENED, **FIRST)
    app.record_placement(SW, plan, on=date(2026, 10, 10), legal_status="C1", reason_new_episode="L")
    app.record_placement(SW, plan, on=date(2026, 10, 20), placement_type="K2", provider="PR4",
                         reason_new_episode="P", change_reason="CHILD", urn="SC000001")
    app.end_placement(SW, plan, on=date(2026, 11, 2), reason="E4A")
    app.record_placement(SW, plan, on=date(2026, 11, 20), **{**FIRST, "legal_status": "C2"})
    rows = [(e.decom, e.rne, e.legal_status, e.placement_type, e.urn, e.dec, e.rec, e.reason_place_change)
            for e in episodes_of(app.plan(plan).state.placements)]
    assert rows == [
        (OPENED, "S", "V2", "U6", "XXXXXXX", date(2026, 10, 10), "X1", None),
        (date(2026, 10, 10), "L", "C1", "U6", "XXXXXXX", date(2026, 10, 20), "X1", "CHILD"),
        (date(2026, 10, 20), "P", "C1", "K2", "SC000001", date(2026, 11, 2), "E4A", None),
        (date(2026, 11, 20), "S", "C2", "U6", "XXXXXXX", None, None, None),
    ]


def test_reasons_must_agree_with_the_period_of_care(care):
    app, plan = care
    refused(app, RuleBroken, app.record_placement, SW, plan, on=OPENED, **{**FIRST, "reason_new_episode": "P"})
    refused(app, RuleBroken, app.end_placement, SW, plan, on=OPENED, reason="E4A")
    recorded(app, app.record_placement, SW, plan, on=OPENED, **FIRST)
    refused(app, RuleBroken, app.record_placement, SW, plan, on=date(2026, 10, 3), **FIRST)
    refused(app, BadInput, app.record_placement, SW, plan, on=date(2026, 10, 3), reason_new_episode="L")
    refused(app, BadInput, app.record_placement, SW, plan, on=date(2026, 10, 3), legal_status="C2")
    refused(app, BadInput, app.record_placement, SW, plan, on=date(2026, 10, 3), reason_new_episode="P",
            placement_type="Q9")
    refused(app, BadInput, app.end_placement, SW, plan, on=date(2026, 10, 3), reason="X1")
    recorded(app, app.end_placement, SW, plan, on=date(2026, 10, 3), reason="E13")
    refused(app, RuleBroken, app.end_placement, SW, plan, on=date(2026, 10, 4), reason="E13")


def test_a_correction_is_decided_by_the_same_rules(care):
    app, plan = care
    app.record_placement(SW, plan, on=OPENED, **FIRST)
    placed = next(e for e in app.events_of(plan) if isinstance(e, ev.PlacementRecorded))
    refused(app, RuleBroken, app.correct, RO, placed.event_id, fields={"legal_status": "Z9"}, reason="typo",
            match="legal status")
    app.correct(RO, placed.event_id, fields={"legal_status": "C2"}, reason="the order was made that day")
    assert app.plan(plan).state.placements[0].legal_status == "C2"


def test_missing_periods_and_characteristics_on_the_childs_record(staffed):
    app = staffed
    add_child(app, "C7")
    refused(app, BadInput, app.record_missing, SW, "C7", started=date(2026, 10, 5), ended=date(2026, 10, 4),
            kind="missing")
    recorded(app, app.record_missing, SW, "C7", started=date(2026, 10, 5), kind="away")
    assert [(m.kind, m.started, m.ended) for m in app.child("C7").state.missing] == [
        ("away", date(2026, 10, 5), None)]
    refused(app, BadInput, app.register_child, SW, "C8", name="Boy", born=date(2010, 1, 1), sex="M", mother=True)
    refused(app, BadInput, app.register_child, SW, "C8", name="Girl", born=date(2010, 1, 1), sex="F",
            previous_permanence_la="E08000035")
    app.register_child(SW, "C8", name="Girl", born=date(2010, 1, 1), sex="F", mother=True,
                       mother_child_born=date(2026, 2, 1), previous_permanence="P2")
    state = app.child("C8").state
    assert (state.mother, state.mother_child_born, state.previous_permanence) == (True, date(2026, 2, 1), "P2")
