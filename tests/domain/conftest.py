"""Fixtures of the domain acceptance tests: an application on a fixed clock, and a staffed store.

``store_url`` (root conftest) runs every test on a fresh SQLite file and a fresh
PostgreSQL schema.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))  # for plantrail_domain_testkit

from plantrail_domain_testkit import FixedClock, open_app, staff_the_store  # noqa: E402


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock()


@pytest.fixture
def app(store_url: str, clock: FixedClock) -> Iterator:
    """The application on the parametrised store, its clock fixed at 2026-11-25 12:00 UTC."""
    application = open_app(store_url, clock)
    yield application
    application.close()


@pytest.fixture
def staffed(app):
    """The application with a team manager (the store's first member), a second team manager,
    a social worker, a review chair, a records officer and an auditor."""
    staff_the_store(app)
    return app
