"""What the conformance tests share: plantrail's store URLs and env, fresh stores, and
closing this process's own PostgreSQL connections (never anyone else's).

The library's test cases are unittest classes, so these are plain functions called from
setUp/tearDown rather than pytest fixtures. PostgreSQL tests read the server from
PLANTRAIL_TEST_POSTGRES (as tests/support.py does) and skip, saying so, when it is unset.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import unittest
import uuid
from typing import Any

import psycopg
from eventsourcing.persistence import InfrastructureFactory
from eventsourcing.utils import Environment

from plantrail.store.settings import MAPPER_TOPICS, env_for_url, parse_url, prepare

PG_ENV = "PLANTRAIL_TEST_POSTGRES"

# Every connection this process opens carries this application_name (libpq reads
# PGAPPNAME), so a test can close "all connections" as the library's
# pg_close_all_connections does, but only its own: the server is shared.
APP_NAME = f"plantrail-conformance-{os.getpid()}"
os.environ["PGAPPNAME"] = APP_NAME

# What the library's own PostgreSQL recorder fixtures use (SetupPostgresDatastore):
# a pool of exactly one connection. The tests that need more resize the pool.
LIBRARY_POOL = {"POSTGRES_POOL_SIZE": "1", "POSTGRES_MAX_OVERFLOW": "0", "POSTGRES_MAX_WAITING": "0"}


def pg_base_url() -> str:
    url = os.environ.get(PG_ENV)
    if not url:
        raise unittest.SkipTest(f"PostgreSQL tests need {PG_ENV} (e.g. postgresql://postgres@127.0.0.1:5432/test)")
    return url


def new_pg_url() -> str:
    """A URL naming a fresh schema (created by prepare(), dropped by drop_store())."""
    base = pg_base_url()
    schema = f"conf_{uuid.uuid4().hex[:12]}"
    url = f"{base}{'&' if '?' in base else '?'}schema={schema}"
    prepare(url)
    return url


def new_sqlite_url() -> str:
    """A URL naming an SQLite file in a fresh directory (removed by drop_store())."""
    url = f"sqlite:///{tempfile.mkdtemp(prefix='plantrail-conf-')}/plantrail.sqlite"
    prepare(url)
    return url


def drop_store(url: str) -> None:
    parsed = parse_url(url)
    if hasattr(parsed, "schema"):
        with psycopg.connect(**parsed.connect_kwargs(), autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{parsed.schema}" CASCADE')
    else:
        shutil.rmtree(parsed.path.parent, ignore_errors=True)


def plantrail_env(url: str, *, library_mapper: bool = True, **extra: str) -> dict[str, str]:
    """The env plantrail builds for a URL (``store.settings.env_for_url``), plus what a
    library fixture needs (``extra``). plantrail's mapper (``MAPPER_TOPICS``) stores
    plantrail's pydantic events; the library's test domain (BankAccount, Aggregate, Counter)
    needs the library's own, so its test applications get that (``library_mapper``)."""
    env = {**env_for_url(url), **extra}
    if library_mapper:
        for key in MAPPER_TOPICS:
            env.pop(key, None)
    return env


def plantrail_factory(url: str, name: str = "plantrail", **extra: str) -> InfrastructureFactory[Any]:
    """The infrastructure factory an application named ``name`` builds on ``url``
    (PlanRecords is named "plantrail")."""
    return InfrastructureFactory.construct(Environment(name, plantrail_env(url, **extra)))


def close_own_connections() -> int:
    """Terminate every server connection this process opened (but the one asking):
    the library's pg_close_all_connections, limited to our own. How many it closed."""
    base = pg_base_url()
    with psycopg.connect(base, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE application_name = %s AND pid <> pg_backend_pid()", (APP_NAME,)).fetchall()
    return len(rows)


class EnvironSet:
    """Put an env into os.environ and take it out again (the library's application test
    cases construct applications from os.environ, as its own WithPostgres/WithSQLite do)."""

    def __init__(self, env: dict[str, str]) -> None:
        self.env = env
        self.saved: dict[str, str | None] = {}

    def __enter__(self) -> EnvironSet:
        for key, value in self.env.items():
            self.saved[key] = os.environ.get(key)
            os.environ[key] = value
        return self

    def __exit__(self, *exc: object) -> None:
        for key, value in self.saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
