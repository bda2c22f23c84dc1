"""Reads served by a hot standby beside the same reads on its primary, in the same run
(issue 21): a primary and a streaming standby of its own on loopback (the tests' pair,
tests/servers/pg_pair.py: initdb, pg_basebackup -R), a store imported on the primary and
replayed on the standby, then the current plan read in turns, read by read, from both.

    python bench/standby.py [--cases 2000] [--reads 3000]

Also how long the standby took to replay the import (the replay lag a read would have seen
right after it), and the CLI's own `show` on each (a whole process, as a script sees it).
Prints one JSON object on stdout; progress on stderr. Needs PostgreSQL's server binaries
(pg_config --bindir) and, run as root, the `postgres` OS user.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import workload as wl  # noqa: E402
from bench.host import machine  # noqa: E402
from bench.run import import_file, log, pct, plan_ids, read_current, reads_in_turn  # noqa: E402
from tests.servers.pg_pair import pg_pair  # noqa: E402


def reading_app(url: str) -> Any:
    from plantrail.application.records import PlanRecords
    from plantrail.store.settings import reading_env

    return PlanRecords(env=reading_env(url))


def cli_show_ms(primary: str, standby: str, plan: str, runs: int) -> dict[str, list[float]]:
    """Whole-process `plantrail show --json` times, ms, on the primary alone and with the
    standby as --read-db, taking turns run by run (a busy moment falls on both alike)."""
    exe = Path(sys.executable).with_name("plantrail")
    base = [str(exe), "--db", primary, "--as", wl.TM]
    tail = ["show", plan, "--json"]
    commands = {"primary": base + tail, "standby": base + ["--read-db", standby] + tail}
    out: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, args in commands.items():
            t = time.perf_counter()
            subprocess.run(args, check=True, capture_output=True)
            out[name].append((time.perf_counter() - t) * 1000)
    return out


def run(args: argparse.Namespace) -> dict[str, Any]:
    r: dict[str, Any] = {"machine": machine(), "cases": args.cases, "reads": args.reads}
    with pg_pair(db="bench") as pair, tempfile.TemporaryDirectory() as tmp:
        log(f"pair started in {pair.startup_s:.1f} s")
        app = wl.open_app(pair.primary_url)
        path = os.path.join(tmp, "cases.jsonl")
        wl.write_import_file(path, args.cases)
        counts = import_file(app, path, 1000, "import")
        ids = plan_ids(app)
        t = time.perf_counter()
        pair.wait_replayed(timeout=600)
        r["events"] = counts.get("events")
        r["standby_caught_up_s"] = time.perf_counter() - t
        standby = reading_app(pair.standby_url)
        primary = reading_app(pair.primary_url)
        times = reads_in_turn({"primary": (primary, ids), "standby": (standby, ids)}, args.reads, read_current)
        for name, values in times.items():
            r[f"read_p50_ms_{name}"], r[f"read_p99_ms_{name}"] = pct(values, 50), pct(values, 99)
        r["standby_vs_primary_p99"] = r["read_p99_ms_standby"] / r["read_p99_ms_primary"]
        plan = str(ids[0])
        for name, values in cli_show_ms(pair.primary_url, pair.standby_url, plan, args.cli_runs).items():
            r[f"cli_show_p50_ms_{name}"] = pct(values, 50)
        for opened in (standby, primary, app):
            opened.close()
    return r


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=2000, help="cases imported (about 13 events each)")
    parser.add_argument("--reads", type=int, default=3000, help="timed reads on each server")
    parser.add_argument("--cli-runs", type=int, default=10, help="whole `plantrail show` runs on each")
    print(json.dumps(run(parser.parse_args(argv)), indent=2, default=str))


if __name__ == "__main__":
    main()
