"""Before/after on one machine at one time: variants interleaved in short rounds, medians.

    python bench/ab.py [--rounds 8] [--cases 20] [--db URL]

Each variant gets its own fresh schema (the save function is per schema). Add a variant as settings
(e.g. an APPLICATION_RECORDER_TOPIC naming another recorder class, or POSTGRES_LOCK_TIMEOUT) to
compare a change against the application as it is; `git show 6a79962:store/postgres_recorder.py`
is the recorder before any of the work in docs/performance.md.
The machine is shared and noisy; interleaving makes the comparison fair, medians make it stable.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from contextlib import ExitStack
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import workload as wl  # noqa: E402

VARIANTS: dict[str, dict[str, str]] = {
    "current": {},
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=8)
    parser.add_argument("--cases", type=int, default=20, help="cases (10 commands each) per round")
    parser.add_argument("--import-cases", type=int, default=300, help="cases imported per round")
    parser.add_argument("--db")
    parser.add_argument("--only", nargs="*", default=list(VARIANTS))
    args = parser.parse_args()
    from plantrail.application.imports import import_lines, numbered_lines
    from plantrail.application.records import PlanRecords
    from plantrail.store.settings import env_for_url, prepare

    with ExitStack() as stack:
        apps = {}
        for name in args.only:
            url = stack.enter_context(wl.scratch_store(args.db))
            prepare(url)
            apps[name] = PlanRecords(env={**env_for_url(url), **VARIANTS[name]})
            stack.callback(apps[name].close)
            wl.add_staff(apps[name])
        cmd = {k: [] for k in apps}
        cpu = {k: [] for k in apps}
        imp = {k: [] for k in apps}
        case = 0
        for r in range(args.rounds):
            for name, app in apps.items():
                t, c = time.perf_counter(), time.process_time()
                n = 0
                for _ in range(args.cases):
                    case += 1
                    n += wl.run_case_commands(app, case, "A")
                cmd[name].append(n / (time.perf_counter() - t))
                cpu[name].append((time.process_time() - c) / n * 1e6)
                path = f"/tmp/ab_{name}.jsonl"
                wl.write_import_file(path, args.import_cases, prefix=f"I{r}-", with_staff=False)
                t = time.perf_counter()
                counts = import_lines(app, numbered_lines(path), batch_size=2000)
                imp[name].append(counts["events"] / (time.perf_counter() - t))
        for name in apps:
            print(f"{name:16} commands/s median {statistics.median(cmd[name]):6.0f} (max {max(cmd[name]):6.0f})"
                  f"  client CPU/command median {statistics.median(cpu[name]):5.0f} us"
                  f"   import events/s median {statistics.median(imp[name]):6.0f} (max {max(imp[name]):6.0f})")


if __name__ == "__main__":
    main()
