"""The census's commands through the command line on SQLite and PostgreSQL (CLI.md,
"Statutory returns"): `child add` characteristics, `referral record`, `assessment record`,
`s47 record`, and `export cin-census` saying on stderr what it left out, a line each. A
refusal is one plain line or two, the contract's exit code, and records nothing."""

from __future__ import annotations

from tests.support import Shell, staffed


def test_the_census_modules_are_recorded_shown_and_exported(sh: Shell) -> None:
    staffed(sh)
    sh.ok("child", "add", "K7", "--name", "Kim Seven", "--born", "2015-02-02", "--sex", "F", "--ethnicity", "WBRI",
          "--disability", "MOB", "--disability", "VIS", "--upn", "P201123456789", actor="sw1")
    assert sh.ok("referral", "record", "K7", "--on", "2026-09-07", "--source", "2A", "--primary-need", "N1",
                 actor="sw1").out.strip() == "R1"
    assert sh.ok("assessment", "record", "K7", "--started", "2026-09-07", "--authorised", "2026-09-18",
                 "--factor", "3B", "--factor", "4B", actor="sw1").out.strip() == "A1"
    assert sh.ok("s47", "record", "K7", "--started", "2026-09-08", "--icpc-required", "yes", "--icpc", "2026-09-21",
                 actor="sw1").out.strip() == "S1"
    plan = sh.ok("plan", "open", "K7", "--kind", "child-protection", "--category", "neglect", "--aim", "Safe.",
                 "--referred", "2026-09-07", "--on", "2026-09-21", actor="sw1").out.strip()
    doc = sh.ok("child", "show", "K7", "--json").json()
    assert (doc["ethnicity"], doc["disabilities"], doc["upn"]) == ("WBRI", ["MOB", "VIS"], "P201123456789")
    assert [r["referral_id"] for r in doc["referrals"]] == ["R1"]
    assert doc["assessments"][0]["factors"] == ["3B", "4B"] and doc["s47_enquiries"][0]["icpc"] == "2026-09-21"
    assert "Referrals" in sh.ok("child", "show", "K7").out
    access = sh.ok("export", "child", "K7", "--json").json()
    types = [e["type"] for e in access["child_record_events"]]
    assert {"referral-recorded", "assessment-recorded", "s47-recorded"} <= set(types)
    history = [e["type"] for e in sh.ok("history", "K7", "--json").json()]
    assert history == ["child-registered", "referral-recorded", "assessment-recorded", "s47-recorded",
                       "child-plan-started"]
    sh.refused(2, "history", "NOSUCH")

    # A plan with no referral and a withdrawn plan: left out, a line each on stderr.
    sh.ok("child", "add", "K8", "--name", "Kay Eight", "--born", "2016-03-03", actor="sw1")
    sh.ok("plan", "open", "K8", "--kind", "child-in-need", "--aim", "Safe.", "--on", "2026-10-05", actor="sw1")
    wrong = sh.ok("plan", "open", "K8", "--kind", "care-plan", "--aim", "Home.", "--aim-option", "3",
                  "--on", "2026-10-06", actor="sw1").out.strip()
    sh.ok("plan", "withdraw", wrong, "--reason", "opened in error", actor="ro1")
    result = sh.ok("export", "cin-census", "--year", "2027")
    assert "<LAchildID>K7</LAchildID>" in result.out and "<S47ActualStartDate>2026-09-08" in result.out
    assert "<LAchildID>K8</LAchildID>" not in result.out
    left_out = [line for line in result.err.splitlines() if line.startswith("left out: ")]
    assert len(left_out) == 2 and any(wrong in line and "withdrawn" in line for line in left_out)
    assert any("child K8" in line and "no referral" in line for line in left_out)
    assert result.err.splitlines()[0].startswith("not held by plantrail, so never in the return: InitialCPCtarget")
    assert plan


def test_refusals_record_nothing(sh: Shell) -> None:
    staffed(sh)
    sh.refused(2, "child", "add", "K9", "--name", "K", "--born", "2015-02-02", "--upn", "A123456789012", actor="sw1")
    sh.refused(2, "child", "add", "K9", "--name", "K", "--born", "2015-02-02", "--disability", "NONE",
               "--disability", "VIS", actor="sw1")
    sh.ok("child", "add", "K9", "--name", "K", "--born", "2015-02-02", actor="sw1")
    sh.refused(1, "assessment", "record", "K9", "--started", "2026-09-07", actor="sw1")  # no referral yet
    sh.refused(2, "referral", "record", "K9", "--on", "2026-09-07", "--source", "ZZ", actor="sw1")
    sh.refused(2, "referral", "record", "K9", "--source", "2A", actor="sw1")  # --on is required
    sh.refused(1, "referral", "record", "K9", "--on", "2026-09-07", "--source", "2A", actor="rc1")  # not a social worker
    sh.ok("referral", "record", "K9", "--on", "2026-09-07", "--source", "2A", "--nfa", actor="sw1")
    sh.refused(1, "s47", "record", "K9", "--started", "2026-09-08", actor="sw1")  # after no further action
    sh.refused(2, "s47", "record", "K9", "--started", "2026-09-08", "--icpc-required", "maybe", actor="sw1")
    sh.ok("child", "correct", "K9", "--set", "disabilities=HAND,VIS", "--set", "ethnicity=NOBT",
          "--reason", "asked the family", actor="ro1")
    sh.refused(1, "child", "correct", "K9", "--set", "disabilities=NONE,VIS", "--reason", "x", actor="ro1")
    assert sh.ok("child", "show", "K9", "--json").json()["disabilities"] == ["HAND", "VIS"]
    # The reason a UPN was not held gives way to the UPN, the reason cleared by an empty value.
    sh.ok("child", "correct", "K9", "--set", "upn_unknown=UN5", "--reason", "no UPN found", actor="ro1")
    sh.refused(1, "child", "correct", "K9", "--set", "upn=P201123456789", "--reason", "x", actor="ro1")
    sh.ok("child", "correct", "K9", "--set", "upn=P201123456789", "--set", "upn_unknown=", "--reason", "from school",
          actor="ro1")
    shown = sh.ok("child", "show", "K9", "--json").json()
    assert (shown["upn"], shown["upn_unknown"]) == ("P201123456789", None)
