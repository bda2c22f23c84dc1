"""Restricted records (CLI.md, "Who reads"): `child restrict` / `child unrestrict` (team
manager or records officer, events); a restricted child's records are refused to others
(exit 1, the refusal logged), shown to the staff allowed and to auditors with --purpose;
lists leave the child out beyond a count. On both stores."""

from __future__ import annotations

import pytest

from tests.support import Shell, staffed


@pytest.fixture
def scene(sh: Shell) -> tuple[Shell, str]:
    staffed(sh)
    sh.ok("child", "add", "K1", "--name", "Karen Hawthorne", "--born", "2020-01-01", actor="sw1")
    sh.ok("child", "add", "K2", "--name", "Kim Other", "--born", "2019-01-01", actor="sw1")
    plan = sh.ok("plan", "open", "K1", "--kind", "child-in-need", "--aim", "Safe", "--on", "2026-03-01",
                 actor="sw1").out.strip()
    sh.ok("plan", "open", "K2", "--kind", "child-in-need", "--aim", "Well", "--on", "2026-03-01", actor="sw1")
    return sh, plan


def test_only_a_team_manager_or_records_officer_restricts(scene):
    sh, plan = scene
    sh.refused(1, "child", "restrict", "K1", "--allow", "sw1", "--reason", "staff relative", actor="sw1")
    sh.refused(2, "child", "restrict", "K1", "--allow", "nobody", "--reason", "x", actor="tm1")
    sh.refused(2, "child", "restrict", "K1", "--allow", "sw1", actor="tm1")  # no reason
    said = sh.ok("child", "restrict", "K1", "--allow", "sw1", "--reason", "staff relative", actor="ro1").out
    assert "restricted the child's record to sw1" in said
    assert sh.ok("child", "show", "K1", "--json", actor="sw1").json()["restricted"] is True
    sh.ok("child", "unrestrict", "K1", "--reason", "relative has left", actor="tm1")
    sh.refused(1, "child", "unrestrict", "K1", "--reason", "again", actor="tm1")
    assert sh.ok("child", "show", "K1", "--json", actor="rc1").json()["restricted"] is False


def test_a_restricted_child_is_refused_to_others_and_the_refusal_logged(scene, tmp_path):
    sh, plan = scene
    sh.ok("child", "restrict", "K1", "--allow", "sw1", "--reason", "staff relative", actor="tm1")
    for args in [("show", plan), ("changes", plan), ("history", plan), ("report", "review-pack", plan),
                 ("child", "show", "K1"), ("export", "child", "K1")]:
        before = sh.reads_logged()
        done = sh(*args, actor="rc1")
        assert done.code == 1 and done.out == "" and "restricted" in done.err, args
        assert max(len(line) for line in done.err.splitlines()) <= 80, done.err  # (an 80-column terminal)
        assert sh.reads_logged() == before + 1, args
        assert sh(*args, actor="au1").code == 1, args  # an auditor without a purpose
        sh.ok(*args, actor="sw1")  # allowed
        sh.ok("--purpose", "complaint investigation", *args, actor="au1")
    entries = sh.ok("access", "K1", "--json", actor="au1").json()["entries"]
    refusals = [e for e in entries if e["refused"]]
    assert {e["actor"] for e in refusals} == {"rc1", "au1"} and len(refusals) == 12
    assert {e["purpose"] for e in entries if e["actor"] == "au1" and not e["refused"] and e["command"] != "access"} \
        == {"complaint investigation"}


def test_lists_leave_a_restricted_child_out_beyond_a_count(scene):
    sh, plan = scene
    sh.ok("child", "restrict", "K1", "--allow", "sw1", "--reason", "staff relative", actor="tm1")
    listed = sh.ok("plans", "--json", actor="rc1")
    assert [row["child"] for row in listed.json()] == ["K2"] and "1 plans of restricted children" in listed.err
    assert sorted(row["child"] for row in sh.ok("plans", "--json", actor="sw1").json()) == ["K1", "K2"]
    due = sh.ok("due", "--on", "2026-12-01", "--json", actor="rc1").json()
    assert plan not in {row["plan_id"] for row in due}
    assert plan in {row["plan_id"] for row in sh.ok("due", "--on", "2026-12-01", "--json", actor="sw1").json()}
    assert [r["child"] for r in sh.ok("child", "list", "--json", actor="rc1").json()] == ["K2"]
    census = sh.ok("export", "cin-census", "--year", "2027", actor="rc1")
    assert "K1" not in census.out
    entry = sh.ok("access", "--by", "rc1", "--json", actor="au1").json()["entries"][0]
    assert entry["command"] == "plans" and entry["children"] == ["K2"]
