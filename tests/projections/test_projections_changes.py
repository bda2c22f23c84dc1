"""The review chair's list: every change recorded since the last review (CLI.md, ``changes``)."""

from __future__ import annotations

from datetime import date

import pytest

from plantrail.domain.errors import NotFound
from plantrail.projections.changes import changes_since
from plantrail.projections.history import history


def _story(desk):
    """A CIN plan with one action amended before review R1 and changed in several ways after it."""
    desk.at(date(2026, 1, 5))
    desk.child("K1")
    pid = desk.plan("K1", on=date(2026, 1, 5))
    desk.action(pid)
    desk.at(date(2026, 1, 20))
    desk.write("amend_action", "sw2", pid, "A1", frequency="every 3 months", on=date(2026, 1, 20))
    before_review = history(desk.app, pid)[-1]["event_id"]
    desk.at(date(2026, 2, 16))
    desk.review(pid, on=date(2026, 2, 16))
    desk.at(date(2026, 2, 20))
    desk.write("amend_action", "sw2", pid, "A1", responsible="Dad", on=date(2026, 2, 20),
               discussed_with="both parents", reason="mum moved out")
    desk.at(date(2026, 2, 23))
    # Back-dated before the review's date, but recorded after it: the review never saw it.
    desk.write("amend_action", "sw1", pid, "A1", need="dental care and check-ups", on=date(2026, 2, 10))
    desk.write("record_view", "sw1", pid, party="child", name="K", text="I like my dentist")
    view = history(desk.app, pid)[-1]["event_id"]
    desk.at(date(2026, 2, 24))
    correction = desk.write("correct", "ro1", before_review, fields={"frequency": "quarterly"}, reason="mistyped")
    desk.write("void", "ro1", view, reason="recorded on the wrong plan")
    return pid, before_review, view, correction


def _plain(rows, field):
    return [r for r in rows if r["field"] == field and not r["correction"]]


def test_a_change_before_the_last_review_is_not_listed_and_one_after_is(desk):
    pid, before_review, _, _ = _story(desk)
    result = changes_since(desk.app, pid)
    assert result["since"]["review_id"] == "R1" and result["since"]["held_on"] == "2026-02-16"
    rows = result["changes"]
    assert not _plain(rows, "frequency")  # amended before R1: considered at R1 already
    assert all(r["event_id"] != before_review for r in rows)
    [after] = _plain(rows, "responsible")
    assert after["initials"] == "MG" and after["actor"] == "sw2"
    assert (after["before"], after["after"]) == ("Mum", "Dad")
    assert after["effective_on"] == "2026-02-20" and after["type"] == "action-amended"
    assert after["discussed_with"] == "both parents" and after["reason"] == "mum moved out"
    assert after["section"] == "actions/health" and after["item"] == "A1"
    assert after["recorded_at"] == "2026-02-20T12:01:00Z"


def test_a_back_dated_entry_recorded_after_the_review_is_listed(desk):
    pid, *_ = _story(desk)
    [row] = _plain(changes_since(desk.app, pid)["changes"], "need")
    assert row["effective_on"] == "2026-02-10"  # before the review's date, recorded after it
    assert (row["before"], row["after"]) == ("dental care", "dental care and check-ups")


def test_corrections_and_voids_since_the_review_are_listed_and_marked(desk):
    pid, before_review, view, correction = _story(desk)
    rows = changes_since(desk.app, pid)["changes"]
    [fixed] = [r for r in rows if r["correction"]]
    assert fixed["event_id"] == correction and fixed["target"] == before_review
    assert (fixed["field"], fixed["before"], fixed["after"]) == ("frequency", "every 3 months", "quarterly")
    assert fixed["initials"] == "RO" and fixed["reason"] == "mistyped" and fixed["section"] == "actions/health"
    voids = [r for r in rows if r["voids"]]
    assert voids and all(r["target"] == view for r in voids)
    assert voids[0]["section"] == "views" and voids[0]["after"] is None
    assert voids[0]["before"]["text"] == "I like my dentist"
    # The voided view itself still appears: it was recorded after the review.
    assert any(r["type"] == "view-recorded" and r["after"] for r in rows)
    assert changes_since(desk.app, pid)["sections"] == ["actions/health", "views"]


def test_since_a_named_review_and_the_latest_one(desk):
    pid, *_ = _story(desk)
    desk.at(date(2026, 3, 30))
    desk.review(pid, on=date(2026, 3, 30), next_review=date(2026, 5, 11))
    assert changes_since(desk.app, pid)["since"]["review_id"] == "R2"
    assert changes_since(desk.app, pid)["changes"] == []  # the review itself was the meeting
    named = changes_since(desk.app, pid, "R1")
    assert named["since"]["review_id"] == "R1"
    assert any(r["type"] == "review-held" and r["item"] == "R2" for r in named["changes"])
    with pytest.raises(NotFound):
        changes_since(desk.app, pid, "R9")


def test_before_any_review_everything_since_opening_is_listed(desk):
    desk.at(date(2026, 1, 5))
    desk.child("K1")
    pid = desk.plan("K1", on=date(2026, 1, 5))
    desk.action(pid, area="education", need="attendance")
    result = changes_since(desk.app, str(pid)[:8])
    assert result["since"] is None
    assert result["changes"][0]["type"] == "plan-opened"
    assert [r["item"] for r in result["changes"] if r["field"] == "action"] == ["A1"]
    assert "actions/education" in result["sections"] and result["sections"][0] == "aim"
