"""Folding a long stretch of the log on every core (a rebuild, a view far behind).

Decoding and folding are pure Python and hold the GIL, so one process folds on one
core however many there are. And over a long stretch, following the log batch by
batch does work over and over: a record whose events fall in several batches is
read, documented and written once a batch. So for a stretch this long the views
are brought up to its end record by record instead. Worker processes, one a core,
each take the records whose ids fall in their share of the id space, read every
event of each record the stretch touched, in version order, straight from the log,
fold it once with the very same ``Folding`` and ``View.row``, and write its row.
The rows are the same as the batch-by-batch catch-up writes: a row is a function
of the record's events up to the stretch's end.

The workers do not move the views' positions: the runner does, in one transaction,
once every share is written. Until then each view says where it was; a catch-up
that starts meanwhile does the work again, and no row ever goes back to an earlier
position (``View.upsert``), so the two cannot leave a row behind its view.

Workers are started with "spawn" (a fresh interpreter, no inherited connections
or pool threads) and open their own application on the same store. Like any
spawned process they import the caller's ``__main__``: a script that rebuilds
must keep its work under ``if __name__ == "__main__"`` (the CLI and the benchmark
do). If the workers cannot start, the runner carries on in its own process.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from itertools import groupby
from multiprocessing.util import Finalize
from operator import attrgetter
from typing import Any
from uuid import UUID

from projections.db import Logged, compress_fast, is_postgres, read_records, records_touched, transaction
from projections.fold import Folding
from projections.views import VIEWS, View

RECORDS_A_READ = 1000  # records whose events one query reads (~10,000 events)
ROWS_A_WRITE = 2000  # rows a worker writes in one transaction


def available(app: Any) -> bool:
    """Worth it only with a second core, and on PostgreSQL (SQLite allows one writer)."""
    return _cores() > 1 and is_postgres(app)


def _cores() -> int:
    """The cores this process may run on (a container may allow fewer than the machine has)."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def fold_records(app: Any, views: list[View], after: int, upto: int) -> None:
    """Write the rows, as they stand at position ``upto``, of every record of ``views``
    with an event after position ``after``; one worker a core, each a share of the ids."""
    # The workers' own application: same store, no DDL, one connection each.
    env = {**dict(app.env), "CREATE_TABLE": "n", "POSTGRES_POOL_SIZE": "1", "POSTGRES_MAX_OVERFLOW": "0"}
    names = [view.name for view in views]
    shares = _shares(_cores())
    spawn = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(len(shares), mp_context=spawn, initializer=_start,
                             initargs=(type(app), env)) as pool:
        futures = [pool.submit(_fold_share, names, after, upto, first, below) for first, below in shares]
        for future in futures:
            future.result()


def _shares(count: int) -> list[tuple[UUID, UUID | None]]:
    """The id space cut in ``count`` equal ranges [first, below); record ids are
    random or hashed, so each range holds about as many records."""
    bounds = [UUID(int=(i << 128) // count) for i in range(count)]
    return list(zip(bounds, [*bounds[1:], None]))


# ------------------------------------------------------------ in the worker process

_app: list[Any] = []


def _start(app_class: type, env: dict[str, str]) -> None:
    app = app_class(env=env)
    Finalize(app, app.close, exitpriority=10)  # closes its connection as the worker exits
    _app.append(app)
    # No cyclic garbage collection in a worker: folding makes no reference cycles
    # (collections after folding 80,000 events found none), and the worker lives no
    # longer than the catch-up.
    gc.disable()


def _fold_share(names: list[str], after: int, upto: int, first: UUID, below: UUID | None) -> None:
    app = _app[0]
    views = [view for view in VIEWS if view.name in names]
    # A record belongs to the view of its first event (a correction is never first).
    owner = {topic: view for view in views for topic in view.own_topics}
    rows: dict[str, list[tuple[Any, ...]]] = {view.name: [] for view in views}
    ids = records_touched(app, after, upto, first, below)
    for start in range(0, len(ids), RECORDS_A_READ):
        for record_id, logged in _by_record(read_records(app, ids[start:start + RECORDS_A_READ], upto)):
            view = owner.get(logged[0].topic)
            if view is not None:  # staff records have no view
                folding = Folding(view.record_class, [app.mapper.to_domain_event(n) for n in logged])
                rows[view.name].append(view.row(record_id, folding, logged[-1].id))
        if sum(map(len, rows.values())) >= ROWS_A_WRITE:
            _write(app, views, rows)
    _write(app, views, rows)


def _by_record(logged: list[Logged]) -> Iterator[tuple[UUID, list[Logged]]]:
    for record_id, events in groupby(logged, key=attrgetter("originator_id")):
        yield record_id, list(events)


def _write(app: Any, views: list[View], rows: dict[str, list[tuple[Any, ...]]]) -> None:
    with transaction(app, commit=True) as tx:
        compress_fast(app, tx)
        for view in views:
            view.upsert(tx, rows[view.name])
            rows[view.name].clear()
