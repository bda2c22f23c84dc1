from __future__ import annotations

import os
import sys
import uuid
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))  # for plantrail_store_testkit, also in child processes

PG_ENV = "PLANTRAIL_TEST_POSTGRES"


@pytest.fixture
def pg_base() -> str:
    url = os.environ.get(PG_ENV)
    if not url:
        pytest.skip(f"set {PG_ENV} (e.g. postgresql://postgres@127.0.0.1:5432/test) to run the PostgreSQL tests")
    return url


def _fresh_pg_schema(base: str):
    import psycopg

    from plantrail.store.settings import parse_url

    schema = "pt_" + uuid.uuid4().hex[:12]
    sep = "&" if "?" in base else "?"
    url = f"{base}{sep}schema={schema}"
    yield url
    with psycopg.connect(**parse_url(base).connect_kwargs(), autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


@pytest.fixture
def pg_url(pg_base: str):
    yield from _fresh_pg_schema(pg_base)


@pytest.fixture(params=["sqlite", "postgres"])
def store_url(request, tmp_path):
    """One real store of each kind: an SQLite file, and a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/store/plantrail.sqlite"
    else:
        yield from _fresh_pg_schema(request.getfixturevalue("pg_base"))


@pytest.fixture
def apps():
    """Opens test applications and closes them after the test (before the schema is dropped)."""
    from plantrail_store_testkit import open_app

    opened = []

    def _open(url: str):
        app = open_app(url)
        opened.append(app)
        return app

    yield _open
    for app in opened:
        app.close()
