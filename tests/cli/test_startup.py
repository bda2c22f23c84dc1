"""`plantrail --help` (and the start of every command) imports none of the heavy libraries:
they are imported by the commands that need them (docs/performance.md, "The gap people feel").
Checked by what the interpreter says it imported, not by a timing."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("pydantic", "rich", "psycopg", "eventsourcing", "jinja2", "plantrail.domain.events")


def test_help_imports_no_heavy_library() -> None:
    run_help = "import sys; from plantrail.cli.main import main; sys.argv = ['plantrail', '--help']; main()"
    done = subprocess.run([sys.executable, "-X", "importtime", "-c", run_help], capture_output=True, text=True)
    imported = {line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines() if "|" in line}
    heavy = sorted(name for name in imported if name.split(".")[0] in HEAVY or name in HEAVY)
    assert heavy == [], f"--help imported {heavy}"
    assert "Usage: plantrail" in done.stdout
