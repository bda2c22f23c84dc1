"""Each command as a person waits for it: whole processes, beside an anchor (issue 26).

    python bench/cli.py [--runs 9] [--json]

On a small SQLite store made by `plantrail demo` in a temporary directory: `show`,
`changes`, `history`, `plans`, `--help` and a write (`visit record`), each a whole
`plantrail` process, beside `sqlite-utils query` reading the same plan's row from the same
file (a well-kept click CLI on SQLite: the anchor) and a bare interpreter. The commands take
turns run by run (a busy moment of the machine falls on all alike); each figure is the
median of the runs, in ms, with the process's peak resident memory (its own, from wait4).
Ratios: ``cli_show_vs_anchor`` (the slowest of the four reads over the anchor; goal ≤ 1.0)
and ``cli_write_vs_anchor`` (goal ≤ 1.5), each with a 95 % interval (``..._interval``: the runs
resampled in their turns, bench/paired.py) and what it says of the goal: a busy machine moves one
run's ratio by a tenth either way.

Two floors beside them, processes that import and do nothing else (started as plantrail's
console script starts a command: cli/process.py): ``libraries``, what every command
on records imports whatever it does (click, sqlite3, cryptography's AES-GCM, eventsourcing's
domain, and pydantic with one model defined: it loads its machinery at the first), and
``catalogue``, those and the event catalogue (``plantrail.domain.events``: the domain's
pydantic models, which every read folds and every read logs with). ``cli_catalogue_vs_anchor``
is the least a read can cost, over the anchor, while reads fold the catalogue's events.

The anchor runs in a virtual environment of its own holding sqlite-utils alone (made on first
use under ~/.cache/plantrail-bench, about 10 s): in plantrail's, sqlite-utils finds pandas and
numpy (which the DfE validator brings) and imports them, taking over a second to start.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.host import machine  # noqa: E402
from bench.paired import against, rounds_interval  # noqa: E402

BIN = Path(sys.executable).parent
READS = ("show", "changes", "history", "plans")
# As the console script starts a command and ends (cli/process.py: no plugin loader, the collector
# held, the exit spared its collection), then pydantic's machinery, which it loads when the first
# model is defined: one is, here.
START = ("import os; os.environ.setdefault('PYDANTIC_DISABLE_PLUGINS', '__all__'); "
         "from plantrail.cli.process import hold_collector, no_plugin_loader, spare_the_exit; "
         "no_plugin_loader(); hold_collector()")
LIBRARIES = (f"{START}; import click, sqlite3; from cryptography.hazmat.primitives.ciphers.aead import AESGCM; "
             "import eventsourcing.domain; from pydantic import BaseModel; "
             "exec('class Model(BaseModel):\\n    field: int')")
CATALOGUE = f"{LIBRARIES}; import plantrail.domain.events; spare_the_exit()"
LIBRARIES += "; spare_the_exit()"


def timed(args: list[str], env: dict[str, str]) -> tuple[float, int]:
    """One whole process: wall ms, exit code."""
    t = time.perf_counter()
    code = subprocess.run(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
    return (time.perf_counter() - t) * 1000, code


def peak_mb(args: list[str], env: dict[str, str]) -> float | None:
    """The process's own peak resident memory, as GNU time reports it (a child's maxrss
    counted by this process would start from this process's own size)."""
    gnu_time = shutil.which("time", path="/usr/bin")
    if gnu_time is None:
        return None
    done = subprocess.run([gnu_time, "-f", "%M", *args], env=env, stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, text=True)
    return int(done.stderr.strip().splitlines()[-1]) / 1024


ANCHOR_VENV = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "plantrail-bench" / "anchor"


def anchor_exe() -> str:
    """sqlite-utils in a virtual environment of its own (made here the first time)."""
    exe = ANCHOR_VENV / "bin" / "sqlite-utils"
    if not exe.exists():
        # pip's own notes to stderr: stdout is the bench's JSON
        subprocess.run([sys.executable, "-m", "venv", str(ANCHOR_VENV)], check=True, stdout=sys.stderr)
        subprocess.run([str(ANCHOR_VENV / "bin" / "pip"), "install", "--quiet", "sqlite-utils"], check=True,
                       stdout=sys.stderr)
    return str(exe)


def commands(store: Path, plan: str) -> dict[str, list[str]]:
    exe = str(BIN / "plantrail")
    head = [exe, "--db", f"sqlite:///{store}", "--as", "demo-chair"]
    anchor = anchor_exe()
    return {
        "python": [sys.executable, "-c", "pass"],
        "libraries": [sys.executable, "-c", LIBRARIES],
        "catalogue": [sys.executable, "-c", CATALOGUE],
        "anchor": [anchor, "query", str(store), "SELECT document FROM view_plans WHERE plan_id = :p", "-p", "p", plan],
        "help": [exe, "--help"],
        "show": [*head, "show", plan, "--json"],
        "changes": [*head, "changes", plan, "--json"],
        "history": [*head, "history", plan, "--json"],
        "plans": [*head, "plans", "--json"],
        "write": [exe, "--db", f"sqlite:///{store}", "--as", "demo-social-worker", "visit", "record", plan, "--on", "2026-03-20"],
    }


def demo_store(tmp: Path, env: dict[str, str]) -> tuple[Path, str]:
    store = tmp / "demo.sqlite"
    exe = str(BIN / "plantrail")
    subprocess.run([exe, "--db", f"sqlite:///{store}", "demo"], env=env, check=True, capture_output=True)
    plans = subprocess.run([exe, "--db", f"sqlite:///{store}", "--as", "demo-chair", "plans", "--json"], env=env,
                           check=True, capture_output=True, text=True)
    return store, json.loads(plans.stdout)[0]["plan_id"]


def run(runs: int) -> dict[str, Any]:
    # Bytecode written and reused, as on a person's machine: with PYTHONDONTWRITEBYTECODE set
    # (some containers set it) an editable install compiles plantrail's modules at every start.
    env = {k: v for k, v in os.environ.items() if not k.startswith("PLANTRAIL_") and k != "PYTHONDONTWRITEBYTECODE"}
    with tempfile.TemporaryDirectory() as tmp:
        env["XDG_DATA_HOME"] = tmp
        store, plan = demo_store(Path(tmp), env)
        todo = commands(store, plan)
        walls: dict[str, list[float]] = {name: [] for name in todo}
        peaks = {name: peak_mb(args, env) for name, args in todo.items()}  # and the warm-up
        for _ in range(runs):
            for name, args in todo.items():
                wall, code = timed(args, env)
                if code != 0:
                    raise SystemExit(f"{' '.join(args)} exited {code}")
                walls[name].append(wall)
    r: dict[str, Any] = {"machine": machine(), "runs": runs}
    for name in walls:
        r[f"cli_{name}_ms"] = statistics.median(walls[name])
        r[f"cli_{name}_peak_mb"] = peaks[name]
    r["cli_show_vs_anchor"] = max(r[f"cli_{name}_ms"] for name in READS) / r["cli_anchor_ms"]
    r["cli_write_vs_anchor"] = r["cli_write_ms"] / r["cli_anchor_ms"]
    # How sure: each ratio's 95 % interval, the runs resampled in their turns (bench/paired.py),
    # the slowest read found again in each resample
    block = 3 if runs >= 15 else 1
    r["cli_show_vs_anchor_interval"] = rounds_interval(runs, lambda drawn: max(
        _median(walls[name], drawn) for name in READS) / _median(walls["anchor"], drawn), block)
    r["cli_write_vs_anchor_interval"] = rounds_interval(
        runs, lambda drawn: _median(walls["write"], drawn) / _median(walls["anchor"], drawn), block)
    r["cli_catalogue_vs_anchor"] = r["cli_catalogue_ms"] / r["cli_anchor_ms"]
    return r


def _median(walls: list[float], drawn: list[int]) -> float:
    return statistics.median(walls[i] for i in drawn)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9, help="counted runs of each command, in turns")
    parser.add_argument("--json", action="store_true", help="one JSON object on stdout")
    result = run(parser.parse_args(argv).runs)
    if parser.parse_args(argv).json:
        print(json.dumps(result, indent=2))
        return
    print(f"{'command':<10} {'median ms':>10} {'peak MB':>8}")
    for key, value in result.items():
        if key.startswith("cli_") and key.endswith("_ms"):
            name = key[4:-3]
            peak = result[f"cli_{name}_peak_mb"]
            print(f"{name:<10} {value:>10.0f} {'' if peak is None else f'{peak:.0f}':>8}")
    for what, key, goal in (("reads", "cli_show_vs_anchor", 1.0), ("write", "cli_write_vs_anchor", 1.5)):
        found = result[f"{key}_interval"]
        said = "" if found is None else f"95 % interval {found[0]:.2f}-{found[1]:.2f}; "
        print(f"{what} / anchor {result[key]:.2f} ({said}goal ≤ {goal}: {against(goal, found)})")
    print(f"catalogue / anchor {result['cli_catalogue_vs_anchor']:.2f} (the floor of a read that folds the "
          "catalogue's events)")
    print(f"how fast the machine was: a fixed piece of CPU work {result['machine']['yardstick_ms']:.0f} ms "
          "(bench/host.py)")


if __name__ == "__main__":
    main()
