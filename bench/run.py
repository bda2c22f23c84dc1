"""plantrail's benchmark: each figure beside the raw limit measured in the same run.

    python bench/run.py [--quick] [--json] [--db URL] [--events N] [--seconds S]

Default store: a fresh schema in the local PostgreSQL (postgresql://postgres@127.0.0.1:5432/test),
dropped afterwards. ``--db URL`` names another database (a fresh schema is made there too, unless
the URL names one with ?schema=, which is then used as it is and kept; a second run on it is
refused). ``--quick`` finishes within about 2 minutes; the full run loads 1,000,000 events.
Progress goes to stderr; with ``--json`` stdout holds one JSON object and nothing else. See
docs/performance.md.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


from bench import workload as wl  # noqa: E402
from bench.host import cli_help_seconds, machine  # noqa: E402
from bench.import_workers import import_rates  # noqa: E402
from bench.isolated import run_isolated  # noqa: E402
from bench.logged_reads import concurrent_logged, logged_in_turn  # noqa: E402
from bench.peer import PeerWriter  # noqa: E402
from bench.raw import (  # noqa: E402
    STATE,
    TOPIC,
    RawCommitter,
    drop_raw_table,
    for_seconds,
    make_raw_table,
    parallel,
    raw_batches,
    raw_client,
    raw_table,
)
from bench.report import report  # noqa: E402
from bench.workload import read_as_at, read_current  # noqa: E402


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    if not values:
        return float("nan")
    k = min(len(values) - 1, max(0, round(q / 100 * (len(values) - 1))))
    return values[k]


class Writer:
    """One application running the realistic mix (bench.workload.CASE_STEPS) case after case,
    one command per transaction; its command timings kept across phases."""

    def __init__(self, url: str, prefix: str) -> None:
        self.app, self.prefix, self.case, self.timings = wl.open_app(url), prefix, 0, []
        wl.add_staff(self.app)  # none added where they are already
        wl.run_case_commands(self.app, 0, prefix + "w")  # warm up: connections, prepared statements

    def run(self, seconds: float) -> int:
        """Commands run in ``seconds``."""
        return for_seconds(seconds, self._next_case)

    def _next_case(self) -> int:
        self.case += 1
        return wl.run_case_commands(self.app, self.case, self.prefix, self.timings)

    def close(self) -> None:
        self.app.close()


def store_saves(app: Any, seconds: float) -> int:
    """The store's own save of one ready-made event shaped like the raw row, with one
    unchanged-read check as a command has (its actor), and no domain: what the audit
    design (the save function, its lock and checks, the chain) costs beside the raw commit,
    before any of the commands' Python. Saves done in ``seconds``. The events are not
    plantrail's (a raw row's bytes): ``app`` must be a store of their own."""
    from eventsourcing.persistence import StoredEvent

    staff = uuid.uuid4()

    def save() -> int:
        app.recorder.insert_events([StoredEvent(originator_id=uuid.uuid4(), originator_version=1, topic=TOPIC,
                                                state=STATE)], unchanged=[(staff, 1)])
        return 1

    return for_seconds(seconds, save)


# Turns of the one-writer phases. The machine's speed moves within seconds: in 4 turns of
# 4 s each, commands/raw ran from 0.42 to 0.54 on one store in 12 minutes; in 40 turns of
# 0.4 s, from 0.48 to 0.50 (same code, interleaved; docs/performance.md).
TURNS = 40


def in_turn(rounds: int, seconds: float, phases: dict[str, Any]) -> dict[str, dict[str, float]]:
    """Each phase (seconds -> count) for ``seconds / rounds`` in turn, ``rounds`` times: each
    one's count per second, and the CPU this thread spent on each (µs; the rest of its time
    it waited on the server). The machine's speed drifts within minutes; measured in turn, a
    figure and the raw limit beside it see the same machine."""
    counts = {name: 0 for name in phases}
    elapsed = {name: 0.0 for name in phases}
    cpu = {name: 0.0 for name in phases}
    order = list(phases.items())
    for turn in range(rounds):
        # Each round in another order, so what one phase leaves behind (a cache, a
        # background flush) does not always fall on the same next one.
        for name, phase in order[turn % len(order):] + order[:turn % len(order)]:
            t0, c0 = time.perf_counter(), time.thread_time()
            counts[name] += phase(seconds / rounds)
            elapsed[name] += time.perf_counter() - t0
            cpu[name] += time.thread_time() - c0
    return {name: {"per_s": counts[name] / elapsed[name], "cpu_us": cpu[name] / counts[name] * 1e6}
            for name in phases}


def _writer(url: str, i: int, seconds: float, start: Any, out: Any) -> None:
    writer = Writer(url, f"P{i}-")
    try:
        start.wait()
        out.put(writer.run(seconds))
    finally:
        writer.close()


def import_file(app: Any, path: str, batch: int, label: str) -> dict[str, Any]:
    from plantrail.application.imports import import_lines, numbered_lines

    size = os.path.getsize(path)
    state = {"bytes": 0, "t": time.perf_counter()}

    def progress(lines: int, nbytes: int, events: int) -> None:
        state["bytes"] += nbytes
        if time.perf_counter() - state["t"] > 10:
            state["t"] = time.perf_counter()
            log(f"  {label}: {100 * state['bytes'] / size:.0f}% ({events} events)")

    t0, c0 = time.perf_counter(), time.process_time()
    counts = import_lines(app, numbered_lines(path), batch_size=batch, progress=progress)
    counts["seconds"] = time.perf_counter() - t0
    counts["cpu_seconds"] = time.process_time() - c0  # every thread: the deciding one and the saver
    return counts


def plan_ids(app: Any) -> list[Any]:
    from plantrail.projections import runner
    from plantrail.store import view_tables

    runner.catch_up(app)
    return [r["plan_id"] for r in view_tables.plan_rows(app)]


def timed_reads(app: Any, ids: list[Any], n: int, read: Any) -> list[float]:
    return reads_in_turn({"": (app, ids)}, n, read)[""]


def reads_in_turn(stores: dict[str, tuple[Any, list[Any]]], n: int, read: Any) -> dict[str, list[float]]:
    """``n`` timed reads of random plans from each store (name -> (app, plan ids)), the stores
    taking turns read by read, so a pause of the machine falls on both alike; ms each.
    (The large store's p99 over the small one's, on one kept 1M store: 0.73-2.02 and 1.01-1.18
    in turns of a tenth of the reads, 1.02-1.48 and 0.96-1.10 read by read, on two days.)"""
    rnd = random.Random(7)
    for app, ids in stores.values():
        for pid in ids[:20]:  # warm up
            read(app, pid)
    out: dict[str, list[float]] = {name: [] for name in stores}
    turns = [(out[name], app, ids) for name, (app, ids) in stores.items()]
    for _ in range(n):
        for times, app, ids in turns:
            pid = rnd.choice(ids)
            t = time.perf_counter()
            read(app, pid)
            times.append((time.perf_counter() - t) * 1000)
    return out


def settle(url: str) -> None:
    """VACUUM ANALYZE the store's tables, then CHECKPOINT, before a timed read phase.

    After a bulk load, autovacuum and the checkpointer work on the new rows for minutes;
    timed reads would measure them, not plantrail. An operator does the same after a big
    import (docs/import.md). CHECKPOINT needs a superuser: skipped without one.
    """
    import psycopg

    base, _, schema = url.partition("?schema=")
    with psycopg.connect(base, autocommit=True) as conn:
        tables = [r[0] for r in conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = %s", (schema,)).fetchall()]
        for table in tables:
            conn.execute(f'VACUUM (ANALYZE) "{schema}"."{table}"')
        try:
            conn.execute("CHECKPOINT")
        except psycopg.Error:
            pass


def pg_info(url: str) -> dict[str, Any]:
    import psycopg

    base, _ = raw_table(url)
    with psycopg.connect(base, autocommit=True) as conn:
        version = conn.execute("SHOW server_version").fetchone()[0]
        settings = {name: conn.execute(f"SHOW {name}").fetchone()[0]
                    for name in ("synchronous_commit", "fsync", "shared_buffers", "wal_level")}
    return {"postgres": version, **settings}


# ---------------------------------------------------------------------------- the run

def run(args: argparse.Namespace) -> dict[str, Any]:
    quick = args.quick
    seconds = args.seconds or (6.0 if quick else 20.0)
    target_events = args.events or (50_000 if quick else 1_000_000)
    small_events = min(10_000, target_events)
    # p99 of 3,000 reads rested on the slowest 30, and ran from 0.96 to 1.21 times the small
    # store's in three runs of one morning; 20,000 (~10 s a store) rest it on 200.
    reads = 1000 if quick else 20_000
    batch = args.batch
    r: dict[str, Any] = {"mode": "quick" if quick else "full", "machine": machine()}

    from plantrail.projections.runner import catch_up
    from plantrail.store.maintenance import LOG_TABLES, VACUUM, analyse

    # Two stores: the large one (every write phase, then the import up to the target), and
    # a small one kept at 10k events, whose reads take turns with the large one's at the end.
    with wl.scratch_store(args.db) as url, wl.scratch_store(args.db, suffix="_small") as small_url, \
            tempfile.TemporaryDirectory() as tmp:
        r["store"] = {**pg_info(url), "url": url.split("@")[-1]}
        small = wl.open_app(small_url)
        if small.recorder.max_notification_id():  # a kept schema (--db ...?schema=S) run before
            raise SystemExit(f"bench: {small_url.split('@')[-1]} already holds a store; name a new schema "
                             "(or leave ?schema= out for fresh ones, dropped afterwards)")
        wl.add_staff(small)
        path = os.path.join(tmp, "small.jsonl")
        wl.write_import_file(path, (small_events - 3) // 11 + 1, prefix="M", with_staff=False)
        import_file(small, path, batch, "small store")
        catch_up(small)
        settle(small_url)
        r["events_small"] = small.recorder.max_notification_id()

        app = wl.open_app(url)
        make_raw_table(url)
        wl.add_staff(app)
        catch_up(app)
        log(f"commands, 1 writer; raw commits, 1 client; store saves: {seconds:.0f}s each, in turns")
        writer, raw = Writer(url, "S-"), RawCommitter(url)
        try:
            # The bare saves go to a store of their own: their events are not plantrail's.
            # The peer (the plain eventsourcing library) in a schema of its own.
            with wl.scratch_store(args.db, suffix="_saves") as saves_url, \
                    wl.scratch_store(args.db, suffix="_peer") as peer_url:
                saver, peer = wl.open_app(saves_url), PeerWriter(peer_url)
                try:
                    rates = in_turn(TURNS, seconds, {"raw": raw.run, "commands": writer.run,
                                                     "saves": lambda s: store_saves(saver, s), "peer": peer.run})
                finally:
                    saver.close()
                    peer.close()
        finally:
            writer.close()
            raw.close()
        r["raw_commit_per_s"], r["command_per_s"] = rates["raw"]["per_s"], rates["commands"]["per_s"]
        r["store_save_per_s"] = rates["saves"]["per_s"]
        r["peer_command_per_s"], r["peer_command_cpu_us"] = rates["peer"]["per_s"], rates["peer"]["cpu_us"]
        # Where each one's time goes: this process's CPU, and the rest (waiting on the server).
        r["raw_commit_cpu_us"], r["command_cpu_us"] = rates["raw"]["cpu_us"], rates["commands"]["cpu_us"]
        r["store_save_cpu_us"] = rates["saves"]["cpu_us"]
        r["command_p50_ms"] = pct(writer.timings, 50) * 1000
        r["command_p99_ms"] = pct(writer.timings, 99) * 1000
        log(f"raw commits, 8 clients, {seconds:.0f}s")
        r["raw_commit_per_s_8_clients"] = parallel(raw_client, (url,), 8, seconds)
        log(f"commands, 8 writers, {seconds:.0f}s")
        r["command_per_s_8_writers"] = parallel(_writer, (url,), 8, seconds)

        have = app.recorder.max_notification_id() or 0
        # Import at least 20,000 events, so its rate is measured on large batches even
        # when the write phases have already filled the store to the target.
        cases = max(20_000, target_events - have) // 11 + 1
        path = os.path.join(tmp, "large.jsonl")
        log(f"writing an import file of {cases} cases")
        lines = wl.write_import_file(path, cases, prefix="L", with_staff=False)
        # The raw batched rate is measured half before the import and half after it (the
        # import takes minutes, in which the machine's speed drifts).
        half = min(200_000, max(20_000, cases * 11 // 5)) // 2
        log(f"raw batched inserts, {half} rows, {batch}-row transactions")
        raw_seconds = raw_batches(url, half, int(batch * 1.1))
        log(f"importing {lines} lines, {batch} lines a transaction")
        counts = import_file(app, path, batch, "import")
        log(f"raw batched inserts, {half} rows, {batch}-row transactions")
        raw_seconds += raw_batches(url, half, int(batch * 1.1))
        r["raw_batch_rows_per_s"] = 2 * half / raw_seconds
        r["import_lines"], r["import_events"] = counts["lines"], counts["events"]
        r["import_batches"] = counts["batches"]
        r["import_events_per_s"] = counts["events"] / counts["seconds"]
        r["import_lines_per_s"] = counts["lines"] / counts["seconds"]
        # This process's CPU an event: when it is about 1e6 / import_events_per_s, the import
        # is bound by plantrail's Python (one interpreter lock), not by the server.
        r["import_cpu_us_per_event"] = counts["cpu_seconds"] / counts["events"] * 1e6
        log(f"  {r['import_events_per_s']:.0f} events/s; raw batched {r['raw_batch_rows_per_s']:.0f} rows/s")

        log("the import with 1 and 2 workers, each into a fresh store, in turns")
        spread = import_rates(args.db, [1, 2], 300 if quick else 3000, 1 if quick else 2, batch)
        r["import_workers_events_per_s"], r["import_workers_cpus"] = spread["events_per_s"], spread["cpus"]

        r["events_in_store"] = app.recorder.max_notification_id()
        # As `plantrail import` ends: the log vacuumed, then the views caught up, both timed;
        # but not analysed, as nothing may have analysed a log a DBA bulk-loaded: its reads
        # must not depend on statistics (docs/database.md).
        log(f"vacuuming the log, then catching the views up ({r['events_in_store']} events; not analysed)")
        t0 = time.perf_counter()
        analyse(app, LOG_TABLES, statement=VACUUM)
        r["catch_up_vacuum_s"] = time.perf_counter() - t0
        caught = catch_up(app)
        r["catch_up_s"] = time.perf_counter() - t0
        r["catch_up_events_per_s"] = caught / r["catch_up_s"]
        log("vacuum, analyze and checkpoint before the timed reads")
        settle(url)
        log(f"reads at {r['events_in_store']} and at {r['events_small']} events, in turns")
        current = reads_in_turn({"large": (app, plan_ids(app)), "small": (small, plan_ids(small))},
                                reads, read_current)
        small.close()
        r["read_p50_ms"], r["read_p99_ms"] = pct(current["large"], 50), pct(current["large"], 99)
        r["read_p50_ms_small"], r["read_p99_ms_small"] = pct(current["small"], 50), pct(current["small"], 99)
        as_at = timed_reads(app, plan_ids(app), reads, read_as_at)
        r["as_at_p50_ms"], r["as_at_p99_ms"] = pct(as_at, 50), pct(as_at, 99)
        log("logged reads (show and its access log entry), raw commits and read + raw commit in turns; 8 readers")
        logged = logged_in_turn(app, plan_ids(app), reads, url)
        for name, figure in (("logged", "read_logged"), ("raw", "raw_commit"), ("floor", "read_raw_commit")):
            r[f"{figure}_p50_ms"], r[f"{figure}_p99_ms"] = pct(logged[name], 50), pct(logged[name], 99)
        r.update(concurrent_logged(url, plan_ids(app), 8, min(seconds, 5.0)))

        app.close()
        log("rebuilding the views from the log (a process of its own)")
        rebuilt = run_isolated("rebuild", url)
        r["rebuild_events_per_s"] = rebuilt["events_per_s"]
        r["rebuild_peak_rss_mb"] = rebuilt["peak_rss_mb"]
        r["rebuild_worker_peak_rss_mb"] = rebuilt["workers_peak_rss_mb"]
        settle(url)  # the rebuild rewrote the views: let their vacuum be done first
        log("verifying the chain (a process of its own)")
        checked = run_isolated("verify", url)
        r["verify_events_per_s"], r["verify_intact"] = checked["events_per_s"], checked["intact"]
        r["verify_peak_rss_mb"] = checked["peak_rss_mb"]
        log("checking the views and the command log against the log, as `plantrail verify` then does")
        views = run_isolated("verify-views", url)
        r["verify_views_events_per_s"], r["verify_views_intact"] = views["events_per_s"], views["intact"]
        r["verify_views_peak_rss_mb"] = views["peak_rss_mb"]
        drop_raw_table(url)

    r["cli_help_s"] = cli_help_seconds()
    r["machine"]["load_average_at_end"] = os.getloadavg()[0]
    r["ratios"] = {
        "command_vs_raw_commit": r["command_per_s"] / r["raw_commit_per_s"],
        "store_save_vs_raw_commit": r["store_save_per_s"] / r["raw_commit_per_s"],
        "command_vs_peer": r["command_per_s"] / r["peer_command_per_s"],
        "command_8_vs_raw_commit_8": r["command_per_s_8_writers"] / r["raw_commit_per_s_8_clients"],
        "import_vs_raw_batch": r["import_events_per_s"] / r["raw_batch_rows_per_s"],
        "import_2_workers_vs_1": r["import_workers_events_per_s"]["2"] / r["import_workers_events_per_s"]["1"],
        "read_large_vs_small_p99": r["read_p99_ms"] / r["read_p99_ms_small"],
        "read_logged_vs_read_p99": r["read_logged_p99_ms"] / r["read_p99_ms"],
        "read_logged_vs_read_raw_commit_p99": r["read_logged_p99_ms"] / r["read_raw_commit_p99_ms"],
    }
    return r


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="a run of about 2 minutes (50k events)")
    parser.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    parser.add_argument("--db", metavar="URL", help=f"PostgreSQL database (default {wl.DEFAULT_BASE})")
    parser.add_argument("--events", type=int, help="events in the large store (default 1,000,000; quick 50,000)")
    parser.add_argument("--seconds", type=float, help="seconds for each timed write phase (default 20; quick 6)")
    parser.add_argument("--batch", type=int, default=2000, help="import lines per transaction (default 2000)")
    args = parser.parse_args(argv)
    t0 = time.perf_counter()
    result = run(args)
    result["bench_seconds"] = time.perf_counter() - t0
    if args.json:
        print(json.dumps(result, indent=2, default=str))
    else:
        print(report(result))
        print(f"\n(bench took {result['bench_seconds']:.0f} s)")


if __name__ == "__main__":
    main()
