"""The bench's figures in words: each beside its limit or peer, and the targets met or not."""

from __future__ import annotations

from typing import Any

TARGETS = [
    # (figure, raw limit beside it, target text, passes?)
    ("command_per_s", "raw_commit_per_s", ">= 45% of raw", lambda r: r["command_per_s"] >= 0.45 * r["raw_commit_per_s"]),
    ("command_per_s", "peer_command_per_s", ">= 2.5 x the plain library",
     lambda r: r["command_per_s"] >= 2.5 * r["peer_command_per_s"]),
    ("store_save_per_s", "raw_commit_per_s", "(reported: the save alone)", None),
    ("command_per_s_8_writers", "raw_commit_per_s_8_clients", "(reported)", None),
    ("import_events_per_s", "raw_batch_rows_per_s", ">= 22% of raw",
     lambda r: r["import_events_per_s"] >= 0.22 * r["raw_batch_rows_per_s"]),
    ("read_p99_ms", "read_p99_ms_small", "<= 2 ms, no worse than small",
     lambda r: r["read_p99_ms"] <= 2 and r["read_p99_ms"] <= r["read_p99_ms_small"] * 1.1),
    ("read_p99_ms_small", None, "<= 2 ms", lambda r: r["read_p99_ms_small"] <= 2),
    ("as_at_p99_ms", None, "(reported)", None),
    ("read_logged_p99_ms", "read_p99_ms", "<= 2 ms (a read and its access log entry)",
     lambda r: r["read_logged_p99_ms"] <= 2),
    ("read_logged_p99_ms", "read_raw_commit_p99_ms", "(reported: beside a read and a raw commit, its floor)", None),
    ("raw_commit_p99_ms", None, "(reported: one durable commit, the disk's flush)", None),
    ("read_logged_p99_ms_8_readers", None, "(reported: 8 readers at once, threads)", None),
    ("catch_up_events_per_s", None, ">= 50,000 (after the import)", lambda r: r["catch_up_events_per_s"] >= 50_000),
    ("rebuild_events_per_s", None, ">= 50,000", lambda r: r["rebuild_events_per_s"] >= 50_000),
    ("verify_events_per_s", None, ">= 200,000", lambda r: r["verify_events_per_s"] >= 200_000),
    ("verify_views_events_per_s", None, "(reported: the views' check `plantrail verify` adds)", None),
    ("cli_help_s", None, "<= 0.1 s", lambda r: r["cli_help_s"] <= 0.1),
    ("events_in_store", None, ">= 1,000,000 (full run)", lambda r: r["events_in_store"] >= 1_000_000),
]


def report(r: dict[str, Any]) -> str:
    rows = [f"plantrail bench ({r['mode']}): {r['machine']['cpus']} CPUs, {r['machine']['cpu']}, "
            f"PostgreSQL {r['store']['postgres']} (synchronous_commit={r['store']['synchronous_commit']}, "
            f"fsync={r['store']['fsync']}); load average {r['machine']['load_average_at_start']:.1f} at start",
            f"how fast the machine was: a fixed piece of CPU work {r['machine']['yardstick_ms']:.0f} ms, the bare "
            f"interpreter's start {r['machine']['python_start_ms']:.0f} ms (bench/host.py; figures bound by the CPU "
            "compare between runs beside these)",
            "", f"{'figure':28} {'value':>12}   {'raw limit beside it':>34}   {'ratio':>6}   target",
            "-" * 110]
    for name, raw, target, ok in TARGETS:
        value = r[name]
        beside = ratio = ""
        if raw:
            beside = f"{raw} {r[raw]:,.2f}" if r[raw] < 100 else f"{raw} {r[raw]:,.0f}"
            ratio = f"{value / r[raw]:.2f}"
        shown = f"{value:,.3f}" if value < 100 else f"{value:,.0f}"
        verdict = "" if ok is None else ("met" if ok(r) else "NOT met")
        rows.append(f"{name:28} {shown:>12}   {beside:>34}   {ratio:>6}   {target} {verdict}")
    rows += ["", f"command p50/p99 ms: {r['command_p50_ms']:.2f} / {r['command_p99_ms']:.2f}; "
             f"read p50 ms small/large: {r['read_p50_ms_small']:.2f} / {r['read_p50_ms']:.2f}; "
             f"as-at p50 ms: {r['as_at_p50_ms']:.2f}; import {r['import_events']:,} events in "
             f"{r['import_batches']} transactions; views caught up in {r['catch_up_s']:.1f} s; "
             f"verify intact: {r['verify_intact']}",
             _time_split("a command", r["command_per_s"], r["command_cpu_us"]) + "; "
             + _time_split("the save alone", r["store_save_per_s"], r["store_save_cpu_us"]) + "; "
             + _time_split("a raw commit", r["raw_commit_per_s"], r["raw_commit_cpu_us"]),
             f"an imported event: {1e6 / r['import_events_per_s']:.0f} µs, this process's CPU "
             f"{r['import_cpu_us_per_event']:.0f} µs (all threads); with --workers on {r['import_workers_cpus']} "
             "CPUs: " + ", ".join(f"{n}: {rate:,.0f} events/s" for n, rate in r["import_workers_events_per_s"].items()),
             f"peak memory (RSS): rebuild {r['rebuild_peak_rss_mb']:.0f} MB, its largest worker "
             f"{r['rebuild_worker_peak_rss_mb']:.0f} MB; verify {r['verify_peak_rss_mb']:.0f} MB, its check of "
             f"the views {r['verify_views_peak_rss_mb']:.0f} MB (intact: {r['verify_views_intact']})"]
    return "\n".join(rows)


def _time_split(what: str, per_s: float, cpu_us: float) -> str:
    return f"{what}: {1e6 / per_s:.0f} µs = {cpu_us:.0f} CPU here + {1e6 / per_s - cpu_us:.0f} waiting"
