"""One store fixture for every test: a fresh SQLite file, and a fresh PostgreSQL schema.

PostgreSQL tests read the server's URL from PLANTRAIL_TEST_POSTGRES and skip, saying so,
when it is unset (CI always sets it).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import datetime, timezone

import psycopg
import pytest

from domain.application import PlanRecords
from store.settings import env_for_url, prepare

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


class FixedClock:
    """A clock that tests can set and move on; the store still stamps real UTC times."""

    def __init__(self, now: datetime | None = None) -> None:
        self.now = now or datetime(2026, 11, 25, 12, 0, tzinfo=timezone.utc)

    def __call__(self) -> datetime:
        return self.now


def open_app(url: str, clock=None) -> PlanRecords:
    prepare(url)
    if clock is None:
        return PlanRecords(env=env_for_url(url))
    return PlanRecords(env=env_for_url(url), clock=clock)


@pytest.fixture
def app(store_url: str) -> Iterator[PlanRecords]:
    application = open_app(store_url)
    yield application
    application.close()


def stored_event_count(application: PlanRecords) -> int:
    """How many events the store holds: what a test counts before and after a refusal."""
    return application.recorder.max_notification_id() or 0
