"""Crash harness: writers killed with SIGKILL at random moments, restarted, then checked.

    python -m tests.reliability.harness --db URL [--seconds 60] [--writers 4]

Each writer process runs commands through the application, each with its own command id,
and prints the id only after the command returned. The harness kills writers at random
moments (SIGKILL: no clean-up runs), starts new ones, and at the end checks that
- every command that reported success is in the log exactly once, with all its events
  (an opening records two events: the plan's and the child's; none is ever half there);
- no command is recorded twice;
- the hash chain verifies;
- views caught up along the way equal views rebuilt from the log.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

# Events each kind of command records; a command id with fewer or more is half-written.
EVENTS_PER_COMMAND = {"open": 2, "action": 1, "visit": 1}


def setup(url: str, children: int) -> None:
    from tests.support import open_app

    app = open_app(url)
    app.add_staff(None, "tm1", name="Tina Moss", initials="TM", roles=["team-manager"])
    app.add_staff("tm1", "sw1", name="Mary Grant", initials="MG", roles=["social-worker"])
    for n in range(children):
        app.register_child("sw1", f"C{n}", name=f"Child {n}", born=date(2015, 1, 1))
    app.close()


def writer(url: str, name: str, children: int) -> None:
    """Run commands forever; print each command id once its command has returned."""
    from plantrail.projections.runner import catch_up
    from tests.support import open_app

    app = open_app(url)
    rng = random.Random(name)
    plans = [p for p in (_open_plan_of(app, f"C{n}") for n in range(children)) if p]
    k = 0
    while True:
        k += 1
        command_id = f"{name}-{k}"
        if not plans or rng.random() < 0.1:
            child = f"C{rng.randrange(children)}"
            if _open_plan_of(app, child):
                continue
            kind = "open"
            plans.append(app.open_plan("sw1", child, kind="child-in-need", aim="Safe and well",
                                       on=date(2026, 1, 5), command_id=command_id))
        elif rng.random() < 0.7:
            kind = "action"
            app.add_action("sw1", rng.choice(plans), area="health", need=f"need {command_id}", response="r",
                           frequency="weekly", responsible="HV", starts=date(2026, 1, 12), outcomes=["o"],
                           command_id=command_id)
        else:
            kind = "visit"
            app.record_visit("sw1", rng.choice(plans), on=date(2026, 2, 2), command_id=command_id)
        print(json.dumps({"command_id": command_id, "kind": kind}), flush=True)
        if k % 20 == 0:
            catch_up(app)  # views caught up mid-run, also by processes that then die


def _open_plan_of(app, child_ref):  # type: ignore[no-untyped-def]
    from plantrail.domain.errors import NotFound

    try:
        periods = app.child(child_ref).state.open_plans()
    except NotFound:
        return None
    return periods[0].plan_id if periods else None


@dataclass
class Run:
    url: str
    writers: int
    children: int
    reported: dict[str, str] = field(default_factory=dict)
    kills: int = 0

    def spawn(self, name: str) -> subprocess.Popen[str]:
        return subprocess.Popen(
            [sys.executable, "-m", "tests.reliability.harness", "--db", self.url, "--writer", name,
             "--children", str(self.children)],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, cwd=_repo(), env=_env(),
        )

    def collect(self, process: subprocess.Popen[str]) -> None:
        out, _ = process.communicate()
        for line in out.splitlines():
            try:
                done = json.loads(line)
            except ValueError:
                continue  # a line cut off by the kill: the command may or may not have landed
            self.reported[done["command_id"]] = done["kind"]


def run(url: str, seconds: float, writers: int, children: int, seed: int = 0) -> dict[str, object]:
    rng = random.Random(seed)
    setup(url, children)
    state = Run(url, writers, children)
    generation = 0
    live = {}
    for n in range(writers):
        live[n] = state.spawn(f"w{n}g0")
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        time.sleep(rng.uniform(0.05, 0.6))
        n = rng.randrange(writers)
        live[n].send_signal(signal.SIGKILL)
        state.collect(live[n])
        state.kills += 1
        generation += 1
        live[n] = state.spawn(f"w{n}g{generation}")
    for process in live.values():
        process.send_signal(signal.SIGKILL)
        state.collect(process)
    return check(state)


def check(state: Run) -> dict[str, object]:
    from plantrail.projections.runner import catch_up, rebuild
    from plantrail.store.verify import verify
    from tests.support import open_app

    app = open_app(state.url)
    per_command = Counter(e.command_id for n in app.notifications() if (e := app.mapper.to_domain_event(n))
                          and e.command_id)
    problems = []
    for command_id, kind in state.reported.items():
        if per_command.get(command_id) != EVENTS_PER_COMMAND[kind]:
            problems.append(f"{command_id} ({kind}) reported done but has {per_command.get(command_id, 0)} events")
    for command_id, count in per_command.items():
        kind = "open" if count == 2 else None
        if count not in EVENTS_PER_COMMAND.values() or (kind and command_id in state.reported
                                                        and state.reported[command_id] != "open"):
            problems.append(f"{command_id} has {count} events")
        if app.recorded(command_id) is None:
            problems.append(f"{command_id} has events but is not in the command log")
    report = verify(state.url)
    if not report.intact:
        problems.append(f"chain: {report.problem} at {report.first_bad_position}: {report.detail}")
    catch_up(app)
    caught_up = _views(app)
    rebuild(app)
    if _views(app) != caught_up:
        problems.append("views caught up during the run differ from views rebuilt from the log")
    app.close()
    return {"commands_reported": len(state.reported), "commands_in_log": len(per_command),
            "events_checked": report.events_checked, "kills": state.kills, "problems": problems}


def _views(app):  # type: ignore[no-untyped-def]
    from plantrail.store.view_tables import transaction

    with transaction(app, commit=False) as tx:
        return (tx.execute("SELECT * FROM {view_plans} ORDER BY plan_id").fetchall(),
                tx.execute("SELECT * FROM {view_children} ORDER BY child_id").fetchall())


def _repo() -> str:
    return os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": _repo()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--writers", type=int, default=4)
    parser.add_argument("--children", type=int, default=30)
    parser.add_argument("--writer", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.writer:
        writer(args.db, args.writer, args.children)
        return
    result = run(args.db, args.seconds, args.writers, args.children)
    print(json.dumps(result, indent=2))
    sys.exit(1 if result["problems"] else 0)


if __name__ == "__main__":
    main()
