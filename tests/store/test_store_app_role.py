"""The owner / application role split made by `init --app-role` (issue 18, item 8), with real
login roles on a real server and the views in use: the application role reads and writes
through plantrail, no read runs DDL, and it cannot change the log, its chain or the command
log (the views it keeps up are derived: verify checks them)."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import psycopg
import pytest

from tests.servers.pg_roles import login_roles, with_user
from tests.support import Shell, postgres_base_url


@pytest.fixture
def split(tmp_path: Path):
    base = postgres_base_url()
    schema = f"t_{uuid.uuid4().hex[:12]}"
    with login_roles(base, "owner", "app") as roles:
        owner, app = roles.members["owner"], roles.members["app"]
        with psycopg.connect(base, autocommit=True) as admin:
            admin.execute(f'CREATE SCHEMA "{schema}" AUTHORIZATION {owner}')
        try:
            url = f"{base}{'&' if '?' in base else '?'}schema={schema}"
            yield Shell(with_user(url, owner), tmp_path), Shell(with_user(url, app), tmp_path), app, schema
        finally:
            with psycopg.connect(base, autocommit=True) as admin:
                admin.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def test_the_app_role_reads_and_writes_with_the_views_in_use(split) -> None:
    owner, app, role, _ = split
    made = owner("init", "--app-role", role, "--json")
    assert made.code == 0, made.err
    assert any("EXECUTE" in g for g in made.json()["granted"])
    assert app("staff", "add", "tm1", "--name", "Tina Moss", "--initials", "TM", "--role", "team-manager",
               "--role", "social-worker").code == 0
    app.ok("child", "add", "K1", "--name", "Karen Hawthorne", "--born", "2023-02-01", actor="tm1")
    plan = app.ok("plan", "open", "K1", "--kind", "child-in-need", "--aim", "Safe", "--on", "2026-03-02",
                  actor="tm1").out.strip()
    app.ok("visit", "record", plan, "--on", "2026-03-20", actor="tm1")
    for read in (("show", plan), ("plans",), ("due", "--on", "2026-07-01"), ("history", plan), ("changes", plan),
                 ("export", "child", "K1"), ("projections", "status"), ("verify",)):
        done = app(*read, actor="tm1")
        assert done.code == 0, (read, done.err)
    assert app.ok("projections", "rebuild").code == 0  # keeping the views up: rows are derived


@pytest.mark.parametrize("statement", [
    'INSERT INTO "{s}".stored_events (originator_id, originator_version, topic, state)'
    " VALUES (gen_random_uuid(), 1, 'x', '\\x00')",
    'UPDATE "{s}".command_log SET result = \'{{}}\'',
    'DELETE FROM "{s}".event_chain',
    'TRUNCATE "{s}".stored_events',
    'CREATE TABLE "{s}".mine (x int)',
    'DROP TRIGGER stored_events_refuse_change ON "{s}".stored_events',
])
def test_the_app_role_cannot_change_the_log_its_chain_or_the_command_log(split, statement) -> None:
    owner, app, role, schema = split
    assert owner("init", "--app-role", role).code == 0
    with psycopg.connect(app.url.split("?")[0], autocommit=True) as conn, pytest.raises(psycopg.Error) as refused:
        conn.execute(statement.format(s=schema))
    assert "permission denied" in str(refused.value) or "must be owner" in str(refused.value)


def test_an_app_role_that_is_not_there_is_bad_input(split) -> None:
    owner, _app, _role, _ = split
    assert owner("init").code == 0
    refused = owner("init", "--app-role", "nobody_of_that_name")
    assert refused.code == 2 and "there is no role" in refused.err


def test_the_documented_grants_are_what_init_gives(split) -> None:
    owner, _app, role, _ = split
    granted = json.loads(owner("init", "--app-role", role, "--json").out)["granted"]
    doc = (Path(__file__).resolve().parents[2] / "docs" / "integrity.md").read_text()
    assert "--app-role" in doc and all(word in doc for word in ("EXECUTE", "SELECT"))
    assert len(granted) == 6


def test_a_write_through_a_read_only_session_is_exit_4_one_line_and_records_nothing(split) -> None:
    """A write that reaches a server which will not write (a session read-only by its role's
    settings, as a connection pooler in front of a standby would give): exit 4, one line
    saying where writes go, never exit 70; nothing recorded."""
    owner, app, role, _ = split
    owner.ok("init", "--app-role", role)
    staffed_by = ("staff", "add", "tm1", "--name", "Tina Moss", "--initials", "TM", "--role", "team-manager")
    app.ok(*staffed_by)
    before = app.events()
    with psycopg.connect(postgres_base_url(), autocommit=True) as admin:
        admin.execute(f"ALTER ROLE {role} SET default_transaction_read_only = on")
    refused = app("child", "add", "K1", "--name", "Karen Hawthorne", "--born", "2023-02-01", actor="tm1")
    assert refused.code == 4, refused.err
    lines = [line for line in refused.err.splitlines() if line.strip()]
    assert len(lines) == 1 and "read-only" in lines[0] and "primary" in lines[0], refused.err
    assert app.events() == before
