"""The eventsourcing library's own recorder test cases, run against plantrail's recorders.

Only construction is overridden: each recorder is built as plantrail builds it, by the
library's infrastructure factory from ``plantrail.store.settings.env_for_url`` (an application
named "plantrail", as PlanRecords is), plus what the library's own fixtures add (on
PostgreSQL a pool of one connection, as its SetupPostgresDatastore uses). The test
bodies are the library's (eventsourcing.tests.persistence, 9.5.6) or, where the library
keeps a test in its own PostgreSQL/SQLite suite rather than in a base class
(tests/persistence_tests/test_postgres.py: the subscribe test, the retries after the
server closed the connections), a copy of it with the library's fixtures replaced by
ours. Where plantrail differs on purpose, the test is skipped and says why.
"""

from __future__ import annotations

import threading
from threading import Event, Thread
from typing import Any
from unittest import TestCase
from uuid import uuid4

from eventsourcing.persistence import (
    AggregateRecorder,
    ApplicationRecorder,
    OperationalError,
    StoredEvent,
)
from eventsourcing.postgres import PostgresAggregateRecorder
from eventsourcing.sqlite import SQLiteAggregateRecorder
from eventsourcing.tests.persistence import (
    AggregateRecorderTestCase,
    ApplicationRecorderTestCase,
    NonInterleavingNotificationIDsBaseCase,
)
from plantrail_conformance_testkit import (
    LIBRARY_POOL,
    close_own_connections,
    drop_store,
    new_pg_url,
    new_sqlite_url,
    plantrail_factory,
)
from psycopg.sql import SQL, Identifier

from plantrail.store.commands import SavedCommand
from plantrail.store.postgres_recorder import ChainedPostgresApplicationRecorder
from plantrail.store.sqlite_recorder import ChainedSQLiteApplicationRecorder

LIBRARY_SUBSCRIBE_TIMEOUT = 10  # seconds a subscribe test may take before it is called hung


class _Store(TestCase):
    """A fresh store per test, and the factories that opened it closed after."""

    pg = False
    extra: dict[str, str] = {}

    def setUp(self) -> None:
        super().setUp()
        self.url = new_pg_url() if self.pg else new_sqlite_url()
        self.factory = plantrail_factory(self.url, **self.extra)
        self.datastore = self.factory.datastore
        self._factories = [self.factory]
        self._threads = set(threading.enumerate())

    def tearDown(self) -> None:
        # Some library tests leave threads reading (test_concurrent_no_conflicts does not
        # join its readers): let them end before their connections are closed under them.
        for thread in set(threading.enumerate()) - self._threads:
            if not thread.daemon:
                thread.join(timeout=5)
        for factory in self._factories:
            factory.close()
        drop_store(self.url)
        super().tearDown()

    def application_recorder(self) -> ApplicationRecorder:
        recorder = self.factory.application_recorder()
        expected = ChainedPostgresApplicationRecorder if self.pg else ChainedSQLiteApplicationRecorder
        assert isinstance(recorder, expected), type(recorder)  # the topic in env_for_url took
        return recorder

    def snapshot_recorder(self) -> AggregateRecorder:
        """The aggregate recorder on the snapshot table plantrail's recorder makes (under its
        lock, after the log, as Application.__init__ would with snapshotting on; plantrail's
        records take no snapshots, but an application on a plantrail URL may)."""
        self.application_recorder()
        recorder = self.factory.aggregate_recorder("snapshots")
        expected = PostgresAggregateRecorder if self.pg else SQLiteAggregateRecorder
        assert isinstance(recorder, expected), type(recorder)
        return recorder


class _PgStore(_Store):
    pg = True
    extra = LIBRARY_POOL


# ---------------------------------------------------------------- SQLite


class TestSQLiteApplicationRecorder(_Store, ApplicationRecorderTestCase):
    def create_recorder(self) -> ApplicationRecorder:
        return self.application_recorder()


class TestSQLiteSnapshotRecorder(_Store, AggregateRecorderTestCase):
    def create_recorder(self) -> AggregateRecorder:
        return self.snapshot_recorder()


class TestSQLiteNonInterleaving(_Store, NonInterleavingNotificationIDsBaseCase):
    insert_num = 10000  # as the library's TestNonInterleavingSQLiteFileDB

    def create_recorder(self) -> ApplicationRecorder:
        return self.application_recorder()


class TestSQLiteSubscribe(_Store, ApplicationRecorderTestCase):
    """The library's SQLite recorder has no subscribe() (its own SQLite suite asserts the
    NotImplementedError and runs no subscription test); plantrail's has one, which polls."""

    def create_recorder(self) -> ApplicationRecorder:
        return self.application_recorder()

    def test_insert_subscribe(self) -> None:
        _with_deadline(self, self.optional_test_insert_subscribe)

    def test_insert_no_events_returns_at_once(self) -> None:
        """insert_events([]) records nothing and opens no transaction (as on PostgreSQL)."""
        recorder = self.create_recorder()
        self.assertEqual([], recorder.insert_events([]))
        self.assertEqual(0, recorder.max_notification_id() or 0)

    # Only these here; the others run in TestSQLiteApplicationRecorder.
    test_insert_select = test_performance = None  # type: ignore[assignment]
    test_concurrent_no_conflicts = test_concurrent_throughput = None  # type: ignore[assignment]


# ---------------------------------------------------------------- PostgreSQL


class TestPostgresCreateTable(_PgStore):
    """A fresh store created on the library's fixture pool (one connection)."""

    def test_create_table_with_pool_of_one(self) -> None:
        _with_deadline(self, self.application_recorder, seconds=10)


class TestPostgresApplicationRecorder(_PgStore, ApplicationRecorderTestCase):
    def create_recorder(self) -> ApplicationRecorder:
        return self.application_recorder()

    # --- from the library's TestPostgresApplicationRecorder (test_postgres.py)

    def test_insert_subscribe(self) -> None:
        self.datastore.pool.open()
        self.datastore.pool.resize(2, 2)
        _with_deadline(self, self.optional_test_insert_subscribe)

    def test_subscribe_concurrent_reading_and_writing(self) -> None:
        self.datastore.pool.open()
        self.datastore.pool.resize(2, 2)
        recorder = self.create_recorder()
        num_batches, batch_size = 20, 100
        num_events = num_batches * batch_size

        def read(last_notification_id: int | None) -> None:
            with recorder.subscribe(last_notification_id) as subscription:
                for i, _ in enumerate(subscription):
                    if i + 1 == num_events:
                        break

        def write() -> None:
            for _ in range(num_batches):
                recorder.insert_events([
                    StoredEvent(originator_id=self.new_originator_id(), originator_version=self.INITIAL_VERSION,
                                topic="topic1", state=b"state1")
                    for _ in range(batch_size)])

        def both() -> None:
            # Concurrent...
            last = recorder.max_notification_id()
            writer = Thread(target=write)
            writer.start()
            read(last)
            writer.join()
            # Sequential...
            last = recorder.max_notification_id()
            write()
            read(last)

        _with_deadline(self, both, seconds=30)

    def test_concurrent_no_conflicts(self, initial_position: int = 0) -> None:
        self.datastore.pool.open()
        self.datastore.pool.resize(12, 12)
        super().test_concurrent_no_conflicts()

    def test_concurrent_throughput(self) -> None:
        self.datastore.pool.open()
        self.datastore.pool.resize(10, 10)
        super().test_concurrent_throughput()

    def test_retry_insert_events_after_closing_connection(self) -> None:
        # The library runs this on its aggregate recorder; plantrail's save is its own code.
        self.assertEqual(1, self.datastore.pool.max_size)
        self.assertEqual(1, self.datastore.pool.min_size)
        recorder = self.create_recorder()
        self.assertTrue(self.datastore.pool._pool)
        close_own_connections()
        self.assertFalse(self.datastore.pool._pool[0].closed)
        recorder.insert_events([StoredEvent(originator_id=uuid4(), originator_version=0, topic="topic1",
                                            state=b"state1")])

    def test_retry_select_notifications_after_closing_connection(self) -> None:
        recorder = self.create_recorder()
        self.assertEqual(len(self.datastore.pool._pool), 1)
        self.assertFalse(self.datastore.pool._pool[0].closed)
        recorder.insert_events([StoredEvent(originator_id=self.new_originator_id(), originator_version=0,
                                            topic="topic1", state=b"state1")])
        close_own_connections()
        self.assertEqual(len(self.datastore.pool._pool), 1)
        self.assertFalse(self.datastore.pool._pool[0].closed)
        conn_id_before = id(self.datastore.pool._pool[0])
        recorder.select_notifications(start=1, limit=1)
        self.assertEqual(len(self.datastore.pool._pool), 1)
        self.assertFalse(self.datastore.pool._pool[0].closed)
        self.assertNotEqual(conn_id_before, id(self.datastore.pool._pool[0]))

    def test_retry_max_notification_id_after_closing_connection(self) -> None:
        recorder = self.create_recorder()
        self.assertEqual(len(self.datastore.pool._pool), 1)
        self.assertFalse(self.datastore.pool._pool[0].closed)
        conn_id_before = id(self.datastore.pool._pool[0])
        recorder.insert_events([StoredEvent(originator_id=self.new_originator_id(), originator_version=0,
                                            topic="topic1", state=b"state1")])
        close_own_connections()
        recorder.max_notification_id()
        self.assertEqual(len(self.datastore.pool._pool), 1)
        self.assertFalse(self.datastore.pool._pool[0].closed)
        self.assertNotEqual(conn_id_before, id(self.datastore.pool._pool[0]))

    def test_insert_lock_timeout_actually_works(self) -> None:
        # NB: this exercises the library's _insert_stored_events (lock, NOTIFY, INSERT),
        # which plantrail's recorder inherits but never calls (both its transactions roll
        # back: nothing is written). The same check through plantrail's save is
        # test_save_lock_timeout_actually_works below.
        self.datastore.lock_timeout = 1
        self.datastore.pool.open()
        self.datastore.pool.resize(2, 2)
        recorder = self.create_recorder()
        stored_event1 = StoredEvent(originator_id=uuid4(), originator_version=1, topic="topic1", state=b"state1")
        stored_event2 = StoredEvent(originator_id=uuid4(), originator_version=1, topic="topic1", state=b"state1")
        table_lock_acquired, test_ended, table_lock_timed_out = Event(), Event(), Event()

        def insert1() -> None:
            with self.datastore.transaction() as curs:
                recorder._insert_stored_events(curs, [stored_event1])
                table_lock_acquired.set()
                test_ended.wait(timeout=5)

        def insert2() -> None:
            try:
                with self.datastore.get_connection() as conn:
                    table_lock_acquired.wait(timeout=5)
                    with conn.transaction(), conn.cursor() as curs:
                        recorder._insert_stored_events(curs, [stored_event2])
            except OperationalError as e:
                if "lock timeout" in e.args[0]:
                    table_lock_timed_out.set()

        thread1 = Thread(target=insert1, daemon=True)
        thread1.start()
        thread2 = Thread(target=insert2, daemon=True)
        thread2.start()
        table_lock_timed_out.wait(timeout=4)
        test_ended.set()
        thread1.join(timeout=10)
        thread2.join(timeout=10)
        self.assertTrue(table_lock_timed_out.is_set())

    # --- plantrail's own, in the same style (the library's retries cover its methods;
    # these cover the methods plantrail overrides)

    def test_retry_select_events_after_closing_connection(self) -> None:
        recorder = self.create_recorder()
        originator_id = self.new_originator_id()
        recorder.insert_events([StoredEvent(originator_id=originator_id, originator_version=0, topic="topic1",
                                            state=b"state1")])
        close_own_connections()
        self.assertEqual(1, len(recorder.select_events(originator_id)))

    def test_retry_command_records_after_closing_connection(self) -> None:
        recorder = self.create_recorder()
        recorder.insert_events([StoredEvent(originator_id=self.new_originator_id(), originator_version=0,
                                            topic="topic1", state=b"state1")],
                               commands=[SavedCommand("c-1", '"done"', None, 0)])
        close_own_connections()
        self.assertEqual('"done"', recorder.command_records(["c-1"])["c-1"].result)

    def test_retry_event_state_after_closing_connection(self) -> None:
        recorder = self.create_recorder()
        position = recorder.insert_events([StoredEvent(originator_id=self.new_originator_id(), originator_version=0,
                                                       topic="topic1", state=b"state1")])[0]
        close_own_connections()
        self.assertEqual(b"state1", recorder.event_state(position))

    def test_insert_no_events_returns_at_once(self) -> None:
        """insert_events([]) records nothing and asks the server nothing (issue 28)."""
        recorder = self.create_recorder()
        before = _server_calls(self.datastore)
        self.assertFalse(recorder.insert_events([]))
        self.assertEqual(before, _server_calls(self.datastore))

    def test_save_lock_timeout_actually_works(self) -> None:
        """A save waits for the log's lock at most POSTGRES_LOCK_TIMEOUT, then fails
        (and is retried as the library retries: each attempt waits the timeout again)."""
        self.datastore.lock_timeout = 1
        self.datastore.pool.open()
        self.datastore.pool.resize(2, 2)
        recorder = self.create_recorder()
        recorder._lock_wait = b"1s"  # what __init__ derives from datastore.lock_timeout
        locked, done = Event(), Event()

        def hold_lock() -> None:
            with self.datastore.transaction(commit=False) as curs:
                curs.execute(SQL("LOCK TABLE {}.stored_events IN EXCLUSIVE MODE").format(
                    Identifier(self.datastore.schema)))
                locked.set()
                done.wait(timeout=5)

        holder = Thread(target=hold_lock, daemon=True)
        holder.start()
        self.assertTrue(locked.wait(timeout=5))
        try:
            save = ChainedPostgresApplicationRecorder.insert_events.__wrapped__  # one attempt, not the retries
            with self.assertRaises(OperationalError) as cm:
                save(recorder, [StoredEvent(originator_id=uuid4(), originator_version=1, topic="t", state=b"")])
            self.assertIn("lock timeout", str(cm.exception))
        finally:
            done.set()
            holder.join(timeout=10)


class TestPostgresSnapshotRecorder(_PgStore, AggregateRecorderTestCase):
    def create_recorder(self) -> AggregateRecorder:
        return self.snapshot_recorder()

    def test_retry_insert_events_after_closing_connection(self) -> None:
        self.assertEqual(1, self.datastore.pool.max_size)
        self.assertEqual(1, self.datastore.pool.min_size)
        recorder = self.create_recorder()
        self.assertTrue(self.datastore.pool._pool)
        close_own_connections()
        self.assertFalse(self.datastore.pool._pool[0].closed)
        recorder.insert_events([StoredEvent(originator_id=uuid4(), originator_version=0, topic="topic1",
                                            state=b"state1")])


class TestPostgresNonInterleaving(_Store, NonInterleavingNotificationIDsBaseCase):
    pg = True  # the library's TestNonInterleavingPostgres uses the default pool
    insert_num = 100

    def create_recorder(self) -> ApplicationRecorder:
        return self.application_recorder()


def _server_calls(datastore: Any) -> int:
    """How many times the pool has handed out a connection (each call to the server takes one)."""
    return datastore.pool.get_stats().get("requests_num", 0)


def _with_deadline(test: TestCase, func: Any, seconds: float = LIBRARY_SUBSCRIBE_TIMEOUT) -> None:
    """Run ``func`` on a thread; fail (rather than hang the suite) if it takes too long.
    A hung subscription thread is a daemon and is left behind."""
    errors: list[BaseException] = []

    def run() -> None:
        try:
            func()
        except BaseException as e:  # noqa: BLE001
            errors.append(e)

    thread = Thread(target=run, daemon=True)
    thread.start()
    thread.join(timeout=seconds)
    if thread.is_alive():
        test.fail(f"{getattr(func, '__name__', func)} did not finish within {seconds} s (hung)")
    if errors:
        raise errors[0]


del AggregateRecorderTestCase, ApplicationRecorderTestCase, NonInterleavingNotificationIDsBaseCase
