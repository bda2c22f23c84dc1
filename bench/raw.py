"""The raw limits the bench measures plantrail against: bare single-row commits and batched
inserts into a table shaped like the log, through the same libpq call as the save."""

from __future__ import annotations

import multiprocessing as mp
import os
import time
import uuid
from typing import Any

from psycopg.pq import ExecStatus

from plantrail.store.pg_save import run_prepared

STATE = os.urandom(420)  # about the size of a stored plantrail event
TOPIC = "domain.events:ActionAmended"


# ---------------------------------------------------------------------------- raw limits

def raw_table(url: str) -> tuple[str, str]:
    """(base URL, qualified raw table): a table shaped like stored_events, no chain, no app."""
    base, _, schema = url.partition("?schema=")
    return base, f'"{schema}".raw_events'


def make_raw_table(url: str) -> None:
    import psycopg

    base, table = raw_table(url)
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f"DROP TABLE IF EXISTS {table}")
        conn.execute(f"CREATE TABLE {table} (originator_id uuid NOT NULL, originator_version bigint NOT NULL,"
                     " topic text, state bytea, notification_id bigserial,"
                     " PRIMARY KEY (originator_id, originator_version))")
        conn.execute(f"CREATE UNIQUE INDEX ON {table} (notification_id)")


def drop_raw_table(url: str) -> None:
    import psycopg

    base, table = raw_table(url)
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f"DROP TABLE IF EXISTS {table}")


def for_seconds(seconds: float, step: Any) -> int:
    """Call ``step`` (-> how many it did) again and again for ``seconds``; the sum."""
    n, t0 = 0, time.perf_counter()
    while time.perf_counter() - t0 < seconds:
        n += step()
    return n


def _prepare(conn: Any, name: bytes, statement: str) -> None:
    """Prepare ``statement`` on ``conn`` as ``name`` (for _run)."""
    result = conn.pgconn.prepare(name, statement.encode())
    if result.status != ExecStatus.COMMAND_OK:
        raise RuntimeError(result.error_message.decode())


def _run(conn: Any, name: bytes, params: list[bytes]) -> None:
    """Run a prepared INSERT through the same libpq call as the store's save."""
    result = run_prepared(conn, name, params)
    if result.status != ExecStatus.COMMAND_OK:
        raise RuntimeError(result.error_message.decode())


class RawCommitter:
    """One connection inserting one row per transaction (autocommit INSERT), as fast as one
    client can, through the same libpq call as the store's save (a prepared statement,
    binary parameters, psycopg's wait): the two differ in what the server does, not in
    the client library's path. It keeps its connection between turns (see in_turn): a
    connect in each turn would be counted against the raw rate."""

    def __init__(self, url: str) -> None:
        import psycopg

        base, table = raw_table(url)
        self.conn = psycopg.connect(base, autocommit=True)
        self.topic = TOPIC.encode()
        _prepare(self.conn, b"raw_insert", f"INSERT INTO {table} (originator_id, originator_version, topic, state)"
                                           " VALUES ($1::uuid, 1, $2::text, $3::bytea)")
        self.commit()

    def run(self, seconds: float) -> int:
        """Rows committed in ``seconds``."""
        return for_seconds(seconds, self.commit)

    def commit(self) -> int:
        """One row, one durable commit (the server's synchronous_commit, as the save's)."""
        _run(self.conn, b"raw_insert", [uuid.uuid4().bytes, self.topic, STATE])
        return 1

    def close(self) -> None:
        self.conn.close()


def raw_commits(url: str, seconds: float, start: Any = None, out: Any = None) -> int:
    """The rows one RawCommitter commits in ``seconds`` (after ``start``, into ``out``)."""
    raw = RawCommitter(url)
    try:
        if start is not None:
            start.wait()
        n = raw.run(seconds)
    finally:
        raw.close()
    if out is not None:
        out.put(n)
    return n


def raw_batches(url: str, rows: int, batch: int) -> float:
    """``batch`` rows per transaction, with the store's own column-array INSERT: the arrays
    written by store.pg_arrays and sent by the same libpq call as the save (one statement,
    its own transaction). Seconds taken for ``rows``."""
    import psycopg

    from plantrail.store.pg_arrays import (
        bytea_array,
        int8_array,
        text_array,
        uuid_array,
    )

    base, table = raw_table(url)
    with psycopg.connect(base, autocommit=True) as conn:
        _prepare(conn, b"raw_batch", f"INSERT INTO {table} (originator_id, originator_version, topic, state)"
                                     " SELECT * FROM unnest($1::uuid[], $2::bigint[], $3::text[], $4::bytea[])")
        done, t0 = 0, time.perf_counter()
        while done < rows:
            n = min(batch, rows - done)
            _run(conn, b"raw_batch", [uuid_array([uuid.uuid4() for _ in range(n)]), int8_array([1] * n),
                                      text_array([TOPIC] * n), bytea_array([STATE] * n)])
            done += n
        return time.perf_counter() - t0


def parallel(target: Any, args: tuple, clients: int, seconds: float) -> float:
    """Run ``target(*args, seconds, start, out)`` in ``clients`` processes started together;
    the sum of what they did, per second."""
    ctx = mp.get_context("fork")
    start, out = ctx.Barrier(clients + 1), ctx.Queue()
    procs = [ctx.Process(target=target, args=(*args, i, seconds, start, out)) for i in range(clients)]
    for p in procs:
        p.start()
    start.wait()
    t0 = time.perf_counter()
    total = sum(out.get() for _ in procs)
    elapsed = time.perf_counter() - t0
    for p in procs:
        p.join()
    return total / max(elapsed, seconds)


def raw_client(url: str, _i: int, seconds: float, start: Any, out: Any) -> None:
    raw_commits(url, seconds, start, out)


# ---------------------------------------------------------------------------- plantrail

