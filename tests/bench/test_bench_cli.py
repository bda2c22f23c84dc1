"""bench/cli.py runs end to end (docs/performance.md): every command of it exits 0 and every
figure is printed. Its timings are not asserted (they measure the machine)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench" / "cli.py"


def test_one_run_of_each_command_prints_every_figure() -> None:
    done = subprocess.run([sys.executable, str(BENCH), "--runs", "1", "--json"], capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    figures = json.loads(done.stdout)
    for name in ("python", "libraries", "catalogue", "anchor", "help", "show", "changes", "history", "plans", "write"):
        assert figures[f"cli_{name}_ms"] > 0
    assert figures["cli_show_vs_anchor"] > 0 and figures["cli_write_vs_anchor"] > 0
    assert figures["cli_catalogue_vs_anchor"] > 0
    for key in ("cli_show_vs_anchor", "cli_write_vs_anchor"):
        assert figures[f"{key}_interval"] is None  # (one run: too few to say how sure)
    assert figures["machine"]["yardstick_ms"] > 0


def test_a_ratios_interval_holds_the_ratio_and_says_what_it_means_for_a_goal() -> None:
    import statistics

    from bench.paired import against, ratio_interval

    pairs = [(2.0 + i % 3 * 0.1, 1.0 + i % 2 * 0.05) for i in range(30)]
    low, high = ratio_interval(pairs, statistics.median, block=3)  # type: ignore[misc]
    assert low < statistics.median(a for a, _ in pairs) / statistics.median(b for _, b in pairs) < high
    assert (against(3.0, (low, high)), against(1.0, (low, high)), against((low + high) / 2, (low, high))) == \
        ("met", "not met", "on the line")
    # three runs in one block cannot say how sure a ratio is (every resample is the same three)
    assert ratio_interval(pairs[:3], statistics.median, block=3) is None
    assert against(1.5, None) == "too few runs to say"
