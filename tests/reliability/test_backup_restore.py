"""A store backed up and restored as docs/reliability.md says verifies and replays identically."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import uuid

import psycopg
import pytest

from plantrail.application.examples import record_examples
from plantrail.projections.current import current_plan
from plantrail.projections.history import history
from plantrail.store.settings import parse_url
from plantrail.store.verify import verify
from tests.support import open_app


def recorded_store(url: str) -> list[str]:
    app = open_app(url)
    app.add_staff(None, "tm1", name="Tina Moss", initials="TM", roles=["team-manager"])
    app.add_staff("tm1", "tm2", name="Tom Hale", initials="TH", roles=["team-manager"])
    app.add_staff("tm1", "sw1", name="Mary Grant", initials="MG", roles=["social-worker"])
    app.add_staff("tm1", "rc1", name="Rita Chow", initials="RC", roles=["review-chair"])
    plans = [str(p) for p in record_examples(app, social_worker="sw1", team_manager="tm2", review_chair="rc1")]
    app.close()
    return plans


def replay(url: str, plans: list[str]) -> list[tuple[dict, list[dict]]]:
    app = open_app(url)
    try:
        return [(current_plan(app, p), history(app, p)) for p in plans]
    finally:
        app.close()


def test_sqlite_backup_restores_identically(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("PLANTRAIL_KEK", str(tmp_path / "kept-apart.kek"))  # restored with the store's KEK
    live = f"sqlite:///{tmp_path}/live.sqlite"
    plans = recorded_store(live)
    source = sqlite3.connect(tmp_path / "live.sqlite")
    target = sqlite3.connect(tmp_path / "restored.sqlite")
    source.backup(target)  # the online backup API: safe while writers run
    source.close()
    target.close()
    restored = f"sqlite:///{tmp_path}/restored.sqlite"
    assert verify(restored).intact and verify(restored).head_link == verify(live).head_link
    assert replay(restored, plans) == replay(live, plans)


def test_postgres_dump_restores_identically(pg_schema_url: str, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("PLANTRAIL_KEK", str(tmp_path / "kept-apart.kek"))  # restored with the store's KEK
    if not (shutil.which("pg_dump") and shutil.which("psql")):
        pytest.skip("pg_dump and psql are needed for this test and are not installed")
    plans = recorded_store(pg_schema_url)
    source = parse_url(pg_schema_url)
    database = f"restore_{uuid.uuid4().hex[:10]}"
    admin = f"postgresql://{source.user}@{source.host}:{source.port}/{source.dbname}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{database}"')
    try:
        where = ["-h", source.host, "-p", str(source.port), "-U", source.user]
        dump = subprocess.run(["pg_dump", *where, "-d", source.dbname, "-n", source.schema],
                              check=True, capture_output=True)
        subprocess.run(["psql", *where, "-d", database, "-q", "-v", "ON_ERROR_STOP=1"], input=dump.stdout,
                       check=True, capture_output=True)
        restored = f"postgresql://{source.user}@{source.host}:{source.port}/{database}?schema={source.schema}"
        assert verify(restored).intact and verify(restored).head_link == verify(pg_schema_url).head_link
        assert replay(restored, plans) == replay(pg_schema_url, plans)
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
