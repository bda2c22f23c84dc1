"""One store fixture for every test: a fresh SQLite file, and a fresh PostgreSQL schema.

PostgreSQL tests read the server's URL from PLANTRAIL_TEST_POSTGRES and skip, saying so,
when it is unset (CI always sets it).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from plantrail.application.records import PlanRecords
from tests.support import Shell, open_app, postgres_base_url


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
