"""The log's hot queries read a bounded part of it, whatever the planner's statistics say.

At 10M events an unanalysed log made the server plan the rebuild's reads as scans of the
whole log, one per batch (issue 29). So each query that reads the log is checked here with
EXPLAIN (not timing) on a log of realistic shape, 330,000 events in records of 11 spread
over the whole log, in three states: never analysed; analysed when it held 1,100 events and
grown since (statistics far behind it); analysed. Each is planned as the server would plan
it with the default ``effective_cache_size`` and with one smaller than the log (as a 6 GB
log of 10M events is beside the default 4 GB), both as the first runs of a statement are
planned (with its values) and as a prepared statement's generic plan. The statements are
the ones the code sends: each function runs on the log and what it sent is captured.

A scan of the log passes if it reads a bounded part of it: by key (a record's id, a list of
ids, a position), a window of positions bounded at both ends, or in index order under a
LIMIT with nothing between that must read everything first (a sort, an aggregate, a hash).
"""

from __future__ import annotations

import os
import re
import uuid
from contextlib import contextmanager
from itertools import islice
from typing import Any

import psycopg
import pytest

from plantrail.store.derived import first_events_between, states_at
from plantrail.store.log import (
    PARTIAL_INDEXES,
    erasure_events,
    provenance,
    read_log,
    read_records,
    records_touched,
    restriction_events,
)
from plantrail.store.record_reads import one_record, plan_with_reader
from plantrail.store.settings import parse_url
from plantrail.store.verify_sources import PostgresServerHashingSource
from plantrail.store.view_tables import tracking

EVENTS = 330_000  # ~160 MB of log: well past where a scan of it costs more than an index lookup
EVENTS_EARLY = 1_100
VERSIONS = 11
LOG_TABLES = ("stored_events", "event_chain")
SMALL_CACHE = "SET effective_cache_size = '32MB'"  # smaller than the log, as 10M events are beside 4 GB
# Nodes that take in all their input before giving any out: a LIMIT above one does not
# bound what the scan below it reads.
BLOCKING = {"Sort", "Incremental Sort", "Aggregate", "Hash", "Materialize", "Unique", "SetOp", "WindowAgg"}
KEY = re.compile(r'\b(originator_id|notification_id|position|command_id)"? = ')  # "position" comes quoted
LOWER = re.compile(r'\b(notification_id|position)"? >=? ')
UPPER = re.compile(r'\b(notification_id|position)"? <=? ')


@pytest.fixture(scope="module")
def logs():
    """Two stores (schemas) with a log of EVENTS events: one never analysed, one analysed at
    EVENTS_EARLY events and grown since. Autovacuum is off on their tables, so nothing
    analyses them behind the test's back."""
    base = os.environ.get("PLANTRAIL_TEST_POSTGRES")
    if not base:
        pytest.skip("set PLANTRAIL_TEST_POSTGRES (e.g. postgresql://postgres@127.0.0.1:5432/test) "
                    "to run the PostgreSQL tests")
    from plantrail_store_testkit import open_app

    tag = uuid.uuid4().hex[:8]
    urls = {state: f"{base}{'&' if '?' in base else '?'}schema=pl_{state}_{tag}" for state in ("never", "stale")}
    apps = {}
    try:
        for state, url in urls.items():
            apps[state] = app = open_app(url)
            app.url = url  # for verify's reads, which open their own connection
            schema = app.recorder.datastore.schema
            with psycopg.connect(base, autocommit=True) as conn:
                for table in LOG_TABLES:
                    conn.execute(f'ALTER TABLE "{schema}".{table} SET (autovacuum_enabled = off)')
                if state == "stale":
                    _load(conn, schema, EVENTS_EARLY, 1)
                    conn.execute(f'ANALYZE "{schema}".stored_events, "{schema}".event_chain')
                _load(conn, schema, EVENTS, 2)
        yield apps
    finally:
        for app in apps.values():
            app.close()
        with psycopg.connect(base, autocommit=True) as conn:
            for url in urls.values():
                conn.execute(f'DROP SCHEMA IF EXISTS "{parse_url(url).schema}" CASCADE')


def _load(conn: psycopg.Connection, schema: str, events: int, batch: int) -> None:
    """Records of VERSIONS events each, every version of every record before the next
    version of any (a record's events spread over the whole log, as a plan's are over the
    years), ~450-byte states; and a chain row for each (their links are not checked here).
    Written straight into the tables: nothing here is verified."""
    records = events // VERSIONS
    conn.execute(
        f'INSERT INTO "{schema}".stored_events (originator_id, originator_version, topic, state)'
        f" SELECT md5('{batch}-' || r)::uuid, v, 'domain.events:ActionAmended',"
        f" convert_to(repeat(md5(r || '-' || v), 14), 'UTF8')"
        " FROM generate_series(1, %s) v, generate_series(1, %s) r ORDER BY v, (r * 7919) %% %s",
        (VERSIONS, records, records))
    conn.execute(
        f'INSERT INTO "{schema}".event_chain (position, prev_position, link)'
        f' SELECT notification_id, notification_id - 1, sha256(int8send(notification_id))'
        f' FROM "{schema}".stored_events e WHERE NOT EXISTS'
        f' (SELECT 1 FROM "{schema}".event_chain c WHERE c.position = e.notification_id)')


@contextmanager
def _captured(monkeypatch: pytest.MonkeyPatch):
    """Every statement (text, parameters) sent through a psycopg cursor meanwhile."""
    seen: list[tuple[str, Any]] = []
    real = psycopg.Cursor.execute

    def spy(self: psycopg.Cursor, query: Any, params: Any = None, **kwargs: Any) -> Any:
        text = query if isinstance(query, str) else query.as_string(self)
        seen.append((text, params))
        return real(self, query, params, **kwargs)

    with monkeypatch.context() as patched:
        patched.setattr(psycopg.Cursor, "execute", spy)
        yield seen


def _hot_statements(app: Any, monkeypatch: pytest.MonkeyPatch) -> dict[str, tuple[str, Any]]:
    """Each hot read of the log, run once on ``app``'s store: the statement it sent."""
    top = app.recorder.max_notification_id()
    some = list(islice(records_touched(app, top - 30_000, top, uuid.UUID(int=0), uuid.UUID(int=1 << 127)), 1000))
    schema = app.recorder.datastore.schema
    reads = {
        "read_log (catch-up, from the start)": lambda: read_log(app, 0, 2000),
        "read_log (catch-up, near the end)": lambda: read_log(app, top - 5000, 2000),
        "records_touched (rebuild: the whole log)": lambda: records_touched(
            app, 0, min(top, 40_000), uuid.UUID(int=0), uuid.UUID(int=1 << 127)),
        "records_touched (catch-up after an import)": lambda: records_touched(
            app, top - 30_000, top, uuid.UUID(int=1 << 127), None),
        "read_records (1,000 records)": lambda: read_records(app, some, top),
        "provenance (history)": lambda: provenance(app, some[0]),
        "select_events (a record up to a version)": lambda: app.recorder.select_events(some[0], lte=5),
        "the views' tracking and the log's end": lambda: tracking(app),
        "restriction_events (every list)": lambda: restriction_events(app),
        "erasure_events (every opening)": lambda: erasure_events(app),
        "select_records (a logged read's reader and child)": lambda: app.recorder.select_records(some[:2]),
        "first_events_between (verify's views check)": lambda: first_events_between(
            app, ["domain.events:PlanOpened"], top - 50_000, top),
        "states_at (verify's command log check)": lambda: states_at(app, list(range(top - 999, top + 1))),
    }
    statements = {}
    for name, read in reads.items():
        with _captured(monkeypatch) as seen:
            read()
        statements[name] = _on_the_log(seen, schema, name)
    # The read of a sealed record, which asks for its key too (sealed stores only: as the
    # recorder sends it once the keys' table is known).
    statements["select_events (a record from its start, with its key)"] = (
        one_record(schema, (False, False, False, False), with_key=True), [some[0]])
    # A plan read with its reader's and its child's records (a logged read's first round trip).
    statements["plan_with_reader (a logged read of a plan)"] = (plan_with_reader(schema), [some[0], some[1], some[0]])
    with psycopg.connect(**parse_url(app.url).connect_kwargs()) as conn, _captured(monkeypatch) as seen:
        source = PostgresServerHashingSource(conn, schema, has_chain=True)
        source.hashables(0, 10_000), source.link_columns(0, 10_000), source.events(0, 10_000)
    for i, statement in enumerate(seen):
        statements[f"verify #{i + 1}"] = statement
    return statements


def _on_the_log(seen: list[tuple[str, Any]], schema: str, name: str) -> tuple[str, Any]:
    on_log = [(q, p) for q, p in seen if any(t in q for t in LOG_TABLES)]
    assert on_log, f"{name} sent nothing to the log"
    return on_log[-1]


def _plans(conn: psycopg.Connection, query: str, params: Any) -> dict[str, dict[str, Any]]:
    """The plan of ``query`` with its values (as its first runs get), and its generic plan
    (as a prepared statement gets once the server stops planning it afresh)."""
    custom = conn.execute("EXPLAIN (FORMAT JSON) " + query, params).fetchone()[0][0]["Plan"]
    numbered = query
    for n in range(1, query.count("%s") + 1):
        numbered = numbered.replace("%s", f"${n}", 1)
    with conn.transaction(force_rollback=True):
        conn.execute("SET LOCAL plan_cache_mode = force_generic_plan")
        conn.execute(f"PREPARE plan_check AS {numbered}")
        marks = f"({', '.join(['%s'] * len(params))})" if params else ""
        # EXECUTE's arguments cannot be bound parameters: the values go into its text.
        generic = psycopg.ClientCursor(conn).execute(
            f"EXPLAIN (FORMAT JSON) EXECUTE plan_check{marks}", params).fetchone()[0][0]["Plan"]
        conn.execute("DEALLOCATE plan_check")
    return {"with its values": custom, "generic": generic}


def unbounded_scans(plan: dict[str, Any]) -> list[str]:
    """The scans of the log in ``plan`` that may read all of it."""
    found: list[str] = []

    def walk(node: dict[str, Any], above: list[dict[str, Any]]) -> None:
        if node.get("Relation Name") in LOG_TABLES and not _bounded(node, above):
            conditions = [i.get("Index Cond") for i in [node, *_bitmap_index_scans(node)] if i.get("Index Cond")]
            found.append(f"{node['Node Type']} on {node['Relation Name']} ({' / '.join(conditions) or 'no index'})")
        for child in node.get("Plans", []):
            walk(child, [*above, node])

    walk(plan, [])
    return found


def _bounded(scan: dict[str, Any], above: list[dict[str, Any]]) -> bool:
    kind = scan["Node Type"]
    if scan.get("Index Name") in PARTIAL_INDEXES or any(
            i.get("Index Name") in PARTIAL_INDEXES for i in _bitmap_index_scans(scan)):
        return True  # it holds only the few events its predicate names
    if kind == "Bitmap Heap Scan":
        return all(_bounding(i.get("Index Cond", "")) for i in _bitmap_index_scans(scan))
    if kind not in ("Index Scan", "Index Only Scan"):
        return False  # a sequential scan, or something new: look at it
    if _bounding(scan.get("Index Cond", "")):
        return True
    for node in reversed(above):  # cut short by a LIMIT with nothing between that reads everything
        if node["Node Type"] == "Limit":
            return True
        if node["Node Type"] in BLOCKING:
            return False
    return False


def _bitmap_index_scans(node: dict[str, Any]) -> list[dict[str, Any]]:
    found = [node] if node["Node Type"] == "Bitmap Index Scan" else []
    for child in node.get("Plans", []):
        found += _bitmap_index_scans(child)
    return found


def _bounding(condition: str) -> bool:
    return bool(KEY.search(condition) or (LOWER.search(condition) and UPPER.search(condition)))


def test_hot_reads_of_the_log_read_a_bounded_part_of_it_whatever_the_statistics(logs, monkeypatch):
    failures = []
    checked = 0
    for state in ("never analysed", "analysed small, grown since", "analysed"):
        app = logs["never"] if state == "never analysed" else logs["stale"]
        schema = app.recorder.datastore.schema
        with psycopg.connect(os.environ["PLANTRAIL_TEST_POSTGRES"], autocommit=True) as conn:
            if state == "analysed":
                conn.execute(f'ANALYZE "{schema}".stored_events, "{schema}".event_chain')
            else:  # the statistics as the state says: none, or of the log at EVENTS_EARLY events
                assert _row_estimate(conn, schema) == (-1 if state == "never analysed" else EVENTS_EARLY)
            statements = _hot_statements(app, monkeypatch)
            for cache in ("default cache", "cache smaller than the log"):
                conn.execute(SMALL_CACHE if cache != "default cache" else "RESET effective_cache_size")
                for name, (query, params) in statements.items():
                    for how, plan in _plans(conn, query, params).items():
                        checked += 1
                        if bad := unbounded_scans(plan):
                            failures.append(f"{state}, {cache}, {how}: {name}: {bad}\n  {query}")
    assert checked >= 3 * 2 * 2 * 12
    assert not failures, "\n".join(failures)


def test_the_check_sees_a_read_of_the_whole_log(logs):
    """The reads before issue 29, on the never-analysed log: the check must fail them (so
    the log above is large enough for a bad plan to show)."""
    app = logs["never"]
    events = f'"{app.recorder.datastore.schema}".stored_events'
    ids = sorted(uuid.uuid4() for _ in range(1000))
    old = {
        "records_touched": (f"SELECT DISTINCT originator_id FROM {events} WHERE notification_id > %s"
                            " AND notification_id <= %s AND originator_id >= %s ORDER BY 1",
                            (0, EVENTS, uuid.UUID(int=0))),
        "read_records": (f"SELECT notification_id, originator_id, originator_version, topic, state FROM {events}"
                         " WHERE originator_id = ANY(%s) ORDER BY originator_id, originator_version", (ids,)),
        # the restrictions as every list read them before: the kinds as a parameter
        "restrictions": (f"SELECT notification_id, state FROM {events} WHERE topic = ANY(%s) ORDER BY notification_id",
                         (["domain.events:ChildRestricted", "domain.events:ChildUnrestricted"],)),
    }
    with psycopg.connect(os.environ["PLANTRAIL_TEST_POSTGRES"], autocommit=True) as conn:
        conn.execute(SMALL_CACHE)
        for name, (query, params) in old.items():
            # (given the kinds' values, the server sees they are the partial index's: only
            # a prepared statement's generic plan reads the whole log)
            how = "generic" if name == "restrictions" else "with its values"
            assert unbounded_scans(_plans(conn, query, params)[how]), name


def _row_estimate(conn: psycopg.Connection, schema: str) -> float:
    return conn.execute("SELECT reltuples FROM pg_class WHERE oid = %s::regclass",
                        (f'"{schema}".stored_events',)).fetchone()[0]


def test_the_restrictions_index_names_the_catalogue_s_kinds():
    """The partial index names the restrictions' events by their stored topics."""
    from eventsourcing.utils import get_topic

    from plantrail.domain import events as ev
    from plantrail.store.log import ERASURE_TOPICS, RESTRICTION_TOPICS

    assert RESTRICTION_TOPICS == (get_topic(ev.ChildRestricted), get_topic(ev.ChildUnrestricted))
    assert ERASURE_TOPICS == (get_topic(ev.ChildErased),)
