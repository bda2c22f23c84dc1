"""The owner / application role split of docs/integrity.md, exercised on a real server."""

from __future__ import annotations

import uuid
from contextlib import contextmanager

import psycopg
import pytest
from plantrail_store_testkit import ThingApp, fill

from plantrail.store.chain import CHAIN_TABLE, EVENTS_TABLE
from plantrail.store.commands import COMMANDS_TABLE
from plantrail.store.guards import install_guards
from plantrail.store.postgres_recorder import (
    RECORD_FUNCTION,
    RECORD_SIGNATURE,
    RETIRED_V1,
    RETIRED_V3,
    SAVE_TURN_TABLE,
)
from plantrail.store.settings import env_for_url, parse_url
from plantrail.store.verify import verify


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
        with _database_acl(admin):
            admin.execute(f"GRANT CONNECT ON DATABASE {u.dbname} TO {owner}, {app_role}")
        owner_url = pg_url.replace(f"{u.user}@", f"{owner}@", 1)
        app_url = pg_url.replace(f"{u.user}@", f"{app_role}@", 1)
        # The owner runs init, opening the application once.
        install_guards(owner_url)
        ThingApp(env=env_for_url(owner_url)).close()
        with psycopg.connect(**parse_url(owner_url).connect_kwargs(), autocommit=True) as conn:
            for grant in (
                f"GRANT USAGE ON SCHEMA {s} TO {app_role}",
                f"GRANT SELECT ON {s}.{EVENTS_TABLE}, {s}.{CHAIN_TABLE}, {s}.{COMMANDS_TABLE} TO {app_role}",
                f"GRANT EXECUTE ON FUNCTION {s}.{RECORD_FUNCTION}{RECORD_SIGNATURE} TO {app_role}",
            ):
                conn.execute(grant)
        yield owner_url, app_url
    finally:
        admin.execute(f"DROP SCHEMA IF EXISTS {s} CASCADE")
        with _database_acl(admin):
            for role in (owner, app_role):
                admin.execute(f"DROP OWNED BY {role} CASCADE") if _exists(admin, role) else None
                admin.execute(f"DROP ROLE IF EXISTS {role}")
        admin.close()


@contextmanager
def _database_acl(admin):
    """One test at a time changes the database's own privileges (GRANT CONNECT, DROP OWNED):
    two at once fail with "tuple concurrently updated" (the tests run in parallel)."""
    admin.execute("SELECT pg_advisory_lock(hashtext('plantrail tests: the database ACL'))")
    try:
        yield
    finally:
        admin.execute("SELECT pg_advisory_unlock(hashtext('plantrail tests: the database ACL'))")


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
            (f"UPDATE {EVENTS_TABLE} SET topic = 'x'", "permission denied"),
            (f"INSERT INTO {EVENTS_TABLE} (originator_id, originator_version) VALUES (gen_random_uuid(), 1)",
             "permission denied"),
            (f"DELETE FROM {EVENTS_TABLE}", "permission denied"),
            (f"TRUNCATE {EVENTS_TABLE}", "permission denied"),
            (f"ALTER TABLE {EVENTS_TABLE} DISABLE TRIGGER USER", "must be owner"),
            (f"DROP TRIGGER {EVENTS_TABLE}_refuse_change ON {EVENTS_TABLE}", "must be owner"),
            (f"INSERT INTO {CHAIN_TABLE} (position, prev_position, link) VALUES (999, 998, '\\x00')", "permission denied"),
            (f"DROP TABLE {EVENTS_TABLE}", "must be owner"),
        ]:
            with pytest.raises(psycopg.Error, match=refusal):
                conn.execute(statement)
        for lock in (f"LOCK TABLE {SAVE_TURN_TABLE} IN EXCLUSIVE MODE",  # (who holds it stops every save)
                     f"LOCK TABLE {EVENTS_TABLE} IN EXCLUSIVE MODE"):
            with pytest.raises(psycopg.Error, match="permission denied"), conn.transaction():
                conn.execute(lock)
    # Provenance names the role that wrote each event.
    with psycopg.connect(**parse_url(owner_url).connect_kwargs()) as conn:
        who = conn.execute(f"SELECT DISTINCT recorded_by FROM {u.schema}.{CHAIN_TABLE}").fetchall()
    assert who == [(u.user,)]


def _save_as(url: str) -> None:
    app = ThingApp(env={**env_for_url(url), "CREATE_TABLE": "n"})
    try:
        fill(app, 1)
    finally:
        app.close()


def _count(owner_url: str, schema: str) -> int:
    with psycopg.connect(**parse_url(owner_url).connect_kwargs()) as conn:
        return conn.execute(f"SELECT count(*) FROM {schema}.{EVENTS_TABLE}").fetchone()[0]


def test_a_role_without_execute_on_the_save_function_records_nothing(split):
    owner_url, app_url = split
    schema = parse_url(app_url).schema
    with psycopg.connect(**parse_url(owner_url).connect_kwargs(), autocommit=True) as conn:
        conn.execute(f"REVOKE EXECUTE ON FUNCTION {schema}.{RECORD_FUNCTION}{RECORD_SIGNATURE}"
                     f" FROM {parse_url(app_url).user}")
    with pytest.raises(Exception, match="permission denied for function"):
        _save_as(app_url)
    assert _count(owner_url, schema) == 0


def test_an_upgrade_lets_the_roles_that_could_insert_save(split, pg_url):
    """Earlier versions let a role save if it could INSERT into the log; the owner's init
    of this version grants those roles EXECUTE on the new save function, and no others
    (a role whose name needs quoting too)."""
    owner_url, app_url = split
    schema, app_role = parse_url(app_url).schema, parse_url(app_url).user
    odd = f"Records Team-{uuid.uuid4().hex[:6]}"
    admin = psycopg.connect(**parse_url(pg_url).connect_kwargs(), autocommit=True)
    try:
        admin.execute(f'CREATE ROLE "{odd}"')
        with psycopg.connect(**parse_url(owner_url).connect_kwargs(), autocommit=True) as conn:
            # The store as an earlier version left it: no save function of this version;
            # roles allowed to INSERT, as docs/integrity.md then said.
            conn.execute(f"DROP FUNCTION {schema}.{RECORD_FUNCTION}{RECORD_SIGNATURE}")
            conn.execute(f"CREATE FUNCTION {schema}.{RETIRED_V1} RETURNS bigint[] LANGUAGE sql"
                         " AS 'SELECT NULL::bigint[]'")
            conn.execute(f'GRANT INSERT ON {schema}.{EVENTS_TABLE} TO {app_role}, "{odd}"')
        install_guards(owner_url)  # plantrail init, as the owner
        _save_as(app_url)
        assert _count(owner_url, schema) == 2  # a thing and its note
        with psycopg.connect(**parse_url(owner_url).connect_kwargs(), autocommit=True) as conn:
            granted = conn.execute(
                "SELECT DISTINCT r.rolname FROM pg_proc p, aclexplode(p.proacl) a JOIN pg_roles r ON r.oid = a.grantee"
                " WHERE p.oid = to_regprocedure(%s) AND a.privilege_type = 'EXECUTE'",
                (f"{schema}.{RECORD_FUNCTION}{RECORD_SIGNATURE}",)).fetchall()
        assert sorted(g for (g,) in granted) == sorted([app_role, odd, parse_url(owner_url).user])
    finally:
        admin.execute(f'DROP OWNED BY "{odd}"') if _exists(admin, odd) else None
        admin.execute(f'DROP ROLE IF EXISTS "{odd}"')
        admin.close()


@pytest.mark.parametrize("v3_is", ["left by an upgrade", "put back"])
def test_init_gives_the_save_v3s_roles_this_save_and_drops_v3(split, v3_is):
    """The save v3 took the log's EXCLUSIVE lock (store/save_v4.sql says why not). Left by the
    version before: the owner's init installs this version's save, gives EXECUTE on it to
    whoever could run v3, and drops v3, so a process of that version run as another role fails
    rather than saves. Put back beside this one by a process of that version run as the owner
    (their saves still take turns: the log's EXCLUSIVE and ROW EXCLUSIVE locks conflict): the
    owner's next init does the same."""
    owner_url, app_url = split
    schema, app_role = parse_url(app_url).schema, parse_url(app_url).user
    this, v3 = f"{schema}.{RECORD_FUNCTION}{RECORD_SIGNATURE}", f"{schema}.{RETIRED_V3}"
    with psycopg.connect(**parse_url(owner_url).connect_kwargs(), autocommit=True) as conn:
        conn.execute(f"DROP FUNCTION {this}" if v3_is == "left by an upgrade"
                     else f"REVOKE EXECUTE ON FUNCTION {this} FROM {app_role}")
        conn.execute(f"CREATE FUNCTION {v3} RETURNS bigint[] LANGUAGE sql AS 'SELECT NULL::bigint[]'")
        conn.execute(f"REVOKE ALL ON FUNCTION {v3} FROM PUBLIC")
        conn.execute(f"GRANT EXECUTE ON FUNCTION {v3} TO {app_role}")
    install_guards(owner_url)  # plantrail init, as the owner
    _save_as(app_url)
    assert _count(owner_url, schema) == 2
    with psycopg.connect(**parse_url(owner_url).connect_kwargs(), autocommit=True) as conn:
        assert conn.execute("SELECT to_regprocedure(%s)", (v3,)).fetchone()[0] is None


def test_init_again_does_not_give_back_a_revoked_save(split):
    """The carry-over is for an upgrade only: on a store of this version, a role
    the owner took EXECUTE from stays unable to save through another init, whatever
    table rights it still holds."""
    owner_url, app_url = split
    schema, app_role = parse_url(app_url).schema, parse_url(app_url).user
    with psycopg.connect(**parse_url(owner_url).connect_kwargs(), autocommit=True) as conn:
        conn.execute(f"REVOKE EXECUTE ON FUNCTION {schema}.{RECORD_FUNCTION}{RECORD_SIGNATURE} FROM {app_role}")
        conn.execute(f"GRANT INSERT ON {schema}.{EVENTS_TABLE} TO {app_role}")
        conn.execute(f"DROP TRIGGER {EVENTS_TABLE}_refuse_change ON {schema}.{EVENTS_TABLE}")  # init reinstalls
    install_guards(owner_url)
    with pytest.raises(Exception, match="permission denied for function"):
        _save_as(app_url)


def test_statistics_and_autovacuum_are_the_owners_and_the_app_role_is_told_so(split):
    """An application role may not ANALYZE or VACUUM the log or set its autovacuum (only the
    owner may): it is told which tables it skipped, and nothing fails (store.maintenance)."""
    from plantrail.store.maintenance import LOG_TABLES, VACUUM_ANALYZE, analyse, tune_autovacuum

    owner_url, app_url = split
    app = ThingApp(env={**env_for_url(app_url), "CREATE_TABLE": "n"})
    try:
        assert analyse(app, LOG_TABLES) == ([], list(LOG_TABLES))
        assert analyse(app, LOG_TABLES, statement=VACUUM_ANALYZE) == ([], list(LOG_TABLES))
        tuned = tune_autovacuum(app)
        assert tuned is not None and tuned.tuned == [] and tuned.not_owned == sorted(LOG_TABLES)
    finally:
        app.close()
    owner = ThingApp(env={**env_for_url(owner_url), "CREATE_TABLE": "n"})
    try:
        assert analyse(owner, LOG_TABLES) == (list(LOG_TABLES), [])
        assert analyse(owner, LOG_TABLES, statement=VACUUM_ANALYZE) == (list(LOG_TABLES), [])
        with pytest.raises(ValueError):
            analyse(owner, LOG_TABLES, statement="DROP TABLE")
        assert tune_autovacuum(owner).tuned == sorted(LOG_TABLES)
    finally:
        owner.close()
