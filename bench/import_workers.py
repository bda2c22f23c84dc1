"""The import on more cores (``plantrail import --workers N``): events/s for each N, same run.

    python bench/import_workers.py [--workers 1 2 4] [--cases 3000] [--rounds 2] [--db URL]

Each round imports the same file of ``cases`` cases (11 events each) into a fresh schema for
each worker count, the counts taking turns (a pause of the machine falls on all alike); the
figure is each count's median rate, and ``cpus`` says how many cores the machine offers
(with two, the parent, the workers and the server share them: no gain is expected there).
``bench/run.py`` runs it with 1 and 2 workers (``import_workers_events_per_s``).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import tempfile
import time
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import workload as wl  # noqa: E402


def import_rates(db: str | None, workers: list[int], cases: int, rounds: int, batch: int = 2000) -> dict[str, Any]:
    """Median events/s of the same import with each worker count, in turns."""
    from plantrail.application.imports import import_lines, numbered_lines
    from plantrail.cli.bulk import open_worker

    rates: dict[int, list[float]] = {n: [] for n in workers}
    cpu: dict[int, list[tuple[float, float]]] = {n: [] for n in workers}  # (parent, workers) µs an event
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "cases.jsonl")
        wl.write_import_file(path, cases, prefix="W", with_staff=True)
        for r in range(rounds):
            for n in workers:
                with wl.scratch_store(db, suffix=f"_w{n}_{r}") as url:
                    app = wl.open_app(url)
                    try:
                        t, mine, theirs = time.perf_counter(), time.process_time(), _children_cpu()
                        counts = import_lines(app, numbered_lines(path), batch_size=batch, workers=n,
                                              open_worker=partial(open_worker, url, app.identity_mode, app.login))
                        rates[n].append(counts["events"] / (time.perf_counter() - t))
                        # (the workers have ended, so their CPU is counted as this process's children's)
                        cpu[n].append(((time.process_time() - mine) / counts["events"] * 1e6,
                                       (_children_cpu() - theirs) / counts["events"] * 1e6))
                    finally:
                        app.close()
    return {"cpus": os.cpu_count(), "cases": cases, "events": counts["events"],
            "events_per_s": {str(n): statistics.median(rates[n]) for n in workers},
            # CPU an event in this process (reading, routing, merging, saving) and in all the workers
            # together (deciding, sealing): what more cores could give (docs/performance.md)
            "parent_cpu_us_per_event": {str(n): statistics.median(c for c, _ in cpu[n]) for n in workers},
            "workers_cpu_us_per_event": {str(n): statistics.median(w for _, w in cpu[n]) for n in workers}}


def _children_cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--cases", type=int, default=3000)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--db")
    args = parser.parse_args()
    print(json.dumps(import_rates(args.db, args.workers, args.cases, args.rounds), indent=2))


if __name__ == "__main__":
    main()
