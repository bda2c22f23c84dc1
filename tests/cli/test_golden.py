"""The README's worked example, and the reads a chair and an auditor make after it, print
the same text as before each restructuring (ids and recording times masked): the golden file
is what the commands printed, and changes only where a change of what is printed is meant."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from tests.cli.test_readme import worked_example

GOLDEN = Path(__file__).parent / "golden" / "readme_session.txt"
READS = """
export PLANTRAIL_AS=rc1
plantrail show $PLAN
plantrail show $PLAN --json
plantrail plans
plantrail due --on 2026-07-01
plantrail history $PLAN
plantrail changes $PLAN --json
plantrail export child K100
"""
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_CUT_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f-]*…")  # an id a narrow table column cut short
_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)?")
_TODAY = re.compile(r"20\d\d-\d\d-\d\d")
_LOGIN = re.compile(r'"login": "[^"]*"')  # the operating-system user the session ran as


def session_output(tmp_path: Path) -> str:
    """Each command of the session, then what it printed (stdout, then stderr), masked."""
    script = worked_example() + READS
    lines = [line for line in script.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    env = {k: v for k, v in os.environ.items() if not k.startswith("PLANTRAIL_")}
    env.update({"PATH": f"{Path(sys.executable).parent}{os.pathsep}{env['PATH']}", "COLUMNS": "160"})
    # One shell, each command's output framed, so PLAN and the exports carry through; stderr
    # beside stdout, in order (a write that prints an id says its sentence on stderr).
    framed = "exec 2>&1\n" + "\n".join(f"echo '>>> {line.split('#')[0].strip()}'; {line}" for line in _joined(lines))
    done = subprocess.run(["bash", "-euo", "pipefail", "-c", framed], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return mask(done.stdout + done.stderr)


def _joined(lines: list[str]) -> list[str]:
    """Shell lines continued with a backslash, joined."""
    out: list[str] = []
    for line in lines:
        if out and out[-1].endswith("\\"):
            out[-1] = out[-1][:-1] + " " + line.strip()
        else:
            out.append(line)
    return out


_SHOWN_TIME = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d(:\d\d)?( UTC)?")  # a recording time, as text shows it


def mask(text: str) -> str:
    from datetime import UTC, datetime

    ids: dict[str, str] = {}
    text = _UUID.sub(lambda m: ids.setdefault(m.group(0), f"<id{len(ids) + 1}>"), text)
    text = _SHOWN_TIME.sub("<time>", _TIME.sub("<time>", _CUT_ID.sub("<id…>", text)))
    text = _LOGIN.sub('"login": "<login>"', text)
    return text.replace(datetime.now(UTC).date().isoformat(), "<today>")  # a record opened today


def test_the_worked_example_prints_what_it_printed(tmp_path: Path) -> None:
    got = session_output(tmp_path)
    if os.environ.get("PLANTRAIL_GOLDEN_WRITE") == "1":
        GOLDEN.write_text(got, encoding="utf-8")
    assert got == GOLDEN.read_text(encoding="utf-8")
