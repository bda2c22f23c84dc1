"""The log's statistics on PostgreSQL (issue 29, docs/database.md), through the command line:
`import` ends with VACUUM (ANALYZE) (with --no-vacuum, ANALYZE) and says so, `init` gives the
log's tables their autovacuum settings and warns where the server runs none, `projections status` warns when the statistics are far
behind the log. On SQLite none of it applies, and nothing is said."""

from __future__ import annotations

import json

import psycopg

from plantrail.store.maintenance import FAR_EVENTS, LOG_AUTOVACUUM, LogStatistics
from plantrail.store.settings import parse_url
from tests.support import Shell

LINES = [
    {"command": "staff add", "args": {"staff_id": "tm1", "name": "Tina Moss", "initials": "TM",
                                      "roles": ["team-manager"]}},
    {"command": "staff add", "as": "tm1", "args": {"staff_id": "sw1", "name": "Mary Grant", "initials": "MG",
                                                   "roles": ["social-worker"]}},
    {"command": "child add", "as": "sw1", "args": {"child_ref": "K1", "name": "Karen", "born": "2023-02-01"}},
    {"command": "plan open", "as": "sw1", "args": {"child_ref": "K1", "kind": "child-in-need", "aim": "Safe"}},
]


def _import_file(tmp_path, lines: list[dict]) -> str:  # type: ignore[no-untyped-def,type-arg]
    path = tmp_path / f"cases{len(list(tmp_path.glob('cases*')))}.jsonl"
    path.write_text("".join(json.dumps(line) + "\n" for line in lines))
    return str(path)


def _pg(url: str) -> psycopg.Connection:
    return psycopg.connect(**parse_url(url).connect_kwargs(), autocommit=True)


def test_import_without_vacuum_ends_with_analyze_of_the_tables_it_filled(sh: Shell, tmp_path) -> None:  # type: ignore[no-untyped-def]
    counts = sh.ok("import", _import_file(tmp_path, LINES), "--no-vacuum", "--json").json()
    more = _import_file(tmp_path, [{"command": "child add", "as": "sw1",
                                    "args": {"child_ref": "K2", "name": "Sam", "born": "2022-01-01"}}])
    done = sh.ok("import", more, "--no-vacuum")
    if not sh.url.startswith("postgresql"):
        assert counts["analyzed"] == [] and "ANALYZE" not in done.out and not done.err
        return
    tables = ["stored_events", "event_chain", "command_log", "view_tracking", "view_plans", "view_children"]
    assert sorted(counts["analyzed"]) == sorted(tables) and "vacuumed" not in counts
    said = " ".join(done.out.split())
    assert f"statistics gathered (ANALYZE): {', '.join(tables)}" in said
    assert max(len(line) for line in done.out.splitlines()) <= 80
    schema = parse_url(sh.url).schema
    with _pg(sh.url) as conn:
        analysed = conn.execute("SELECT relname FROM pg_stat_all_tables WHERE schemaname = %s"
                                " AND last_analyze IS NOT NULL", (schema,)).fetchall()
        stats = conn.execute("SELECT count(*) FROM pg_stats WHERE schemaname = %s AND tablename = 'stored_events'",
                             (schema,)).fetchone()[0]
    assert {r[0] for r in analysed} >= set(tables) and stats > 0


def test_import_vacuums_and_analyses_the_tables_it_filled(pg_schema_url: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    sh = Shell(pg_schema_url, tmp_path)
    counts = sh.ok("import", _import_file(tmp_path, LINES), "--json").json()
    tables = ["stored_events", "event_chain", "command_log", "view_tracking", "view_plans", "view_children"]
    assert sorted(counts["analyzed"]) == sorted(counts["vacuumed"]) == sorted(tables)
    more = _import_file(tmp_path, [{"command": "child add", "as": "sw1",
                                    "args": {"child_ref": "K2", "name": "Sam", "born": "2022-01-01"}}])
    said = " ".join(sh.ok("import", more, "--vacuum").out.split())  # (--vacuum: the default, said again)
    assert f"vacuumed, statistics gathered (VACUUM ANALYZE): {', '.join(tables)}" in said
    with _pg(pg_schema_url) as conn:
        vacuumed = conn.execute("SELECT relname FROM pg_stat_all_tables WHERE schemaname = %s"
                                " AND last_vacuum IS NOT NULL", (parse_url(pg_schema_url).schema,)).fetchall()
    assert {r[0] for r in vacuumed} >= set(tables)


def test_init_tunes_the_logs_autovacuum_and_says_where_the_server_runs_none(pg_schema_url: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    sh = Shell(pg_schema_url, tmp_path)
    done = sh.ok("init")
    said = " ".join(done.out.split())
    assert "autovacuum: command_log, event_chain, stored_events vacuumed every 10,000 rows" in said
    assert max(len(line) for line in done.err.splitlines() or [""]) <= 80  # (stdout: the store's URL and KEK path)
    with _pg(pg_schema_url) as conn:
        running = conn.execute("SELECT current_setting('autovacuum') = 'on'"
                               " AND current_setting('track_counts') = 'on'").fetchone()[0]
        options = dict(conn.execute(
            "SELECT relname, reloptions FROM pg_class WHERE relnamespace = %s::regnamespace",
            (parse_url(pg_schema_url).schema,)).fetchall())
    for table in ("stored_events", "event_chain", "command_log"):
        assert {f"{k}={v}" for k, v in LOG_AUTOVACUUM.items()} <= set(options[table]), table
    assert ("warning: autovacuum is off on this server" in done.err) is (not running)
    assert sh.ok("init", "--json").json()["ok"] is True  # again: idempotent, JSON alone on stdout


def test_projections_status_warns_when_the_logs_statistics_are_far_behind(pg_schema_url: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    sh = Shell(pg_schema_url, tmp_path)
    sh.ok("init")
    schema = parse_url(pg_schema_url).schema
    quiet = sh.ok("projections", "status", "--json")
    assert "warning" not in quiet.err
    # A bulk load that nothing analysed (rows straight into the table: only their count matters).
    with _pg(pg_schema_url) as conn:
        conn.execute(f'ALTER TABLE "{schema}".stored_events SET (autovacuum_enabled = off)')
        conn.execute(f'INSERT INTO "{schema}".stored_events (originator_id, originator_version, topic, state)'
                     " SELECT gen_random_uuid(), 1, 't', '' FROM generate_series(1, %s)", (FAR_EVENTS + 1000,))
    behind = sh.ok("projections", "status", "--json")
    json.loads(behind.out)  # stdout is still the JSON alone
    lines = behind.err.strip().splitlines()
    assert len(lines) == 2 and lines[0].startswith("warning: the log's statistics are far behind it: 101,000 of its")
    assert "(never run)" in lines[0] and "ANALYZE" in lines[1]
    with _pg(pg_schema_url) as conn:
        conn.execute(f'ANALYZE "{schema}".stored_events')
    assert "warning" not in sh.ok("projections", "status").err


def test_far_behind_means_many_events_and_a_large_share_of_the_log() -> None:
    assert LogStatistics(events=10_000_004, changed=10_000_004, analysed=False).far_behind
    assert LogStatistics(events=3_000_000, changed=1_000_000, analysed=True).far_behind
    assert not LogStatistics(events=10_000_000, changed=1_000_000, analysed=True).far_behind  # autovacuum's 10 %
    assert not LogStatistics(events=50_000, changed=50_000, analysed=False).far_behind  # a small store

