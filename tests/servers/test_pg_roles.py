"""Self-tests of pg_roles on the shared PostgreSQL server (trust auth lets any role in by name)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import psycopg
import pytest

from tests.servers.pg_pair import pair_fixture
from tests.servers.pg_roles import Roles, login_roles, roles_fixture, with_user

staff = roles_fixture("alice", "bob")


@pytest.fixture
def schema(shared_url: str) -> Iterator[str]:
    name = f"roles_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(shared_url, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {name}")
        conn.execute(f"CREATE TABLE {name}.records (x int)")
    yield name
    with psycopg.connect(shared_url, autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA {name} CASCADE")


def role_exists(url: str, role: str) -> bool:
    with psycopg.connect(url) as conn:
        return bool(conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (role,)).fetchone())


def test_members_log_in_as_themselves_and_belong_to_the_group(staff: Roles) -> None:
    for name in ("alice", "bob"):
        with staff.connect(name) as conn:
            me, in_group = conn.execute("SELECT current_user, pg_has_role(current_user, %s, 'member')",
                                        (staff.group,)).fetchone()
            assert me == staff.members[name] and in_group
    with pytest.raises(psycopg.OperationalError, match="not permitted to log in"):
        staff.connect(staff.group)


def test_privileges_granted_to_the_group_reach_its_members_only(
        staff: Roles, schema: str, shared_url: str) -> None:
    with psycopg.connect(shared_url, autocommit=True) as admin:
        admin.execute(f"GRANT USAGE ON SCHEMA {schema} TO {staff.group}")
        admin.execute(f"GRANT SELECT ON {schema}.records TO {staff.group}")
    with staff.connect("alice") as conn:
        assert conn.execute(f"SELECT count(*) FROM {schema}.records").fetchone() == (0,)
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute(f"INSERT INTO {schema}.records VALUES (1)")
    with (login_roles(shared_url, "outsider") as others, others.connect("outsider") as conn,
          pytest.raises(psycopg.errors.InsufficientPrivilege)):
        conn.execute(f"SELECT count(*) FROM {schema}.records")


def test_roles_are_dropped_with_what_they_own_and_were_granted(schema: str, shared_url: str) -> None:
    with login_roles(shared_url, "owner") as roles:
        with psycopg.connect(shared_url, autocommit=True) as admin:
            admin.execute(f"GRANT USAGE, CREATE ON SCHEMA {schema} TO {roles.group}")
        with roles.connect("owner", autocommit=True) as conn:
            conn.execute(f"CREATE TABLE {schema}.made_by_member (x int)")
        lingering = roles.connect("owner")  # a session the test forgot to close
        names = [roles.group, *roles.members.values()]
    assert not any(role_exists(shared_url, n) for n in names)
    with pytest.raises(psycopg.OperationalError):
        lingering.execute("SELECT 1")  # its session was ended
    with psycopg.connect(shared_url) as admin:  # the member's table is the admin's now
        owner = admin.execute("SELECT tableowner FROM pg_tables WHERE schemaname = %s "
                              "AND tablename = 'made_by_member'", (schema,)).fetchone()
        assert owner == (admin.info.user,)


def test_names_are_unique_and_roles_go_even_when_the_test_fails(shared_url: str) -> None:
    with pytest.raises(RuntimeError), login_roles(shared_url, "alice") as first:
        names = [first.group, first.members["alice"]]
        with login_roles(shared_url, "alice") as second:
            assert first.members["alice"] != second.members["alice"]
            assert first.group != second.group
        raise RuntimeError("the test failed")
    assert not any(role_exists(shared_url, n) for n in names)


pair = pair_fixture()


def test_roles_on_a_pair_of_our_own_reach_the_standby(pair) -> None:
    """The same helpers on pg_pair's primary; roles replicate, so members can read the standby."""
    with login_roles(pair.primary_url, "reader") as roles:
        pair.wait_replayed()
        with psycopg.connect(with_user(pair.standby_url, roles.members["reader"])) as conn:
            assert conn.execute("SELECT current_user").fetchone() == (roles.members["reader"],)
