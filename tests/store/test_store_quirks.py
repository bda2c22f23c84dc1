"""The workarounds of plantrail.store.quirks still do what they are for: each test fails if
a new release of the library they lean on changes what they rely on."""

from __future__ import annotations

from plantrail.store.quirks import kept_cursor
from plantrail.store.settings import env_for_url, prepare


def test_the_pool_hands_out_the_connection_returned_last(pg_url):
    # First in, first out, one writer's commands went round every pooled connection and ran
    # at 715-869 a second against 922-1,316 (store.quirks.hottest_first). If this
    # fails after a psycopg_pool upgrade, the pool's queue has changed shape: find its new
    # way to be LIFO.
    from plantrail.application.records import PlanRecords

    prepare(pg_url)
    app = PlanRecords(env=env_for_url(pg_url))
    try:
        datastore = app.recorder.datastore
        datastore.pool.wait()  # every connection of min_size opened and idle
        with datastore.get_connection() as first:
            pass
        for _ in range(5):
            with datastore.get_connection() as again:
                assert again is first
        with datastore.get_connection() as held, datastore.get_connection() as other:
            assert other is not held  # under concurrent use, each still gets its own
        with datastore.get_connection() as last:
            assert last is held  # returned last (the inner block closed first): handed out first
    finally:
        app.close()


def test_a_connection_keeps_one_cursor_for_record_reads(pg_url):
    import psycopg

    from plantrail.store.settings import parse_url

    prepare(pg_url)
    with psycopg.connect(**parse_url(pg_url).connect_kwargs()) as conn:
        first = kept_cursor(conn)
        assert kept_cursor(conn) is first
        first.close()
        again = kept_cursor(conn)
        assert again is not first and not again.closed
        assert again.execute("SELECT 1").fetchone() == (1,)
