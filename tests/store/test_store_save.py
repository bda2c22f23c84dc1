"""The PostgreSQL save as libpq runs it: positions back; a connection that lost its prepared
save, holds another of the same name, or lost its server process still saves, once; Ctrl-C
cancels a waiting save (store.postgres_recorder._save)."""

from __future__ import annotations

import signal
import threading

import psycopg
import pytest
from plantrail_store_testkit import Raw, Thing
from psycopg.pq import Format

from plantrail.store.pg_arrays import int8s_of
from plantrail.store.postgres_recorder import SAVE_STATEMENT
from plantrail.store.settings import parse_url
from plantrail.store.verify import verify


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
    prepared = [conn for conn in conns if conn.execute(
        "SELECT count(*) FROM pg_prepared_statements WHERE name = %s", (SAVE_STATEMENT.decode(),)).fetchone()["count"]]
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
    bad_before = pool.get_stats().get("returns_bad", 0)
    app.save(Thing("second"))
    assert pool.get_stats().get("returns_bad", 0) > bad_before  # a try met a dead connection
    with Raw(pg_url) as raw:
        assert raw.count() == 2  # each thing's one event, once
    assert verify(pg_url).intact


def test_a_connection_holding_another_statement_of_the_saves_name_still_saves(pg_url, apps):
    app = apps(pg_url)  # nothing saved yet: the recorder has prepared nothing
    pool = app.recorder.datastore.pool
    conns = [pool.getconn() for _ in range(pool.get_stats()["pool_size"])]
    for conn in conns:  # as if a save were prepared but the recorder never noted it
        conn.execute(f"PREPARE {SAVE_STATEMENT.decode()} AS SELECT 1")
        pool.putconn(conn)
    app.save(Thing("first"))
    with Raw(pg_url) as raw:
        assert raw.count() == 1
    assert verify(pg_url).intact


def test_ctrl_c_while_a_save_waits_cancels_it_and_records_nothing(pg_url, apps):
    app = apps(pg_url)
    app.save(Thing("first"))
    locked = threading.Event()

    def hold_the_log() -> None:  # another writer's transaction holds the log's table lock for 3 s
        with psycopg.connect(**parse_url(pg_url).connect_kwargs()) as other:
            other.execute(f'LOCK TABLE "{parse_url(pg_url).schema}".stored_events IN EXCLUSIVE MODE')
            locked.set()
            threading.Event().wait(3)  # (under the save's 5 s lock_timeout)
            other.commit()

    holder = threading.Thread(target=hold_the_log)
    holder.start()
    armed, stop = threading.Event(), threading.Event()

    def on_sigint(signum, frame):  # Ctrl-C while the save waits; later ones (see below) are let go
        if armed.is_set():
            armed.clear()
            raise KeyboardInterrupt

    def press_ctrl_c() -> None:
        # The user presses Ctrl-C: a real SIGINT to the main thread, which interrupts the wait for
        # the lock as the terminal's would (``_thread.interrupt_main`` only flags it, and a wait in
        # C may not look until the lock goes). Pressed again every 0.2 s while the save still
        # waits: once, in a loaded run of the whole suite, a single SIGINT did not interrupt it.
        while not stop.wait(0.2 if armed.is_set() else 0.5):
            signal.pthread_kill(threading.main_thread().ident, signal.SIGINT)

    previous = signal.signal(signal.SIGINT, on_sigint)
    presser = threading.Thread(target=press_ctrl_c)
    try:
        assert locked.wait(10)
        armed.set()
        presser.start()
        with pytest.raises(KeyboardInterrupt):
            app.save(Thing("second"))  # waits for the lock until interrupted
    finally:
        armed.clear()
        stop.set()
        if presser.ident is not None:
            presser.join()
        signal.signal(signal.SIGINT, previous)
        holder.join()  # the lock goes: a save not cancelled would now be recorded
    app.save(Thing("third"))  # the connection is usable again
    with Raw(pg_url) as raw:
        assert raw.count() == 2  # "first" and "third"; nothing of the interrupted save
    assert verify(pg_url).intact


@pytest.mark.parametrize("values", [[], [1], [1, 2**40, -3, 9_007_199_254_740_993]])
def test_bigint_arrays_read_back_from_the_server_binary_format(pg_base, values):
    with psycopg.connect(**parse_url(pg_base).connect_kwargs()) as conn:
        cur = conn.cursor(binary=True)
        cur.execute("SELECT %s::bigint[]", (values,))
        assert cur.pgresult.fformat(0) == Format.BINARY
        assert int8s_of(cur.pgresult.get_value(0, 0)) == values
    assert int8s_of(None) == []


@pytest.mark.parametrize("sql", ["SELECT ARRAY[1, NULL]::bigint[]", "SELECT ARRAY[[1, 2]]::bigint[]",
                                 "SELECT ARRAY[1]::int4[]"])
def test_anything_but_a_flat_bigint_array_is_refused_not_misread(pg_base, sql):
    with psycopg.connect(**parse_url(pg_base).connect_kwargs()) as conn:
        cur = conn.cursor(binary=True)
        cur.execute(sql)
        with pytest.raises(ValueError):
            int8s_of(cur.pgresult.get_value(0, 0))
