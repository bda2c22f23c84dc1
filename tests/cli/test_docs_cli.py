"""Issue 25, item 10: the repository's own docs are the reference (every command and option in
docs/cli.md), nothing in them points outside the repository, and shell completion is
documented and installed with a command."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import click

from plantrail.cli.help_text import walk
from plantrail.cli.main import whole
from tests.support import PLANTRAIL

ROOT = Path(__file__).resolve().parents[2]
OUTSIDE = re.compile(r"\.\./|shared/|\bCLI\.md|DOMAIN\.md|\bseed \d|seeds/")


def test_docs_cli_names_every_command_and_option() -> None:
    reference = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    for path, command in walk(whole()):
        if not path or isinstance(command, click.Group):
            continue
        assert f"`{' '.join(path)}" in reference or f"| `{' '.join(path)}" in reference, path
        for param in command.params:
            if isinstance(param, click.Option):
                assert any(name in reference for name in param.opts), (path, param.opts)


def test_no_doc_points_outside_the_repository() -> None:
    docs = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    found = [f"{p.name}: {m.group(0)}" for p in docs for m in OUTSIDE.finditer(p.read_text(encoding="utf-8"))]
    assert not found, found
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "docs/cli.md" in readme and "docs/domain.md" in readme


def test_shell_completion_is_printed_and_installed(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PLANTRAIL", "XDG_"))}
    env.update(HOME=str(tmp_path))
    script = subprocess.run([PLANTRAIL, "completion", "bash"], env=env, capture_output=True, text=True, timeout=60)
    assert script.returncode == 0 and "_PLANTRAIL_COMPLETE=bash_complete" in script.stdout
    assert subprocess.run([PLANTRAIL], env={**env, "_PLANTRAIL_COMPLETE": "bash_source"}, capture_output=True,
                          text=True, timeout=60).stdout == script.stdout.rstrip("\n") + "\n"
    done = subprocess.run([PLANTRAIL, "completion", "bash", "--install"], env=env, capture_output=True, text=True,
                          timeout=60)
    installed = tmp_path / ".local/share/bash-completion/completions/plantrail"
    assert done.returncode == 0 and str(installed) in done.stdout and installed.read_text() == script.stdout
    words = subprocess.run([PLANTRAIL], env={**env, "_PLANTRAIL_COMPLETE": "bash_complete",
                                             "COMP_WORDS": "plantrail plan wi", "COMP_CWORD": "2"},
                           capture_output=True, text=True, timeout=60).stdout
    assert "withdraw" in words
    assert "_PLANTRAIL_COMPLETE=bash_source plantrail" in (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
