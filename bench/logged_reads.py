"""Logged reads (issue 20): a `show` in process as the command line makes it — the plan
read, then its access log entry saved — beside the unlogged read, and many readers at once
(each entry is a save of one event: they take the log's save lock one at a time, briefly)."""

from __future__ import annotations

import random
import threading
import time
from typing import Any

from bench import workload as wl


def read_logged(app: Any, pid: Any) -> Any:
    """``plantrail --as tm1 show PLAN``'s work, less the printing: read, then log."""
    from uuid import UUID

    from plantrail.application.access import Read, logged_read
    from plantrail.projections.current import current_plan

    document = current_plan(app, pid)
    logged_read(app, Read(command="show", actor=wl.TM, login="bench", child=document["child"],
                          plan_id=UUID(document["plan_id"])))
    return document


def concurrent_logged(url: str, ids: list[Any], readers: int, seconds: float) -> dict[str, float]:
    """``readers`` threads, each with its own application (its own connections), making logged
    reads for ``seconds``: reads a second in all, and the p50/p99 of one read (ms). Threads
    share one interpreter lock, so this is a floor of what as many processes would do; what it
    shows is whether readers queue behind one another's entries. The figures are named
    ``read_logged_{per_s,p50_ms,p99_ms}_N_readers``."""
    apps = [wl.open_app(url) for _ in range(readers)]
    times: list[list[float]] = [[] for _ in range(readers)]
    start = threading.Barrier(readers + 1)

    def reader(i: int) -> None:
        rnd, app = random.Random(i), apps[i]
        start.wait()
        end = time.perf_counter() + seconds
        while time.perf_counter() < end:
            t = time.perf_counter()
            read_logged(app, rnd.choice(ids))
            times[i].append((time.perf_counter() - t) * 1000)

    threads = [threading.Thread(target=reader, args=(i,)) for i in range(readers)]
    for thread in threads:
        thread.start()
    start.wait()
    t0 = time.perf_counter()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - t0
    for app in apps:
        app.close()
    every = sorted(t for ts in times for t in ts)
    return {f"read_logged_per_s_{readers}_readers": len(every) / elapsed,
            f"read_logged_p50_ms_{readers}_readers": _pct(every, 50),
            f"read_logged_p99_ms_{readers}_readers": _pct(every, 99)}


def _pct(ordered: list[float], q: float) -> float:
    return ordered[min(len(ordered) - 1, int(len(ordered) * q / 100))] if ordered else 0.0
