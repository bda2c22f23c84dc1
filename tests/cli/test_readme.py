"""The README's worked example is the session a newcomer types: run it as written."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

README = Path(__file__).resolve().parents[2] / "README.md"


def worked_example() -> str:
    text = README.read_text(encoding="utf-8")
    section = text.split("## A worked example", 1)[1]
    return re.search(r"```sh\n(.*?)```", section, re.S).group(1)


def test_the_readme_worked_example_runs_as_written(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PLANTRAIL_")}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env['PATH']}"
    done = subprocess.run(["bash", "-euo", "pipefail", "-c", worked_example()], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "twice weekly" in done.stdout and "MG" in done.stdout  # the changes the chair reads
    assert "intact" in done.stdout  # verify's verdict
    assert (tmp_path / "plans.sqlite").exists()
