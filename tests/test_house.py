"""Rules of the house that import-linter's contracts do not say (pyproject.toml has those):
small modules, one name for each package, no private name taken from another package."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RINGS = ("domain", "application", "store", "projections", "cli")
MOST_LINES = 420  # "about 400 lines at most"


def _modules(*folders: str) -> list[Path]:
    return [p for folder in folders for p in sorted((ROOT / folder).rglob("*.py"))]


def test_no_module_is_over_about_400_lines():
    long = {str(p.relative_to(ROOT)): n for p in _modules(*RINGS, "bench")
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MOST_LINES}
    assert not long, long


def test_the_packages_are_imported_by_their_installed_name_only():
    # A module imported as both `domain.events` and `plantrail.domain.events` would be two
    # modules with two sets of classes: an event of one would not be an event of the other.
    bare = re.compile(r"^\s*(from|import) (" + "|".join(RINGS) + r")\b", re.M)
    found = [str(p.relative_to(ROOT)) for p in _modules(*RINGS, "bench", "tests") if bare.search(p.read_text())]
    assert not found, found


def test_the_domain_takes_from_eventsourcing_only_its_domain_and_utilities():
    allowed = {"eventsourcing.domain", "eventsourcing.utils"}
    used = {m for p in _modules("domain") for m in re.findall(r"^\s*from (eventsourcing[\w.]*) import", p.read_text(), re.M)}
    assert used <= allowed, used - allowed


def test_no_private_name_is_taken_from_another_package():
    taken = re.compile(r"^\s*from plantrail\.(\w+)[\w.]* import .*\b_[a-z]\w*", re.M)
    found = []
    for p in _modules(*RINGS, "bench"):
        home = p.relative_to(ROOT).parts[0]
        found += [f"{p.relative_to(ROOT)}: {m.group(0).strip()}" for m in taken.finditer(p.read_text())
                  if m.group(1) != home]
    assert not found, found
