"""The access log (CLI.md, "Who reads"): every read of a child's or a plan's records needs a
reader (exit 2 without), leaves one entry written before anything is shown, is reported by
`access` (by child, plan or staff member; auditors, team managers and records officers only),
and is part of the chain `verify` checks. On both stores."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from plantrail.store.chain import EVENTS_TABLE
from tests.support import Shell, staffed

sys.path.insert(0, str(Path(__file__).parents[1] / "store"))
from plantrail_store_testkit import Raw  # noqa: E402

ENTRY_FIELDS = {"at", "actor", "login", "command", "child", "plan_id", "purpose", "refused"}


@pytest.fixture
def scene(sh: Shell) -> tuple[Shell, str]:
    staffed(sh)
    sh.ok("child", "add", "K1", "--name", "Karen Hawthorne", "--born", "2020-01-01", actor="sw1")
    sh.ok("child", "add", "K2", "--name", "Kim Other", "--born", "2019-01-01", actor="sw1")
    # The referral the plan follows: the census reports a plan with its referral.
    sh.ok("referral", "record", "K1", "--on", "2026-02-20", "--source", "2A", "--primary-need", "N1", actor="sw1")
    plan = sh.ok("plan", "open", "K1", "--kind", "child-in-need", "--aim", "Safe", "--on", "2026-03-01",
                 actor="sw1").out.strip()
    return sh, plan


def plan_reads(plan: str) -> list[tuple[str, ...]]:
    return [("show", plan), ("changes", plan), ("history", plan), ("report", "review-pack", plan),
            ("child", "show", "K1"), ("export", "child", "K1")]


def test_a_read_without_a_reader_is_refused(scene, tmp_path):
    sh, plan = scene
    sh.reader = None
    for args in [*plan_reads(plan), ("plans",), ("due",), ("export", "cin-census", "--year", "2027"),
                 ("access", "K1")]:
        err = sh.refused(2, *args).err
        assert "--as" in err, args
    assert sh.reads_logged() == 0


def test_each_read_leaves_one_entry_and_access_reports_them(scene):
    sh, plan = scene
    for args in plan_reads(plan):
        sh.ok("--purpose", "weekly supervision", *args, actor="sw1")
    for args in [("plans",), ("due",), ("export", "cin-census", "--year", "2027")]:
        sh.ok(*args, actor="sw1")
    assert sh.reads_logged() == 9

    entries = sh.ok("access", "K1", "--json", actor="au1").json()["entries"]
    assert ENTRY_FIELDS <= set(entries[0])
    by_command = {e["command"]: e for e in entries}
    assert list(by_command) == ["show", "changes", "history", "report review-pack", "child show", "export child",
                                "plans", "due", "export cin-census", "access"]
    show = by_command["show"]
    assert (show["actor"], show["child"], show["plan_id"], show["purpose"], show["refused"]) == (
        "sw1", "K1", plan, "weekly supervision", False)
    assert show["login"] and show["at"][:2] == "20"
    assert by_command["plans"]["children"] == ["K1"] and by_command["plans"]["child"] is None
    assert by_command["access"]["actor"] == "au1"  # the report's own read, logged first

    on_plan = sh.ok("access", plan, "--json", actor="tm1").json()["entries"]
    assert [e["command"] for e in on_plan] == ["show", "changes", "history", "report review-pack", "access"]
    by_sw1 = sh.ok("access", "--by", "sw1", "--since", "2026-01-01", "--json", actor="ro1").json()["entries"]
    assert len(by_sw1) == 9 and {e["actor"] for e in by_sw1} == {"sw1"}
    assert sh.ok("access", "--by", "sw1", "--since", "2199-01-01", "--json", actor="ro1").json()["entries"] == []
    assert "Reads of K1" in sh.ok("access", "K1", actor="au1").out


def test_access_is_for_auditors_managers_and_records_officers(scene):
    sh, plan = scene
    before = sh.reads_logged()
    err = sh("access", "K1", actor="sw1")
    assert err.code == 1 and "may not" in err.err and not err.out
    assert sh.reads_logged() == before + 1  # the refusal is logged
    refusal = sh.ok("access", "--by", "sw1", "--json", actor="au1").json()["entries"][-1]
    assert (refusal["command"], refusal["refused"]) == ("access", True)
    sh.refused(2, "access", actor="au1")  # neither a record nor --by
    sh.refused(2, "access", "NOBODY", actor="au1")


def test_a_leaver_cannot_read_and_the_refusal_is_logged(scene):
    sh, plan = scene
    sh.ok("staff", "leave", "sw1", "--on", "2026-01-01", "--reason", "left", actor="tm1")
    done = sh("show", plan, actor="sw1")
    assert done.code == 1 and not done.out and "left on" in done.err
    entry = sh.ok("access", plan, "--json", actor="au1").json()["entries"][0]
    assert (entry["actor"], entry["refused"]) == ("sw1", True)


def test_an_access_entry_edited_or_deleted_is_caught_by_verify(scene):
    sh, plan = scene
    sh.ok("show", plan, actor="sw1")
    sh.ok("show", plan, actor="rc1")
    assert sh.ok("verify", "--json").json()["intact"] is True
    with Raw(sh.url) as raw:
        raw.disable_guards()
        positions = [row[0] for row in raw.run(f"SELECT {{pos}}, state FROM {EVENTS_TABLE} WHERE topic LIKE ?"
                                               " ORDER BY {pos}", ("%RecordRead",))]
        state = bytes(raw.event(positions[0])[4]).replace(b'"sw1"', b'"tm2"')
        raw.run(f"UPDATE {EVENTS_TABLE} SET state = ? WHERE {{pos}} = ?", (state, positions[0]))
    done = sh("verify", "--json")
    assert done.code == 3 and done.json()["first_bad_position"] == positions[0]


def test_a_read_that_cannot_be_logged_shows_nothing(scene):
    sh, plan = scene
    with Raw(sh.url) as raw:  # the log refuses every insert: the entry cannot be written
        if raw.is_sqlite:
            raw.run(f"CREATE TRIGGER no_more BEFORE INSERT ON {EVENTS_TABLE} BEGIN SELECT RAISE(ABORT, 'full'); END")
        else:
            raw.run("CREATE FUNCTION no_more() RETURNS trigger LANGUAGE plpgsql AS "
                    "$$ BEGIN RAISE EXCEPTION 'full'; END $$")
            raw.run(f"CREATE TRIGGER no_more BEFORE INSERT ON {EVENTS_TABLE} FOR EACH ROW EXECUTE FUNCTION no_more()")
    done = sh("show", plan, actor="sw1")
    assert done.code == 4 and done.out == "" and "access log" in done.err
