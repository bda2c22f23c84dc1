"""Keeping the views up to date with the log: catch up, rebuild, status.

A pull loop over ``select_notifications`` from each view's tracked position works
the same on SQLite and PostgreSQL (the library's ProjectionRunner needs
LISTEN/NOTIFY). Each batch's rows and the view's new position are committed in one
transaction, so a view is never ahead of or behind what it says. The position is
advanced compare-and-set: when two processes catch up at once, the slower one's
batch is refused and it carries on from where the other got to.
"""

from __future__ import annotations

import weakref
from typing import Any
from uuid import UUID

import orjson
from eventsourcing.persistence import PersistenceError

from domain.errors import BadInput
from projections.db import max_position_sql, transaction
from projections.views import TRACKING_DDL, VIEWS, Session, View

BATCH = 2000
_ready: weakref.WeakSet[Any] = weakref.WeakSet()


class _Moved(Exception):
    """Another process advanced the view meanwhile."""


def ensure_tables(app: Any) -> None:
    """Create the view tables once per application object (idempotent DDL)."""
    if app in _ready:
        return
    try:
        _create_tables(app)
    except PersistenceError:
        # Two processes creating the tables at once on PostgreSQL: one loses on the
        # catalogue's unique index. The tables now exist; once more is a no-op.
        _create_tables(app)
    _ready.add(app)


def _create_tables(app: Any) -> None:
    with transaction(app, commit=True) as tx:
        tx.execute(TRACKING_DDL)
        for view in VIEWS:
            for statement in view.ddl:
                tx.execute(statement)
            tx.execute("INSERT INTO {view_tracking} (name, position, version) VALUES (?, 0, ?)"
                       " ON CONFLICT (name) DO NOTHING", (view.name, view.version))


def _tracking(app: Any) -> tuple[dict[str, dict[str, int]], int]:
    """Every view's position and version, and the log's last position: one query."""
    with transaction(app, commit=False) as tx:
        rows = tx.execute(
            f"SELECT name, position, version, {max_position_sql(app)} AS log_position FROM {{view_tracking}}"
        ).fetchall()
    log = rows[0]["log_position"] if rows else 0
    return {r["name"]: r for r in rows}, log


def catch_up(app: Any) -> int:
    """Bring every view up to the end of the log; how many new events the views took
    in (the most any one view read).

    Cheap when nothing is new (one query), so the CLI calls it after each write
    and before each read. A view stored by another version of its code is rebuilt.
    Views at the same position read the log together, once.
    """
    ensure_tables(app)
    tracking, log = _tracking(app)
    behind: dict[int, list[View]] = {}
    for view in VIEWS:
        row = tracking.get(view.name)
        if row is None or row["version"] != view.version:
            _reset(app, view)
            row = {"position": 0}
        if row["position"] < log:
            behind.setdefault(row["position"], []).append(view)
    return max((_run(app, views, position) for position, views in behind.items()), default=0)


def _run(app: Any, views: list[View], position: int) -> int:
    sessions = {view.name: Session(app) for view in views}
    done = 0
    while True:
        notifications = list(app.recorder.select_notifications(position + 1, BATCH))
        if not notifications:
            return done
        last = notifications[-1].id
        # Rows are folded before the write transaction opens: folding reads the log,
        # and a connection must not be held while another is taken from the pool.
        with transaction(app, commit=False) as tx:
            touched = {v.name: v.touched(tx, notifications, sessions[v.name]) for v in views}
        rows = {v.name: v.rows(sessions[v.name], touched[v.name]) for v in views}
        try:
            with transaction(app, commit=True) as tx:
                for view in views:
                    _advance(tx, view, position, last)
                    view.upsert(tx, rows[view.name])
        except _Moved:
            # Another process moved the views on meanwhile: carry on from where each is now.
            return done + sum(_run(app, [view], _position(app, view)) for view in views)
        position, done = last, done + len(notifications)
        if len(notifications) < BATCH:
            return done


def _advance(tx: Any, view: View, expected: int, to: int) -> None:
    # Written first: on SQLite this takes the write lock before anything is read.
    tx.execute("UPDATE {view_tracking} SET position = ? WHERE name = ? AND position = ?", (to, view.name, expected))
    if tx.rowcount != 1:
        raise _Moved


def _position(app: Any, view: View) -> int:
    with transaction(app, commit=False) as tx:
        row = tx.execute("SELECT position FROM {view_tracking} WHERE name = ?", (view.name,)).fetchone()
    return row["position"] if row else 0


def _reset(app: Any, view: View) -> None:
    with transaction(app, commit=True) as tx:
        view.clear(tx)
        tx.execute("INSERT INTO {view_tracking} (name, position, version) VALUES (?, 0, ?)"
                   " ON CONFLICT (name) DO UPDATE SET position = 0, version = excluded.version",
                   (view.name, view.version))


def rebuild(app: Any, name: str | None = None) -> list[dict[str, Any]]:
    """Empty one view (or all) and fold it again from the whole log; then status().

    Readers meanwhile see the view partly built; ``show`` falls back to the log
    for a plan not yet in it.
    """
    names = [v.name for v in VIEWS]
    if name is not None and name not in names:
        raise BadInput(f"no projection {name!r}", fix="projections: " + ", ".join(names))
    ensure_tables(app)
    for view in VIEWS:
        if name is None or view.name == name:
            _reset(app, view)
    catch_up(app)
    return status(app)


def status(app: Any) -> list[dict[str, Any]]:
    """Each view's position against the log (CLI.md, ``projections status``)."""
    ensure_tables(app)
    tracking, log = _tracking(app)
    out = []
    for view in VIEWS:
        row = tracking.get(view.name, {"position": 0, "version": None})
        stale = row["version"] != view.version
        position = 0 if stale else row["position"]
        out.append({"name": view.name, "table": view.table, "position": position, "log_position": log,
                    "behind": log - position, "version": view.version})
    return out


# ---------------------------------------------------------------------- reads


def plan_row_document(app: Any, plan_id: UUID) -> dict[str, Any] | None:
    ensure_tables(app)
    with transaction(app, commit=False) as tx:
        row = tx.execute("SELECT document FROM {view_plans} WHERE plan_id = ?", (str(plan_id),)).fetchone()
    return orjson.loads(row["document"]) if row else None


def select(app: Any, sql: str, params: tuple[Any, ...] = ()) -> list[dict[str, Any]]:
    ensure_tables(app)
    with transaction(app, commit=False) as tx:
        return tx.execute(sql, params).fetchall()
