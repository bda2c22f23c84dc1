"""The PostgreSQL save as libpq runs it: positions back, and a connection that lost its
prepared save or its server process still saves, once (store.postgres_recorder._save)."""

from __future__ import annotations

import psycopg
import pytest
from plantrail_store_testkit import Raw, Thing
from psycopg.pq import Format

from store.pg_arrays import int8s_of
from store.settings import parse_url
from store.verify import verify


def test_the_save_returns_the_positions_it_recorded(pg_url, apps):
    app = apps(pg_url)
    app.save(Thing("first"))
    before = app.recorder.max_notification_id()
    thing = Thing("second")
    thing.note("a note")
    stored = [app.mapper.to_stored_event(e) for e in thing.collect_events()]
    assert list(app.recorder.insert_events(stored)) == [before + 1, before + 2]
    assert app.recorder.max_notification_id() == before + 2


def test_a_connection_whose_prepared_save_was_dropped_still_saves(pg_url, apps):
    app = apps(pg_url)
    app.save(Thing("first"))  # the save is now prepared on the connection the pool hands out first
    pool = app.recorder.datastore.pool
    conns = [pool.getconn() for _ in range(pool.get_stats()["pool_size"])]
    prepared = [conn for conn in conns
                if conn.execute("SELECT count(*) FROM pg_prepared_statements").fetchone()["count"]]
    assert prepared == conns[:1]
    for conn in conns:  # e.g. a pooler or a DBA ran DEALLOCATE ALL on every connection
        conn.execute("DEALLOCATE ALL")
    for conn in reversed(conns):  # the pool hands out the one returned last first: the one prepared
        pool.putconn(conn)
    app.save(Thing("second"))
    with Raw(pg_url) as raw:
        assert raw.count() == 2  # each thing's one event, once
    assert verify(pg_url).intact


def test_a_save_whose_server_process_was_ended_is_made_again_on_another_connection_once(pg_url, apps):
    app = apps(pg_url)
    app.save(Thing("first"))
    pool = app.recorder.datastore.pool
    conns = [pool.getconn() for _ in range(pool.get_stats()["pool_size"])]
    pids = [conn.info.backend_pid for conn in conns]
    for conn in conns:
        pool.putconn(conn)
    with psycopg.connect(**parse_url(pg_url).connect_kwargs(), autocommit=True) as admin:
        for pid in pids:  # a restart, or a DBA ending sessions: every pooled connection is dead
            admin.execute("SELECT pg_terminate_backend(%s, 5000)", (pid,))
    app.save(Thing("second"))
    with Raw(pg_url) as raw:
        assert raw.count() == 2  # each thing's one event, once
    assert verify(pg_url).intact


@pytest.mark.parametrize("values", [[], [1], [1, 2**40, -3, 9_007_199_254_740_993]])
def test_bigint_arrays_read_back_from_the_server_binary_format(pg_base, values):
    with psycopg.connect(**parse_url(pg_base).connect_kwargs()) as conn:
        cur = conn.cursor(binary=True)
        cur.execute("SELECT %s::bigint[]", (values,))
        assert cur.pgresult.fformat(0) == Format.BINARY
        assert int8s_of(cur.pgresult.get_value(0, 0)) == values
    assert int8s_of(None) == []
