"""bench/run.py runs end to end, as anyone would run it (docs/performance.md): one JSON
object with every figure issue 7 asks for, a verified store, and nothing left behind.
Its timings are not asserted (they measure the machine); only that it ran and said so."""

from __future__ import annotations

import json
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg

from bench.report import report
from bench.workload import with_schema
from tests.support import postgres_base_url

BENCH = Path(__file__).resolve().parents[2] / "bench" / "run.py"
# The smallest run that still takes every phase: a few seconds of writes, the import's
# minimum of 20,000 events.
SMALL = ["--quick", "--json", "--events", "3000", "--seconds", "1"]
FIGURES = ("raw_commit_per_s", "command_per_s", "peer_command_per_s", "command_per_s_8_writers",
           "raw_commit_per_s_8_clients", "import_events_per_s", "raw_batch_rows_per_s", "read_p99_ms",
           "read_p99_ms_small", "as_at_p99_ms",
           "read_logged_p50_ms", "read_logged_p99_ms", "read_logged_per_s_8_readers", "read_logged_p99_ms_8_readers",
           "raw_commit_p50_ms", "raw_commit_p99_ms", "read_raw_commit_p50_ms", "read_raw_commit_p99_ms",
           "catch_up_events_per_s", "rebuild_events_per_s", "verify_events_per_s", "cli_help_s", "events_in_store",
           "rebuild_peak_rss_mb", "rebuild_worker_peak_rss_mb", "verify_peak_rss_mb", "verify_views_events_per_s",
           "verify_views_peak_rss_mb")


def bench(db: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(BENCH), *SMALL, "--db", db], capture_output=True, text=True,
                          timeout=300)


def schemas(base: str, like: str) -> set[str]:
    with psycopg.connect(base, autocommit=True) as conn:
        rows = conn.execute("SELECT nspname FROM pg_namespace WHERE nspname LIKE %s", (like,)).fetchall()
    return {name for (name,) in rows}


def test_a_small_run_prints_every_figure_and_drops_its_schemas():
    base = postgres_base_url()
    before = schemas(base, "bench\\_%")
    done = bench(base)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)  # stdout holds the JSON object and nothing else
    missing = [name for name in FIGURES if not isinstance(result.get(name), (int, float))]
    assert not missing
    # A store this small is rebuilt in one process: no worker, no worker's memory.
    assert all(result[name] > 0 for name in FIGURES if name != "rebuild_worker_peak_rss_mb")
    assert result["verify_intact"] is True and result["verify_views_intact"] is True
    assert result["events_in_store"] >= 20_000  # the import alone loads at least that many
    assert result["import_events"] <= result["events_in_store"]
    assert set(result["import_workers_events_per_s"]) == {"1", "2"}  # the import on one process and on two
    assert all(rate > 0 for rate in result["import_workers_events_per_s"].values())
    assert result["machine"]["yardstick_ms"] > 0 and result["machine"]["python_start_ms"] > 0  # how fast it was
    assert schemas(base, "bench\\_%") == before  # the large store, the small one, the saves' one

    text = report(result)  # the human report renders from the same figures
    assert "command_per_s" in text and "verify intact: True" in text and "how fast the machine was" in text


def test_a_named_schema_is_kept_and_a_second_run_on_it_is_refused():
    base = postgres_base_url()
    schema = f"t_{uuid.uuid4().hex[:12]}"
    url = with_schema(base, schema)
    kept = {schema, f"{schema}_small", f"{schema}_saves", f"{schema}_peer"}
    try:
        first = bench(url)
        assert first.returncode == 0, first.stderr
        assert json.loads(first.stdout)["store"]["url"].endswith(f"schema={schema}")
        assert kept <= schemas(base, f"{schema}%")
        with psycopg.connect(base, autocommit=True) as conn:
            count = conn.execute(f'SELECT count(*) FROM "{schema}".stored_events').fetchone()[0]

        second = bench(url)
        assert second.returncode != 0
        assert "already holds a store" in second.stderr
        assert second.stdout == ""
        with psycopg.connect(base, autocommit=True) as conn:
            assert conn.execute(f'SELECT count(*) FROM "{schema}".stored_events').fetchone()[0] == count
    finally:  # the kept ones, and those of the import's worker rounds (<schema>_w1_0, ...)
        with psycopg.connect(base, autocommit=True) as conn:
            for name in kept | schemas(base, f"{schema}\\_%"):
                conn.execute(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')
