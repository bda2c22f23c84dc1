"""The save's statements on PostgreSQL, run as cheaply as libpq allows: prepared once on each
pooled connection, binary parameters, no psycopg cursor (store/postgres_recorder.py saves through
them; bench/raw.py times the raw limits the same way)."""

from __future__ import annotations

import weakref
from collections.abc import Sequence
from typing import Any

import psycopg
from eventsourcing import persistence
from psycopg.generators import execute
from psycopg.pq import ConnStatus, DiagnosticField, ExecStatus


def run_prepared(conn: Any, name: bytes, params: Sequence[bytes | None]) -> Any:
    """Run a statement prepared on ``conn`` (binary parameters and results), waited for as
    psycopg waits for a query: the interpreter lock let go, and on Ctrl-C the query is
    cancelled in the server. Its last result. (The save, and the bench's raw limits.)"""
    conn.pgconn.send_query_prepared(name, params, [1] * len(params), 1)
    return conn.wait(execute(conn.pgconn))[-1]


# psycopg's errors and the library's, in the order PostgresDatastore.get_connection maps them.
_ERRORS = tuple((getattr(psycopg, name), getattr(persistence, name)) for name in (
    "InterfaceError", "OperationalError", "DataError", "IntegrityError", "InternalError", "ProgrammingError",
    "NotSupportedError", "DatabaseError"))


def _error(result: Any, conn: Any) -> psycopg.Error:
    """psycopg's error for a failed result, as its own execute raises it."""
    if conn.pgconn.status == ConnStatus.BAD:  # the server went away (retried on another connection)
        return psycopg.OperationalError(result.error_message.decode(errors="replace").strip())
    return psycopg.errors.error_from_result(result, encoding=conn.info.encoding)


def persistence_error(error: psycopg.Error) -> Exception:
    """The library's error for a psycopg one (what the application and retries catch)."""
    for theirs, ours in _ERRORS:
        if isinstance(error, theirs):
            return ours(str(error))
    return persistence.PersistenceError(str(error))


class PreparedSave:
    """One statement of the save, prepared on each pooled connection the first time it runs there."""

    def __init__(self, name: bytes, query: bytes) -> None:
        self.name, self.query = name, query
        self._prepared: weakref.WeakSet[Any] = weakref.WeakSet()  # connections it is prepared on

    def run(self, datastore: Any, params: Sequence[bytes | None]) -> bytes | None:
        """Run it on a pooled connection: its one value.

        Sent with libpq's ``PQsendQueryPrepared`` and waited for as psycopg waits for a
        query (the interpreter lock let go; on Ctrl-C the query is cancelled in the server,
        so an interrupted save records nothing), on a connection taken from the pool and
        given back: no psycopg cursor, and neither the datastore's nor the pool's context
        manager. A command's client CPU fell by a fifth, and commands ran ~10 % faster
        (docs/performance.md). Errors are mapped to the library's as
        ``PostgresDatastore.get_connection`` maps them (the failed constraint's table on
        the error as ``table``).
        """
        pool = datastore.pool
        if pool.closed:  # the datastore opens its pool on first use
            with datastore.get_connection():
                pass
        try:
            conn = pool.getconn()
        except psycopg.Error as error:  # no connection in time (PoolTimeout): retried
            raise persistence_error(error) from error
        try:
            result = self._run(conn, params)
            if result.error_field(DiagnosticField.SQLSTATE) == b"26000":  # not prepared (a DEALLOCATE ALL)
                self._prepared.discard(conn)
                result = self._run(conn, params)
            if result.status != ExecStatus.TUPLES_OK:
                raise _error(result, conn)
            return result.get_value(0, 0)
        except psycopg.Error as error:
            mapped = persistence_error(error)
            mapped.table = error.diag.table_name  # type: ignore[attr-defined]
            raise mapped from error
        finally:
            pool.putconn(conn)

    def _run(self, conn: Any, params: Sequence[bytes | None]) -> Any:
        """One run on ``conn`` (prepared there first if need be): its result."""
        if conn not in self._prepared:
            self._prepare(conn)
        return run_prepared(conn, self.name, params)

    def _prepare(self, conn: Any) -> None:
        pgconn = conn.pgconn
        result = pgconn.prepare(self.name, self.query)
        if result.error_field(DiagnosticField.SQLSTATE) == b"42P05":
            # A statement of that name this recorder did not note (an interrupt between the
            # prepare and the note; another recorder on the connection): made afresh, or
            # every save on the connection would be refused.
            dropped = pgconn.exec_(b"DEALLOCATE " + self.name)
            if dropped.status != ExecStatus.COMMAND_OK:
                raise _error(dropped, conn)
            result = pgconn.prepare(self.name, self.query)
        if result.status != ExecStatus.COMMAND_OK:
            raise _error(result, conn)
        self._prepared.add(conn)
