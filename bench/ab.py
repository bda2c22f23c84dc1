"""Before/after on one machine at one time: variants interleaved in short rounds, medians.

    python bench/ab.py [--rounds 8] [--cases 20] [--db URL]

Each variant gets its own fresh schema (the chain trigger is per schema). Variants:
  before      the recorder as it was (bench/baseline_recorder.py)
  after       store/postgres_recorder.py as it is
  after+cache after, with the library's aggregate cache (AGGREGATE_CACHE_MAXSIZE, fast-forwarding):
              a domain setting, measured here for docs/performance.md
  after+projector  after, reading records without the library's per-event Protocol check
              (a domain change, measured here for docs/performance.md)
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

VARIANTS = {
    "before": {"APPLICATION_RECORDER_TOPIC": "bench.baseline_recorder:ChainedPostgresApplicationRecorder"},
    "after": {},
    "after+cache": {"AGGREGATE_CACHE_MAXSIZE": "10000"},
    "after+projector": {},
}


def project(aggregate, events):  # type: ignore[no-untyped-def]
    """eventsourcing's project_aggregate without its per-event ``assert isinstance(event,
    CanMutateProtocol)``: a runtime Protocol check, about 20 us an event on Python 3.11."""
    for event in events:
        aggregate = event.mutate(aggregate)
    return aggregate


def with_projector(app):  # type: ignore[no-untyped-def]
    """What the domain change would do: PlanRecords._get passing projector_func=project."""
    read = app.repository.get

    def get(aggregate_id, **kwargs):  # type: ignore[no-untyped-def]
        kwargs.setdefault("projector_func", project)
        return read(aggregate_id, **kwargs)

    app.repository.get = get
    return app


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=8)
    parser.add_argument("--cases", type=int, default=20, help="cases (10 commands each) per round")
    parser.add_argument("--import-cases", type=int, default=300, help="cases imported per round")
    parser.add_argument("--db")
    parser.add_argument("--only", nargs="*", default=list(VARIANTS))
    args = parser.parse_args()
    from cli.bulk import _numbered, import_lines
    from domain.application import PlanRecords
    from store.settings import env_for_url, prepare

    with ExitStack() as stack:
        apps = {}
        for name in args.only:
            url = stack.enter_context(wl.scratch_store(args.db))
            prepare(url)
            apps[name] = PlanRecords(env={**env_for_url(url), **VARIANTS[name]})
            if name.endswith("+projector"):
                with_projector(apps[name])
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
                counts = import_lines(app, _numbered(path), batch_size=2000)
                imp[name].append(counts["events"] / (time.perf_counter() - t))
        for name in apps:
            print(f"{name:16} commands/s median {statistics.median(cmd[name]):6.0f} (max {max(cmd[name]):6.0f})"
                  f"  client CPU/command median {statistics.median(cpu[name]):5.0f} us"
                  f"   import events/s median {statistics.median(imp[name]):6.0f} (max {max(imp[name]):6.0f})")


if __name__ == "__main__":
    main()
