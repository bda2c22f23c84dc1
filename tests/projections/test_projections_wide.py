"""A rebuild folded by worker processes (projections/wide.py) writes the very rows the
in-process catch-up writes; if the workers break, the rebuild still finishes in-process.

The worker path is taken only far behind (200,000 events) on PostgreSQL with a second
core: these tests lower the threshold so a small store takes it.
"""

from __future__ import annotations

from concurrent.futures.process import BrokenProcessPool
from datetime import UTC, datetime

import pytest
from plantrail_projections_generate import generate
from plantrail_projections_testkit import Desk, FixedClock, open_app

from projections import runner, wide
from projections.db import transaction
from projections.views import VIEWS


def _tables(app) -> dict[str, list[dict]]:
    with transaction(app, commit=False) as tx:
        return {v.table: tx.execute(f"SELECT * FROM {{{v.table}}} ORDER BY {v.key}").fetchall() for v in VIEWS}


@pytest.fixture
def generated(pg_schema_url: str):
    app = open_app(pg_schema_url, FixedClock(datetime(2026, 1, 5, 9, tzinfo=UTC)))
    if not wide.available(app):
        app.close()
        pytest.skip("the worker path needs a second core")
    generate(Desk(app, app.clock).staff(), seed=7, events=2500)
    runner.catch_up(app)  # in-process: the store is far below the threshold
    try:
        yield app, _tables(app)
    finally:
        app.close()


def test_a_rebuild_on_worker_processes_writes_the_same_rows(generated, monkeypatch) -> None:
    app, caught_up = generated
    monkeypatch.setattr(runner, "WIDE_FROM", 1)
    monkeypatch.setattr(runner, "WIDE_BATCH", 300)  # many batches: records folded across them
    taken = []
    monkeypatch.setattr(runner, "_run_wide", _spy(runner._run_wide, taken))
    runner.rebuild(app)
    assert taken, "the rebuild did not take the worker path"
    assert _tables(app) == caught_up
    assert all(s["behind"] == 0 for s in runner.status(app))


def test_workers_that_break_leave_the_rebuild_to_finish_in_process(generated, monkeypatch) -> None:
    app, caught_up = generated
    monkeypatch.setattr(runner, "WIDE_FROM", 1)
    monkeypatch.setattr(runner, "WIDE_BATCH", 300)
    folds = []
    real_fold = wide.Workers.fold

    def fold_then_break(self, touched):  # type: ignore[no-untyped-def]
        folds.append(1)
        if len(folds) == 3:
            raise BrokenProcessPool("a worker died")
        return real_fold(self, touched)

    monkeypatch.setattr(wide.Workers, "fold", fold_then_break)
    runner.rebuild(app)
    assert len(folds) >= 3
    assert _tables(app) == caught_up
    assert all(s["behind"] == 0 for s in runner.status(app))


def _spy(function, calls):  # type: ignore[no-untyped-def]
    def spied(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(1)
        return function(*args, **kwargs)
    return spied
