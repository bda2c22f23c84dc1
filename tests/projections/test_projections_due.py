"""What is due and overdue on a fixed date, for every row of the timescales table (DOMAIN.md)."""

from __future__ import annotations

from datetime import date

import pytest

from plantrail.domain.errors import BadInput
from plantrail.projections.due import due
from plantrail.projections.timescales import add_months, add_working_days, load_policy


def _items(desk, on, pid=None, only=None, **kw):
    rows = due(desk.app, on, **kw)
    return {(r["what"], r["due_on"], r["overdue_days"]) for r in rows
            if (pid is None or r["plan_id"] == str(pid)) and (only is None or r["what"] in only)}


# The looked-after review cycle; the looked-after child's records (PEP, health assessment, ...)
# are tested in tests/cli/test_guidance_cli.py.
LAC = ("looked-after-review", "looked-after-visit")


@pytest.fixture
def late(desk):
    """Writes may be back-dated to any day up to 1 December 2026."""
    return desk.at(date(2026, 12, 1))


# ------------------------------------------------------------------ calendar (no store)


def test_working_days_skip_weekends_and_the_nations_bank_holidays():
    # Thursday 26 March 2026 + 7 working days: Good Friday (3 April) is a bank holiday
    # everywhere, Easter Monday (6 April) in England and Wales but not in Scotland.
    assert add_working_days(date(2026, 3, 26), 7, "england") == date(2026, 4, 8)
    assert add_working_days(date(2026, 3, 26), 7, "wales") == date(2026, 4, 8)
    assert add_working_days(date(2026, 3, 26), 7, "scotland") == date(2026, 4, 7)
    # 2 January is a bank holiday in Scotland only.
    assert add_working_days(date(2025, 12, 31), 1, "england") == date(2026, 1, 2)
    assert add_working_days(date(2025, 12, 31), 1, "scotland") == date(2026, 1, 5)
    assert add_working_days(date(2026, 3, 6), 1, "england") == date(2026, 3, 9)  # Friday → Monday


def test_months_end_on_the_last_day_of_a_short_month():
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2026, 11, 30), 3) == date(2027, 2, 28)
    assert add_months(date(2026, 6, 2), 6) == date(2026, 12, 2)


def test_the_policy_is_a_toml_file_a_local_authority_may_override(tmp_path, monkeypatch):
    defaults = load_policy()
    assert defaults["cin_visit"]["every_weeks"] == 4 and defaults["report"]["window_days"] == 14
    mine = tmp_path / "la.toml"
    mine.write_text("[cin_visit]\nevery_weeks = 2\n")
    assert load_policy(mine)["cin_visit"]["every_weeks"] == 2
    assert load_policy(mine)["cin_review"]["every_weeks"] == 6  # the rest stay the defaults
    monkeypatch.setenv("PLANTRAIL_TIMESCALES", str(mine))
    assert load_policy()["cin_visit"]["every_weeks"] == 2
    mine.write_text("[cin_visit]\nevery_week = 2\n")
    with pytest.raises(BadInput, match="every_week"):
        load_policy(mine)


def test_a_settings_file_that_is_not_text_is_bad_input(tmp_path):
    """The timescales' and the retention schedule's files (one reader): bytes that are not UTF-8,
    or tables nested past what the reader follows, are bad input naming the file, not an
    unexpected error (every command loads the schedule where PLANTRAIL_RETENTION names one)."""
    from plantrail.projections.retention import load_schedule

    binary = tmp_path / "la.toml"
    binary.write_bytes(b"[cin_visit]\nevery_weeks = 2 # \xff\n")
    for load in (load_policy, load_schedule):
        with pytest.raises(BadInput, match=r"la.toml is not UTF-8 text \(byte 31 is 0xff\)"):
            load(binary)
    deep = tmp_path / "deep.toml"
    deep.write_text("a = " + "{b=" * 2000 + "1" + "}" * 2000 + "\n")
    for load in (load_policy, load_schedule):
        with pytest.raises(BadInput, match="deep.toml is not a settings file: its tables nest too deep"):
            load(deep)


# ------------------------------------------------------------------ every row of the table


def test_childs_plan_approval_cin_review_and_visit(late):
    desk = late
    desk.child("K1")
    pid = desk.plan("K1", on=date(2026, 3, 26))  # the first CIN meeting (a Thursday)
    # On 10 April: approval (7 working days, Easter in between) is 2 days late; the first
    # visit (4 weeks) falls due within the fortnight; the review (6 weeks) is further off.
    assert _items(desk, date(2026, 4, 10)) == {("plan-approval", "2026-04-08", 2),
                                                ("cin-visit", "2026-04-23", -13)}
    assert ("cin-review", "2026-05-07", -13) in _items(desk, date(2026, 4, 24))
    desk.write("approve_plan", "tm1", pid, on=date(2026, 4, 9))
    desk.write("record_visit", "sw1", pid, on=date(2026, 4, 20))
    desk.review(pid, on=date(2026, 5, 5))
    assert _items(desk, date(2026, 6, 2)) == {("cin-review", "2026-06-16", -14), ("cin-visit", "2026-05-18", 15)}
    # A review may set its next date further off, but "the plan is then reviewed every six
    # weeks" (seed 004): never more than 6 weeks away ([cin_review] max_weeks).
    desk.review(pid, on=date(2026, 6, 15), next_review=date(2027, 3, 1))
    assert ("cin-review", "2026-07-27", 0) in _items(desk, date(2026, 7, 27))
    desk.review(pid, on=date(2026, 7, 1), next_review=date(2026, 8, 1))
    assert ("cin-review", "2026-08-01", 3) in _items(desk, date(2026, 8, 4))


def test_approval_in_scotland_counts_scottish_bank_holidays(late):
    desk = late
    desk.child("S1", nation="scotland")
    desk.plan("S1", on=date(2026, 3, 26))
    assert ("plan-approval", "2026-04-07", 3) in _items(desk, date(2026, 4, 10))


def test_initial_plan_review_and_end(late):
    desk = late
    desk.child("K2")
    pid = desk.plan("K2", kind="initial", on=date(2026, 2, 2))
    assert _items(desk, date(2026, 3, 2)) == {("initial-plan-review", "2026-03-16", -14)}  # from opening
    desk.write("approve_plan", "tm1", pid, on=date(2026, 2, 4))
    assert _items(desk, date(2026, 3, 10)) == {("initial-plan-review", "2026-03-18", -8)}  # 6 weeks from approval
    review = desk.review(pid, on=date(2026, 3, 16))
    desk.write("extend_initial_plan", "tm1", pid, review_id=review, until=date(2026, 4, 20))
    assert _items(desk, date(2026, 4, 22)) == {("initial-plan-end", "2026-04-20", 2)}


def test_child_protection_core_group_and_review_conferences(late):
    desk = late
    desk.child("K3")
    pid = desk.plan("K3", kind="child-protection", category="neglect", on=date(2026, 3, 2))
    desk.write("approve_plan", "tm1", pid, on=date(2026, 3, 4))
    # Core group within 10 working days of the initial conference; first review within 3 months.
    assert _items(desk, date(2026, 3, 10)) == {("cp-core-group", "2026-03-16", -6)}
    assert _items(desk, date(2026, 5, 25)) == {("cp-core-group", "2026-03-16", 70),
                                               ("cp-review-conference", "2026-06-02", -8)}
    desk.review(pid, on=date(2026, 3, 12), kind="core-group")
    desk.review(pid, on=date(2026, 5, 28), kind="cp-review-conference")
    # Then 6 months; the core group "should meet regularly" (seed 000): 6 weeks from the last.
    assert _items(desk, date(2026, 11, 20)) == {("cp-review-conference", "2026-11-28", -8),
                                                ("cp-core-group", "2026-04-23", 211)}


def test_a_plan_becoming_child_protection_counts_from_that_conference(late):
    desk = late
    desk.child("K4")
    pid = desk.plan("K4", on=date(2026, 1, 5))
    desk.write("approve_plan", "tm1", pid, on=date(2026, 1, 7))
    review = desk.review(pid, on=date(2026, 3, 2), kind="initial-cp-conference")
    desk.write("change_kind", "rc1", pid, kind="child-protection", review_id=review, category="emotional")
    assert _items(desk, date(2026, 3, 20)) == {("cp-core-group", "2026-03-16", 4)}
    assert ("cp-review-conference", "2026-06-02", -4) in _items(desk, date(2026, 5, 29))


def test_looked_after_reviews_and_visits(late):
    desk = late
    desk.child("K5")
    desk.child("S5", nation="scotland")
    pid = desk.plan("K5", kind="care-plan", aim="to stay with foster carers until 18", aim_option=6,
                    on=date(2026, 3, 23))
    scot = desk.plan("S5", kind="care-plan", aim="to go home", aim_option=3, on=date(2026, 3, 23))
    # First review within 20 working days (Easter: 21 April in Scotland, 22 in England);
    # first visit within a week.
    assert _items(desk, date(2026, 4, 10), pid, LAC) == {("looked-after-review", "2026-04-22", -12),
                                                    ("looked-after-visit", "2026-03-30", 11)}
    assert ("looked-after-review", "2026-04-21", -11) in _items(desk, date(2026, 4, 10), scot)
    desk.write("record_visit", "sw1", pid, on=date(2026, 3, 27))
    desk.review(pid, on=date(2026, 4, 20), kind="statutory")
    # Second review within 3 months of the first; visits every 6 weeks.
    assert _items(desk, date(2026, 7, 10), pid, LAC) == {("looked-after-review", "2026-07-20", -10),
                                                    ("looked-after-visit", "2026-05-08", 63)}
    desk.review(pid, on=date(2026, 7, 15), kind="statutory")
    desk.write("record_visit", "sw1", pid, on=date(2026, 7, 15))
    assert _items(desk, date(2027, 1, 10), pid, LAC) == {("looked-after-review", "2027-01-15", -5),
                                                    ("looked-after-visit", "2026-08-26", 137)}


def test_closed_plans_have_nothing_due_and_the_window_is_configurable(late, tmp_path):
    desk = late
    desk.child("K6")
    pid = desk.plan("K6", on=date(2026, 3, 26))
    assert ("cin-visit", "2026-04-23", -20) not in _items(desk, date(2026, 4, 3))  # 20 days off: outside 14
    wide = tmp_path / "wide.toml"
    wide.write_text("[report]\nwindow_days = 30\n")
    assert ("cin-visit", "2026-04-23", -20) in _items(desk, date(2026, 4, 3), policy=wide)
    desk.write("close_plan", "tm1", pid, reason="needs met", on=date(2026, 4, 1))
    assert _items(desk, date(2026, 6, 1)) == set()


def test_rows_carry_the_contract_fields_soonest_first(late):
    desk = late
    desk.child("K7")
    desk.plan("K7", on=date(2026, 3, 26))
    rows = due(desk.app, date(2026, 5, 1))
    assert [r["due_on"] for r in rows] == sorted(r["due_on"] for r in rows)
    assert all({"plan_id", "child", "what", "due_on", "overdue_days", "basis"} <= set(r) for r in rows)
    assert rows[0]["child"] == "K7"


def test_a_settings_file_given_by_option_is_not_said_to_come_from_the_environment(tmp_path, monkeypatch):
    """`retention due --schedule FILE` that cannot be read is not told to unset the variable it
    did not come from; one named by PLANTRAIL_RETENTION (or PLANTRAIL_TIMESCALES) is."""
    from plantrail.projections.retention import load_schedule

    missing = tmp_path / "none.toml"
    for load, variable in ((load_schedule, "PLANTRAIL_RETENTION"), (load_policy, "PLANTRAIL_TIMESCALES")):
        with pytest.raises(BadInput) as given:
            load(missing)
        assert "unset" not in given.value.fix
        monkeypatch.setenv(variable, str(missing))
        with pytest.raises(BadInput) as named:
            load()
        assert f"unset {variable}" in named.value.fix
