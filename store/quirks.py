"""Where plantrail relies on what its libraries do not promise: each workaround here, in
one place, beside the tests that fail if a new release changes what it leans on
(tests/store/test_store_quirks.py)."""

from __future__ import annotations

from collections import deque
from typing import Any

from psycopg.rows import tuple_row


class _LastReturnedFirst(deque):  # type: ignore[type-arg]
    """The pool's idle connections, handed out last returned first (the pool takes from the left)."""

    def popleft(self) -> Any:
        return self.pop()


def hottest_first(pool: Any) -> None:
    """Make the pool hand out the connection returned last, not the one idle longest.

    psycopg_pool's queue is first in, first out: one writer's commands went round every
    pooled connection, each a server process woken in turn, and ran at 715-869 a second
    against 922-1,316 on the connection returned last (interleaved; docs/performance.md).
    SQLAlchemy offers this as ``pool_use_lifo``; psycopg_pool has no option, so its queue
    is swapped under its own lock. Concurrent users still each get a connection of their
    own. (The pool's idle shrinking, every ten minutes at most, then closes the newest idle
    connection rather than the oldest: one reconnect.) Nothing is changed if a psycopg_pool
    release no longer keeps its queue this way: tests/store/test_store_quirks.py then fails.
    """
    queue, lock = getattr(pool, "_pool", None), getattr(pool, "_lock", None)
    if type(queue) is not deque or lock is None:
        return
    with lock:
        pool._pool = _LastReturnedFirst(pool._pool)


def also_on_connect(pool: Any, statement: str) -> None:
    """Run ``statement`` on each connection the pool makes, after the set-up the pool was given
    (eventsourcing's: autocommit, the idle-in-transaction timeout). psycopg_pool takes one
    ``configure`` callback, given when the pool is made, and has no way to add another; so
    its callback is wrapped (before the pool opens, on its first use). Nothing is changed if
    a psycopg_pool release no longer keeps it so: tests/store/test_store_sessions.py then fails."""
    configure = getattr(pool, "_configure", _UNSET)
    if configure is _UNSET:
        return

    def configured(conn: Any) -> None:
        if configure is not None:
            configure(conn)
        conn.execute(statement)

    pool._configure = configured


_UNSET: Any = object()


def kept_cursor(conn: Any) -> Any:
    """The connection's own cursor for record reads, made once: a new cursor sets up its
    dumpers and loaders afresh (docs/performance.md). Kept on the connection object (a
    cursor holds its connection: kept in a dictionary, neither would ever be let go).
    Only whoever holds the connection (taken from the pool) uses it. Its rows come in binary:
    a stored state's bytes as they are, not twice as many hex digits to decode."""
    curs = getattr(conn, "_plantrail_cursor", None)
    if curs is None or curs.closed:
        curs = conn._plantrail_cursor = conn.cursor(binary=True, row_factory=tuple_row)
    return curs
