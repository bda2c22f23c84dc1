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

    document = current_plan(app, pid, reader=wl.TM)
    logged_read(app, Read(command="show", actor=wl.TM, login="bench", child=document["child"],
                          plan_id=UUID(document["plan_id"])))
    return document


def logged_in_turn(app: Any, ids: list[Any], n: int, url: str) -> dict[str, list[float]]:
    """``n`` of each, taking turns one by one (a pause of the machine falls on all alike), ms
    each: ``logged`` a logged read (read_logged); ``raw`` one raw durable single-row commit
    (bench.raw.RawCommitter, on a connection of its own); ``floor`` the unlogged read then a
    raw commit: what a logged read cannot go below while its entry is a durable commit of its
    own made before anything is shown. The figures are ``read_logged_*``, ``raw_commit_*``
    and ``read_raw_commit_*`` (p50/p99 ms)."""
    from bench.raw import RawCommitter

    raw, rnd = RawCommitter(url), random.Random(7)
    steps = {"logged": lambda pid: read_logged(app, pid), "raw": lambda pid: raw.commit(),
             "floor": lambda pid: (wl.read_current(app, pid), raw.commit())}
    out: dict[str, list[float]] = {name: [] for name in steps}
    try:
        for pid in ids[:20]:  # warm up
            for step in steps.values():
                step(pid)
        for i in range(n):
            order = list(steps.items())
            # each round in another order: what one leaves behind (a WAL flush) not always on the same next
            for name, step in order[i % 3:] + order[:i % 3]:
                pid = rnd.choice(ids)
                t = time.perf_counter()
                step(pid)
                out[name].append((time.perf_counter() - t) * 1000)
    finally:
        raw.close()
    return out


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
