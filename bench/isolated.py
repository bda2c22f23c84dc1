"""Rebuild, verify and verify's check of the views, each in a process of its own: how long, and how much memory at peak.

A fresh process runs it as `plantrail projections rebuild` or `plantrail verify` would, so its
peak resident memory (``VmHWM``: ``ru_maxrss`` would keep the bench's own, inherited through
fork) is the operation's own, not the bench's (which holds every phase before it); the rebuild's
workers are measured apart from the process that runs them (``RUSAGE_CHILDREN``: the largest of
them, at least what the rebuild's process held when it started them). Memory should stay flat
as the log grows.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent

_CODE = """
import json, resource, sys, time
what, url = sys.argv[1], sys.argv[2]
from plantrail.store.settings import env_for_url, prepare
prepare(url)
t0 = time.perf_counter()
if what == "rebuild":
    from plantrail.application.records import PlanRecords
    from plantrail.projections.runner import rebuild
    app = PlanRecords(env=env_for_url(url))
    t0 = time.perf_counter()
    rebuild(app)
    seconds, events, intact = time.perf_counter() - t0, app.recorder.max_notification_id(), None
    app.close()
elif what == "verify-views":  # what `plantrail verify` adds once the chain holds: the views and command log
    from plantrail.application.records import PlanRecords
    from plantrail.projections.audit import check_derived
    from plantrail.store.settings import reading_env
    app = PlanRecords(env=reading_env(url))  # opened as `plantrail verify` opens it: nothing made
    t0 = time.perf_counter()
    findings = check_derived(app)
    seconds, events, intact = time.perf_counter() - t0, app.recorder.max_notification_id(), not findings
    app.close()
else:
    from plantrail.store.verify import verify
    report = verify(url)
    seconds, events, intact = time.perf_counter() - t0, report.events_checked, report.intact
def own_peak_mb():  # this process's own high-water mark (ru_maxrss keeps the forking parent's)
    try:
        with open("/proc/self/status") as status:
            return next(int(line.split()[1]) / 1024 for line in status if line.startswith("VmHWM:"))
    except (OSError, StopIteration):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": seconds, "events": events, "intact": intact, "peak_rss_mb": own_peak_mb(),
                  "workers_peak_rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}))
"""


def run_isolated(what: str, url: str) -> dict[str, Any]:
    """``what`` ("rebuild", "verify" or "verify-views") of the store at ``url`` in a fresh interpreter: its
    seconds (the operation alone, not the interpreter's start), events, verify's verdict,
    and the peak resident memory of the process and of its largest worker, in MB."""
    done = subprocess.run([sys.executable, "-c", _CODE, what, url], capture_output=True, text=True, cwd=ROOT,
                          check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{what} failed: {done.stderr.strip().splitlines()[-1:] or done.returncode}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    result["events_per_s"] = result["events"] / result["seconds"]
    return result
