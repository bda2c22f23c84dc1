"""Where a command's CPU goes: the same lines run one command per transaction, and imported.

    python bench/command_parts.py [--rounds 3] [--seconds 5] [--cases 1000] [--db URL]

For each way, this thread's CPU a line spent parsing it (``application.imports.parse_line``),
deciding it (``UnitOfWork.run``: the actor, the rules, the pydantic event, the fold) and, one
command per transaction, saving it (``PlanRecords.commit``: the mapping, the recorder, the libpq call). The
import saves on another thread, so only its first two are here. The two ways take turns, each
on a fresh schema of the local PostgreSQL (dropped after). Same code, same lines: a difference
is what running one command per transaction costs the Python itself (docs/performance.md, "Where
the time goes now").
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import workload as wl  # noqa: E402

CPU_NS: dict[str, int] = defaultdict(int)  # part -> this thread's CPU, ns


def timed(part: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    """``fn``, adding the CPU this thread spends in it to CPU_NS[part]."""

    def run(*args: Any, **kwargs: Any) -> Any:
        t0 = time.thread_time_ns()
        try:
            return fn(*args, **kwargs)
        finally:
            CPU_NS[part] += time.thread_time_ns() - t0

    return run


def instrument() -> None:
    """Time the parts, in this process only (the bench's own copy of the classes)."""
    from plantrail.application import imports
    from plantrail.application.records import PlanRecords
    from plantrail.application.unit_of_work import UnitOfWork

    imports.parse_line = timed("parse the line", imports.parse_line)
    UnitOfWork.run = timed("decide", UnitOfWork.run)
    PlanRecords.commit = timed("save", PlanRecords.commit)


def one_way(run: Callable[[], int]) -> dict[str, float]:
    """µs of this thread's CPU a line, by part and in all, for the lines ``run`` runs."""
    CPU_NS.clear()
    t0 = time.thread_time_ns()
    lines = run()
    total = time.thread_time_ns() - t0
    return {**{part: ns / lines / 1000 for part, ns in CPU_NS.items()}, "all": total / lines / 1000}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=5.0, help="commands run a round")
    parser.add_argument("--cases", type=int, default=1000, help="cases (11 lines each) imported a round")
    parser.add_argument("--db", metavar="URL", help=f"PostgreSQL database (default {wl.DEFAULT_BASE})")
    args = parser.parse_args()
    instrument()
    from bench.run import Writer
    from plantrail.application.imports import import_lines, numbered_lines

    seen: dict[str, list[dict[str, float]]] = defaultdict(list)
    with tempfile.TemporaryDirectory() as tmp:
        for r in range(args.rounds):
            with wl.scratch_store(args.db) as url:
                writer = Writer(url, f"R{r}-")
                try:
                    seen["one command a transaction"].append(one_way(lambda: writer.run(args.seconds)))
                finally:
                    writer.close()
            with wl.scratch_store(args.db) as url:
                path = os.path.join(tmp, f"round{r}.jsonl")
                wl.write_import_file(path, args.cases)
                app = wl.open_app(url)
                try:
                    seen["2,000 lines a transaction"].append(one_way(
                        lambda: import_lines(app, numbered_lines(path), batch_size=2000)["lines"]))
                finally:
                    app.close()
    for way, rounds in seen.items():
        parts = {part: sorted(r[part] for r in rounds)[len(rounds) // 2] for part in rounds[0]}
        print(f"{way}: " + ", ".join(f"{part} {us:.0f}" for part, us in parts.items())
              + " µs of CPU a line (medians of the rounds)")


if __name__ == "__main__":
    main()
