"""The plan on a past date by each clock: as recorded then, and as in effect then (DOMAIN.md, "Time").

These run on a fixed clock the application is given, so "as recorded" is by the events' own
times (``by="event"``); by the server's clock, on PostgreSQL, is tested through the CLI."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from plantrail.domain.errors import BadInput, NotFound, RuleBroken
from plantrail.projections.as_at import plan_as_at
from plantrail.projections.current import current_plan, plan_document
from plantrail.projections.history import history


def _at(day: date, hour: int = 23) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


@pytest.fixture
def plan(desk):
    desk.at(date(2026, 1, 5))
    desk.child("K1")
    pid = desk.plan("K1", on=date(2026, 1, 5))
    desk.action(pid, frequency="weekly")
    desk.at(date(2026, 2, 2))
    desk.write("amend_action", "sw1", pid, "A1", frequency="fortnightly", on=date(2026, 2, 2))
    return pid


def test_as_at_shows_the_old_value_before_an_amendment(desk, plan):
    before = plan_as_at(desk.app, plan, recorded_at=_at(date(2026, 1, 20)), by="event")
    assert before.actions["A1"].frequency == "weekly"
    after = plan_as_at(desk.app, plan, recorded_at=_at(date(2026, 2, 2)), by="event")
    assert after.actions["A1"].frequency == "fortnightly"
    assert plan_as_at(desk.app, plan, effective_on=date(2026, 1, 31)).actions["A1"].frequency == "weekly"
    assert plan_as_at(desk.app, plan, effective_on=date(2026, 2, 2)).actions["A1"].frequency == "fortnightly"
    assert current_plan(desk.app, plan)["actions"][0]["frequency"] == "fortnightly"


def test_a_back_dated_entry_makes_the_two_clocks_differ(desk, plan):
    desk.at(date(2026, 3, 2))
    desk.write("amend_action", "sw1", plan, "A1", responsible="Dad", on=date(2026, 2, 16))
    # What the record said on 20 February: nothing yet about Dad.
    said = plan_as_at(desk.app, plan, recorded_at=_at(date(2026, 2, 20)), by="event")
    assert said.actions["A1"].responsible == "Mum"
    # What the plan was on 20 February, by all that is known now: Dad, since the 16th.
    was = plan_as_at(desk.app, plan, effective_on=date(2026, 2, 20))
    assert was.actions["A1"].responsible == "Dad"
    assert plan_as_at(desk.app, plan, effective_on=date(2026, 2, 15)).actions["A1"].responsible == "Mum"
    # Both clocks at once: what the record said on 20 Feb about the plan on 20 Feb.
    both = plan_as_at(desk.app, plan, recorded_at=_at(date(2026, 2, 20)), effective_on=date(2026, 2, 20), by="event")
    assert both.actions["A1"].responsible == "Mum"


def test_a_correction_counts_from_when_it_was_recorded_on_one_clock_and_always_on_the_other(desk, plan):
    amendment = history(desk.app, plan)[-1]["event_id"]
    desk.at(date(2026, 3, 2))
    desk.write("correct", "ro1", amendment, fields={"frequency": "every two weeks"}, reason="typed in shorthand")
    first_fixed = desk.clock.now
    assert plan_as_at(desk.app, plan, recorded_at=_at(date(2026, 2, 20)), by="event").actions["A1"].frequency == "fortnightly"
    assert plan_as_at(desk.app, plan, recorded_at=_at(date(2026, 3, 2)), by="event").actions["A1"].frequency == "every two weeks"
    assert plan_as_at(desk.app, plan, effective_on=date(2026, 2, 10)).actions["A1"].frequency == "every two weeks"

    # Its date was wrong too: the amendment took effect on 26 January, not 2 February (never
    # later than it was recorded: a correction to 1 March would be refused, see below).
    desk.write("correct", "ro1", amendment, fields={"effective_on": date(2026, 1, 26)}, reason="wrong date")
    assert plan_as_at(desk.app, plan, effective_on=date(2026, 1, 25)).actions["A1"].frequency == "weekly"
    assert plan_as_at(desk.app, plan, effective_on=date(2026, 1, 30)).actions["A1"].frequency == "every two weeks"
    # As the record stood before that correction, the amendment was not yet in effect on 30 January.
    then = plan_as_at(desk.app, plan, recorded_at=first_fixed, effective_on=date(2026, 1, 30), by="event")
    assert then.actions["A1"].frequency == "weekly"
    # An amendment recorded on 2 February cannot have taken effect on 1 March.
    with pytest.raises(RuleBroken, match="in the future"):
        desk.write("correct", "ro1", amendment, fields={"effective_on": date(2026, 3, 1)}, reason="wrong date")


def test_a_void_withdraws_the_entry_on_both_clocks_from_when_it_applies(desk, plan):
    amendment = history(desk.app, plan)[-1]["event_id"]
    desk.at(date(2026, 3, 2))
    desk.write("void", "ro1", amendment, reason="entered on the wrong action")
    assert plan_as_at(desk.app, plan, effective_on=date(2026, 2, 10)).actions["A1"].frequency == "weekly"
    assert plan_as_at(desk.app, plan, recorded_at=_at(date(2026, 2, 10)), by="event").actions["A1"].frequency == "fortnightly"


def test_the_plan_before_it_existed_and_without_a_clock(desk, plan):
    with pytest.raises(NotFound):
        plan_as_at(desk.app, plan, recorded_at=_at(date(2026, 1, 4)), by="event")
    with pytest.raises(NotFound):
        plan_as_at(desk.app, plan, effective_on=date(2026, 1, 4))
    with pytest.raises(BadInput):
        plan_as_at(desk.app, plan)
    # The document renders any past state like the current one.
    old = plan_document(plan_as_at(desk.app, plan, effective_on=date(2026, 1, 5)))
    assert old["plan_id"] == str(plan) and old["actions"][0]["frequency"] == "weekly"
