"""Fixtures of the projection tests: ``desk`` is a staffed store on a movable clock,
on each kind of store (``store_url`` of the root conftest)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))  # for plantrail_projections_testkit

from plantrail_projections_testkit import Desk, FixedClock, open_app


@pytest.fixture
def desk(store_url: str) -> Iterator[Desk]:
    clock = FixedClock(datetime(2026, 1, 5, 9, tzinfo=UTC))  # a Monday
    app = open_app(store_url, clock)
    try:
        yield Desk(app, clock, store_url).staff()
    finally:
        app.close()
