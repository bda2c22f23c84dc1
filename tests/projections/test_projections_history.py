"""Every event of a plan, oldest first; corrections listed with the original (CLI.md, ``history``)."""

from __future__ import annotations

from datetime import date

import pytest

from plantrail.domain.events import EVENT_TYPES
from plantrail.projections.history import history


def test_history_lists_every_event_with_its_place_in_the_log_and_both_times(desk):
    desk.at(date(2026, 1, 7))
    desk.child("K1")
    pid = desk.plan("K1", on=date(2026, 1, 5))
    desk.action(pid)
    desk.write("approve_plan", "tm1", pid, on=date(2026, 1, 7))
    entries = history(desk.app, pid)
    assert [e["type"] for e in entries] == ["plan-opened", "action-added", "plan-approved"]
    assert [e["event_id"] for e in entries] == [f"{pid}/{v}" for v in (1, 2, 3)]
    positions = [e["position"] for e in entries]
    assert positions == sorted(positions) and len(set(positions)) == 3
    last = desk.app.recorder.max_notification_id()
    assert positions[-1] == last
    first = entries[0]
    assert first["effective_on"] == "2026-01-05" and first["recorded_at"] == "2026-01-07T12:01:00Z"
    assert first["actor"] == "sw1" and first["initials"] == "SW"
    assert first["data"]["aim"].startswith("For the child") and "actor" not in first["data"]
    assert {t for t in EVENT_TYPES.values()} >= {e["type"] for e in entries}
    added = entries[1]
    assert {c["field"] for c in added["changes"]} == {"action"}
    assert entries[2]["authority"] == "team manager approval"
    assert {(c["field"], c["after"]) for c in entries[2]["changes"]} >= {("approved_version", 2)}


def test_history_lists_corrections_with_the_original(desk):
    desk.at(date(2026, 1, 12))
    desk.child("K1")
    pid = desk.plan("K1", on=date(2026, 1, 5))
    desk.action(pid, starts=date(2026, 1, 1))
    added = history(desk.app, pid)[-1]["event_id"]
    fixed = desk.write("correct", "ro1", added, fields={"starts": date(2026, 1, 10)}, reason="typo in the date")
    desk.write("record_view", "sw1", pid, party="parent", name="Mum", text="Happy with the plan")
    view = history(desk.app, pid)[-1]["event_id"]
    withdrawn = desk.write("void", "ro1", view, reason="recorded in error")

    entries = {e["event_id"]: e for e in history(desk.app, pid)}
    original = entries[added]
    assert original["data"]["starts"] == "2026-01-01"  # the original stays as recorded
    assert original["corrected_by"] == [fixed]
    correction = entries[fixed]
    assert correction["type"] == "corrected" and correction["corrects"] == added
    assert correction["target_type"] == "action-added"
    assert correction["actor"] == "ro1" and correction["reason"] == "typo in the date"
    assert correction["corrected_fields"] == [{"field": "starts", "before": "2026-01-01", "after": "2026-01-10"}]
    assert [(c["field"], c["before"], c["after"]) for c in correction["changes"]] == [
        ("starts", "2026-01-01", "2026-01-10")]
    assert entries[view]["voided_by"] == withdrawn
    void = entries[withdrawn]
    assert void["voids"] == view and void["changes"][0]["before"]["name"] == "Mum"
    assert list(entries) == sorted(entries, key=lambda e: int(e.rsplit("/", 1)[1]))


def test_history_is_json_and_names_only_plans(desk):
    import json

    from plantrail.domain.child import child_id
    from plantrail.domain.errors import NotFound
    from plantrail.projections.changes import changes_since

    desk.at(date(2026, 1, 12))
    desk.child("K1")
    pid = desk.plan("K1", on=date(2026, 1, 5))
    desk.review(pid, on=date(2026, 1, 12), next_review=date(2026, 2, 23))
    assert json.loads(json.dumps(history(desk.app, pid)))[1]["data"]["next_review"] == "2026-02-23"
    assert json.dumps(changes_since(desk.app, pid))
    with pytest.raises(NotFound):
        history(desk.app, child_id("K1"))
