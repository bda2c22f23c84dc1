"""The eventsourcing library's application test cases, on plantrail's recorders.

As the library's own test_application_with_postgres.py / _with_sqlite.py do, the
settings go into os.environ for the length of each test (the test bodies construct
applications with only a few settings of their own); here they are plantrail's, from
``plantrail.store.settings.env_for_url`` on a fresh store: the SQLite file or PostgreSQL
schema plantrail would use, and its recorders (APPLICATION_RECORDER_TOPIC). Snapshotting is
off, as plantrail has it (records load from their events), so the library's test that
``take_snapshot`` then refuses runs too.
"""

from __future__ import annotations

import gc
from unittest import TestCase

from eventsourcing.tests.application import ApplicationTestCase, ExampleApplicationTestCase
from plantrail_conformance_testkit import EnvironSet, drop_store, new_pg_url, new_sqlite_url, plantrail_env


class _WithPlantrailStore(TestCase):
    pg = False

    def setUp(self) -> None:
        super().setUp()
        self.url = new_pg_url() if self.pg else new_sqlite_url()
        self.store_env = plantrail_env(self.url)
        self._environ = EnvironSet(self.store_env).__enter__()

    def tearDown(self) -> None:
        self._environ.__exit__(None, None, None)
        gc.collect()  # the test bodies leave applications open: let their pools go first
        drop_store(self.url)
        super().tearDown()


class _Application(_WithPlantrailStore, ApplicationTestCase):
    pass


class TestApplicationWithPlantrailSQLite(_Application):
    pass


class TestApplicationWithPlantrailPostgres(_Application):
    pg = True


class TestExampleApplicationWithPlantrailSQLite(_WithPlantrailStore, ExampleApplicationTestCase):
    expected_factory_topic = "plantrail.store.sqlite_recorder:SQLiteRecordsFactory"


class TestExampleApplicationWithPlantrailPostgres(_WithPlantrailStore, ExampleApplicationTestCase):
    expected_factory_topic = "plantrail.store.postgres_recorder:PostgresRecordsFactory"
    pg = True


del ApplicationTestCase, ExampleApplicationTestCase, _Application
