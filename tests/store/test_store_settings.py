from __future__ import annotations

import time

import pytest

from plantrail.store.errors import BadStoreURL, StoreUnavailable
from plantrail.store.settings import default_url, env_for_url, prepare


def test_default_url_follows_xdg(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert default_url() == f"sqlite:///{tmp_path}/plantrail/plantrail.sqlite"
    monkeypatch.delenv("XDG_DATA_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert default_url() == f"sqlite:///{tmp_path}/home/.local/share/plantrail/plantrail.sqlite"


def test_sqlite_settings_make_nothing_prepare_makes_the_folder(tmp_path):
    env = env_for_url(f"sqlite:///{tmp_path}/a/b/store.sqlite")
    assert env["PERSISTENCE_MODULE"] == "plantrail.store.sqlite_recorder:SQLiteRecordsFactory"
    assert env["SQLITE_DBNAME"] == f"{tmp_path}/a/b/store.sqlite"
    assert env["APPLICATION_RECORDER_TOPIC"] == "plantrail.store.sqlite_recorder:ChainedSQLiteApplicationRecorder"
    assert "IS_SNAPSHOTTING_ENABLED" not in env  # records load from their events, never snapshots
    assert not (tmp_path / "a").exists()  # settings are settings: a read makes no folder (nor store)
    prepare(f"sqlite:///{tmp_path}/a/b/store.sqlite")  # the first write's
    assert (tmp_path / "a" / "b").is_dir()


def test_sqlite_relative_path(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert env_for_url("sqlite:///rel/x.sqlite")["SQLITE_DBNAME"] == f"{tmp_path}/rel/x.sqlite"


def test_postgres_env():
    env = env_for_url("postgres://alice:s%40cret@db.example:6543/records?schema=plans")
    assert env["PERSISTENCE_MODULE"] == "plantrail.store.postgres_recorder:PostgresRecordsFactory"
    assert (env["POSTGRES_USER"], env["POSTGRES_PASSWORD"]) == ("alice", "s@cret")
    assert (env["POSTGRES_HOST"], env["POSTGRES_PORT"], env["POSTGRES_DBNAME"]) == ("db.example", "6543", "records")
    assert env["POSTGRES_SCHEMA"] == "plans"
    assert env["POSTGRES_LOCK_TIMEOUT"] == "5" and env["POSTGRES_CONNECT_TIMEOUT"] == "5"
    assert env["APPLICATION_RECORDER_TOPIC"] == "plantrail.store.postgres_recorder:ChainedPostgresApplicationRecorder"
    plain = env_for_url("postgresql://bob@localhost/test")
    assert plain["POSTGRES_PORT"] == "5432" and plain["POSTGRES_PASSWORD"] == "" and plain["POSTGRES_SCHEMA"] == ""


@pytest.mark.parametrize("url", [
    "", "mysql://x@y/z", "sqlite://relative", "sqlite:///", "sqlite:///:memory:",
    "postgresql://host-but-no-user/db", "postgresql://u@h/", "postgresql://u@h:notaport/db",
    "postgresql://u@h/db?schema=bad-name", "postgresql://u@h/db?sslmode=require",
])
def test_bad_urls(url):
    with pytest.raises(BadStoreURL) as exc:
        env_for_url(url)
    assert "\n" not in str(exc.value)


def test_bad_url_hides_password():
    with pytest.raises(BadStoreURL) as exc:
        env_for_url("postgresql://u:hunter2@h/")
    assert "hunter2" not in str(exc.value)


def test_postgres_unavailable_is_quick_and_plain():
    started = time.monotonic()
    with pytest.raises(StoreUnavailable) as exc:
        prepare("postgresql://postgres@127.0.0.1:1/test")
    assert time.monotonic() - started < 10
    message = str(exc.value)
    assert "\n" not in message and "127.0.0.1:1" in message and "refused" in message


def test_postgres_unknown_database(pg_base):
    from plantrail.store.settings import parse_url

    u = parse_url(pg_base)
    with pytest.raises(StoreUnavailable) as exc:
        prepare(f"postgresql://{u.user}@{u.host}:{u.port}/no_such_db_plantrail")
    assert "no_such_db_plantrail" in str(exc.value) and "\n" not in str(exc.value)


def test_sqlite_not_a_database(tmp_path):
    (tmp_path / "junk.sqlite").write_text("this is not a database" * 100)
    with pytest.raises(StoreUnavailable):
        prepare(f"sqlite:///{tmp_path}/junk.sqlite")


def test_sqlite_directory_not_creatable(tmp_path):
    (tmp_path / "file").write_text("x")
    with pytest.raises(StoreUnavailable):
        prepare(f"sqlite:///{tmp_path}/file/sub/store.sqlite")


def test_prepare_creates_schema(pg_url):
    import psycopg

    from plantrail.store.settings import parse_url

    prepare(pg_url)
    prepare(pg_url)  # idempotent
    u = parse_url(pg_url)
    with psycopg.connect(**u.connect_kwargs()) as conn:
        assert conn.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", (u.schema,)).fetchone()


def test_a_store_in_a_folder_whose_name_is_not_utf8_is_read_and_verified(tmp_path):
    """A store's file name is the system's, whatever its bytes (a data folder from another
    system): it is made, read and verified, not an unexpected error at the first read."""
    import os

    from tests.support import run_in_process

    clean = {k: v for k, v in os.environ.items() if not k.startswith("PLANTRAIL_")}
    folder = tmp_path / "named\udcff"  # (the byte 0xff, as Python reads it)
    named = f"sqlite:///{folder / 's.sqlite'}"
    for env in ({**clean, "XDG_DATA_HOME": str(tmp_path / "data\udcff")}, {**clean, "PLANTRAIL_DB": named}):
        made = run_in_process(("demo",), env, tmp_path)
        assert made.code == 0, made.err
        listed = run_in_process(("plans", "--json"), {**env, "PLANTRAIL_AS": "demo-chair"}, tmp_path)
        assert listed.code == 0, listed.err
        checked = run_in_process(("verify",), env, tmp_path)
        assert checked.code == 0 and "intact" in checked.out, checked.err
