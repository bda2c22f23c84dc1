"""The machine a bench runs on, how fast it is at the moment, and how long the command line
takes to start on it."""

from __future__ import annotations

import hashlib
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any


def cli_help_seconds(runs: int = 5) -> float:
    exe = Path(sys.executable).with_name("plantrail")
    cmd = [str(exe), "--help"] if exe.exists() else [sys.executable, "-c", "from cli.main import main; main()", "--help"]
    return process_seconds(cmd, runs)


def process_seconds(cmd: list[str], runs: int) -> float:
    """A whole process's time, s: the median of ``runs``, after one that warms the file cache."""
    subprocess.run(cmd, capture_output=True, check=True)
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run(cmd, capture_output=True, check=True)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def machine() -> dict[str, Any]:
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        mem = int(Path("/proc/meminfo").read_text().split()[1]) // 1024 // 1024
    except (OSError, ValueError, IndexError):
        mem = None
    return {"cpus": os.cpu_count(), "cpu": cpu, "memory_gb": mem, "python": platform.python_version(),
            "load_average_at_start": os.getloadavg()[0], "yardstick_ms": yardstick_ms(),
            "python_start_ms": python_start_ms()}


def yardstick_ms(rounds: int = 5) -> float:
    """A fixed piece of CPU work, ms (median of ``rounds``): JSON written and read, hashed, dicts
    and strings, the stuff a command and a fold are made of. The same 2-core machine has run
    2-3.7 times slower in one hour than in another, so figures bound by the CPU (a rebuild, a
    catch-up, a start) are comparable between runs only beside how fast it was at the time."""
    doc = {"plan_id": "3f2a9c1e-0000-4000-8000-000000000000", "need": "regular monitoring " * 4,
           "actions": [{"action_id": f"A{i}", "starts": "2026-03-20", "done": i % 2 == 0} for i in range(8)]}
    times = []
    for _ in range(rounds):
        t = time.perf_counter()
        for i in range(2_000):
            text = json.dumps(doc, sort_keys=True)
            hashlib.sha256(text.encode()).digest()
            back = json.loads(text)
            _ = {a["action_id"]: a for a in back["actions"] if a["done"] or i % 3}
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def python_start_ms(runs: int = 5) -> float:
    """The bare interpreter's start and exit, ms (median of ``runs``): the floor of any command."""
    return process_seconds([sys.executable, "-c", "pass"], runs) * 1000
