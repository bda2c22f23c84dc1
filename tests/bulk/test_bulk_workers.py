"""`plantrail import --workers N` (docs/import.md): lines decided on N processes, saved in file order.

Whatever the workers decide, the store must end as one process would leave it: the same
events in the same order, the same command log, the same refusal naming the same line, the
same lines recorded before it. Each test here runs the command line on both stores.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.bulk.test_bulk_import import STAFF, case, child, events, run_import, write
from tests.support import open_app


def cases(count: int) -> list[dict[str, Any]]:
    return STAFF + [line for i in range(count) for line in case(f"K{i}", len(STAFF) + 1 + 4 * i)]


def log_of(url: str) -> tuple[list[tuple[str, int]], dict[str, Any]]:
    """The log as (kind of event, version) in its order, and the command log's positions."""
    app = open_app(url)
    try:
        logged = list(app.notifications())
        ids = [n.originator_id for n in logged]
        commands = app.recorder.command_records(
            [cid for cid in {_command_id(app, n) for n in logged} if cid])
        return ([(n.topic.rsplit(":", 1)[-1], n.originator_version) for n in logged],
                {cid: ids.index(next(n.originator_id for n in logged if n.id == row.position))
                 for cid, row in commands.items()})
    finally:
        app.close()


def _command_id(app: Any, notification: Any) -> str | None:
    return app.mapper.to_domain_event(notification).command_id


def test_workers_record_what_one_process_records(store_url: str, tmp_path: Path) -> None:
    lines = cases(12)
    path = write(tmp_path / "cases.jsonl", lines)
    alone = f"sqlite:///{tmp_path / 'alone.sqlite'}"
    assert run_import(alone, path, "--json", "--batch", "7").code == 0
    ran = run_import(store_url, path, "--json", "--batch", "7", "--workers", "3")
    assert ran.code == 0, ran.err
    counts = json.loads(ran.out)
    # the first batch (staff) decided by the parent, the other seven by the workers
    assert {k: counts[k] for k in ("lines", "events", "batches", "by_workers")} == {
        "lines": 51, "events": 63, "batches": 8, "by_workers": 7}
    assert log_of(store_url) == log_of(alone)  # same events, same order, same command log
    app = open_app(store_url)
    try:  # each $N named its own case's plan and action
        for i in range(12):
            plan = app.plan(app.child(f"K{i}").state.periods[-1].plan_id)
            assert plan.state.child == f"K{i}"
            assert plan.state.actions["A1"].frequency == "weekly"
    finally:
        app.close()


def test_a_line_refused_by_a_worker_is_reported_as_one_process_reports_it(store_url: str, tmp_path: Path) -> None:
    # Batches of 6. Line 16 (batch 3) is a statutory review by a social worker: refused by a
    # rule in the worker deciding K2's lines. The parent decides the batch again itself and
    # reports line 16; lines 1-12 (batches 1-2) stay, nothing from line 13 on.
    lines = cases(4)
    lines[15] = {"command": "review hold", "as": "sw1",
                 "args": {"plan_id": "$13", "kind": "statutory", "on": "2026-01-20", "chair": "rc1"}}
    before = write(tmp_path / "first.jsonl", lines[:12])
    alone = f"sqlite:///{tmp_path / 'alone.sqlite'}"
    assert run_import(alone, before, "--batch", "6").code == 0
    ran = run_import(store_url, write(tmp_path / "bad.jsonl", lines), "--batch", "6", "--workers", "2")
    assert ran.code == 1, ran.err
    assert ran.err.startswith("line 16: "), ran.err
    assert "lines 1-12 were recorded; nothing from line 13 on was" in ran.err
    assert events(store_url) == events(alone)


def test_a_save_the_store_refuses_is_decided_again_and_named_by_its_line(store_url: str, tmp_path: Path) -> None:
    # K1 is in the store already: the worker cannot know (a new record is checked by the
    # store's unique key at the save), so the batch's save is refused, while the next batch
    # is being decided; the parent decides batch 2 again, line by line, and names line 4.
    assert run_import(store_url, write(tmp_path / "first.jsonl", STAFF + [child("K1")])).code == 0
    recorded = events(store_url)
    lines = [child("K2"), child("K3"), child("K4"), child("K1", "Y"), child("K5"), child("K6"), child("K7")]
    ran = run_import(store_url, write(tmp_path / "again.jsonl", lines), "--batch", "2", "--workers", "2")
    assert ran.code == 1, ran.err
    assert ran.err.startswith("line 4: "), ran.err
    assert "K1 is already registered" in ran.err
    assert "lines 1-2 were recorded; nothing from line 3 on was" in ran.err
    assert events(store_url) == recorded + 2


def test_plans_named_by_id_and_a_file_imported_again(store_url: str, tmp_path: Path) -> None:
    # A second file works on plans already in the store, named by their ids: each line goes
    # to the worker of the plan's child. Imported twice, it records nothing the second time.
    assert run_import(store_url, write(tmp_path / "cases.jsonl", cases(6))).code == 0
    app = open_app(store_url)
    try:
        plans = {f"K{i}": str(app.child(f"K{i}").state.periods[-1].plan_id) for i in range(6)}
    finally:
        app.close()
    visits = [{"command": "visit record", "as": "sw1", "args": {"plan_id": plans[f"K{i % 6}"], "on": "2026-02-02",
                                                                 "seen_alone": i % 2 == 0}} for i in range(12)]
    path = write(tmp_path / "visits.jsonl", [child("K9"), *visits])
    recorded = events(store_url)
    first = run_import(store_url, path, "--json", "--batch", "4", "--workers", "2")
    assert first.code == 0, first.err
    assert json.loads(first.out)["by_workers"] == 4  # every batch routed by the plans' children
    assert events(store_url) == recorded + 13
    again = run_import(store_url, path, "--json", "--batch", "5", "--workers", "2")
    assert again.code == 0, again.err
    assert json.loads(again.out)["events"] == 0
    assert events(store_url) == recorded + 13


def test_workers_must_be_a_positive_count(store_url: str, tmp_path: Path) -> None:
    for bad in ("0", "-1", "many", "65"):
        ran = run_import(store_url, write(tmp_path / "cases.jsonl", cases(1)), "--workers", bad)
        assert ran.code == 2, ran.err
        assert "--workers" in ran.err
    assert events(store_url) == 0


def test_a_refused_save_of_lines_with_their_own_command_ids_is_decided_again_whole(
        store_url: str, tmp_path: Path) -> None:
    # Lines that give their own command ids, decided by the workers: the batch's save is refused
    # (K1 is in the store already) and decided again by the parent, line by line; no line is
    # taken for an earlier one of the same id (the ids were noted when the workers' batch
    # was put together).
    assert run_import(store_url, write(tmp_path / "first.jsonl", STAFF + [child("K1")])).code == 0
    recorded = events(store_url)
    lines = [dict(child(f"K{i}"), command_id=f"mig-{i}") for i in (2, 3, 1, 4)]
    ran = run_import(store_url, write(tmp_path / "ids.jsonl", lines), "--batch", "4", "--workers", "2")
    assert ran.code == 1, ran.err
    assert ran.err.startswith("line 3: ") and "K1 is already registered" in ran.err, ran.err
    assert events(store_url) == recorded


def _no_store() -> None:
    raise RuntimeError("this worker cannot open the store")


def test_workers_that_cannot_start_leave_the_import_to_the_parent(store_url: str, tmp_path: Path) -> None:
    # A worker that stops (here: it cannot open the store; or it is killed) loses nothing: the
    # parent decides the rest line by line, and says why.
    from plantrail.application.imports import import_lines, numbered_lines

    path = write(tmp_path / "cases.jsonl", cases(3))
    app = open_app(store_url)
    try:
        counts = import_lines(app, numbered_lines(str(path)), batch_size=4, workers=2, open_worker=_no_store)
    finally:
        app.close()
    assert counts["lines"] == 15 and counts["by_workers"] == 0
    assert "cannot open the store" in counts["workers_lost"] or "BrokenProcessPool" in counts["workers_lost"]
    assert events(store_url) == 18
