"""Shared by the self-tests: the URL of the shared PostgreSQL server they may use (never
stopped or reconfigured; only schemas and roles of unique names are made there, and dropped)."""

from __future__ import annotations

import os

import psycopg
import pytest

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/test"


@pytest.fixture(scope="session")
def shared_url() -> str:
    """$PLANTRAIL_TEST_POSTGRES, else the usual local server; skips if it is not up (unless
    the variable is set, as in CI, where that is a failure)."""
    url = os.environ.get("PLANTRAIL_TEST_POSTGRES", DEFAULT_URL)
    try:
        psycopg.connect(url, connect_timeout=5).close()
    except psycopg.OperationalError as exc:
        if os.environ.get("PLANTRAIL_TEST_POSTGRES"):
            raise
        pytest.skip(f"no PostgreSQL at {url}: {exc}")
    return url
