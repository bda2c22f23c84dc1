"""bench/sealing.py (encryption's cost, issue 22) runs end to end, small: both stores' figures,
the costs with the CPU a command, an imported event and a read, the p99's interval, and its
schemas dropped after. Its timings are not asserted (they measure the machine)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.bench.test_bench_run import schemas
from tests.support import postgres_base_url

BENCH = Path(__file__).resolve().parents[2] / "bench" / "sealing.py"


def test_a_small_run_prints_both_stores_and_the_cost_and_drops_its_schemas():
    base = postgres_base_url()
    before = schemas(base, "bench\\_%")
    done = subprocess.run([sys.executable, str(BENCH), "--rounds", "1", "--cases", "2", "--import-cases", "3",
                           "--reads", "20", "--db", base], capture_output=True, text=True, timeout=300,
                          check=False)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert [line.split()[0] for line in lines[:2]] == ["sealed", "plain"]
    costs = [line.split()[0] for line in lines[3:-1]]
    assert lines[-1].startswith("how fast the machine was: ")
    assert lines[2] == "cost of sealing:" and costs == ["commands", "import", "read", "CPU", "rebuild"]
    assert "CPU a command " in lines[3] and "CPU an event " in lines[4] and "95 % interval " in lines[5]
    assert schemas(base, "bench\\_%") == before
