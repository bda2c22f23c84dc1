"""verify cannot be steered by anything in the database it checks (issue 18, item 2): a
superuser edits an event, defines an operator `||` over bytea that maps the forged bytes back
to the originals, and puts its schema first on the verifying role's search path. verify still
says `edited`."""

from __future__ import annotations

import uuid

import psycopg
import pytest
from plantrail_store_testkit import Raw, fill

from plantrail.store.settings import parse_url
from plantrail.store.verify import verify
from tests.servers.pg_roles import login_roles, with_user


@pytest.fixture
def edited(pg_url, apps):
    """A store with one event edited (same length), and the original and forged bytes' hex."""
    fill(apps(pg_url), 4)
    with Raw(pg_url) as raw:
        raw.disable_guards()
        position, state = raw.run("SELECT {pos}, state FROM stored_events ORDER BY {pos} LIMIT 1 OFFSET 2")[0]
        original = bytes(state)
        forged = original.replace(b"thing", b"THING")
        assert forged != original
        raw.run("UPDATE stored_events SET state = ? WHERE {pos} = ?", (forged, position))
    return pg_url, original.hex(), forged.hex()


def test_an_operator_defined_to_hide_an_edit_does_not_steer_verify(edited):
    url, original, forged = edited
    schema = parse_url(url).schema
    evil = f"evil_{uuid.uuid4().hex[:8]}"
    admin_url = url.split("?")[0]
    with login_roles(admin_url, "auditor") as roles, psycopg.connect(admin_url, autocommit=True) as admin:
        auditor = roles.members["auditor"]
        try:
            admin.execute(f"CREATE SCHEMA {evil}")
            admin.execute(
                f"CREATE FUNCTION {evil}.cat(a bytea, b bytea) RETURNS bytea LANGUAGE sql IMMUTABLE AS $$"
                f" SELECT pg_catalog.decode(pg_catalog.replace(pg_catalog.encode(pg_catalog.byteacat(a, b), 'hex'),"
                f" '{forged}', '{original}'), 'hex') $$")
            admin.execute(f"CREATE OPERATOR {evil}.|| (LEFTARG = bytea, RIGHTARG = bytea, FUNCTION = {evil}.cat)")
            admin.execute(f"ALTER ROLE {auditor} SET search_path = {evil}, pg_catalog")
            admin.execute(f"GRANT USAGE ON SCHEMA {evil}, {schema} TO {auditor}")
            admin.execute(f"GRANT SELECT ON ALL TABLES IN SCHEMA {schema} TO {auditor}")
            as_auditor = with_user(url, auditor)
            with psycopg.connect(as_auditor.split("?")[0]) as conn:  # the trap is live for unqualified SQL
                steered = conn.execute("SELECT '\\x00'::bytea || %s::bytea", (bytes.fromhex(forged),)).fetchone()[0]
                assert bytes(steered) == b"\x00" + bytes.fromhex(original)
            report = verify(as_auditor)
            assert (report.intact, report.problem) == (False, "edited")
        finally:
            admin.execute(f"DROP SCHEMA IF EXISTS {evil} CASCADE")
