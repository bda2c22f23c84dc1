"""Keeping the views up to date with the log: catch up, rebuild, status.

A pull loop over ``select_notifications`` from each view's tracked position works
the same on SQLite and PostgreSQL (the library's ProjectionRunner needs
LISTEN/NOTIFY). Each batch's rows and the view's new position are committed in one
transaction, so a view is never behind what it says. The position is
advanced compare-and-set: when two processes catch up at once, the slower one's
batch is refused and it carries on from where the other got to. A view far behind
(a rebuild) is brought up to date record by record by worker processes, one a core
(``projections.wide``), with the same code, so its rows are the same; they are
written before the positions move, so until then its rows may be ahead of it.
"""

from __future__ import annotations

import weakref
from typing import Any
from uuid import UUID

from plantrail.domain.errors import BadInput
from plantrail.projections.fold import gc_paused
from plantrail.projections.views import VIEWS, Session, View
from plantrail.store import view_tables
from plantrail.store.log import count_after, prefetch_keys, read_log
from plantrail.store.view_tables import compress_fast, transaction

BATCH = 2000
# A view this many events behind (a rebuild) is folded on every core, record by
# record. Starting the workers costs about half a second; measured here, a 50,000-event
# rebuild took 1.0-1.2 s on workers and 1.3-1.7 s without, so the gain below this is
# small, and the threshold stays high: a catch-up after ordinary writes never starts
# processes.
WIDE_FROM = 200_000
_ready: weakref.WeakSet[Any] = weakref.WeakSet()


class _Moved(Exception):
    """Another process advanced the view meanwhile."""


def ensure_tracking(app: Any) -> None:
    """Each view's tracking row, once per application object (the tables themselves are
    made with the log, by ``init`` and the first write: no read runs DDL). On the write
    path only: catching up writes."""
    if app in _ready:
        return
    view_tables.track(app, [(view.name, view.version) for view in VIEWS])
    _ready.add(app)


def _tracking(app: Any) -> tuple[dict[str, dict[str, Any]], int]:
    """Every view's position and version, and the log's last position: one query."""
    return view_tables.tracking(app)


def _up_to_date(tracking: dict[str, dict[str, Any]], log: int) -> bool:
    return all((row := tracking.get(view.name)) is not None and row["version"] == view.version
               and row["position"] >= log for view in VIEWS)


def catch_up(app: Any) -> int:
    """Bring every view up to the end of the log; how many new events the views took
    in (the most any one view read).

    Cheap when nothing is new (one query), so the CLI calls it after each write (a read
    never writes: it folds whatever the views lack in memory, ``projections.tail``). A
    view stored by another version of its code is rebuilt. Views at the same position
    read the log together, once.
    """
    ensure_tracking(app)
    return _bring_up(app, *_tracking(app))


def _bring_up(app: Any, tracking: dict[str, dict[str, Any]], log: int) -> int:
    behind: dict[int, list[View]] = {}
    for view in VIEWS:
        row = tracking.get(view.name)
        if row is None or row["version"] != view.version:
            _reset(app, view)
            row = {"position": 0}
        if row["position"] < log:
            behind.setdefault(row["position"], []).append(view)
    return max((_run(app, views, position, log) for position, views in behind.items()), default=0)


def _run(app: Any, views: list[View], position: int, log: int, *, parallel: bool = True) -> int:
    """Read, fold and write batch after batch from ``position``; how many events were read."""
    if parallel and log - position >= WIDE_FROM:
        from plantrail.projections import wide  # (workers' machinery: a write's catch-up never needs it)

        if wide.available(app):
            return _run_wide(app, views, position, log)
    sessions = {view.name: Session(app) for view in views}
    done = 0
    while True:
        notifications = read_log(app, position, BATCH)
        if not notifications:
            return done
        last = notifications[-1].id
        # Rows are folded before the write transaction opens: folding reads the log,
        # and a connection must not be held while another is taken from the pool.
        touched = _touched(app, views, notifications, sessions)
        prefetch_keys(app, notifications)
        with gc_paused():
            rows = {v.name: v.rows(sessions[v.name], touched[v.name]) for v in views}
        try:
            _write(app, views, position, last, rows)
        except _Moved:
            return done + _carry_on(app, views)
        position, done = last, done + len(notifications)
        if len(notifications) < BATCH:
            return done


def _run_wide(app: Any, views: list[View], position: int, log: int) -> int:
    """Every record with an event after ``position`` folded whole, on every core, up to
    ``log`` (``projections.wide``); then the views move on to ``log`` in one transaction."""
    from plantrail.projections import wide

    try:
        wide.fold_records(app, views, position, log)
        with transaction(app, commit=True) as tx:
            for view in views:
                _advance(tx, view, position, log)
        return log - position
    except (_Moved, wide.WorkersFailed) as stopped:
        # Another process moved the views on meanwhile, or the workers could not
        # start (or failed): go on from where each view is now, in this process.
        # Rows the workers wrote stay; none goes back to an earlier position.
        if isinstance(stopped, wide.WorkersFailed):  # slower, so an operator should know why
            import logging  # (not at every write's start)

            logging.getLogger("plantrail").warning("views: %s; folding in one process instead", stopped)
        return _carry_on(app, views, parallel=False)


def _touched(app: Any, views: list[View], notifications: list[Any],
             sessions: dict[str, Session]) -> dict[str, dict[UUID, list[Any]]]:
    with transaction(app, commit=False) as tx:
        return {v.name: v.touched(tx, notifications, sessions[v.name]) for v in views}


def _write(app: Any, views: list[View], expected: int, last: int, rows: dict[str, list[tuple[Any, ...]]]) -> None:
    """A batch's rows and the views' new position, in one transaction."""
    with transaction(app, commit=True) as tx:
        compress_fast(app, tx)
        for view in views:
            _advance(tx, view, expected, last)
            view.upsert(tx, rows[view.name])


def _carry_on(app: Any, views: list[View], *, parallel: bool = True) -> int:
    """Another process moved the views on meanwhile: carry on from where each is now."""
    tracking, log = _tracking(app)
    return sum(_run(app, [view], tracking.get(view.name, {"position": 0})["position"], log, parallel=parallel)
               for view in views)


def _advance(tx: Any, view: View, expected: int, to: int) -> None:
    if not view_tables.advance(tx, view.name, expected, to):
        raise _Moved


def _reset(app: Any, view: View) -> None:
    view_tables.reset(app, view.name, view.version, view.table)


def rebuild(app: Any, name: str | None = None) -> list[dict[str, Any]]:
    """Empty one view (or all) and fold it again from the whole log; then status().

    Readers meanwhile see the view partly built, and fold the rest in memory.
    """
    names = [v.name for v in VIEWS]
    if name is not None and name not in names:
        raise BadInput(f"no projection {name!r}", fix="projections: " + ", ".join(names))
    ensure_tracking(app)
    for view in VIEWS:
        if name is None or view.name == name:
            _reset(app, view)
    catch_up(app)
    return status(app)


def status(app: Any) -> list[dict[str, Any]]:
    """Each view's position against the log (CLI.md, ``projections status``)."""
    from eventsourcing.utils import get_topic

    from plantrail.domain.events import RecordRead

    read_entry = get_topic(RecordRead)
    tracking, log = _tracking(app)
    reads_after: dict[int, int] = {}  # (views at one position: counted once)
    out = []
    for view in VIEWS:
        row = tracking.get(view.name, {"position": 0, "version": None})
        stale = row["version"] != view.version
        position = 0 if stale else row["position"]
        if log > position and position not in reads_after:
            reads_after[position] = count_after(app, position, read_entry)
        out.append({"name": view.name, "table": view.table.name, "position": position, "log_position": log,
                    "behind": log - position, "version": view.version,
                    # Reads log an entry each and never write to the views (a read folds what they
                    # lack in memory): entries no view shows, counted apart so "behind" alarms no one.
                    "behind_read_entries": reads_after.get(position, 0)})
    return out
