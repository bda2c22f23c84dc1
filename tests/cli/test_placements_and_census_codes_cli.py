"""`placement record`, and the census codes of `plan open` and `plan close`, through the real
executable on SQLite and PostgreSQL: done (exit 0), refused by a rule (exit 1) or bad input
(exit 2), a refusal recording nothing."""

from __future__ import annotations

from tests.support import Shell, staffed


def _child(sh: Shell, ref: str) -> None:
    sh.ok("child", "add", ref, "--name", f"Child {ref}", "--born", "2016-04-01", actor="sw1")


def test_placements_are_recorded_shown_and_due(sh: Shell) -> None:
    staffed(sh)
    _child(sh, "S1")
    plan = sh.ok("plan", "open", "S1", "--kind", "care-plan", "--aim", "Long-term foster care", "--aim-option", "6",
                 "--on", "2026-03-09", actor="sw1").out.strip()
    sh.ok("placement", "record", plan[:8], "--on", "2026-03-02", "--emergency",
          "--placement", "Mr and Mrs Irvine, foster carers", actor="sw1")
    sh.ok("placement", "record", plan, "--on", "2026-04-06", "--long-term", "--json", actor="sw1")
    doc = sh.ok("show", plan, "--json").json()
    assert doc["placed_on"] == "2026-04-06"
    assert [(p["placed_on"], p["emergency"], p["long_term"]) for p in doc["placements"]] == [
        ("2026-03-02", True, False), ("2026-04-06", False, True)]
    rows = {r["what"]: r for r in sh.ok("due", "--on", "2026-03-20", "--json").json()}
    assert rows["care-plan-approval"]["due_on"] == "2026-03-16" and rows["care-plan-approval"]["overdue_days"] == 4
    events = sh.ok("history", plan, "--json").json()
    assert [e["type"] for e in events].count("placement-recorded") == 2


def test_a_placement_on_a_child_in_need_plan_is_refused_and_records_nothing(sh: Shell) -> None:
    staffed(sh)
    _child(sh, "S2")
    plan = sh.ok("plan", "open", "S2", "--kind", "child-in-need", "--aim", "Safe at home", "--on", "2026-03-02",
                 actor="sw1").out.strip()
    refused = sh.refused(1, "placement", "record", plan, "--on", "2026-03-05", actor="sw1")
    assert "placement" in refused.err and "child-in-need" in refused.err
    sh.refused(2, "placement", "record", plan, actor="sw1")  # --on is required
    sh.refused(1, "placement", "record", plan, "--on", "2026-03-05", actor="rc1")  # not a social worker


def test_census_codes_at_opening_and_closing(sh: Shell) -> None:
    staffed(sh)
    _child(sh, "S3")
    plan = sh.ok("plan", "open", "S3", "--kind", "child-in-need", "--aim", "Safe at home", "--referred",
                 "2026-02-23", "--referral-source", "3B", "--primary-need", "N1", "--on", "2026-03-02",
                 actor="sw1").out.strip()
    sh.refused(2, "plan", "open", "S3", "--kind", "initial", "--aim", "x", "--referral-source", "3G", actor="sw1")
    sh.refused(2, "plan", "close", plan, "--reason", "done", "--closure-reason", "RC10", actor="tm1")
    refused = sh.refused(1, "plan", "close", plan, "--reason", "done", "--closure-reason", "RC8", actor="tm1")
    assert "2990" in refused.err
    sh.ok("plan", "close", plan, "--reason", "needs met", "--closure-reason", "RC7", "--on", "2026-03-20",
          actor="tm1")
    doc = sh.ok("show", plan, "--json").json()
    assert (doc["referral_source"], doc["primary_need"], doc["closure_reason"]) == ("3B", "N1", "RC7")
