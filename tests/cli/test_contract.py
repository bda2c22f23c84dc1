"""The whole contract of CLI.md, through the command line, on SQLite and PostgreSQL."""

from __future__ import annotations

import json

from tests.support import Shell, staffed

KAREN_AIM = ("For Karen to attain and maintain satisfactory developmental progress within a safe family "
             "and home environment by the date of the second review conference.")


def open_cp_plan(sh: Shell) -> str:
    sh.ok("child", "add", "K100", "--name", "Karen Hawthorne", "--born", "2023-02-01", "--sex", "F", actor="sw1")
    plan_id = sh.ok("plan", "open", "K100", "--kind", "child-protection", "--category", "neglect",
                    "--aim", KAREN_AIM, "--on", "2026-03-02", actor="sw1").out.strip()
    assert len(plan_id) == 36
    return plan_id


def test_a_plan_recorded_reviewed_and_read_back(sh: Shell) -> None:
    staffed(sh)
    plan = open_cp_plan(sh)
    action = sh.ok("action", "add", plan, "--area", "health", "--need", "Weight below the third centile",
                   "--response", "Weekly weighing at the clinic", "--frequency", "weekly",
                   "--responsible", "Health visitor", "--starts", "2026-03-09",
                   "--outcome", "Karen gains weight steadily", "--on", "2026-03-02", actor="sw1").out.strip()
    assert action == "A1"
    sh.ok("plan", "approve", plan[:8], "--on", "2026-03-03", actor="tm2")
    sh.ok("view", "add", plan, "--party", "parent", "--name", "Ms Hawthorne", "--text", "Agrees with help",
          "--on", "2026-03-03", actor="sw1")
    sh.ok("sign", plan, "--party", "parent", "--name", "Ms Hawthorne", "--agrees", "no", "--on", "2026-03-03",
          actor="sw1")
    sh.ok("contact", "add", plan, "--person", "Mr Hawthorne", "--relationship", "father",
          "--arrangement", "none", actor="sw1")
    sh.ok("visit", "record", plan, "--on", "2026-03-20", "--seen-alone", "yes", actor="sw1")
    sh.ok("supervision", "record", plan, "--on", "2026-03-25", "--note", "plan fits", actor="sw1")
    sh.ok("plan", "distribute", plan, "--to", "Ms Hawthorne", "--to", "Health visitor", actor="sw1")
    review = sh.ok("review", "hold", plan, "--kind", "cp-review-conference", "--on", "2026-06-01",
                   "--chair", "rc1", "--next-review", "2026-12-01", "--rate", "A1=partly",
                   "--json", actor="rc1").json()["review_id"]
    assert review == "R1"
    sh.ok("action", "amend", plan, "A1", "--frequency", "twice weekly", "--discussed-with", "Ms Hawthorne",
          "--reason", "weight still falling", "--on", "2026-06-10", actor="sw1")

    shown = sh.ok("show", plan, "--json").json()
    assert shown["plan_id"] == plan and shown["child"] == "K100" and shown["kind"] == "child-protection"
    assert shown["status"] == "open" and shown["aim"] == KAREN_AIM
    [act] = shown["actions"]
    assert {k: act[k] for k in ("action_id", "area", "frequency", "responsible", "starts", "outcomes")} == {
        "action_id": "A1", "area": "health", "frequency": "twice weekly", "responsible": "Health visitor",
        "starts": "2026-03-09", "outcomes": ["Karen gains weight steadily"]}
    assert shown["views"] and shown["signatures"] and shown["reviews"]
    assert shown["next_review"] == "2026-12-01"

    changes = sh.ok("changes", plan, "--json").json()
    assert changes["since"]["review_id"] == "R1"
    [change] = [c for c in changes["changes"] if c["field"] == "frequency"]
    assert (change["before"], change["after"], change["initials"], change["effective_on"]) == (
        "weekly", "twice weekly", "MG", "2026-06-10")
    assert change["actor"] == "sw1" and change["event_id"]

    history = sh.ok("history", plan, "--json").json()
    assert [h["type"] for h in history][0] == "plan-opened"
    assert all({"event_id", "position", "type", "recorded_at", "effective_on", "actor", "data"} <= set(h)
               for h in history)
    positions = [h["position"] for h in history]
    assert positions == sorted(positions)

    plans = sh.ok("plans", "--json").json()
    assert [p["plan_id"] for p in plans] == [plan]
    assert sh.ok("plans", "--status", "closed", "--json").json() == []
    due = sh.ok("due", "--on", "2026-11-25", "--json").json()
    assert all({"plan_id", "what", "due_on", "overdue_days"} <= set(d) for d in due)

    verify = sh.ok("verify", "--json").json()
    assert verify["intact"] is True and verify["events_checked"] == sh.events()
    status = sh.ok("projections", "status", "--json").json()
    assert status


def test_corrections_and_voids_keep_the_original(sh: Shell) -> None:
    staffed(sh)
    plan = open_cp_plan(sh)
    sh.ok("action", "add", plan, "--area", "health", "--need", "n", "--response", "r", "--frequency", "weekly",
          "--responsible", "HV", "--starts", "2026-03-09", "--outcome", "o", actor="sw1")
    added = [h for h in sh.ok("history", plan, "--json").json() if h["type"] == "action-added"][0]
    correction = sh.ok("correct", added["event_id"], "--set", "starts=2026-03-16", "--reason", "date mistyped",
                       "--json", actor="ro1").json()["event_id"]
    assert sh.ok("show", plan, "--json").json()["actions"][0]["starts"] == "2026-03-16"
    history = sh.ok("history", plan, "--json").json()
    assert added["event_id"] in [h["event_id"] for h in history]  # the original is still there
    assert correction in [h["event_id"] for h in history]
    sh.ok("view", "add", plan, "--party", "child", "--name", "Karen", "--text", "wrong child", actor="sw1")
    view = [h for h in sh.ok("history", plan, "--json").json() if h["type"] == "view-recorded"][0]
    sh.ok("void", view["event_id"], "--reason", "recorded on the wrong child", actor="ro1")
    assert sh.ok("show", plan, "--json").json()["views"] == []


def test_kind_change_extension_details_aim_and_close(sh: Shell) -> None:
    staffed(sh)
    sh.ok("child", "add", "S1", "--name", "Susan Simpson", "--born", "2023-01-10", actor="sw1")
    care = sh.ok("plan", "open", "S1", "--kind", "care-plan", "--aim", "Return home", "--aim-option", "3",
                 "--on", "2026-01-05", actor="sw1").out.strip()
    sh.ok("plan", "details", care, "--legal-status", "section 20", "--why-care", "mother in hospital",
          actor="sw1")
    sh.refused(2, "aim", "change", care, "--review", "R1", "--aim", "Adoption", "--aim-option", "9", actor="rc1")
    refused = sh.refused(1, "review", "hold", care, "--kind", "core-group", "--on", "2026-01-20", "--chair", "rc1",
                         actor="rc1")
    assert "statutory" in refused.err
    sh.ok("review", "hold", care, "--kind", "statutory", "--on", "2026-02-01", "--chair", "rc1", actor="rc1")
    sh.ok("aim", "change", care, "--review", "R1", "--aim", "Long-term fostering", "--aim-option", "6",
          actor="rc1")
    shown = sh.ok("show", care, "--json").json()
    assert shown["aim"] == "Long-term fostering"
    sh.ok("plan", "close", care, "--reason", "returned home", actor="tm1")
    sh.refused(1, "view", "add", care, "--party", "child", "--name", "Susan", "--text", "x", actor="sw1")
    assert sh.ok("show", care, "--json").json()["status"] == "closed"

    sh.ok("child", "add", "I1", "--name", "Ibriham Hussain", "--born", "2012-04-01", actor="sw1")
    initial = sh.ok("plan", "open", "I1", "--kind", "initial", "--aim", "Short-term support", "--on",
                    "2026-09-01", actor="sw1").out.strip()
    sh.ok("plan", "approve", initial, "--on", "2026-09-02", actor="tm1")
    sh.ok("review", "hold", initial, "--kind", "child-in-need", "--on", "2026-10-10", "--chair", "rc1", actor="rc1")
    sh.ok("plan", "extend", initial, "--review", "R1", "--until", "2026-11-20", actor="tm1")
    sh.refused(1, "plan", "extend", initial, "--review", "R1", "--until", "2026-11-25", actor="tm1")
    cin = sh.ok("plan", "open", "I1", "--kind", "child-in-need", "--aim", "Independence", "--replaces", initial,
                "--on", "2026-11-01", actor="sw1").out.strip()
    assert sh.ok("show", initial, "--json").json()["status"] == "closed"
    sh.ok("review", "hold", cin, "--kind", "initial-cp-conference", "--on", "2026-11-10", "--chair", "rc1",
          actor="rc1")
    sh.ok("plan", "kind", cin, "--kind", "child-protection", "--review", "R1", "--category", "emotional",
          actor="rc1")
    assert sh.ok("show", cin, "--json").json()["kind"] == "child-protection"
    assert sh.ok("plans", "--child", "I1", "--status", "open", "--json").json()[0]["plan_id"] == cin


def test_refusals_record_nothing_and_say_why(sh: Shell) -> None:
    staffed(sh)
    plan = open_cp_plan(sh)
    no_actor = sh.refused(2, "child", "add", "X1", "--name", "X", "--born", "2020-01-01")
    assert "--as" in no_actor.err
    sh.refused(2, "child", "add", "X1", "--name", "X", "--born", "2020-13-01", actor="sw1")
    sh.refused(2, "child", "add", "X1", "--name", "X", "--born", "2020-01-01", "--colour", "red", actor="sw1")
    sh.refused(2, "show", "00000000-dead-beef-0000-000000000000")
    sh.refused(2, "action", "add", "deadbeef00", "--area", "health", "--need", "n", "--response", "r",
               "--frequency", "f", "--responsible", "p", "--starts", "2026-03-01", "--outcome", "o", actor="sw1")
    sh.refused(2, "action", "add", plan, "--area", "safe", "--need", "n", "--response", "r",
               "--frequency", "f", "--responsible", "p", "--starts", "2026-03-01", "--outcome", "o", actor="sw1")
    sh.refused(1, "plan", "approve", plan, actor="sw1")   # a social worker may not approve
    sh.refused(1, "plan", "open", "K100", "--kind", "child-in-need", "--aim", "x", actor="sw1")  # one open plan
    sh.refused(2, "plan", "open", "K100", "--kind", "child-in-need", "--aim", "x", "--on", "2099-01-01",
               actor="sw1")
    sh.refused(2, "review", "hold", plan, "--kind", "statutory", "--on", "2026-06-01", "--chair", "rc1",
               "--rate", "A9=achieved", actor="rc1")
    sh.refused(2, "staff", "add", "x1", "--name", "X", "--initials", "X", "--role", "boss", actor="tm1")
    sh.refused(1, "staff", "add", "tm1", "--name", "X", "--initials", "X", "--role", "auditor", actor="tm1")
    sh.refused(2, "correct", "not-an-event", "--set", "aim=x", "--reason", "r", actor="ro1")


def test_unreachable_store_exits_4(tmp_path) -> None:  # type: ignore[no-untyped-def]
    sh = Shell("postgresql://postgres@127.0.0.1:1/test", tmp_path)
    result = sh("plans")
    assert result.code == 4 and "Traceback" not in result.err
    assert Shell("mysql://nowhere", tmp_path)("plans").code == 4


def test_json_mode_prints_nothing_but_json(sh: Shell) -> None:
    staffed(sh)
    plan = open_cp_plan(sh)
    for args in (("show", plan), ("history", plan), ("changes", plan), ("plans",), ("due",), ("verify",),
                 ("projections", "status")):
        out = sh.ok(*args, "--json").out
        json.loads(out)


def test_every_command_has_help_with_an_example(sh: Shell) -> None:
    from click import Group

    from plantrail.cli.main import whole

    cli = whole()

    def walk(group, path):  # type: ignore[no-untyped-def]
        for name, command in group.commands.items():
            if isinstance(command, Group):
                yield from walk(command, (*path, name))
            else:
                yield (*path, name), command

    for path, command in walk(cli, ()):
        assert "Example:" in (command.help or ""), path
