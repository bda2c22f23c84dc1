"""One store fixture for every test: a fresh SQLite file, and a fresh PostgreSQL schema.

PostgreSQL tests read the server's URL from PLANTRAIL_TEST_POSTGRES and skip, saying so,
when it is unset (CI always sets it).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

# FixedClock, open_app and stored_event_count are also read from here by the folders' testkits.
from tests.support import FixedClock, Shell, open_app, stored_event_count  # noqa: F401

PG_ENV = "PLANTRAIL_TEST_POSTGRES"


def postgres_base_url() -> str:
    url = os.environ.get(PG_ENV)
    if not url:
        pytest.skip(f"PostgreSQL tests need {PG_ENV} (e.g. postgresql://postgres@127.0.0.1:5432/test)")
    return url


@pytest.fixture
def pg_schema_url() -> Iterator[str]:
    """A URL naming a fresh schema, dropped after the test."""
    base = postgres_base_url()
    schema = f"t_{uuid.uuid4().hex[:12]}"
    yield f"{base}{'&' if '?' in base else '?'}schema={schema}"
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


@pytest.fixture(params=["sqlite", "postgres"])
def store_url(request: pytest.FixtureRequest, tmp_path) -> str:
    """The URL of an empty store, on each kind of store."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'plantrail.sqlite'}"
    return request.getfixturevalue("pg_schema_url")


@pytest.fixture
def app(store_url: str) -> Iterator[PlanRecords]:
    application = open_app(store_url)
    yield application
    application.close()




@pytest.fixture
def sh(store_url: str, tmp_path: Path) -> Shell:
    """The plantrail command line on a fresh store."""
    return Shell(store_url, tmp_path)
