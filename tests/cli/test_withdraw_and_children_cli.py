"""Issue 25, items 1 and 6, through the command line on SQLite and PostgreSQL: a plan
opened in error is withdrawn (it leaves every list, due date and return, and stays whole
in history and the subject access export, marked with the reason); a child's record is
looked up (`child show`, `child list`) and corrected (`child correct`)."""

from __future__ import annotations

from tests.support import Shell, staffed


def _wrong_child_plan(sh: Shell) -> str:
    staffed(sh)
    sh.ok("child", "add", "K100", "--name", "Karen Hawthorne", "--born", "2023-02-01", "--sex", "F",
          "--on", "2025-01-06", actor="sw1")
    sh.ok("child", "add", "K101", "--name", "Kieran Hawthorne", "--born", "2021-05-01", "--sex", "M", actor="sw1")
    plan = sh.ok("plan", "open", "K100", "--kind", "child-protection", "--category", "neglect", "--aim", "Safe at home",
                 "--on", "2025-09-01", actor="sw1").out.strip()
    sh.ok("plan", "approve", plan, "--on", "2025-09-02", actor="tm1")
    return plan


def test_a_withdrawn_plan_leaves_every_list_and_return_and_stays_in_history(sh: Shell, tmp_path) -> None:  # type: ignore[no-untyped-def]
    plan = _wrong_child_plan(sh)
    assert [d["plan_id"] for d in sh.ok("due", "--on", "2026-06-01", "--json").json()] == [plan] * len(
        sh.ok("due", "--on", "2026-06-01", "--json").json())
    said = sh.ok("plan", "withdraw", plan, "--reason", "opened on the wrong child: the plan is Kieran's",
                 actor="ro1").out
    assert f"withdrew plan {plan} as opened in error" in said

    assert sh.ok("plans", "--json").json() == []
    assert sh.ok("plans", "--child", "K100", "--json").json() == []
    assert sh.ok("plans", "--status", "open", "--json").json() == []
    [withdrawn] = sh.ok("plans", "--status", "withdrawn", "--json").json()
    assert withdrawn["plan_id"] == plan and withdrawn["status"] == "withdrawn"
    assert sh.ok("due", "--on", "2026-06-01", "--json").json() == []
    census = tmp_path / "census.xml"
    sh.ok("export", "cin-census", "--year", "2026", "-o", str(census))
    assert "K100" not in census.read_text() and "CINdetails" not in census.read_text()

    shown = sh.ok("show", plan, "--json").json()
    assert shown["status"] == "withdrawn" and shown["withdraw_reason"].startswith("opened on the wrong child")
    history = sh.ok("history", plan, "--json").json()
    assert [h["type"] for h in history] == ["plan-opened", "plan-approved", "plan-withdrawn"]
    assert history[-1]["actor"] == "ro1" and history[-1]["reason"].startswith("opened on the wrong child")
    sar = sh.ok("export", "child", "K100", "--json").json()
    [held] = sar["plans"]
    assert held["plan_id"] == plan and held["plan"]["status"] == "withdrawn"
    assert sar["child"]["withdrawn_plans"][0]["plan_id"] == plan
    assert "plan-withdrawn" in [e["type"] for e in sar["events"]]
    html = tmp_path / "K100.html"
    sh.ok("export", "child", "K100", "-o", str(html))
    assert "opened in error" in html.read_text() and "the plan is Kieran" in html.read_text()

    child = sh.ok("child", "show", "K100", "--json").json()
    assert child["plans"] == [] and child["withdrawn_plans"][0]["withdraw_reason"].startswith("opened on the wrong")
    # The family is free again: the plan is opened on the right child, and on this one if need be.
    sh.ok("plan", "open", "K101", "--kind", "child-protection", "--category", "neglect", "--aim", "Safe at home",
          "--on", "2025-09-01", actor="sw1")
    sh.ok("plan", "open", "K100", "--kind", "child-in-need", "--aim", "Support", "--on", "2025-09-01", actor="sw1")
    assert sh.ok("verify", "--json").json()["intact"] is True


def test_withdrawal_refusals_record_nothing(sh: Shell) -> None:
    plan = _wrong_child_plan(sh)
    assert "records-officer" in sh.refused(1, "plan", "withdraw", plan, "--reason", "x", actor="tm1").err
    sh.refused(2, "plan", "withdraw", plan, actor="ro1")  # no reason
    sh.refused(2, "plan", "withdraw", plan, "--reason", " ", actor="ro1")
    sh.refused(2, "plan", "withdraw", "00000000-0000-0000-0000-000000000000", "--reason", "x", actor="ro1")
    sh.ok("plan", "close", plan, "--reason", "closed to get it off the lists", actor="tm1")
    sh.ok("plan", "withdraw", plan, "--reason", "opened on the wrong child", actor="ro1")  # closed plans too
    sh.refused(1, "plan", "withdraw", plan, "--reason", "again", actor="ro1")
    refused = sh.refused(1, "visit", "record", plan, "--on", "2025-09-20", actor="sw1")
    assert "withdrawn" in refused.err


def test_child_show_list_and_correct(sh: Shell) -> None:
    plan = _wrong_child_plan(sh)
    child = sh.ok("child", "show", "K100", "--json").json()
    assert {"child", "name", "born", "sex", "upn", "restricted", "plans"} <= set(child)
    assert (child["child"], child["name"], child["born"], child["sex"], child["upn"], child["restricted"]) == (
        "K100", "Karen Hawthorne", "2023-02-01", "F", None, False)
    assert [p["plan_id"] for p in child["plans"]] == [plan] and child["record_opened_on"] == "2025-01-06"
    text = sh.ok("child", "show", "K100").out
    assert "Karen Hawthorne (K100)" in text and plan in text

    assert [c["child"] for c in sh.ok("child", "list", "hawth", "--json").json()] == ["K100", "K101"]
    assert [c["child"] for c in sh.ok("child", "list", "KIERAN", "--json").json()] == ["K101"]
    assert [c["child"] for c in sh.ok("child", "list", "k10", "--json").json()] == ["K100", "K101"]
    assert sh.ok("child", "list", "%", "--json").json() == []  # a wildcard is a character like any other
    assert sh.ok("child", "list", "--json").json()[0]["open_plans"] == 1
    assert "Kieran Hawthorne" in sh.ok("child", "list").out

    corrected = sh.ok("child", "correct", "K100", "--set", "born=2023-02-11", "--set", "name=Karen Hawthorn",
                      "--reason", "registration mistyped", actor="ro1")
    event_id = corrected.out.strip()
    assert event_id.endswith("/3") and "corrected" in corrected.err  # registered, plan started, corrected
    assert sh.ok("child", "show", "K100", "--json").json()["born"] == "2023-02-11"
    assert sh.ok("child", "list", "hawthorn", "--json").json()[0]["name"] == "Karen Hawthorn"
    sar = sh.ok("export", "child", "K100", "--json").json()
    [correction] = sar["corrections"]
    assert correction["event_id"] == event_id and {f["field"] for f in correction["fields"]} == {"born", "name"}
    assert sh.ok("child", "correct", "K100", "--set", "effective_on=2025-01-07", "--reason", "opened a day later",
                 "--json", actor="ro1").json()["event_id"]

    sh.refused(1, "child", "correct", "K100", "--set", "upn=A123", "--reason", "x", actor="sw1")
    sh.refused(2, "child", "correct", "K100", "--set", "child_ref=K999", "--reason", "x", actor="ro1")
    sh.refused(2, "child", "correct", "K100", "--set", "colour=red", "--reason", "x", actor="ro1")
    sh.refused(2, "child", "correct", "K100", "--set", "born=2023-02-30", "--reason", "x", actor="ro1")
    sh.refused(2, "child", "correct", "NOBODY", "--set", "name=X", "--reason", "x", actor="ro1")
    sh.refused(2, "child", "show", "NOBODY")
