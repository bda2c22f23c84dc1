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
import multiprocessing as mp
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import workload as wl  # noqa: E402
from psycopg.pq import ExecStatus  # noqa: E402

from store.postgres_recorder import run_prepared  # noqa: E402

STATE = os.urandom(420)  # about the size of a stored plantrail event
TOPIC = "domain.events:ActionAmended"


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    if not values:
        return float("nan")
    k = min(len(values) - 1, max(0, round(q / 100 * (len(values) - 1))))
    return values[k]


# ---------------------------------------------------------------------------- raw limits

def _raw_table(url: str) -> tuple[str, str]:
    """(base URL, qualified raw table): a table shaped like stored_events, no chain, no app."""
    base, _, schema = url.partition("?schema=")
    return base, f'"{schema}".raw_events'


def make_raw_table(url: str) -> None:
    import psycopg

    base, table = _raw_table(url)
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f"DROP TABLE IF EXISTS {table}")
        conn.execute(f"CREATE TABLE {table} (originator_id uuid NOT NULL, originator_version bigint NOT NULL,"
                     " topic text, state bytea, notification_id bigserial,"
                     " PRIMARY KEY (originator_id, originator_version))")
        conn.execute(f"CREATE UNIQUE INDEX ON {table} (notification_id)")


def drop_raw_table(url: str) -> None:
    import psycopg

    base, table = _raw_table(url)
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

        base, table = _raw_table(url)
        self.conn = psycopg.connect(base, autocommit=True)
        self.topic = TOPIC.encode()
        _prepare(self.conn, b"raw_insert", f"INSERT INTO {table} (originator_id, originator_version, topic, state)"
                                           " VALUES ($1::uuid, 1, $2::text, $3::bytea)")
        self._commit()

    def run(self, seconds: float) -> int:
        """Rows committed in ``seconds``."""
        return for_seconds(seconds, self._commit)

    def _commit(self) -> int:
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

    from store.pg_arrays import bytea_array, int8_array, text_array, uuid_array

    base, table = _raw_table(url)
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


def _raw_client(url: str, _i: int, seconds: float, start: Any, out: Any) -> None:
    raw_commits(url, seconds, start, out)


# ---------------------------------------------------------------------------- plantrail

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
    from cli.bulk import _numbered, import_lines

    size = os.path.getsize(path)
    state = {"bytes": 0, "t": time.perf_counter()}

    def progress(lines: int, nbytes: int, events: int) -> None:
        state["bytes"] += nbytes
        if time.perf_counter() - state["t"] > 10:
            state["t"] = time.perf_counter()
            log(f"  {label}: {100 * state['bytes'] / size:.0f}% ({events} events)")

    t0, c0 = time.perf_counter(), time.process_time()
    counts = import_lines(app, _numbered(path), batch_size=batch, progress=progress)
    counts["seconds"] = time.perf_counter() - t0
    counts["cpu_seconds"] = time.process_time() - c0  # every thread: the deciding one and the saver
    return counts


def plan_ids(app: Any) -> list[Any]:
    from projections import runner

    return [r["plan_id"] for r in runner.select(app, "SELECT plan_id FROM {view_plans}")]


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


def read_current(app: Any, pid: Any) -> Any:
    from projections.current import current_plan

    return current_plan(app, pid)


def read_as_at(app: Any, pid: Any) -> Any:
    from projections.as_at import plan_as_at

    return plan_as_at(app, pid, recorded_at=datetime.now(timezone.utc))


def cli_help_seconds(runs: int = 5) -> float:
    exe = Path(sys.executable).with_name("plantrail")
    cmd = [str(exe), "--help"] if exe.exists() else [sys.executable, "-c", "from cli.main import main; main()", "--help"]
    subprocess.run(cmd, capture_output=True, check=True)  # warm the file cache
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run(cmd, capture_output=True, check=True)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def machine() -> dict[str, Any]:
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        mem = int(Path("/proc/meminfo").read_text().split()[1]) // 1024 // 1024
    except (OSError, ValueError, IndexError):
        mem = None
    return {"cpus": os.cpu_count(), "cpu": cpu, "memory_gb": mem, "python": platform.python_version(),
            "load_average_at_start": os.getloadavg()[0]}


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

    base, _ = _raw_table(url)
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

    from projections.runner import catch_up

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
            with wl.scratch_store(args.db, suffix="_saves") as saves_url:
                saver = wl.open_app(saves_url)
                try:
                    rates = in_turn(TURNS, seconds, {"raw": raw.run, "commands": writer.run,
                                                     "saves": lambda s: store_saves(saver, s)})
                finally:
                    saver.close()
        finally:
            writer.close()
            raw.close()
        r["raw_commit_per_s"], r["command_per_s"] = rates["raw"]["per_s"], rates["commands"]["per_s"]
        r["store_save_per_s"] = rates["saves"]["per_s"]
        # Where each one's time goes: this process's CPU, and the rest (waiting on the server).
        r["raw_commit_cpu_us"], r["command_cpu_us"] = rates["raw"]["cpu_us"], rates["commands"]["cpu_us"]
        r["store_save_cpu_us"] = rates["saves"]["cpu_us"]
        r["command_p50_ms"] = pct(writer.timings, 50) * 1000
        r["command_p99_ms"] = pct(writer.timings, 99) * 1000
        log(f"raw commits, 8 clients, {seconds:.0f}s")
        r["raw_commit_per_s_8_clients"] = parallel(_raw_client, (url,), 8, seconds)
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
        r["import_lines"], r["import_events"], r["import_batches"] = counts["lines"], counts["events"], counts["batches"]
        r["import_events_per_s"] = counts["events"] / counts["seconds"]
        r["import_lines_per_s"] = counts["lines"] / counts["seconds"]
        # This process's CPU an event: when it is about 1e6 / import_events_per_s, the import
        # is bound by plantrail's Python (one interpreter lock), not by the server.
        r["import_cpu_us_per_event"] = counts["cpu_seconds"] / counts["events"] * 1e6
        log(f"  {r['import_events_per_s']:.0f} events/s; raw batched {r['raw_batch_rows_per_s']:.0f} rows/s")

        r["events_in_store"] = app.recorder.max_notification_id()
        log(f"catching the views up ({r['events_in_store']} events)")
        t0 = time.perf_counter()
        catch_up(app)
        r["catch_up_s"] = time.perf_counter() - t0
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

        from projections.runner import rebuild

        log("rebuilding the views from the log")
        t0 = time.perf_counter()
        rebuild(app)
        r["rebuild_events_per_s"] = r["events_in_store"] / (time.perf_counter() - t0)

        from store.verify import verify

        settle(url)  # the rebuild rewrote the views: let their vacuum be done first
        log("verifying the chain")
        t0 = time.perf_counter()
        report = verify(url)
        r["verify_events_per_s"] = report.events_checked / (time.perf_counter() - t0)
        r["verify_intact"] = report.intact
        app.close()
        drop_raw_table(url)

    r["cli_help_s"] = cli_help_seconds()
    r["machine"]["load_average_at_end"] = os.getloadavg()[0]
    r["ratios"] = {
        "command_vs_raw_commit": r["command_per_s"] / r["raw_commit_per_s"],
        "store_save_vs_raw_commit": r["store_save_per_s"] / r["raw_commit_per_s"],
        "command_8_vs_raw_commit_8": r["command_per_s_8_writers"] / r["raw_commit_per_s_8_clients"],
        "import_vs_raw_batch": r["import_events_per_s"] / r["raw_batch_rows_per_s"],
        "read_large_vs_small_p99": r["read_p99_ms"] / r["read_p99_ms_small"],
    }
    return r


TARGETS = [
    # (figure, raw limit beside it, target text, passes?)
    ("command_per_s", "raw_commit_per_s", ">= 50% of raw", lambda r: r["command_per_s"] >= 0.5 * r["raw_commit_per_s"]),
    ("store_save_per_s", "raw_commit_per_s", "(reported: the save alone)", None),
    ("command_per_s_8_writers", "raw_commit_per_s_8_clients", "(reported)", None),
    ("import_events_per_s", "raw_batch_rows_per_s", ">= 50% of raw",
     lambda r: r["import_events_per_s"] >= 0.5 * r["raw_batch_rows_per_s"]),
    ("read_p99_ms", "read_p99_ms_small", "<= 2 ms, no worse than small",
     lambda r: r["read_p99_ms"] <= 2 and r["read_p99_ms"] <= r["read_p99_ms_small"] * 1.1),
    ("read_p99_ms_small", None, "<= 2 ms", lambda r: r["read_p99_ms_small"] <= 2),
    ("as_at_p99_ms", None, "(reported)", None),
    ("rebuild_events_per_s", None, ">= 50,000", lambda r: r["rebuild_events_per_s"] >= 50_000),
    ("verify_events_per_s", None, ">= 200,000", lambda r: r["verify_events_per_s"] >= 200_000),
    ("cli_help_s", None, "<= 0.3 s", lambda r: r["cli_help_s"] <= 0.3),
    ("events_in_store", None, ">= 1,000,000 (full run)", lambda r: r["events_in_store"] >= 1_000_000),
]


def report(r: dict[str, Any]) -> str:
    rows = [f"plantrail bench ({r['mode']}): {r['machine']['cpus']} CPUs, {r['machine']['cpu']}, "
            f"PostgreSQL {r['store']['postgres']} (synchronous_commit={r['store']['synchronous_commit']}, "
            f"fsync={r['store']['fsync']}); load average {r['machine']['load_average_at_start']:.1f} at start",
            "", f"{'figure':28} {'value':>12}   {'raw limit beside it':>34}   {'ratio':>6}   target",
            "-" * 110]
    for name, raw, target, ok in TARGETS:
        value = r[name]
        beside = ratio = ""
        if raw:
            beside = f"{raw} {r[raw]:,.2f}" if r[raw] < 100 else f"{raw} {r[raw]:,.0f}"
            ratio = f"{value / r[raw]:.2f}"
        shown = f"{value:,.3f}" if value < 100 else f"{value:,.0f}"
        verdict = "" if ok is None else ("met" if ok(r) else "NOT met")
        rows.append(f"{name:28} {shown:>12}   {beside:>34}   {ratio:>6}   {target} {verdict}")
    rows += ["", f"command p50/p99 ms: {r['command_p50_ms']:.2f} / {r['command_p99_ms']:.2f}; "
             f"read p50 ms small/large: {r['read_p50_ms_small']:.2f} / {r['read_p50_ms']:.2f}; "
             f"as-at p50 ms: {r['as_at_p50_ms']:.2f}; import {r['import_events']:,} events in "
             f"{r['import_batches']} transactions; views caught up in {r['catch_up_s']:.1f} s; "
             f"verify intact: {r['verify_intact']}",
             _time_split("a command", r["command_per_s"], r["command_cpu_us"]) + "; "
             + _time_split("the save alone", r["store_save_per_s"], r["store_save_cpu_us"]) + "; "
             + _time_split("a raw commit", r["raw_commit_per_s"], r["raw_commit_cpu_us"]),
             f"an imported event: {1e6 / r['import_events_per_s']:.0f} µs, this process's CPU "
             f"{r['import_cpu_us_per_event']:.0f} µs (all threads)"]
    return "\n".join(rows)


def _time_split(what: str, per_s: float, cpu_us: float) -> str:
    return f"{what}: {1e6 / per_s:.0f} µs = {cpu_us:.0f} CPU here + {1e6 / per_s - cpu_us:.0f} waiting"


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
