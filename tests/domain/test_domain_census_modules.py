"""The census's modules of a child's record and the child's characteristics (CLI.md,
"Statutory returns"): each DfE rule that the store could break by recording it is kept
when it is recorded, and again when it is corrected; a refusal records nothing. The
clock stands at 2026-11-25 (``conftest``); the child was born on 2018-05-01."""

from __future__ import annotations

from datetime import date

import pytest
from plantrail_domain_testkit import CHILD, RO, SW, add_child, recorded, refused

from plantrail.domain.census_codes import check_letter, upn_fault
from plantrail.domain.errors import BadInput, RuleBroken
from plantrail.projections.children import child_document

REFERRED = date(2026, 9, 7)  # a Monday


def _referred(app, **codes):
    add_child(app)
    return app.record_referral(SW, CHILD, on=REFERRED, source=codes.pop("source", "2A"),
                               primary_need=codes.pop("primary_need", "N1"), **codes)


# --------------------------------------------------------------------------- characteristics


@pytest.mark.parametrize(("upn", "rule"), [("A123456789012", "1530"), ("Q201123456789", "1510"),
                                           ("P2011234567X9", "1540"), ("P20112345678I", "1550"),
                                           ("P20112345678", "13 characters")])
def test_a_upn_is_checked_as_the_dfe_checks_it(staffed, upn, rule):
    err = refused(staffed, BadInput, staffed.register_child, SW, CHILD, name="A", born=date(2018, 5, 1), upn=upn)
    assert rule in err.message


def test_the_check_letter_is_the_dfes():
    assert upn_fault("P201123456789") is None and check_letter("201123456789") == "P"


@pytest.mark.parametrize(("given", "rule"), [
    ({"disabilities": ["NONE", "VIS"]}, "8790"),
    ({"disabilities": ["VIS", "VIS"]}, "8794"),
    ({"disabilities": ["BLIND"]}, "DfE census disability"),
    ({"ethnicity": "WHITE"}, "DfE census ethnicity"),
    ({"upn_unknown": "UN9"}, "UPN is not held"),
    ({"upn": "P201123456789", "upn_unknown": "UN5"}, "not both"),
    ({"former_upn": "P20112345678"}, "1560Q"),
    ({"died": date(2017, 1, 1)}, "8535Q"),
    ({"died": date(2027, 1, 1)}, "future"),
])
def test_characteristics_outside_the_dfe_rules_are_refused(staffed, given, rule):
    err = refused(staffed, BadInput, staffed.register_child, SW, CHILD, name="A", born=date(2018, 5, 1), **given)
    assert rule in err.message


def test_characteristics_are_recorded_shown_and_corrected(staffed):
    app = staffed
    recorded(app, app.register_child, SW, CHILD, name="A", born=date(2018, 5, 1), ethnicity="WBRI",
             disabilities=["MOB", "VIS"], upn_unknown="UN1", former_upn="A201000000001")
    doc = child_document(app, CHILD)
    assert (doc["ethnicity"], doc["disabilities"], doc["upn_unknown"], doc["former_upn"]) == (
        "WBRI", ["MOB", "VIS"], "UN1", "A201000000001")
    recorded(app, app.correct_child, RO, CHILD, fields={"disabilities": ["NONE"], "ethnicity": "REFU"},
             reason="asked the family")
    refused(app, RuleBroken, app.correct_child, RO, CHILD, fields={"disabilities": ["NONE", "MOB"]}, reason="x")
    assert child_document(app, CHILD)["disabilities"] == ["NONE"]


# --------------------------------------------------------------------------- referrals


def test_a_referral_is_recorded_and_shown(staffed):
    assert _referred(staffed) == "R1"
    [referral] = child_document(staffed, CHILD)["referrals"]
    assert (referral["on"], referral["source"], referral["primary_need"], referral["nfa"]) == (
        "2026-09-07", "2A", "N1", False)


def test_referral_rules(staffed):
    app = staffed
    _referred(app)
    refused(app, RuleBroken, app.record_referral, SW, CHILD, on=REFERRED, source="2A", match="already")
    refused(app, BadInput, app.record_referral, SW, CHILD, on=date(2026, 9, 8), source="ZZ")
    refused(app, BadInput, app.record_referral, SW, CHILD, on=date(2026, 9, 8), source="2A", primary_need="N1",
            nfa=True, match="8610")
    refused(app, RuleBroken, app.record_referral, SW, CHILD, on=date(2017, 1, 1), source="2A", match="8606")


def test_uN7_says_every_referral_went_no_further(staffed):
    """DfE rule 8772, kept at the referral and at a correction of the child."""
    app = staffed
    app.register_child(SW, CHILD, name="A", born=date(2018, 5, 1), upn_unknown="UN7")
    recorded(app, app.record_referral, SW, CHILD, on=REFERRED, source="2A", nfa=True)
    refused(app, RuleBroken, app.record_referral, SW, CHILD, on=date(2026, 9, 14), source="2A", match="8772")
    app.correct_child(RO, CHILD, fields={"upn_unknown": "UN5"}, reason="school not yet known")
    recorded(app, app.record_referral, SW, CHILD, on=date(2026, 9, 14), source="2A", primary_need="N4")
    refused(app, RuleBroken, app.correct_child, RO, CHILD, fields={"upn_unknown": "UN7"}, reason="x")


def test_nothing_is_recorded_after_a_death(staffed):
    """DfE rules 8555Q, 4008, 8915: no referral, assessment or plan after the date of death."""
    app = staffed
    app.register_child(SW, CHILD, name="A", born=date(2018, 5, 1), died=date(2026, 9, 1))
    refused(app, RuleBroken, app.record_referral, SW, CHILD, on=REFERRED, source="2A", match="died")
    refused(app, RuleBroken, app.open_plan, SW, CHILD, kind="child-in-need", aim="Safe", on=REFERRED, match="died")


# --------------------------------------------------------------------------- assessments


def test_an_assessment_follows_a_referral_that_went_further(staffed):
    """DfE rules 1103 (not before the referral) and 8831 (nothing after no further action)."""
    app = staffed
    add_child(app)
    refused(app, RuleBroken, app.record_assessment, SW, CHILD, started=REFERRED, match="no referral")
    app.record_referral(SW, CHILD, on=REFERRED, source="2A", nfa=True)
    refused(app, RuleBroken, app.record_assessment, SW, CHILD, started=REFERRED, match="8831")


@pytest.mark.parametrize(("given", "rule"), [
    ({"authorised": date(2026, 9, 1)}, "8608"),
    ({"factors": ["3B"]}, "8614"),
    ({"authorised": date(2026, 9, 20)}, "8897Q"),
    ({"authorised": date(2026, 9, 20), "factors": ["21", "3B"]}, "8869"),
    ({"authorised": date(2026, 9, 20), "factors": ["3B", "3B"]}, "8898"),
    ({"authorised": date(2026, 9, 20), "factors": ["18A"]}, "factor identified"),
])
def test_assessment_rules(staffed, given, rule):
    _referred(staffed)
    err = refused(staffed, BadInput, staffed.record_assessment, SW, CHILD, started=REFERRED, **given)
    assert rule in err.message


def test_one_assessment_at_a_time(staffed):
    """DfE rules 8863Q and 8896, at recording and at a correction."""
    app = staffed
    _referred(app)
    assert app.record_assessment(SW, CHILD, started=REFERRED) == "A1"
    refused(app, RuleBroken, app.record_assessment, SW, CHILD, started=date(2026, 9, 14), match="8863Q")
    first = app.events_of(app.child(CHILD).id)[-1]
    app.correct(RO, first.event_id, fields={"authorised": "2026-09-11", "factors": ["3B"]}, reason="authorised")
    recorded(app, app.record_assessment, SW, CHILD, started=date(2026, 9, 14))
    refused(app, RuleBroken, app.correct, RO, first.event_id, fields={"authorised": "2026-09-21"}, reason="x")


# --------------------------------------------------------------------------- Section 47 enquiries


@pytest.mark.parametrize(("given", "error", "rule"), [
    ({"icpc": date(2026, 9, 1)}, BadInput, "8615"),
    ({"icpc": date(2026, 9, 19)}, BadInput, "8875"),  # a Saturday
    ({"icpc": date(2026, 9, 21), "icpc_required": False}, BadInput, "required"),
])
def test_enquiry_rules(staffed, given, error, rule):
    _referred(staffed)
    err = refused(staffed, error, staffed.record_enquiry, SW, CHILD, started=REFERRED, **given)
    assert rule in err.message


def test_one_enquiry_at_a_time(staffed):
    """DfE rule 8890: an enquiry is open until its conference, or until none is needed."""
    app = staffed
    _referred(app)
    assert app.record_enquiry(SW, CHILD, started=REFERRED) == "S1"
    refused(app, RuleBroken, app.record_enquiry, SW, CHILD, started=date(2026, 9, 14), match="8890")
    app.correct(RO, app.events_of(app.child(CHILD).id)[-1].event_id, fields={"icpc_required": False},
                reason="no conference needed")
    recorded(app, app.record_enquiry, SW, CHILD, started=date(2026, 9, 14), icpc_required=True,
             icpc=date(2026, 9, 21))
    [_, second] = child_document(app, CHILD)["s47_enquiries"]
    assert (second["icpc"], second["icpc_required"]) == ("2026-09-21", True)


def test_a_plan_names_a_referral_of_the_child(staffed):
    """Once a child has referrals, `plan open --referred DATE` names one of them, and never
    one with no further action (DfE rule 4000)."""
    app = staffed
    _referred(app)
    app.record_referral(SW, CHILD, on=date(2026, 9, 14), source="2A", nfa=True)
    refused(app, RuleBroken, app.open_plan, SW, CHILD, kind="child-in-need", aim="Safe", referred=date(2026, 9, 8),
            on=date(2026, 9, 21), match="no referral of 2026-09-08")
    refused(app, RuleBroken, app.open_plan, SW, CHILD, kind="child-in-need", aim="Safe", referred=date(2026, 9, 14),
            on=date(2026, 9, 21), match="4000")
    recorded(app, app.open_plan, SW, CHILD, kind="child-in-need", aim="Safe", referred=REFERRED, on=date(2026, 9, 21))
