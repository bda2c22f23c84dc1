"""Identity from the database login (issue 20, item 1): real PostgreSQL login roles in a group
role that `init --app-role` granted, on a store initialised with `--identity login`. The
actor is the staff member bound to the session's login; naming anyone else is refused; a
login bound to nobody can do nothing; every event keeps the login beside the actor. On
SQLite, `--identity login` is refused and the operating-system user is kept instead."""

from __future__ import annotations

import getpass
import json
import uuid
from datetime import date
from pathlib import Path

import psycopg
import pytest

from tests.servers.pg_roles import login_roles, with_user
from tests.support import Shell, postgres_base_url

TODAY = date.today().isoformat()


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory):
    """A store in login mode: its owner; alice bound to tm1 (a team manager), bob to sw1 and dave
    to sw2 (social workers); carol a member of the staff group bound to nobody."""
    base = postgres_base_url()
    schema = f"t_{uuid.uuid4().hex[:12]}"
    tmp = tmp_path_factory.mktemp("login")
    with login_roles(base, "owner", "alice", "bob", "carol", "dave") as roles:
        m = roles.members
        with psycopg.connect(base, autocommit=True) as admin:
            admin.execute(f'CREATE SCHEMA "{schema}" AUTHORIZATION {m["owner"]}')
            admin.execute(f'REVOKE {roles.group} FROM {m["owner"]}')  # the owner is not staff
        try:
            url = f"{base}{'&' if '?' in base else '?'}schema={schema}"
            shells = {name: Shell(with_user(url, role), tmp, reader=None) for name, role in m.items()}
            made = shells["owner"]("init", "--identity", "login", "--app-role", roles.group, "--json")
            assert made.code == 0, made.err
            assert made.json()["identity"] == "login"
            # The first staff member of an empty store: registered by the owner, bound to alice.
            shells["owner"].ok("staff", "add", "tm1", "--name", "Tina Moss", "--initials", "TM",
                               "--role", "team-manager", "--role", "social-worker", "--login", m["alice"])
            shells["alice"].ok("staff", "add", "sw1", "--name", "Sam Wood", "--initials", "SW",
                               "--role", "social-worker", "--login", m["bob"])
            shells["alice"].ok("staff", "add", "sw2", "--name", "Dee Vine", "--initials", "DV",
                               "--role", "social-worker")
            shells["alice"].ok("staff", "bind", "sw2", "--login", m["dave"])
            yield shells, m, url, schema
        finally:
            with psycopg.connect(base, autocommit=True) as admin:
                admin.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def _last_changes(shell: Shell, plan: str) -> dict:
    return shell.ok("changes", plan, "--json").json()["changes"][-1]


def test_the_actor_comes_from_the_login_and_is_kept_beside_it(store) -> None:
    shells, m, _, _ = store
    bob = shells["bob"]
    bob.ok("child", "add", "K1", "--name", "Karen Hawthorne", "--born", "2019-02-01")  # no --as
    plan = bob.ok("plan", "open", "K1", "--kind", "child-in-need", "--aim", "Safe at home",
                  "--on", "2026-03-02").out.strip()
    opened = _last_changes(bob, plan)
    assert (opened["actor"], opened["login"], opened["stored_by"]) == ("sw1", m["bob"], m["bob"])
    entries = [e for e in shells["alice"].ok("access", "K1", "--json").json()["entries"] if e["command"] == "changes"]
    assert [(e["actor"], e["login"], e["refused"]) for e in entries] == [("sw1", m["bob"], False)]


def test_naming_anyone_else_is_refused_and_records_nothing(store) -> None:
    shells, m, _, _ = store
    alice = shells["alice"]
    before = alice.events()
    claimed = alice("child", "add", "K9", "--name", "Nobody", "--born", "2020-01-01", actor="sw1")
    assert claimed.code == 1
    assert f"{m['alice']} is tm1's" in claimed.err and "sw1" in claimed.err
    assert alice("plans", actor="sw1").code == 1
    assert alice.events() == before
    assert alice("plans", actor="tm1").code == 0  # naming oneself is allowed


def test_a_login_bound_to_nobody_can_do_nothing(store) -> None:
    shells, m, _, _ = store
    carol = shells["carol"]
    before = carol.events()
    for args in (("plans",), ("child", "add", "K8", "--name", "X Y", "--born", "2020-01-01"),
                 ("staff", "add", "x1", "--name", "X", "--initials", "X", "--role", "team-manager")):
        for actor in (None, "tm1"):
            done = carol(*args, actor=actor)
            assert done.code == 1, (args, done.err)
            assert f"{m['carol']} is bound to no staff member" in done.err
    assert carol.events() == before


def test_a_login_is_bound_once_and_only_by_a_team_manager(store) -> None:
    shells, m, _, _ = store
    before = shells["alice"].events()
    again = shells["alice"]("staff", "bind", "sw1", "--login", m["alice"])
    assert again.code == 1 and "bound to a staff member already" in again.err
    by_social_worker = shells["bob"]("staff", "bind", "sw1", "--login", m["carol"])
    assert by_social_worker.code == 1 and "team-manager" in by_social_worker.err
    assert shells["alice"].events() == before


def test_an_import_acts_as_the_login(store, tmp_path: Path) -> None:
    shells, m, _, _ = store
    bob = shells["bob"]
    before = bob.events()
    line = {"command": "child add", "as": "tm1", "args": {"child_ref": "K7", "name": "Iain Moss", "born": "2018-05-05"}}
    (tmp_path / "other.jsonl").write_text(json.dumps(line) + "\n")
    refused = bob("import", str(tmp_path / "other.jsonl"))
    assert refused.code == 1 and "tm1" in refused.err
    assert bob.events() == before
    del line["as"]
    (tmp_path / "own.jsonl").write_text(json.dumps(line) + "\n")
    bob.ok("import", str(tmp_path / "own.jsonl"))
    first = bob.ok("history", "K7", "--json").json()[0]
    assert (first["actor"], first["login"]) == ("sw1", m["bob"])


def test_the_staff_cannot_change_the_mode_and_a_leaver_is_refused(store) -> None:
    shells, m, url, schema = store
    with psycopg.connect(with_user(url, m["alice"]).split("?")[0], autocommit=True) as conn:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute(f'INSERT INTO "{schema}".store_identity (mode) VALUES (\'claimed\')')
    assert shells["dave"]("plans").code == 0
    shells["alice"].ok("staff", "leave", "sw2", "--on", TODAY, "--reason", "left the authority")
    left = shells["dave"]("plans")
    assert left.code == 1 and "left on" in left.err


def test_sqlite_has_no_logins_and_keeps_the_os_user(tmp_path: Path) -> None:
    shell = Shell(f"sqlite:///{tmp_path / 's.db'}", tmp_path)
    refused = shell("init", "--identity", "login")
    assert refused.code == 2 and "SQLite has no logins" in refused.err
    assert not (tmp_path / "s.db").exists()
    shell.ok("staff", "add", "tm1", "--name", "Tina Moss", "--initials", "TM", "--role", "team-manager",
             "--role", "social-worker")
    shell.ok("child", "add", "K1", "--name", "Karen Hawthorne", "--born", "2019-02-01", actor="tm1")
    plan = shell.ok("plan", "open", "K1", "--kind", "child-in-need", "--aim", "Safe", "--on", "2026-03-02",
                    actor="tm1").out.strip()
    opened = _last_changes(shell, plan)
    assert (opened["actor"], opened["login"]) == ("tm1", getpass.getuser())
    # LOGNAME and USER holding bytes that are not UTF-8 (which no record can hold; every command
    # was exit 2 for "login", naming no variable): the password database's name for the user
    import os
    import pwd

    bad = {"LOGNAME": "me\udcff", "USER": "me\udcff"}
    assert shell("visit", "record", plan, "--on", "2026-03-20", actor="tm1", env=bad).code == 0
    assert _last_changes(shell, plan)["login"] == pwd.getpwuid(os.getuid()).pw_name


def test_a_login_bound_to_nobody_cannot_tell_which_records_exist(store) -> None:
    """Every read (and write) refuses an unbound login for who it is before it looks anything up:
    the same refusal for a child or a plan that exists and for one that does not (child
    references can be guessed; plan ids are taken by prefix), so nothing of the store leaks."""
    shells, m, _, _ = store
    bob, carol = shells["bob"], shells["carol"]
    bob.ok("child", "add", "K5", "--name", "Kit Known", "--born", "2019-02-01")
    plan = bob.ok("plan", "open", "K5", "--kind", "child-in-need", "--aim", "Safe", "--on", "2026-03-02").out.strip()
    before = bob.events()
    for child, plan_id in (("K5", plan[:8]), ("K4", "0000aaaa")):
        for args in (("show", plan_id), ("show", plan_id, "--as-at", "2030-01-01T00:00:00"),
                     ("show", plan_id, "--effective-on", "2026-04-01"), ("changes", plan_id),
                     ("history", plan_id), ("history", child), ("report", "review-pack", plan_id),
                     ("child", "show", child), ("export", "child", child), ("access", child), ("access", plan_id),
                     ("visit", "record", plan_id, "--on", "2026-03-03"),
                     ("action", "end", plan_id, "A1", "--reason", "done"),
                     ("child", "restrict", child, "--allow", "sw1", "--reason", "staff relative"),
                     ("erase", "request", child, "--reason", "court order", "--authority", "Order 1")):
            done = carol(*args)
            assert done.code == 1 and f"{m['carol']} is bound to no staff member" in done.err, (args, done.err)
    assert bob.events() == before
