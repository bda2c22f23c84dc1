"""A rebuild folded record by record by worker processes (projections/wide.py) writes
the very rows the in-process catch-up writes; if the workers break, the rebuild still
finishes in-process.

The worker path is taken only far behind (200,000 events) on PostgreSQL with a second
core: these tests lower the threshold so a small store takes it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from plantrail_projections_generate import generate
from plantrail_projections_testkit import Desk, FixedClock, open_app

from plantrail.projections import runner, wide
from plantrail.projections.views import VIEWS
from plantrail.store.view_tables import transaction


def _tables(app) -> dict[str, list[dict]]:
    with transaction(app, commit=False) as tx:
        return {v.table.name: tx.execute(f"SELECT * FROM {{{v.table.name}}} ORDER BY {v.table.key}").fetchall() for v in VIEWS}


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
    monkeypatch.setattr(wide, "RECORDS_A_READ", 7)  # many reads and writes a worker
    monkeypatch.setattr(wide, "ROWS_A_WRITE", 5)
    folds = _folds_on_workers(monkeypatch)
    runner.rebuild(app)
    assert folds == ["done"], "the rebuild did not fold on workers"
    assert _tables(app) == caught_up
    assert all(s["behind"] == 0 for s in runner.status(app))


def test_a_view_far_behind_takes_in_what_is_new_the_same_way(pg_schema_url: str, monkeypatch) -> None:
    """Caught up half way, then far behind: the workers fold whole the records touched
    since (more on old plans, a new child and plan), and the rows are those of an
    in-process rebuild."""
    app = open_app(pg_schema_url, FixedClock(datetime(2026, 1, 5, 9, tzinfo=UTC)))
    try:
        if not wide.available(app):
            pytest.skip("the worker path needs a second core")
        desk = Desk(app, app.clock).staff()
        half: list[int] = []

        def catch_up_half_way() -> None:
            if not half and app.recorder.max_notification_id() >= 1200:
                half.append(runner.catch_up(app))

        generate(desk, seed=9, events=2500, after_save=catch_up_half_way)
        desk.action(desk.plan(desk.child("K9")))
        assert half and all(0 < s["position"] < s["log_position"] for s in runner.status(app))
        monkeypatch.setattr(runner, "WIDE_FROM", 1)
        folds = _folds_on_workers(monkeypatch)
        runner.catch_up(app)
        assert folds == ["done"], "the catch-up did not fold on workers"
        caught_up = _tables(app)
        monkeypatch.setattr(runner, "WIDE_FROM", 10**9)
        runner.rebuild(app)
        assert folds == ["done"]
        assert _tables(app) == caught_up
    finally:
        app.close()


def test_workers_that_break_leave_the_rebuild_to_finish_in_process(generated, monkeypatch) -> None:
    """The workers write some rows and then break: the views have not moved, the
    catch-up in this process writes the rest, and the rows are the same."""
    app, caught_up = generated
    monkeypatch.setattr(runner, "WIDE_FROM", 1)
    real_fold = wide.fold_records
    folds = []

    def fold_then_break(app, views, after, upto):  # type: ignore[no-untyped-def]
        folds.append(1)
        real_fold(app, views, after, upto)
        assert all(s["position"] == after for s in runner.status(app))
        raise wide.WorkersFailed("a worker died")

    monkeypatch.setattr(wide, "fold_records", fold_then_break)
    runner.rebuild(app)
    assert folds
    assert _tables(app) == caught_up
    assert all(s["behind"] == 0 for s in runner.status(app))


def test_a_worker_that_fails_leaves_the_rebuild_to_finish_in_process(generated, monkeypatch, caplog) -> None:
    """A real worker that cannot do its share (here: it cannot make the caller's
    application, a class defined in a function) fails; this process does the work, and
    says why it was slower."""
    app, caught_up = generated
    monkeypatch.setattr(runner, "WIDE_FROM", 1)

    class Unreachable(type(app)):  # type: ignore[misc]
        pass

    own = Unreachable(env=dict(app.env))
    folds = _folds_on_workers(monkeypatch)
    try:
        runner.rebuild(own)
    finally:
        own.close()
    assert len(folds) == 1 and "TopicError" in folds[0]
    assert "folding in one process instead" in caplog.text
    assert _tables(app) == caught_up


def test_a_worker_refuses_a_job_from_another_copy_of_plantrail() -> None:
    """A worker that found other code on the path (another checkout, another version)
    stops before it opens the store: its rows would not be the caller's."""
    job = {"module": "/elsewhere/projections/wide.py", "views": [[v.name, v.version] for v in VIEWS]}
    with pytest.raises(SystemExit, match="its caller /elsewhere"):
        wide._work(job)
    job = {"module": os.path.realpath(wide.__file__), "views": [["plans", VIEWS[0].version + 1]]}
    with pytest.raises(SystemExit, match="not its caller's"):
        wide._work(job)


SCRIPT = """\
import sys
from plantrail.store.settings import env_for_url, prepare
from plantrail.application.records import PlanRecords
from plantrail.projections import runner, wide

with open(sys.argv[2], "a") as marks:  # the script's own work, at the top level
    marks.write("ran\\n")
url = sys.argv[1]
prepare(url)
app = PlanRecords(env=env_for_url(url))
runner.WIDE_FROM = 1
folded = wide.fold_records
wide.fold_records = lambda *a: (folded(*a), print("folded on workers"))
runner.rebuild(app)
app.close()
"""


def test_a_script_without_a_main_guard_runs_its_own_work_once(generated, pg_schema_url, tmp_path) -> None:
    """The workers are fresh interpreters that do not import the caller's ``__main__``:
    with multiprocessing's spawn, every worker ran this script's top level again (and
    would have made its writes again)."""
    app, caught_up = generated
    script, marks = tmp_path / "rebuild.py", tmp_path / "marks"
    script.write_text(SCRIPT)
    checkout = str(Path(__file__).resolve().parents[2])  # the code under test, not an installed copy
    done = subprocess.run([sys.executable, str(script), pg_schema_url, str(marks)], cwd=tmp_path,
                          env={**os.environ, "PYTHONPATH": checkout}, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "folded on workers" in done.stdout
    assert marks.read_text() == "ran\n"
    assert _tables(app) == caught_up


def test_the_workers_run_this_module_whatever_the_working_directory_holds(generated, monkeypatch,
                                                                       tmp_path) -> None:
    """A folder named like the package in the working directory is not run as the worker
    (it would have "succeeded" without writing a row, and the views moved on regardless)."""
    app, caught_up = generated
    fake = tmp_path / "projections"
    fake.mkdir()
    (fake / "__init__.py").write_text("")
    (fake / "wide.py").write_text(f"open({str(tmp_path / 'ran')!r}, 'w').close()\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(runner, "WIDE_FROM", 1)
    folds = _folds_on_workers(monkeypatch)
    runner.rebuild(app)
    assert not (tmp_path / "ran").exists()
    assert folds == ["done"]
    assert _tables(app) == caught_up


def test_an_import_path_holding_a_path_object_still_folds_on_workers(generated, monkeypatch) -> None:
    """``sys.path.append(Path(...))`` is common; the workers' path is made of text."""
    app, caught_up = generated
    monkeypatch.setattr(sys, "path", [*sys.path, Path("/nowhere/at/all")])
    monkeypatch.setattr(runner, "WIDE_FROM", 1)
    folds = _folds_on_workers(monkeypatch)
    runner.rebuild(app)
    assert folds == ["done"]
    assert _tables(app) == caught_up


def test_a_row_is_not_kept_for_claiming_a_later_position(generated) -> None:
    """A row forged with its position far ahead is written over by the next row the log gives
    for that record (it used to be kept, and survived every later write)."""
    app, caught_up = generated
    view = next(v for v in VIEWS if v.name == "plans")
    newest = caught_up[view.table.name][0]
    forged = {**newest, "status": "closed", "position": 10**12}
    with transaction(app, commit=True) as tx:
        view.upsert(tx, [tuple(forged[c] for c in view.table.columns)])
    with transaction(app, commit=True) as tx:
        view.upsert(tx, [tuple(newest[c] for c in view.table.columns)])
    assert _tables(app) == caught_up


def _folds_on_workers(monkeypatch) -> list[str]:  # type: ignore[no-untyped-def]
    """How each fold on workers ended: "done", or the failure that sent it back in-process
    (which would write the same rows, so the tables alone cannot tell the two apart)."""
    ended: list[str] = []
    fold = wide.fold_records

    def watched(*args):  # type: ignore[no-untyped-def]
        try:
            fold(*args)
        except wide.WorkersFailed as failed:
            ended.append(str(failed))
            raise
        ended.append("done")

    monkeypatch.setattr(wide, "fold_records", watched)
    return ended
