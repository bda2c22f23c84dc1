"""The SSDA903 commands through the command line on SQLite and PostgreSQL (issue 24):
episode codes on `placement record`, `placement end`, `missing record`, `review hold
--participation` and the child's previous permanence and motherhood; a wrong code exits 2
naming the valid ones, a broken episode rule exits 1, and a refusal records nothing."""

from __future__ import annotations

from tests.support import Shell, staffed


def _care_plan(sh: Shell, ref: str, *child: str) -> str:
    sh.ok("child", "add", ref, "--name", f"Child {ref}", "--born", "2012-05-01", "--sex", "F", *child, actor="sw1")
    return sh.ok("plan", "open", ref, "--kind", "care-plan", "--aim", "Home to mum", "--aim-option", "1",
                 "--on", "2025-05-01", actor="sw1").out.strip()


def test_episodes_are_coded_shown_ended_and_leave_the_due_list(sh: Shell) -> None:
    staffed(sh)
    plan = _care_plan(sh, "L1")
    sh.ok("placement", "record", plan, "--on", "2025-05-01", "--emergency", "--placement-type", "U6",
          "--legal-status", "L2", "--reason-new-episode", "S", "--provider", "PR1", "--need", "N1",
          "--postcode", "LS1 4AP", "--home-postcode", "LS6 2AA", "--urn", "SC123456", actor="sw1")
    sh.ok("placement", "record", plan, "--on", "2025-05-08", "--legal-status", "C1", "--reason-new-episode", "L",
          actor="sw1")
    sh.ok("review", "hold", plan, "--kind", "statutory", "--on", "2025-05-29", "--chair", "rc1",
          "--participation", "PN1", actor="rc1")
    shown = sh.ok("show", plan).out
    assert "U6" in shown and "PN1" in shown
    assert any(r["what"] == "looked-after-visit" for r in sh.ok("due", "--on", "2025-06-01", "--json").json())
    sh.ok("placement", "end", plan, "--on", "2025-06-20", "--reason", "E4A", actor="sw1")
    doc = sh.ok("show", plan, "--json").json()
    last = doc["placements"][-1]
    assert (last["legal_status"], last["ended_on"], last["end_reason"]) == ("C1", "2025-06-20", "E4A")
    assert [r["participation"] for r in doc["reviews"]] == ["PN1"]
    due = {r["what"] for r in sh.ok("due", "--on", "2025-07-01", "--json").json() if r["plan_id"] == plan}
    assert not {"looked-after-visit", "looked-after-review"} & due  # no longer looked after
    types = [e["type"] for e in sh.ok("history", plan, "--json").json()]
    assert "placement-ended" in types


def test_wrong_codes_exit_2_naming_the_valid_ones_and_record_nothing(sh: Shell) -> None:
    staffed(sh)
    plan = _care_plan(sh, "L2")
    refused = sh.refused(2, "placement", "record", plan, "--on", "2025-05-01", "--placement-type", "U9",
                         "--legal-status", "C2", "--reason-new-episode", "S", actor="sw1")
    assert "U9" in refused.err and "U6" in refused.err
    refused = sh.refused(2, "placement", "record", plan, "--on", "2025-05-01", "--placement-type", "U6",
                         "--legal-status", "C9", "--reason-new-episode", "S", actor="sw1")
    assert "C2" in refused.err
    sh.refused(2, "placement", "record", plan, "--on", "2025-05-01", "--placement-type", "U6",
               "--reason-new-episode", "S", actor="sw1")  # a first episode names its legal status
    sh.refused(1, "placement", "record", plan, "--on", "2025-05-01", "--placement-type", "U6",
               "--legal-status", "C2", "--reason-new-episode", "P", actor="sw1")  # not yet in care
    sh.refused(1, "placement", "end", plan, "--on", "2025-06-01", "--reason", "E4A", actor="sw1")
    sh.ok("placement", "record", plan, "--on", "2025-05-01", "--placement-type", "U6", "--legal-status", "C2",
          "--reason-new-episode", "S", actor="sw1")
    sh.refused(1, "placement", "record", plan, "--on", "2025-06-01", "--placement-type", "U4",
               "--legal-status", "C2", "--reason-new-episode", "S", actor="sw1")  # already in care
    refused = sh.refused(2, "placement", "end", plan, "--on", "2025-06-01", "--reason", "X1", actor="sw1")
    assert "E4A" in refused.err
    sh.refused(2, "placement", "record", plan, "--on", "2025-06-01", "--reason-new-episode", "L",
               "--change-reason", "CARPL", actor="sw1")  # a change reason needs a change of placement
    sh.refused(2, "review", "hold", plan, "--kind", "statutory", "--on", "2025-05-29", "--chair", "rc1",
               "--participation", "PN9", actor="rc1")
    sh.refused(2, "missing", "record", "L2", "--from", "2025-06-03", "--to", "2025-06-01", "--kind", "missing",
               actor="sw1")
    sh.refused(2, "missing", "record", "L2", "--from", "2025-06-03", "--kind", "lost", actor="sw1")


def test_missing_periods_and_the_childs_return_characteristics(sh: Shell) -> None:
    staffed(sh)
    _care_plan(sh, "L3", "--mother", "yes", "--mother-child-born", "2025-01-10", "--previous-permanence", "P2",
               "--previous-permanence-la", "E08000035", "--previous-permanence-date", "2019-03-01")
    sh.ok("missing", "record", "L3", "--from", "2025-06-03", "--to", "2025-06-04", "--kind", "missing", actor="sw1")
    sh.ok("missing", "record", "L3", "--from", "2025-07-10", "--kind", "away", actor="sw1")
    child = sh.ok("child", "show", "L3", "--json").json()
    assert child["previous_permanence"] == "P2" and child["mother"] is True
    assert [(m["kind"], m["ended"]) for m in child["missing"]] == [("missing", "2025-06-04"), ("away", None)]
    sh.refused(2, "child", "add", "L4", "--name", "x", "--born", "2012-01-01", "--previous-permanence", "P9",
               actor="sw1")
    sh.refused(2, "child", "add", "L4", "--name", "x", "--born", "2012-01-01", "--mother-child-born",
               "2025-01-01", actor="sw1")
