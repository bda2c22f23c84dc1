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

Each worker is a fresh, isolated interpreter (``python -I``: no inherited connections
or pool threads) given its job on stdin: the caller's import path, its share, and its
store. It checks that it runs the caller's copy of this module and views, then opens
its own application on the same store. Not multiprocessing's "spawn": that runs the
caller's ``__main__`` again in every worker, so a script without an ``if __name__ ==
"__main__"`` guard had its own writes made again by each worker (checked: a rebuild from
such a script ran its top level three times on two cores). If a worker cannot start or
fails, the runner carries on in its own process (``WorkersFailed``), and says so.
"""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import ExitStack
from itertools import groupby, islice
from operator import attrgetter
from typing import Any
from uuid import UUID

from eventsourcing.utils import get_topic, resolve_topic

from plantrail.projections.fold import Folding
from plantrail.projections.views import VIEWS, View
from plantrail.store.log import Logged, prefetch_keys, read_records, records_touched
from plantrail.store.view_tables import compress_fast, is_postgres, transaction

RECORDS_A_READ = 1000  # records whose events one query reads (~10,000 events)
ROWS_A_WRITE = 2000  # rows a worker writes in one transaction


def available(app: Any) -> bool:
    """Worth it only with a second core, and on PostgreSQL (SQLite allows one writer)."""
    return _cores() > 1 and is_postgres(app)


def _cores() -> int:
    """The cores this process may run on (a container may allow fewer than the machine has)."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


class WorkersFailed(Exception):
    """A worker could not start, or did not finish its share."""


# How a worker starts: isolated (-I: no PYTHON* variables, no user site, not the working
# directory first on its path, where any folder named "projections" would be run in this
# module's place), then the caller's import path exactly, then this module imported as it is.
_BOOT = ("import json, sys; job = json.loads(sys.stdin.buffer.read()); sys.path[:] = job['path']; "
         "from plantrail.projections.wide import _work; _work(job)")


def fold_records(app: Any, views: list[View], after: int, upto: int) -> None:
    """Write the rows, as they stand at position ``upto``, of every record of ``views``
    with an event after position ``after``; one worker a core, each a share of the ids."""
    job = {
        "app": get_topic(type(app)),
        # The workers' own application: same store, no DDL, one connection each.
        "env": {**dict(app.env), "CREATE_TABLE": "n", "POSTGRES_POOL_SIZE": "1", "POSTGRES_MAX_OVERFLOW": "0"},
        "views": [[view.name, view.version] for view in views], "after": after, "upto": upto,
        "records_a_read": RECORDS_A_READ, "rows_a_write": ROWS_A_WRITE,
        "path": _import_path(), "module": os.path.realpath(__file__),
    }
    workers: list[tuple[subprocess.Popen[bytes], Any]] = []
    with ExitStack() as files:
        try:
            for first, below in _shares(_cores()):
                # stderr to a file, not a pipe: a worker writing much would wait on a full pipe.
                err = files.enter_context(tempfile.TemporaryFile())
                # The job (the store's URL among it) on stdin, not on the command line,
                # where any user of the machine sees it.
                worker = subprocess.Popen([sys.executable, "-I", "-c", _BOOT], stdin=subprocess.PIPE,
                                          stdout=subprocess.DEVNULL, stderr=err)
                workers.append((worker, err))
                _tell(worker, {**job, "first": str(first), "below": str(below) if below else None})
            for worker, err in workers:
                if worker.wait() != 0:
                    err.seek(0)
                    last = err.read().decode(errors="replace").strip().splitlines()[-1:] or ["no message"]
                    raise WorkersFailed(f"a worker exited with {worker.returncode}: {last[0]}")
        except (OSError, ValueError) as error:
            raise WorkersFailed(f"a worker could not start: {error}") from error
        finally:
            for worker, _ in workers:
                if worker.poll() is None:  # another failed, or this process was interrupted
                    worker.kill()
                    worker.wait()


def _import_path() -> list[str]:
    """This process's import path, every folder absolute (the working directory for "").
    Entries that are not folders stay as they are: an editable install's finder puts a
    name of its own on the path for the ``plantrail`` namespace, which only it reads."""
    entries = [os.fspath(p) for p in sys.path if isinstance(p, (str, os.PathLike))]
    return [os.path.abspath(p) if p == "" or os.path.exists(p) else p for p in entries if isinstance(p, str)]


def _tell(worker: subprocess.Popen[bytes], share: dict[str, Any]) -> None:
    assert worker.stdin is not None
    try:
        worker.stdin.write(json.dumps(share).encode())
    finally:
        worker.stdin.close()


def _shares(count: int) -> list[tuple[UUID, UUID | None]]:
    """The id space cut in ``count`` equal ranges [first, below); record ids are
    random or hashed, so each range holds about as many records."""
    bounds = [UUID(int=(i << 128) // count) for i in range(count)]
    return list(zip(bounds, [*bounds[1:], None]))


# ------------------------------------------------------------ in the worker process


def _work(job: dict[str, Any]) -> None:
    """A worker's whole life: its own application, its share folded and written."""
    # The caller's code, or nothing: a worker that found another copy of plantrail on the
    # path, or views of other names or versions, would write other rows, and the caller
    # would move its views on over them.
    if os.path.realpath(__file__) != job["module"]:
        raise SystemExit(f"this worker runs {__file__}, its caller {job['module']}")
    versions = {view.name: view.version for view in VIEWS}
    if any(versions.get(name) != version for name, version in job["views"]):
        raise SystemExit(f"this worker's views {versions} are not its caller's {job['views']}")
    global RECORDS_A_READ, ROWS_A_WRITE  # the caller's sizes (a test makes them small)
    RECORDS_A_READ, ROWS_A_WRITE = job["records_a_read"], job["rows_a_write"]
    # No cyclic garbage collection in a worker: folding makes no reference cycles
    # (collections after folding 80,000 events found none), and the worker lives no
    # longer than the catch-up.
    gc.disable()
    app = resolve_topic(job["app"])(env=job["env"])
    try:
        below = UUID(job["below"]) if job["below"] else None
        names = [name for name, _ in job["views"]]
        _fold_share(app, names, job["after"], job["upto"], UUID(job["first"]), below)
    finally:
        app.close()


def _fold_share(app: Any, names: list[str], after: int, upto: int, first: UUID, below: UUID | None) -> None:
    views = [view for view in VIEWS if view.name in names]
    # A record belongs to the view of its first event (a correction is never first).
    owner = {topic: view for view in views for topic in view.own_topics}
    rows: dict[str, list[tuple[Any, ...]]] = {view.name: [] for view in views}
    ids = records_touched(app, after, upto, first, below)
    while chunk := list(islice(ids, RECORDS_A_READ)):
        batch = read_records(app, chunk, upto)
        prefetch_keys(app, batch)
        for record_id, logged in _by_record(batch):
            view = owner.get(logged[0].topic)
            if view is not None:  # staff records have no view
                folding = Folding(view.record_class, app.mapper.to_domain_events(logged))
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
