"""Staff lifecycle (CLI.md, "Staff"): `staff revoke` takes a role away and `staff leave`
stops a leaver from doing anything from a date; both are events, checked by every later
command, and past work stays the leaver's. On both stores."""

from __future__ import annotations

from datetime import date, timedelta

from tests.support import staffed


def test_a_revoked_role_is_refused_and_past_work_stays(sh):
    staffed(sh)
    sh.ok("child", "add", "K1", "--name", "Karen", "--born", "2020-01-01", actor="tm1")
    plan = sh.ok("plan", "open", "K1", "--kind", "child-in-need", "--aim", "Safe", actor="tm1").out.strip()
    sh.ok("staff", "grant", "sw1", "--role", "review-chair", actor="tm1")
    review = sh.ok("review", "hold", plan, "--kind", "child-in-need", "--on", date.today().isoformat(),
                   "--chair", "rc1", actor="rc1").out.strip()
    sh.refused(1, "staff", "revoke", "sw1", "--role", "review-chair", "--reason", "rota", actor="sw1")
    said = sh.ok("staff", "revoke", "sw1", "--role", "review-chair", "--reason", "rota", actor="tm1")
    assert "revoked the role review-chair of staff member sw1" in said.out
    # Changing the aim at a review is the chair's alone (a social worker may record a CIN meeting).
    err = sh.refused(1, "aim", "change", plan, "--review", review, "--aim", "Safe and well", actor="sw1").err
    assert "may not" in err
    sh.refused(1, "staff", "revoke", "sw1", "--role", "review-chair", "--reason", "again", actor="tm1")
    sh.refused(2, "staff", "revoke", "sw1", "--role", "review-chair", actor="tm1")  # no reason


def test_a_leaver_can_do_nothing_from_the_date(sh):
    staffed(sh)
    sh.ok("child", "add", "K1", "--name", "Karen", "--born", "2020-01-01", actor="sw1")
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    sh.ok("staff", "leave", "sw1", "--on", tomorrow, "--reason", "new post", actor="tm1")
    sh.ok("child", "add", "K2", "--name", "Kim", "--born", "2020-01-01", actor="sw1")  # not gone yet
    sh.ok("staff", "leave", "sw1", "--on", date.today().isoformat(), "--reason", "left early", actor="tm1")
    err = sh.refused(1, "child", "add", "K3", "--name", "Kit", "--born", "2020-01-01", actor="sw1").err
    assert "left on" in err
    sh.refused(1, "staff", "leave", "sw1", "--on", date.today().isoformat(), "--reason", "x", actor="tm1")
    history = sh.ok("child", "show", "K1", "--json", actor="tm1").json()
    assert history["child"] == "K1"  # the leaver's past work stands
