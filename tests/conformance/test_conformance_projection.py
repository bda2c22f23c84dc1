"""The eventsourcing library's projection test cases, on plantrail's recorders.

The runners (ProjectionRunner, EventSourcedProjectionRunner) subscribe to an
application built from plantrail's env (``plantrail.store.settings.env_for_url``): they follow
plantrail's log through its recorder's ``subscribe()``, which polls, on both stores. The materialised view and the
event-sourced projection's own recorders are the library's, in the same store.

The view class (PostgresEventCounters) is the one the library's own PostgreSQL suite
defines (tests/projection_tests/test_projection_with_postgres.py, not installed with the
package), copied here; SQLiteEventCounters is the same on SQLite.
"""

from __future__ import annotations

import time
from threading import Thread
from typing import Any, ClassVar
from unittest import TestCase
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import InfrastructureFactory, OperationalError, Tracking
from eventsourcing.postgres import PostgresDatastore, PostgresTrackingRecorder
from eventsourcing.projection import BaseProjectionRunner, EventSourcedProjectionRunner, Projection, ProjectionRunner
from eventsourcing.sqlite import SQLiteDatastore, SQLiteTrackingRecorder
from eventsourcing.tests import projection as library_tests
from eventsourcing.tests.projection import (
    AggregateEventCountersProjection,
    AggregateEventCountersProjectionTestCase,
    Counters,
    EventCountersView,
    EventCountersViewTestCase,
    EventSourcedProjectionTestCase,
    SpannerThrownError,
)
from eventsourcing.utils import Environment
from plantrail_conformance_testkit import close_own_connections, drop_store, new_pg_url, new_sqlite_url, plantrail_env
from psycopg.sql import SQL, Identifier


class PostgresEventCounters(PostgresTrackingRecorder, EventCountersView):
    """As the library's own PostgreSQL projection suite defines it."""

    _created_event_counter_name = "CREATED_EVENTS"
    _subsequent_event_counter_name = "SUBSEQUENT_EVENTS"

    def __init__(self, datastore: PostgresDatastore, **kwargs: Any):
        super().__init__(datastore, **kwargs)
        assert self.tracking_table_name.endswith("_tracking")
        self.counters_table_name = self.tracking_table_name.replace("_tracking", "")
        self.check_identifier_length(self.counters_table_name)
        fmt = (Identifier(self.datastore.schema), Identifier(self.counters_table_name))
        self.sql_create_statements.append(SQL(
            "CREATE TABLE IF NOT EXISTS {0}.{1} (counter_name text, counter bigint, PRIMARY KEY (counter_name))"
        ).format(*fmt))
        self.select_counter_statement = SQL("SELECT counter FROM {0}.{1} WHERE counter_name=%s").format(*fmt)
        self.incr_counter_statement = SQL(
            "INSERT INTO {0}.{1} VALUES (%s, 1) ON CONFLICT (counter_name) DO UPDATE SET counter = {0}.{1}.counter + 1"
        ).format(*fmt)

    def get_created_event_counter(self) -> int:
        return self._select_counter(self._created_event_counter_name)

    def get_subsequent_event_counter(self) -> int:
        return self._select_counter(self._subsequent_event_counter_name)

    def incr_created_event_counter(self, tracking: Tracking) -> None:
        self._incr_counter(self._created_event_counter_name, tracking)

    def incr_subsequent_event_counter(self, tracking: Tracking) -> None:
        self._incr_counter(self._subsequent_event_counter_name, tracking)

    def _select_counter(self, name: str) -> int:
        with self.datastore.transaction(commit=False) as curs:
            curs.execute(self.select_counter_statement, (name,), prepare=True)
            row = curs.fetchone()
            return row["counter"] if row else 0

    def _incr_counter(self, name: str, tracking: Tracking) -> None:
        with self.datastore.transaction(commit=True) as curs:
            self._insert_tracking(curs, tracking)
            curs.execute(self.incr_counter_statement, (name,), prepare=True)


class SQLiteEventCounters(SQLiteTrackingRecorder, EventCountersView):
    """PostgresEventCounters on SQLite (in the store's own file, as plantrail's views are)."""

    def __init__(self, datastore: SQLiteDatastore, **kwargs: Any):
        super().__init__(datastore, **kwargs)
        self.create_table_statements.append(
            "CREATE TABLE IF NOT EXISTS event_counters (counter_name TEXT PRIMARY KEY, counter INTEGER)")

    def get_created_event_counter(self) -> int:
        return self._select_counter("CREATED_EVENTS")

    def get_subsequent_event_counter(self) -> int:
        return self._select_counter("SUBSEQUENT_EVENTS")

    def incr_created_event_counter(self, tracking: Tracking) -> None:
        self._incr_counter("CREATED_EVENTS", tracking)

    def incr_subsequent_event_counter(self, tracking: Tracking) -> None:
        self._incr_counter("SUBSEQUENT_EVENTS", tracking)

    def _select_counter(self, name: str) -> int:
        with self.datastore.transaction(commit=False) as c:
            c.execute("SELECT counter FROM event_counters WHERE counter_name = ?", (name,))
            row = c.fetchone()
            return row[0] if row else 0

    def _incr_counter(self, name: str, tracking: Tracking) -> None:
        with self.datastore.transaction(commit=True) as c:
            self._insert_tracking(c, tracking)
            c.execute("INSERT INTO event_counters VALUES (?, 1) ON CONFLICT (counter_name)"
                      " DO UPDATE SET counter = counter + 1", (name,))


class OrderlyRunner(EventSourcedProjectionRunner):  # type: ignore[type-arg]
    """The library's runner, leaving in the safe order. Its ``__exit__`` closes the projection
    (its connection pool) before stopping the thread that feeds it; a ``wait`` returns as soon
    as the last tracking row is committed, while that thread has yet to give its connection
    back, and then finds the pool closed (``ConnectionPoolClosedError: Pool is closed``, raised by
    ``ConnectionPool.put_connection``: the SQLite case failed so once in about seven runs of the
    whole suite on a loaded machine, never alone). Stop and join first, then close the
    projection. Nothing of plantrail's is involved: its log only feeds the runner."""

    def __exit__(self, *exc: Any) -> None:
        try:
            BaseProjectionRunner.__exit__(self, *exc)
        finally:
            self.projection.__exit__(*exc)


class _Store:
    pg = False
    env: ClassVar[dict[str, str]]

    def setUp(self) -> None:
        self.url = new_pg_url() if self.pg else new_sqlite_url()
        self.env = plantrail_env(self.url)  # an instance attribute: the test bodies read self.env
        # (the library's test bodies name the runner from their own module)
        self._library_runner, library_tests.EventSourcedProjectionRunner = (
            library_tests.EventSourcedProjectionRunner, OrderlyRunner)
        super().setUp()  # type: ignore[misc]

    def tearDown(self) -> None:
        library_tests.EventSourcedProjectionRunner = self._library_runner
        super().tearDown()  # type: ignore[misc]
        drop_store(self.url)


# ---------------------------------------------------------------- event-sourced projection


class TestEventSourcedProjectionWithPlantrailPostgres(_Store, EventSourcedProjectionTestCase):
    pg = True

    # From the library's test_event_sourced_projection_with_postgres.py (pg_close_all_connections
    # there; only this process's connections here: the server is shared). The library's
    # subscription LISTENs: when the server closes its connection, notifications are lost
    # and it must fail, and these check that the runner does. plantrail's subscription
    # polls: it reconnects (the library's retried reads) and loses nothing, so it carries
    # on instead (test_server_closes_connections_runner_carries_on).
    POLLS = ("plantrail's subscription polls: after the server closes its connections it reconnects and "
             "carries on (nothing is lost), where the library's LISTEN subscription must fail")

    def test_server_closes_connections_runner_carries_on(self) -> None:
        with OrderlyRunner(application_class=Application, projection_class=Counters,
                           env=self.env) as runner:
            recordings = runner.app.save(Aggregate())
            runner.wait(recordings[-1].notification.id)
            self.assertEqual(1, runner.projection.get_count(Aggregate.Created))
            self.assertGreater(close_own_connections(), 0)
            recordings = runner.app.save(Aggregate())  # the save is retried on a new connection
            runner.wait(recordings[-1].notification.id, timeout=5)
            self.assertEqual(2, runner.projection.get_count(Aggregate.Created))
            runner.run_forever(timeout=0.5)  # no error to raise

    def test_server_closes_connections_before_run_forever(self) -> None:
        self.skipTest(self.POLLS)
        with OrderlyRunner(application_class=Application, projection_class=Counters,
                           env=self.env) as runner:
            recordings = runner.app.save(Aggregate())
            runner.wait(recordings[-1].notification.id)
            self.assertEqual(1, runner.projection.get_count(Aggregate.Created))
            close_own_connections()
            with self.assertRaises(OperationalError) as cm:
                runner.run_forever(timeout=1)
            self.assertIn("server closed the connection", str(cm.exception))

    def test_server_closes_connections_with_run_forever_in_thread(self) -> None:
        self.skipTest(self.POLLS)
        with OrderlyRunner(application_class=Application, projection_class=Counters,
                           env=self.env) as runner:
            recordings = runner.app.save(Aggregate())
            runner.wait(recordings[-1].notification.id)
            errors: list[BaseException] = []

            def target() -> None:
                try:
                    runner.run_forever(timeout=5)
                except BaseException as e:  # noqa: BLE001
                    errors.append(e)

            thread = Thread(target=target)
            thread.start()
            close_own_connections()
            thread.join(timeout=1)
            self.assertFalse(thread.is_alive())
            self.assertEqual(1, len(errors))
            self.assertIsInstance(errors[0], OperationalError)


class TestEventSourcedProjectionWithPlantrailSQLite(_Store, EventSourcedProjectionTestCase):
    def test_event_sourced_projection(self) -> None:
        # The projection's own process recorder would be the library's SQLite one, whose
        # events table is "stored_events" too, in the same file: give it a file of its own.
        self.env = {**self.env, "COUNTERS_SQLITE_DBNAME": str(self.url.removeprefix("sqlite:///")) + ".counters"}
        super().test_event_sourced_projection()


# ---------------------------------------------------------------- projection into a view


class TestEventCountersViewPostgres(_Store, EventCountersViewTestCase):
    pg = True

    def construct_event_counters_view(self) -> EventCountersView:
        self.factory = InfrastructureFactory[EventCountersView].construct(Environment("eventcounters", self.env))
        return self.factory.tracking_recorder(PostgresEventCounters)

    def tearDown(self) -> None:
        self.factory.close()
        super().tearDown()


class _AggregateEventCounters(_Store, AggregateEventCountersProjectionTestCase):
    # The library's PostgreSQL suite also resumes a runner after each base test; so here.
    def test_event_counters_projection(self) -> None:
        super().test_event_counters_projection()
        with ProjectionRunner(application_class=Application, projection_class=AggregateEventCountersProjection,
                              view_class=self.view_class, env=self.env):
            write_model = Application(self.env)
            read_model = (InfrastructureFactory[EventCountersView]
                          .construct(env=Environment(name=AggregateEventCountersProjection.name, env=self.env))
                          .tracking_recorder(self.view_class))
            aggregate = Aggregate()
            aggregate.trigger_event(event_class=Aggregate.Event)
            aggregate.trigger_event(event_class=Aggregate.Event)
            recordings = write_model.save(aggregate)
            read_model.wait(application_name=write_model.name, notification_id=recordings[-1].notification.id)
            self.assertEqual(read_model.get_created_event_counter(), 3)
            self.assertEqual(read_model.get_subsequent_event_counter(), 6)
            write_model.close()

    def test_run_forever_raises_projection_error(self) -> None:
        super().test_run_forever_raises_projection_error()
        with ProjectionRunner(application_class=Application, projection_class=AggregateEventCountersProjection,
                              view_class=self.view_class, env=self.env) as runner:
            write_model = Application(self.env)
            read_model = InfrastructureFactory.construct(
                env=Environment(name=AggregateEventCountersProjection.name, env=self.env)
            ).tracking_recorder(self.view_class)
            with self.assertRaises(SpannerThrownError):
                runner.run_forever()
            with self.assertRaises(TimeoutError):
                read_model.wait(application_name=write_model.name,
                                notification_id=write_model.recorder.max_notification_id())
            write_model.close()


class TestAggregateEventCountersPostgres(_AggregateEventCounters):
    pg = True
    view_class = PostgresEventCounters


class TestAggregateEventCountersSQLite(_AggregateEventCounters):
    view_class = SQLiteEventCounters


# ---------------------------------------------------------------- plantrail's own (issue 28)


class CountEverything(Projection[EventCountersView]):
    name = "eventcounters"
    topics: tuple[str, ...] = ()  # every event

    def process_event(self, domain_event: Any, tracking: Tracking) -> None:
        self.view.incr_subsequent_event_counter(tracking)


class _CaughtUpRunner(_Store):
    view_class: type[EventCountersView]

    def test_runner_receives_event_saved_after_it_caught_up_within_a_second(self) -> None:
        """A projection runner delivers what was saved before it started (the backlog) and
        then, within a second, an event saved after it caught up (issue 28: on PostgreSQL
        it delivered the backlog and then waited forever)."""
        writer = Application[UUID](env=self.env)
        try:
            for _ in range(3):
                writer.save(Aggregate())
            backlog = writer.recorder.max_notification_id()
            with ProjectionRunner(application_class=Application, projection_class=CountEverything,
                                  view_class=self.view_class, env=self.env) as runner:
                runner.wait(backlog, timeout=5)  # caught up
                self.assertEqual(3, runner.projection.view.get_subsequent_event_counter())
                time.sleep(0.3)  # idle, as a runner is between writes
                saved_at = time.monotonic()
                position = writer.save(Aggregate())[-1].notification.id
                runner.wait(position, timeout=1.0)  # TimeoutError if not delivered within a second
                took = time.monotonic() - saved_at
                self.assertEqual(4, runner.projection.view.get_subsequent_event_counter())
                self.assertLess(took, 1.0)
        finally:
            writer.close()


class TestCaughtUpRunnerPostgres(_CaughtUpRunner, TestCase):
    pg = True
    view_class = PostgresEventCounters


class TestCaughtUpRunnerSQLite(_CaughtUpRunner, TestCase):
    view_class = SQLiteEventCounters


del AggregateEventCountersProjectionTestCase, EventCountersViewTestCase, EventSourcedProjectionTestCase
del _AggregateEventCounters
