"""Records a long-running process keeps between commands, while another process writes.

A process keeps the records its last commands used, so the next command needs no read
from the store. What it keeps may be stale; these tests show that a stale record never
gets a wrong command recorded, nor a right one refused.
"""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
from eventsourcing.persistence import IntegrityError

from plantrail.domain.acting import Acting
from plantrail.domain.staff import staff_id_key
from tests.support import open_app, stored_event_count

ON = date(2026, 3, 9)


def two_processes(url: str):  # type: ignore[no-untyped-def]
    first = open_app(url)
    first.add_staff(None, "tm1", name="Tina Moss", initials="TM", roles=["team-manager"])
    first.add_staff("tm1", "sw1", name="Mary Grant", initials="MG", roles=["social-worker"])
    first.add_staff("tm1", "rc1", name="Ruth Cole", initials="RC", roles=["review-chair"])
    first.register_child("sw1", "K1", name="Karen Hawthorne", born=date(2023, 2, 1))
    plan_id = first.open_plan("sw1", "K1", kind="child-in-need", aim="Safe and well", on=date(2026, 3, 2))
    return first, open_app(url), plan_id


def add_action(app, plan_id, need: str) -> str:  # type: ignore[no-untyped-def]
    return app.add_action("sw1", plan_id, area="health", need=need, response="r", frequency="weekly",
                          responsible="HV", starts=ON, outcomes=["o"], on=ON)


def test_a_stale_plan_is_read_again_and_nothing_is_lost(store_url: str) -> None:
    first, second, plan_id = two_processes(store_url)
    try:
        assert add_action(first, plan_id, "one") == "A1"  # the first process now keeps the plan
        assert add_action(second, plan_id, "two") == "A2"  # ...which the second moves on
        assert add_action(first, plan_id, "three") == "A3"  # decided again on what is recorded
        actions = open_app(store_url).plan(plan_id).state.actions
        assert [(a.action_id, a.need) for a in actions.values()] == [("A1", "one"), ("A2", "two"), ("A3", "three")]
    finally:
        first.close(), second.close()


def test_a_refusal_on_a_stale_plan_is_decided_again(store_url: str) -> None:
    first, second, plan_id = two_processes(store_url)
    try:
        first.record_visit("sw1", plan_id, on=ON)  # kept: a plan that has held no review
        second.hold_review("rc1", plan_id, kind="child-in-need", on=ON, chair="rc1")
        # On the kept plan, R1 does not exist (a refusal); on what is recorded, it does.
        first.change_aim("rc1", plan_id, review_id="R1", aim="Safe, well and at school")
        assert open_app(store_url).plan(plan_id).state.aim.text == "Safe, well and at school"
    finally:
        first.close(), second.close()


def test_the_store_refuses_a_save_decided_on_a_record_that_has_moved_on(store_url: str) -> None:
    first, second, plan_id = two_processes(store_url)
    try:
        member = staff_id_key("sw1")
        read_version = first.staff_member("sw1").version
        second.grant_role("tm1", "sw1", "records-officer")  # the member's record moves on
        acting = Acting(staff_id="sw1", initials="MG", on=ON, at=datetime.now(timezone.utc))
        plan = first.plan(plan_id)
        plan.record_visit(acting, seen_alone=None)
        before = stored_event_count(first)
        with pytest.raises(IntegrityError):
            first.save(plan, unchanged=[(member, read_version)])
        assert stored_event_count(first) == before  # nothing of the save was recorded
        plan = first.plan(plan_id)
        plan.record_visit(acting, seen_alone=None)
        first.save(plan, unchanged=[(member, read_version + 1)])  # as it now stands: recorded
        assert stored_event_count(first) == before + 1
    finally:
        first.close(), second.close()
