"""What a subscriber following the log costs the command rate (issue 28): commands by one
writer on three stores in turns, one with nobody subscribed, one followed by a subscriber in
another process, one by a subscriber on a thread of the writer's own process (as a projection
runner beside the application would be).

    python bench/subscribe.py [--rounds 40] [--seconds 10] [--db URL]

A subscriber (``recorder.subscribe()``, store/subscription.py) looks for new events every
0.1 s; the save sends no NOTIFY, so the writer's own path is the same on all three stores.
Each store's rate over all its turns (``bench.run.in_turn``: turns in a rotating order); and
how many of the events written reached each subscriber.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import threading
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import workload as wl  # noqa: E402
from bench.run import Writer, in_turn  # noqa: E402

# A subscriber in a process of its own: follows the log from its end, prints how many events
# it was given when its standard input closes.
_FOLLOWER = """
import sys, threading
from plantrail.application.records import PlanRecords
from plantrail.store.settings import env_for_url
app = PlanRecords(env=env_for_url(sys.argv[1]))
seen = [0]
with app.recorder.subscribe(gt=app.recorder.max_notification_id()) as subscription:
    threading.Thread(target=lambda: (sys.stdin.read(), subscription.stop()), daemon=True).start()
    print("ready", flush=True)
    for _ in subscription:
        seen[0] += 1
print(seen[0], flush=True)
app.close()
"""


def follow_in_thread(app: Any, stack: ExitStack) -> list[int]:
    """A subscriber on a thread of this process; the count of events it was given."""
    seen = [0]
    subscription = app.recorder.subscribe(gt=app.recorder.max_notification_id())

    def run() -> None:
        with subscription:
            for _ in subscription:
                seen[0] += 1

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    stack.callback(thread.join)
    stack.callback(subscription.stop)
    return seen


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument("--seconds", type=float, default=10.0, help="seconds of commands for each store in all")
    parser.add_argument("--db")
    args = parser.parse_args()
    with ExitStack() as stack:
        urls = {name: stack.enter_context(wl.scratch_store(args.db, suffix=f"_{name}"))
                for name in ("alone", "process", "thread")}
        writers = {name: Writer(url, f"{name}-") for name, url in urls.items()}
        for writer in writers.values():
            stack.callback(writer.close)
        follower = subprocess.Popen([sys.executable, "-c", _FOLLOWER, urls["process"]], cwd=ROOT, text=True,
                                    stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        assert follower.stdout is not None and follower.stdout.readline().strip() == "ready"
        in_thread = follow_in_thread(writers["thread"].app, stack)
        starts = {name: w.app.recorder.max_notification_id() for name, w in writers.items()}
        rates = in_turn(args.rounds, args.seconds, {name: w.run for name, w in writers.items()})
        ends = {name: w.app.recorder.max_notification_id() for name, w in writers.items()}
        time.sleep(0.5)  # the last events reach the subscribers
        delivered_out, _ = follower.communicate("", timeout=30)
        delivered = {"process": int(delivered_out.split()[-1]), "thread": in_thread[0]}
    base = rates["alone"]["per_s"]
    for name, rate in rates.items():
        written = ends[name] - starts[name]
        got = f", {delivered[name]:,} of {written:,} events delivered" if name in delivered else ""
        print(f"{name:8} {rate['per_s']:7.0f} commands/s ({rate['per_s'] / base - 1:+.1%} beside alone),"
              f" {rate['cpu_us']:4.0f} µs CPU here a command{got}")


if __name__ == "__main__":
    main()
