"""What every plantrail session on PostgreSQL runs first (store.settings.session_setup): no
JIT compilation, which an unanalysed log's estimates would otherwise set off on every read of
it (a catch-up of 10M events ran a quarter slower: docs/performance.md)."""

from __future__ import annotations

from plantrail_store_testkit import ThingApp

from plantrail.store.settings import env_for_url, parse_url, pg_connect, prepare
from plantrail.store.view_tables import transaction


def _jit_in_the_pool(url: str) -> str:
    prepare(url)
    app = ThingApp(env=env_for_url(url))
    try:
        with transaction(app, commit=False) as tx:
            return tx.execute("SELECT current_setting('jit') AS jit").fetchone()["jit"]
    finally:
        app.close()


def test_the_stores_sessions_run_without_jit(pg_url):
    assert _jit_in_the_pool(pg_url) == "off"
    with pg_connect(parse_url(pg_url)) as conn:  # (verify's, init's, the maintenance's connections)
        assert conn.execute("SHOW jit").fetchone()[0] == "off"


def test_a_dbas_pgoptions_still_apply_and_may_turn_it_back_on(pg_url, monkeypatch):
    monkeypatch.setenv("PGOPTIONS", "-c jit=on -c work_mem=5MB")
    assert _jit_in_the_pool(pg_url) == "on"
    with pg_connect(parse_url(pg_url)) as conn:
        assert conn.execute("SHOW work_mem").fetchone()[0] == "5MB"
        assert conn.execute("SHOW jit").fetchone()[0] == "on"


def test_pgoptions_without_jit_apply_beside_it(pg_url, monkeypatch):
    monkeypatch.setenv("PGOPTIONS", "-c work_mem=5MB")
    assert _jit_in_the_pool(pg_url) == "off"
    with pg_connect(parse_url(pg_url)) as conn:  # (not autocommit: the SET was committed)
        conn.rollback()
        assert conn.execute("SELECT current_setting('jit'), current_setting('work_mem')").fetchone() == ("off", "5MB")
