"""The owner / application role split of docs/integrity.md, exercised on a real server."""

from __future__ import annotations

import uuid

import psycopg
import pytest
from plantrail_store_testkit import ThingApp, fill

from store.chain import CHAIN_TABLE, EVENTS_TABLE
from store.guards import install_guards
from store.settings import env_for_url, parse_url
from store.verify import verify


@pytest.fixture
def split(pg_url):
    u = parse_url(pg_url)
    owner, app_role = f"pt_owner_{uuid.uuid4().hex[:8]}", f"pt_app_{uuid.uuid4().hex[:8]}"
    admin = psycopg.connect(**u.connect_kwargs(), autocommit=True)
    s = u.schema
    try:
        admin.execute(f"CREATE ROLE {owner} LOGIN")
        admin.execute(f"CREATE ROLE {app_role} LOGIN")
        admin.execute(f"CREATE SCHEMA {s} AUTHORIZATION {owner}")
        admin.execute(f"GRANT CONNECT ON DATABASE {u.dbname} TO {owner}, {app_role}")
        owner_url = pg_url.replace(f"{u.user}@", f"{owner}@", 1)
        app_url = pg_url.replace(f"{u.user}@", f"{app_role}@", 1)
        # The owner runs init, opening the application once so its snapshots table exists too.
        install_guards(owner_url)
        ThingApp(env=env_for_url(owner_url)).close()
        with psycopg.connect(**parse_url(owner_url).connect_kwargs(), autocommit=True) as conn:
            for grant in (
                f"GRANT USAGE ON SCHEMA {s} TO {app_role}",
                f"GRANT SELECT, INSERT, UPDATE ON {s}.{EVENTS_TABLE} TO {app_role}",
                f"GRANT SELECT ON {s}.{CHAIN_TABLE} TO {app_role}",
                f"GRANT USAGE ON SEQUENCE {s}.{EVENTS_TABLE}_notification_id_seq TO {app_role}",
                f"GRANT SELECT, INSERT ON {s}.thingapp_snapshots TO {app_role}",
            ):
                conn.execute(grant)
        yield owner_url, app_url
    finally:
        admin.execute(f"DROP SCHEMA IF EXISTS {s} CASCADE")
        for role in (owner, app_role):
            admin.execute(f"DROP OWNED BY {role} CASCADE") if _exists(admin, role) else None
            admin.execute(f"DROP ROLE IF EXISTS {role}")
        admin.close()


def _exists(conn, role):
    return conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (role,)).fetchone()


def test_app_role_appends_but_cannot_touch_guards(split):
    owner_url, app_url = split
    app = ThingApp(env={**env_for_url(app_url), "CREATE_TABLE": "n"})
    try:
        fill(app, 3)
    finally:
        app.close()
    report = verify(app_url)
    assert report.intact and report.events_checked == 6
    u = parse_url(app_url)
    with psycopg.connect(**u.connect_kwargs(), autocommit=True) as conn:
        conn.execute(f"SET search_path TO {u.schema}")
        for statement, refusal in [
            (f"UPDATE {EVENTS_TABLE} SET topic = 'x'", "append-only"),
            (f"DELETE FROM {EVENTS_TABLE}", "permission denied"),
            (f"TRUNCATE {EVENTS_TABLE}", "permission denied"),
            (f"ALTER TABLE {EVENTS_TABLE} DISABLE TRIGGER USER", "must be owner"),
            (f"DROP TRIGGER {EVENTS_TABLE}_refuse_change ON {EVENTS_TABLE}", "must be owner"),
            (f"INSERT INTO {CHAIN_TABLE} (position, prev_position, link) VALUES (999, 998, '\\x00')", "permission denied"),
            (f"DROP TABLE {EVENTS_TABLE}", "must be owner"),
        ]:
            with pytest.raises(psycopg.Error, match=refusal):
                conn.execute(statement)
    # Provenance names the role that wrote each event.
    with psycopg.connect(**parse_url(owner_url).connect_kwargs()) as conn:
        who = conn.execute(f"SELECT DISTINCT recorded_by FROM {u.schema}.{CHAIN_TABLE}").fetchall()
    assert who == [(u.user,)]
