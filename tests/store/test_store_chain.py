from __future__ import annotations

import psycopg
import pytest
from plantrail_store_testkit import Raw, Thing, fill

from plantrail.store.chain import CHAIN_TABLE, EVENTS_TABLE, GENESIS, next_link
from plantrail.store.guards import install_guards
from plantrail.store.verify import verify


def test_chain_intact_after_many_saves(store_url, apps):
    app = apps(store_url)
    things = fill(app, 40, notes_per_save=2)
    big = Thing("big")
    for i in range(25):
        big.note(f"n{i}")
    app.save(big)  # one save, 26 events
    report = verify(store_url)
    with Raw(store_url) as raw:
        total = raw.count()
        # The links are exactly the Python definition, whichever database computed them.
        rows = raw.run(f"SELECT e.{{pos}}, e.originator_id, e.originator_version, e.topic, e.state, c.prev_position, c.link "
                       f"FROM {EVENTS_TABLE} e JOIN {CHAIN_TABLE} c ON c.position = e.{{pos}} ORDER BY e.{{pos}}")
    assert total == 40 * 3 + len([i for i in range(40) if i and i % 3 == 0]) + 26
    assert report.intact, report
    assert report.events_checked == total and report.head_position == total
    link, prev = GENESIS, 0
    for pos, oid, ver, topic, state, prev_position, stored in rows:
        link = next_link(link, pos, oid, ver, topic, bytes(state))
        assert (prev_position, bytes(stored)) == (prev, link)
        prev = pos
    assert report.head_link == link.hex()
    assert app.repository.get(things[5].id).notes  # the application still reads its events


def test_empty_store_verifies(store_url):
    install_guards(store_url)
    report = verify(store_url)
    assert report.intact and report.events_checked == 0


def test_failed_save_leaves_chain_whole(store_url, apps):
    app = apps(store_url)
    t = Thing("x")
    app.save(t)
    stale = app.repository.get(t.id)
    t.note("first")
    app.save(t)
    stale.note("conflict")
    with pytest.raises(Exception):  # the library's IntegrityError: same version twice
        app.save(stale)
    fill(app, 3)
    assert verify(store_url).intact


@pytest.mark.parametrize("statement", [
    f"UPDATE {EVENTS_TABLE} SET topic = 'x'",
    f"DELETE FROM {EVENTS_TABLE} WHERE {{pos}} = 2",
    f"DELETE FROM {EVENTS_TABLE}",
    f"UPDATE {CHAIN_TABLE} SET link = link",
    f"DELETE FROM {CHAIN_TABLE} WHERE position = 3",
])
def test_guards_refuse_update_and_delete(store_url, apps, statement):
    fill(apps(store_url), 4)
    with Raw(store_url) as raw:
        before = raw.count()
        with pytest.raises((psycopg.Error, __import__("sqlite3").Error), match="append-only"):
            raw.run(statement)
        assert raw.count() == before
    assert verify(store_url).intact


@pytest.mark.parametrize("table", [EVENTS_TABLE, CHAIN_TABLE])
def test_postgres_refuses_truncate(pg_url, apps, table):
    fill(apps(pg_url), 3)
    with Raw(pg_url) as raw:
        with pytest.raises(psycopg.Error, match="append-only"):
            raw.run(f"TRUNCATE {table}")
        assert raw.count() == 6


def test_postgres_an_event_put_in_by_hand_has_no_link(pg_url, apps):
    """Events get links only from the save function: one INSERTed by hand, even by the
    owner, is not chained, and verify names it."""
    fill(apps(pg_url), 3)  # 6 events
    with Raw(pg_url) as raw:
        raw.run(f"INSERT INTO {EVENTS_TABLE} (originator_id, originator_version, topic, state) "
                "VALUES (gen_random_uuid(), 1, 't', '\\x00')")
        assert raw.run(f"SELECT count(*) FROM {CHAIN_TABLE}") == [(6,)]
    report = verify(pg_url)
    assert (report.intact, report.problem, report.first_bad_position) == (False, "inserted", 7), report


def test_install_guards_is_idempotent_and_restores_guards(store_url, apps):
    fill(apps(store_url), 3)
    with Raw(store_url) as raw:
        raw.disable_guards()
        install_guards(store_url)
        install_guards(store_url)
        with pytest.raises((psycopg.Error, __import__("sqlite3").Error), match="append-only"):
            raw.run(f"DELETE FROM {EVENTS_TABLE}")
    assert verify(store_url).intact


def test_postgres_provenance(pg_url, apps):
    fill(apps(pg_url), 2)
    with Raw(pg_url) as raw:
        rows = raw.run(f"SELECT recorded_by, recorded_at, clock_timestamp() - recorded_at FROM {CHAIN_TABLE}")
    assert len(rows) == 4
    assert all(by == "postgres" for by, _, _ in rows)  # the login role, from the server
    assert all(age.total_seconds() < 60 for _, _, age in rows)


def test_init_retires_the_chain_trigger_of_an_earlier_version(pg_url, apps):
    """Earlier versions chained events by a trigger and saved through plantrail_record_v1.
    Opening such a store as its owner installs this version's save function and removes
    both in one transaction (an earlier process still running then fails loudly rather
    than save events nothing chains), and the chain goes on unbroken."""
    from plantrail.store.postgres_recorder import RECORD_FUNCTION, RECORD_SIGNATURE, RETIRED_TRIGGER

    fill(apps(pg_url), 2)
    with Raw(pg_url) as raw:
        raw.run(f"DROP FUNCTION {RECORD_FUNCTION}{RECORD_SIGNATURE}")
        raw.run("CREATE FUNCTION plantrail_chain_events() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$")
        raw.run(f"CREATE TRIGGER {RETIRED_TRIGGER} AFTER INSERT ON {EVENTS_TABLE}"
                " REFERENCING NEW TABLE AS new_events FOR EACH STATEMENT EXECUTE FUNCTION plantrail_chain_events()")
        raw.run("CREATE FUNCTION plantrail_record_v1(uuid[], bigint[], text[], bytea[], text[], text[], uuid[],"
                " bigint[], text) RETURNS bigint[] LANGUAGE sql AS 'SELECT NULL::bigint[]'")
    fill(apps(pg_url), 2)  # opening it (as its owner) installs this version
    with Raw(pg_url) as raw:
        assert raw.run(f"SELECT tgname FROM pg_trigger WHERE tgrelid = '{EVENTS_TABLE}'::regclass AND tgname = ?",
                       (RETIRED_TRIGGER,)) == []
        assert raw.run("SELECT to_regprocedure('plantrail_chain_events()') IS NULL,"
                       " to_regproc('plantrail_record_v1') IS NULL") == [(True, True)]
    # A process of the earlier version, run as the owner, puts its trigger back (which chains
    # every insert: with the save's own links, twice); a process of this version opening the
    # store as the owner takes it away again before it saves.
    with Raw(pg_url) as raw:
        raw.run(f"CREATE FUNCTION plantrail_chain_events() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                f" INSERT INTO {CHAIN_TABLE} (position, prev_position, link) SELECT notification_id,"
                " -notification_id, decode(repeat('00', 32), 'hex') FROM new_events; RETURN NULL; END $$")
        raw.run(f"CREATE TRIGGER {RETIRED_TRIGGER} AFTER INSERT ON {EVENTS_TABLE}"
                " REFERENCING NEW TABLE AS new_events FOR EACH STATEMENT EXECUTE FUNCTION plantrail_chain_events()")
    fill(apps(pg_url), 1)
    report = verify(pg_url)
    assert report.intact and report.events_checked == 10
