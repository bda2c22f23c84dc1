"""Folding a long stretch of the log on every core (a rebuild, a view far behind).

Decoding and folding are pure Python and hold the GIL, so one process folds on one
core however many there are. For a long stretch the runner hands each batch's
records to worker processes instead, one a core, and reads the next batch and
writes the last while they fold. A record always goes to the same worker (by its
id), so the worker's session keeps folding it from where it left off, as the
runner's own session would. Workers fold with the very same ``View.rows`` and
``Session``: the rows are the same whichever way they were folded.

Workers are started with "spawn" (a fresh interpreter, no inherited connections
or pool threads) and open their own application on the same store, which they
only read. Like any spawned process they import the caller's ``__main__``: a
script that rebuilds must keep its work under ``if __name__ == "__main__"`` (the
CLI and the benchmark do). If the workers cannot start, the runner carries on in
its own process.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import sys
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from multiprocessing.util import Finalize
from typing import Any, Self
from uuid import UUID

from projections.db import Logged, is_postgres
from projections.views import VIEWS, Session

# A record's events as sent to a worker: (position, version, topic, state); the
# record id is sent once, beside them (a UUID a pickled event costs more than the rest).
Sent = tuple[int, int, str, bytes]
Rows = dict[str, list[tuple[Any, ...]]]  # view name -> its rows of a batch
Folded = Callable[[], Rows]  # waits for a batch's rows from the workers


def available(app: Any) -> bool:
    """Worth it only with a second core, and on PostgreSQL: the workers read the log
    for a record's earlier events while the runner writes (SQLite allows one writer
    and readers wait on it)."""
    return _cores() > 1 and is_postgres(app)


def _cores() -> int:
    """The cores this process may run on (a container may allow fewer than the machine has)."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


class Workers:
    """One worker process a core; each folds the records whose id falls to it."""

    def __init__(self, app: Any) -> None:
        # The workers' own application: same store, no DDL, one connection each.
        env = {**dict(app.env), "CREATE_TABLE": "n", "POSTGRES_POOL_SIZE": "1", "POSTGRES_MAX_OVERFLOW": "0"}
        spawn = multiprocessing.get_context("spawn")
        self.pools = [ProcessPoolExecutor(1, mp_context=spawn, initializer=_start, initargs=(type(app), env))
                      for _ in range(_cores())]

    def fold(self, touched: dict[str, dict[UUID, list[Logged]]]) -> Folded:
        """Start folding a batch's touched records; returns what waits for the rows."""
        shares: list[dict[str, dict[UUID, list[Sent]]]] = [{name: {} for name in touched} for _ in self.pools]
        for name, records in touched.items():
            for record_id, notes in records.items():
                share = shares[record_id.int % len(shares)]
                # Interned, a topic is pickled once a share rather than once an event.
                share[name][record_id] = [(n.id, n.originator_version, sys.intern(n.topic), n.state) for n in notes]
        futures = [pool.submit(_fold_share, share) for pool, share in zip(self.pools, shares)]
        return lambda: _gather(futures)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_: object) -> None:
        for pool in self.pools:
            pool.shutdown(wait=True, cancel_futures=True)


def _gather(futures: list[Future[Rows]]) -> Rows:
    rows: Rows = {}
    for future in futures:
        for name, share_rows in future.result().items():
            rows.setdefault(name, []).extend(share_rows)
    return rows


# ------------------------------------------------------------ in the worker process

_sessions: dict[str, Session] = {}


def _start(app_class: type, env: dict[str, str]) -> None:
    app = app_class(env=env)
    Finalize(app, app.close, exitpriority=10)  # closes its connection as the worker exits
    _sessions.update({view.name: Session(app) for view in VIEWS})
    # No cyclic garbage collection in a worker: folding makes no reference cycles
    # (a collection after each of 8 batches of 10,000 events found none), so each
    # run of the collector would only walk the folded records kept between
    # batches, and the worker lives no longer than the rebuild.
    gc.disable()


def _fold_share(share: dict[str, dict[UUID, list[Sent]]]) -> Rows:
    views = {view.name: view for view in VIEWS}
    rows: Rows = {}
    for name, records in share.items():
        touched = {record_id: [Logged(position, record_id, version, topic, state)
                               for position, version, topic, state in sent]
                   for record_id, sent in records.items()}
        rows[name] = views[name].rows(_sessions[name], touched)
    return rows
