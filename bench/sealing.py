"""Encryption at rest, on and off in the same run (issue 22: at most 10 % dearer on commands and reads).

    python bench/sealing.py [--rounds 6] [--cases 20] [--import-cases 300] [--reads 1000] [--db URL]

Two fresh stores, one sealing each child's content (as plantrail runs), one storing it plain
(``PLANTRAIL_SEALING=off``, which only this comparison uses). Commands run on them case by case,
in turns (the same case on each; the cost with a 95 % interval, and the CPU a command, its own
cost apart from the server's); imports in rounds, each round in the other order (medians); then
reads of random plans, the stores taking turns read by read (p50/p99 of ``show``: a fold from
the log, every event opened; the p99's cost with a 95 % interval), and the CPU a read takes, in
blocks of reads in turns (a read's own cost, apart from the server's); then each store's views
rebuilt from the log, twice each, alternating. The machine is shared: interleaving keeps it fair.
Each cost is the time sealed over the time plain (the time a command, an event, a read), less one.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import workload as wl  # noqa: E402
from bench.host import yardstick_ms  # noqa: E402
from bench.paired import ratio_interval  # noqa: E402
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
        cmd: dict[str, list[float]] = {k: [] for k in apps}
        cmd_cpu: dict[str, list[float]] = {k: [] for k in apps}
        imp: dict[str, list[float]] = {k: [] for k in apps}
        imp_cpu: dict[str, list[float]] = {k: [] for k in apps}
        case = 0
        for r in range(args.rounds):
            # Commands case by case, the stores in turns (the same case on each, each case in the
            # other order): a slow moment of the machine falls on both, and the cases pair up.
            for _ in range(args.cases):
                case += 1
                for name, app in in_turn(apps, case):
                    t, c = time.perf_counter(), time.process_time()
                    n = wl.run_case_commands(app, case, "A")
                    cmd[name].append((time.perf_counter() - t) / n)
                    cmd_cpu[name].append((time.process_time() - c) / n * 1e6)
            # Each round's import in the other order: a store written just after the other meets
            # the server's flushes and the machine's state the first one left.
            for name, app in in_turn(apps, r):
                path = f"/tmp/sealing_{name}.jsonl"
                wl.write_import_file(path, args.import_cases, prefix=f"I{r}-", with_staff=False)
                t, c = time.perf_counter(), time.process_time()
                counts = import_lines(app, numbered_lines(path), batch_size=2000)
                imp[name].append(counts["events"] / (time.perf_counter() - t))
                imp_cpu[name].append((time.process_time() - c) / counts["events"] * 1e6)
        stores = {name: (app, plan_ids(app)) for name, app in apps.items()}
        reads = reads_in_turn(stores, args.reads, read_current)
        read_cpu = cpu_a_read(stores, max(50, args.reads // 20))
        events = {name: app.recorder.max_notification_id() for name, app in apps.items()}
        rebuilt: dict[str, list[float]] = {k: [] for k in apps}
        for r in range(2):
            for name, app in in_turn(apps, r):
                t = time.perf_counter()
                rebuild(app)
                rebuilt[name].append(events[name] / (time.perf_counter() - t))
        figures = {name: {
            "commands_per_s": len(cmd[name]) / sum(cmd[name]), "command_cpu_us": statistics.median(cmd_cpu[name]),
            "import_events_per_s": statistics.median(imp[name]), "import_cpu_us": statistics.median(imp_cpu[name]),
            "read_p50_ms": pct(reads[name], 50), "read_p99_ms": pct(reads[name], 99), "read_cpu_us": read_cpu[name],
            "rebuild_events_per_s": max(rebuilt[name]), "events": events[name]} for name in apps}
        for name, f in figures.items():
            print(f"{name:7} commands/s {f['commands_per_s']:7.0f}   import events/s {f['import_events_per_s']:7.0f}"
                  f"   read p50 {f['read_p50_ms']:6.2f} ms  p99 {f['read_p99_ms']:6.2f} ms"
                  f"   rebuild events/s {f['rebuild_events_per_s']:7.0f}   ({f['events']} events)")
        s, p = figures["sealed"], figures["plain"]
        print("cost of sealing:")
        print(f"  commands {p['commands_per_s'] / s['commands_per_s'] - 1:+.1%} ({verdict(cmd, total, 10)}; "
              f"{cpu_against('a command', s['command_cpu_us'], p['command_cpu_us'])})")
        print(f"  import {p['import_events_per_s'] / s['import_events_per_s'] - 1:+.1%} "
              f"({cpu_against('an event', s['import_cpu_us'], p['import_cpu_us'])})")
        print(f"  read p99 {s['read_p99_ms'] / p['read_p99_ms'] - 1:+.1%} ({verdict(reads, p99, 300)})")
        print(f"  {cpu_against('a read', s['read_cpu_us'], p['read_cpu_us'])}")
        print(f"  rebuild {p['rebuild_events_per_s'] / s['rebuild_events_per_s'] - 1:+.1%}")
        print(f"how fast the machine was: a fixed piece of CPU work {yardstick_ms():.0f} ms (bench/host.py)")


LIMIT = 0.10  # the issue's: sealing at most 10 % dearer


def cpu_against(what: str, sealed_us: float, plain_us: float) -> str:
    return f"CPU {what} {sealed_us:.0f} against {plain_us:.0f} µs: {sealed_us / plain_us - 1:+.1%}"


def interval(samples: dict[str, list[float]], statistic: Callable[[list[float]], float], block: int,
             resamples: int = 1000) -> tuple[float, float]:
    """A 95 % interval for the sealed store's ``statistic`` over the plain one's, less one
    (bench/paired.py: the samples resampled in their pairs, in blocks of ``block``)."""
    found = ratio_interval(list(zip(samples["sealed"], samples["plain"], strict=False)), statistic, block, resamples)
    if found is None:  # (too few samples to say: the interval is the whole range)
        return float("-inf"), float("inf")
    return found[0] - 1, found[1] - 1


def verdict(samples: dict[str, list[float]], statistic: Callable[[list[float]], float], block: int) -> str:
    """The interval, and what it says of the limit: one run's figure may sit on either side of
    the limit by chance alone (a p99 rests on its slowest reads, 300 of 30,000; each bound on 25
    of the 1,000 resamples)."""
    low, high = interval(samples, statistic, block)
    said = "within" if high <= LIMIT else "over" if low > LIMIT else "on the line"
    return f"95 % interval {low:+.1%} to {high:+.1%}: {said}"


def total(times: list[float]) -> float:
    return sum(times)


def p99(times: list[float]) -> float:
    return pct(times, 99)


def in_turn(apps: dict[str, Any], round_no: int) -> list[tuple[str, Any]]:
    """The stores in this round's order: as named in even rounds, the other way in odd ones."""
    order = list(apps.items())
    return order if round_no % 2 == 0 else order[::-1]


def cpu_a_read(stores: dict[str, tuple[object, list[object]]], reads: int, rounds: int = 8) -> dict[str, float]:
    """The process's CPU time a read (µs, median of ``rounds`` blocks of ``reads``, the stores in
    turns): what sealing costs a read, apart from the waits on the server a p99 also holds."""
    rnd = random.Random(11)
    cpu: dict[str, list[float]] = {name: [] for name in stores}
    for r in range(rounds):
        for name, (app, ids) in in_turn(stores, r):
            chosen = [rnd.choice(ids) for _ in range(reads)]
            t = time.process_time()
            for pid in chosen:
                read_current(app, pid)
            cpu[name].append((time.process_time() - t) / reads * 1e6)
    return {name: statistics.median(times) for name, times in cpu.items()}


if __name__ == "__main__":
    main()
