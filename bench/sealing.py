"""Encryption at rest, on and off in the same run (issue 22: at most 10 % dearer on commands and reads).

    python bench/sealing.py [--rounds 6] [--cases 20] [--import-cases 300] [--reads 1000] [--db URL]

Two fresh stores, one sealing each child's content (as plantrail runs), one storing it plain
(``PLANTRAIL_SEALING=off``, which only this comparison uses). Commands and imports run on them in
interleaved rounds (medians); then reads of random plans, the stores taking turns read by read
(p50/p99 of ``show``: a fold from the log, every event opened), and the CPU a read takes, in
blocks of reads in turns (a read's own cost, apart from the server's); then each store's views rebuilt
from the log, twice each, alternating. The machine is shared: interleaving keeps it fair.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from contextlib import ExitStack
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import workload as wl  # noqa: E402
from bench.run import pct, plan_ids, read_current, reads_in_turn  # noqa: E402

VARIANTS: dict[str, dict[str, str]] = {"sealed": {}, "plain": {"PLANTRAIL_SEALING": "off"}}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--cases", type=int, default=20, help="cases (10 commands each) per round")
    parser.add_argument("--import-cases", type=int, default=300, help="cases imported per round")
    parser.add_argument("--reads", type=int, default=1000)
    parser.add_argument("--db")
    args = parser.parse_args()
    from plantrail.application.imports import import_lines, numbered_lines
    from plantrail.application.records import PlanRecords
    from plantrail.projections.runner import rebuild
    from plantrail.store.settings import env_for_url, prepare

    with ExitStack() as stack:
        apps = {}
        for name, settings in VARIANTS.items():
            url = stack.enter_context(wl.scratch_store(args.db, suffix=name))
            prepare(url)
            apps[name] = PlanRecords(env={**env_for_url(url), **settings})
            stack.callback(apps[name].close)
            wl.add_staff(apps[name])
        cmd = {k: [] for k in apps}
        imp = {k: [] for k in apps}
        case = 0
        for r in range(args.rounds):
            for name, app in apps.items():
                t, n = time.perf_counter(), 0
                for _ in range(args.cases):
                    case += 1
                    n += wl.run_case_commands(app, case, "A")
                cmd[name].append(n / (time.perf_counter() - t))
                path = f"/tmp/sealing_{name}.jsonl"
                wl.write_import_file(path, args.import_cases, prefix=f"I{r}-", with_staff=False)
                t = time.perf_counter()
                counts = import_lines(app, numbered_lines(path), batch_size=2000)
                imp[name].append(counts["events"] / (time.perf_counter() - t))
        stores = {name: (app, plan_ids(app)) for name, app in apps.items()}
        reads = reads_in_turn(stores, args.reads, read_current)
        read_cpu = cpu_a_read(stores, max(50, args.reads // 20))
        events = {name: app.recorder.max_notification_id() for name, app in apps.items()}
        rebuilt: dict[str, list[float]] = {k: [] for k in apps}
        for _ in range(2):
            for name, app in apps.items():
                t = time.perf_counter()
                rebuild(app)
                rebuilt[name].append(events[name] / (time.perf_counter() - t))
        figures = {name: {
            "commands_per_s": statistics.median(cmd[name]), "import_events_per_s": statistics.median(imp[name]),
            "read_p50_ms": pct(reads[name], 50), "read_p99_ms": pct(reads[name], 99), "read_cpu_us": read_cpu[name],
            "rebuild_events_per_s": max(rebuilt[name]), "events": events[name]} for name in apps}
        for name, f in figures.items():
            print(f"{name:7} commands/s {f['commands_per_s']:7.0f}   import events/s {f['import_events_per_s']:7.0f}"
                  f"   read p50 {f['read_p50_ms']:6.2f} ms  p99 {f['read_p99_ms']:6.2f} ms"
                  f"   rebuild events/s {f['rebuild_events_per_s']:7.0f}   ({f['events']} events)")
        s, p = figures["sealed"], figures["plain"]
        print(f"cost of sealing: commands {1 - s['commands_per_s'] / p['commands_per_s']:+.1%}, "
              f"import {1 - s['import_events_per_s'] / p['import_events_per_s']:+.1%}, "
              f"read p99 {s['read_p99_ms'] / p['read_p99_ms'] - 1:+.1%} "
              f"(CPU a read {s['read_cpu_us']:.0f} against {p['read_cpu_us']:.0f} µs: "
              f"{s['read_cpu_us'] / p['read_cpu_us'] - 1:+.1%}), "
              f"rebuild {1 - s['rebuild_events_per_s'] / p['rebuild_events_per_s']:+.1%}")


def cpu_a_read(stores: dict[str, tuple[object, list[object]]], reads: int, rounds: int = 8) -> dict[str, float]:
    """The process's CPU time a read (µs, median of ``rounds`` blocks of ``reads``, the stores in
    turns): what sealing costs a read, apart from the waits on the server a p99 also holds."""
    rnd = random.Random(11)
    cpu: dict[str, list[float]] = {name: [] for name in stores}
    for _ in range(rounds):
        for name, (app, ids) in stores.items():
            chosen = [rnd.choice(ids) for _ in range(reads)]
            t = time.process_time()
            for pid in chosen:
                read_current(app, pid)
            cpu[name].append((time.process_time() - t) / reads * 1e6)
    return {name: statistics.median(times) for name, times in cpu.items()}


if __name__ == "__main__":
    main()
