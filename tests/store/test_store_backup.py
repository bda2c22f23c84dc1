"""A store dumped and restored (the way a DBA would back it up) still verifies."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import uuid

import pytest
from plantrail_store_testkit import fill

from plantrail.store.settings import parse_url
from plantrail.store.verify import verify


def test_sqlite_backup_verifies(tmp_path, apps):
    url = f"sqlite:///{tmp_path}/live.sqlite"
    app = apps(url)
    fill(app, 20)
    src = sqlite3.connect(str(tmp_path / "live.sqlite"))
    dst = sqlite3.connect(str(tmp_path / "copy.sqlite"))
    src.backup(dst)
    src.close(), dst.close()
    original, copy = verify(url), verify(f"sqlite:///{tmp_path}/copy.sqlite")
    assert copy.intact and copy.head_link == original.head_link and copy.events_checked == original.events_checked > 40
    # VACUUM would renumber a bare rowid; our explicit AUTOINCREMENT key keeps positions.
    sqlite3.connect(str(tmp_path / "copy.sqlite"), isolation_level=None).execute("VACUUM")
    assert verify(f"sqlite:///{tmp_path}/copy.sqlite").head_link == original.head_link
    # The restored copy still works as a store.
    more = apps(f"sqlite:///{tmp_path}/copy.sqlite")
    fill(more, 2)
    assert verify(f"sqlite:///{tmp_path}/copy.sqlite").intact


def test_postgres_dump_and_restore_verifies(pg_url, apps):
    if not (shutil.which("pg_dump") and shutil.which("psql")):
        pytest.skip("pg_dump/psql not installed")
    import psycopg

    fill(apps(pg_url), 20)
    u = parse_url(pg_url)
    target = "pt_restore_" + uuid.uuid4().hex[:10]
    admin = psycopg.connect(**{**u.connect_kwargs(), "dbname": u.dbname}, autocommit=True)
    try:
        admin.execute(f'CREATE DATABASE "{target}"')
    except psycopg.Error as e:
        admin.close()
        pytest.skip(f"cannot create a scratch database to restore into: {e}")
    try:
        common = ["-h", u.host, "-p", str(u.port), "-U", u.user]
        dump = subprocess.run(["pg_dump", *common, "-n", u.schema, u.dbname],
                              capture_output=True, check=True, timeout=30).stdout
        subprocess.run(["psql", *common, "-q", "-v", "ON_ERROR_STOP=1", target],
                       input=dump, capture_output=True, check=True, timeout=30)
        restored = f"postgresql://{u.user}@{u.host}:{u.port}/{target}?schema={u.schema}"
        original, copy = verify(pg_url), verify(restored)
        assert copy.intact and copy.head_link == original.head_link and copy.events_checked == original.events_checked > 40
        # The restored store still works: chain trigger and guards came across.
        more = apps(restored)
        fill(more, 2)
        assert verify(restored).intact
        more.close()
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)')
        admin.close()
