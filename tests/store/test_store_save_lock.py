"""The save's lock (store/save_v4.sql): one save at a time, and no wait for a VACUUM or
ANALYZE of the log, which autovacuum and the import run while others save."""

from __future__ import annotations

import threading

import psycopg
from plantrail_store_testkit import Raw, Thing, ThingApp

from plantrail.store.settings import env_for_url, parse_url
from plantrail.store.verify import verify


def _holding(pg_url: str, mode: str, held: threading.Event, release: threading.Event) -> threading.Thread:
    """Another session holding ``mode`` on the log until ``release`` is set."""

    def hold() -> None:
        with psycopg.connect(**parse_url(pg_url).connect_kwargs()) as other:
            other.execute(f'LOCK TABLE "{parse_url(pg_url).schema}".stored_events IN {mode} MODE')
            held.set()
            release.wait(30)
            other.commit()

    thread = threading.Thread(target=hold)
    thread.start()
    return thread


def test_a_save_goes_through_while_the_log_is_vacuumed(pg_url, apps):
    """VACUUM and ANALYZE hold SHARE UPDATE EXCLUSIVE on the log while they run (16.8 s for a
    10M-event log): the save's lock does not conflict with it, so a save neither waits for
    the vacuum nor, as autovacuum's are when they block a lock, has it cancelled."""
    apps(pg_url).save(Thing("first"))  # (the store made)
    app = ThingApp(env={**env_for_url(pg_url), "POSTGRES_LOCK_TIMEOUT": "1"})  # a wait: refused, soon
    app.save(Thing("first"))
    held, release = threading.Event(), threading.Event()
    holder = _holding(pg_url, "SHARE UPDATE EXCLUSIVE", held, release)
    try:
        assert held.wait(10)
        app.save(Thing("second"))
    finally:
        release.set()
        holder.join()
        app.close()
    with Raw(pg_url) as raw:
        assert raw.count() == 3
    assert verify(pg_url).intact


def test_a_save_waits_for_the_log_lock_an_earlier_versions_save_holds(pg_url, apps):
    """A process of an earlier version saves under the log's EXCLUSIVE table lock (save v3):
    a save of this version waits for it before it reads the chain's head, so the two take
    turns and the chain stays one."""
    app = apps(pg_url)
    app.save(Thing("first"))
    held, release = threading.Event(), threading.Event()
    holder = _holding(pg_url, "EXCLUSIVE", held, release)
    saved: list[BaseException | None] = []

    def save() -> None:
        try:
            app.save(Thing("second"))
            saved.append(None)
        except BaseException as error:  # (reported below)
            saved.append(error)

    assert held.wait(10)
    saver = threading.Thread(target=save)
    saver.start()
    try:
        with psycopg.connect(**parse_url(pg_url).connect_kwargs(), autocommit=True) as admin:
            for _ in range(200):  # until the save's server process is seen waiting on the lock
                if admin.execute("SELECT 1 FROM pg_locks WHERE NOT granted AND relation = to_regclass(%s)",
                                 (f'"{parse_url(pg_url).schema}".stored_events',)).fetchone():
                    break
                threading.Event().wait(0.05)
            else:
                raise AssertionError("the save did not wait for the earlier version's lock")
        assert not saved
    finally:
        release.set()
        holder.join()
        saver.join()
    assert saved == [None]
    with Raw(pg_url) as raw:
        assert raw.count() == 2
    assert verify(pg_url).intact
