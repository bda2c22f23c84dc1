"""Separate processes writing at once still leave one unbroken chain."""

from __future__ import annotations

import multiprocessing
import sqlite3

import pytest
from plantrail_store_testkit import Raw

from plantrail.store.chain import EVENTS_TABLE
from plantrail.store.guards import install_guards
from plantrail.store.settings import prepare
from plantrail.store.verify import verify

WRITERS, SAVES = 4, 30


def _writer(url: str, saves: int, start) -> None:
    from plantrail_store_testkit import Thing, open_app

    start.wait(10)  # all writers go at once
    app = open_app(url)
    try:
        mine = Thing("mine")
        app.save(mine)
        for i in range(saves):
            other = Thing(f"other {i}")
            mine.note(f"n{i}")
            mine.note(f"m{i}")
            app.save(mine, other)  # three events in one transaction
    finally:
        app.close()


@pytest.mark.parametrize("fresh", [True, False], ids=["fresh-store", "after-init"])
def test_concurrent_writers_keep_one_chain(store_url, fresh):
    if not fresh:
        install_guards(store_url)  # what "plantrail init" does
    ctx = multiprocessing.get_context("fork")
    start = ctx.Event()
    procs = [ctx.Process(target=_writer, args=(store_url, SAVES, start)) for _ in range(WRITERS)]
    for p in procs:
        p.start()
    start.set()
    for p in procs:
        p.join(60)
    assert [p.exitcode for p in procs] == [0] * WRITERS
    report = verify(store_url)
    assert report.intact, report
    assert report.events_checked == WRITERS * (1 + 3 * SAVES)
    with Raw(store_url) as raw:  # the writers really did interleave
        names = [r[0] for r in raw.run(f"SELECT state FROM {EVENTS_TABLE} ORDER BY {{pos}}")]
    mine = [i for i, state in enumerate(names) if b'"name":"mine"' in bytes(state)]
    assert len(mine) == WRITERS and mine[-1] < len(names) - 3 * SAVES


def test_verify_while_writers_append(store_url, monkeypatch):
    """verify reads one snapshot: appends landing mid-walk never look like tampering."""
    from plantrail.store import verify as verify_module

    install_guards(store_url)
    monkeypatch.setattr(verify_module, "BATCH", 5)  # many small batches, spread over time
    ctx = multiprocessing.get_context("fork")
    start = ctx.Event()
    procs = [ctx.Process(target=_writer, args=(store_url, SAVES, start)) for _ in range(2)]
    for p in procs:
        p.start()
    start.set()
    reports = []
    while any(p.is_alive() for p in procs) or not reports:
        reports.append(verify(store_url))
    for p in procs:
        p.join(60)
    assert all(r.intact for r in reports), [r for r in reports if not r.intact][0]
    assert verify(store_url).events_checked == 2 * (1 + 3 * SAVES)


def _open_new_store(path: str, start, failures) -> None:
    start.wait(10)
    try:
        prepare(f"sqlite:///{path}")
    except Exception as e:  # noqa: BLE001 - reported to the test, which fails on any
        failures.put(f"{type(e).__name__}: {e}")


def test_processes_opening_a_new_sqlite_store_together_all_get_in(tmp_path):
    """SQLite refuses a switch to WAL at once when several processes try it together
    ("database is locked", no waiting); one of four writers then failed to open a new
    store. prepare() makes the switch, taking turns; the library then finds WAL set."""
    ctx = multiprocessing.get_context("fork")
    failures = ctx.Queue()
    for round_ in range(40):  # the race is narrow: without turns ~1 opener in 40 failed
        path = tmp_path / f"s{round_}.sqlite"
        start = ctx.Event()
        procs = [ctx.Process(target=_open_new_store, args=(str(path), start, failures)) for _ in range(6)]
        for p in procs:
            p.start()
        start.set()
        for p in procs:
            p.join(60)
        assert [p.exitcode for p in procs] == [0] * 6
        assert failures.empty(), failures.get()
        with sqlite3.connect(path) as conn:  # the library will not try the switch itself
            assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
