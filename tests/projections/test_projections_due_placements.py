"""What is due once a looked-after child is placed (DOMAIN.md, "Timescales"; seed 003), on
fixed dates, on both stores: the rows "Care Plan" and "Looked-after visit", and the
looked-after review counted from the first placement. (The other rows of the table are in
test_projections_due.py.)"""

from __future__ import annotations

from datetime import date

import pytest

from plantrail.projections.due import due
from plantrail.projections.timescales import load_policy


def _items(desk, on, pid=None, **kw):
    rows = due(desk.app, on, **kw)
    return {(r["what"], r["due_on"], r["overdue_days"]) for r in rows if pid is None or r["plan_id"] == str(pid)}


def _whats(desk, on, pid, **kw):
    return {what: due_on for what, due_on, _ in _items(desk, on, pid, **kw)}


@pytest.fixture
def late(desk):
    """Writes may be back-dated to any day up to 1 December 2026."""
    return desk.at(date(2026, 12, 1))


def _care_plan(desk, ref, on, **kw):
    desk.child(ref)
    return desk.plan(ref, kind="care-plan", aim="to stay with foster carers until 18", aim_option=6, on=on, **kw)


def _place(desk, pid, on, **kw):
    desk.write("record_placement", "sw1", pid, on=on, **kw)


# ------------------------------------------------------------------ Care Plan: before placement, or 14 days


def test_a_care_plan_is_due_by_a_planned_placement(late):
    desk = late
    pid = _care_plan(desk, "P1", date(2026, 3, 2))
    assert "care-plan-approval" not in _whats(desk, date(2026, 3, 10), pid)  # no placement: no deadline
    _place(desk, pid, date(2026, 3, 16), placement="Mr and Mrs Irvine")
    assert ("care-plan-approval", "2026-03-16", -6) in _items(desk, date(2026, 3, 10), pid)
    assert ("care-plan-approval", "2026-03-16", 4) in _items(desk, date(2026, 3, 20), pid)
    desk.write("approve_plan", "tm1", pid, on=date(2026, 3, 19))
    assert "care-plan-approval" not in _whats(desk, date(2026, 3, 20), pid)


def test_an_emergency_placement_gives_14_days_counted_from_the_first_placement(late):
    desk = late
    pid = _care_plan(desk, "P2", date(2026, 3, 9))
    _place(desk, pid, date(2026, 3, 2), emergency=True)  # placed a week before the plan opened
    _place(desk, pid, date(2026, 3, 12), placement="Planned move")  # a move does not restart the clock
    assert ("care-plan-approval", "2026-03-16", 4) in _items(desk, date(2026, 3, 20), pid)


def test_a_short_breaks_plan_with_a_placement_needs_its_part_one_by_then(late):
    desk = late
    desk.child("P3")
    pid = desk.plan("P3", kind="child-in-need-short-breaks", aim="short breaks", aim_option=1, on=date(2026, 3, 2))
    _place(desk, pid, date(2026, 3, 6), placement="Short-break carers")
    whats = _whats(desk, date(2026, 3, 9), pid)
    assert whats["care-plan-approval"] == "2026-03-06"
    assert whats["plan-approval"] == "2026-03-11"  # the Child's Plan's own 7 working days still apply
    assert "looked-after-visit" not in whats  # visits and reviews follow the CIN rules (documented)


# ------------------------------------------------------------------ looked-after review from the first placement


def test_the_looked_after_review_counts_from_the_first_placement(late):
    desk = late
    pid = _care_plan(desk, "P4", date(2026, 3, 2))
    # No placement: 20 working days from the plan's start.
    assert _whats(desk, date(2026, 3, 25), pid)["looked-after-review"] == "2026-03-30"
    _place(desk, pid, date(2026, 3, 16))
    # From the placement: 20 working days over Easter (3 and 6 April are bank holidays in England).
    assert _whats(desk, date(2026, 4, 10), pid)["looked-after-review"] == "2026-04-15"
    _place(desk, pid, date(2026, 4, 1), placement="a move")
    assert _whats(desk, date(2026, 4, 10), pid)["looked-after-review"] == "2026-04-15"  # a move does not restart it
    desk.review(pid, on=date(2026, 4, 14), kind="statutory")
    assert _whats(desk, date(2026, 7, 10), pid)["looked-after-review"] == "2026-07-14"  # then 3 months


# ------------------------------------------------------------------ looked-after visits


def test_visits_a_week_after_placement_then_six_weekly_then_three_monthly_when_long_term(late):
    desk = late
    pid = _care_plan(desk, "P5", date(2025, 5, 26))
    desk.write("approve_plan", "tm1", pid, on=date(2025, 5, 28))
    _place(desk, pid, date(2025, 6, 2), long_term=True)
    assert ("looked-after-visit", "2025-06-09", 1) in _items(desk, date(2025, 6, 10), pid)  # within a week
    desk.write("record_visit", "sw1", pid, on=date(2025, 6, 5))
    assert _whats(desk, date(2025, 7, 10), pid)["looked-after-visit"] == "2025-07-17"  # 6 weeks
    desk.write("record_visit", "sw1", pid, on=date(2026, 5, 20))  # still the placement's first year
    assert _whats(desk, date(2026, 6, 25), pid)["looked-after-visit"] == "2026-07-01"
    desk.write("record_visit", "sw1", pid, on=date(2026, 6, 10))  # after it, in a long-term placement
    assert ("looked-after-visit", "2026-09-10", -9) in _items(desk, date(2026, 9, 1), pid)


def test_a_placement_that_is_not_long_term_stays_six_weekly(late):
    desk = late
    pid = _care_plan(desk, "P6", date(2025, 5, 26))
    _place(desk, pid, date(2025, 6, 2))
    desk.write("record_visit", "sw1", pid, on=date(2026, 6, 10))
    assert _whats(desk, date(2026, 7, 20), pid)["looked-after-visit"] == "2026-07-22"


def test_a_move_needs_a_visit_within_a_week_of_the_new_placement(late):
    desk = late
    pid = _care_plan(desk, "P7", date(2026, 3, 2))
    _place(desk, pid, date(2026, 3, 2))
    desk.write("record_visit", "sw1", pid, on=date(2026, 3, 6))
    _place(desk, pid, date(2026, 10, 5), placement="new foster carers")
    assert ("looked-after-visit", "2026-10-12", 2) in _items(desk, date(2026, 10, 14), pid)
    desk.write("record_visit", "sw1", pid, on=date(2026, 10, 9))
    assert _whats(desk, date(2026, 11, 15), pid)["looked-after-visit"] == "2026-11-20"


# ------------------------------------------------------------------ the numbers are the local authority's


def test_the_placement_numbers_are_in_the_policy_file(late, tmp_path):
    defaults = load_policy()
    assert defaults["care_plan"] == {"planned_days": 0, "emergency_days": 14}
    assert defaults["looked_after_visit"] == {"first_days": 7, "every_weeks": 6, "first_year_months": 12,
                                              "long_term_every_months": 3}
    desk = late
    pid = _care_plan(desk, "P8", date(2025, 5, 26))
    _place(desk, pid, date(2025, 6, 2), emergency=True, long_term=True)
    desk.write("record_visit", "sw1", pid, on=date(2025, 12, 3))
    mine = tmp_path / "la.toml"
    mine.write_text("[report]\nwindow_days = 400\n[care_plan]\nemergency_days = 10\n"
                    "[looked_after_visit]\nfirst_year_months = 6\nlong_term_every_months = 4\n")
    whats = _whats(desk, date(2025, 12, 5), pid, policy=mine)
    assert whats["care-plan-approval"] == "2025-06-12"
    assert whats["looked-after-visit"] == "2026-04-03"  # the first "year" is 6 months here; then 4-monthly


# ------------------------------------------------------------------ every row of DOMAIN.md's table

# Each row of DOMAIN.md, "Timescales", and the `due` items that report it.
TABLE_ROWS = {
    "Initial Plan review / end": {"initial-plan-review", "initial-plan-end"},
    "Child's Plan approval": {"plan-approval"},
    "CIN plan review": {"cin-review"},
    "CIN visit": {"cin-visit"},
    "CP core group": {"cp-core-group"},
    "CP review conference": {"cp-review-conference"},
    "Looked-after review": {"looked-after-review"},
    "Care Plan": {"care-plan-approval"},
    "Looked-after visit": {"looked-after-visit"},
}


def test_every_row_of_the_timescales_table_has_its_items(late, tmp_path):
    desk = late
    for ref in ("R1", "R2", "R3", "R4"):
        desk.child(ref)
    desk.plan("R1", kind="initial", on=date(2026, 9, 1))
    extended = desk.plan("R2", kind="initial", on=date(2026, 9, 1))
    review = desk.review(extended, on=date(2026, 10, 1))
    desk.write("extend_initial_plan", "tm1", extended, review_id=review, until=date(2026, 11, 1))
    desk.plan("R3", on=date(2026, 9, 1))
    desk.plan("R4", kind="child-protection", category="neglect", on=date(2026, 9, 1))
    care = _care_plan(desk, "R5", date(2026, 9, 1))
    _place(desk, care, date(2026, 9, 10), emergency=True)
    wide = tmp_path / "wide.toml"
    wide.write_text("[report]\nwindow_days = 365\n")
    found = {what for what, _, _ in _items(desk, date(2026, 11, 20), policy=wide)}
    for row, whats in TABLE_ROWS.items():
        assert whats <= found, f"{row}: {whats - found} not reported"
