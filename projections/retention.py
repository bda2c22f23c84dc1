"""Which children's records are past their retention period (CLI.md, "Retention and erasure":
``retention due``), by the authority's schedule (domain/retention.py)."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from plantrail.domain.errors import BadInput
from plantrail.domain.retention import Kept, Period, Schedule, retain_until
from plantrail.projections.timescales import read_toml

DEFAULT_PATH = Path(__file__).with_name("retention.toml")
ENV = "PLANTRAIL_RETENTION"


def load_schedule(path: str | os.PathLike[str] | None = None) -> Schedule:
    """The defaults, each table overlaid by ``path`` (or $PLANTRAIL_RETENTION) when given; an
    unknown table or key is refused (a misspelt setting would leave a default in force)."""
    tables = _read(DEFAULT_PATH)
    chosen = path or os.environ.get(ENV)
    if chosen:
        given = _read(Path(chosen), ENV if not path else None)
        for name, table in given.items():
            if name not in tables or not isinstance(table, dict):
                raise BadInput(f"the retention schedule {chosen} has an unknown table [{name}]",
                               fix="use [looked-after], [child-protection], [child-in-need]")
            tables[name] = table  # an authority's table replaces the default's whole
    try:
        return Schedule.model_validate(tables)
    except ValidationError as e:
        first = e.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise BadInput(f"the retention schedule {chosen or DEFAULT_PATH}: {where}: {first['msg']}") from None


def _read(path: Path, env: str | None = ENV) -> dict[str, Any]:
    return read_toml(path, "the retention schedule", env)


def kept_until(schedule: Schedule, child: Any) -> Kept:
    """One child's record: until when it is kept, and by which rule."""
    s = child.state
    periods = [Period(p.kind, p.ended_on) for p in s.periods]
    return retain_until(schedule, s.born, s.died, periods)


def retention_due(app: Any, on: date, schedule: Schedule) -> list[dict[str, Any]]:
    """The children whose records are past their retention period on ``on`` (and not yet
    erased), oldest date first."""
    from plantrail.projections.children import find_children

    due = []
    for row in find_children(app):
        child = app.child(row["child"])
        if getattr(child, "erased", False):
            continue
        kept = kept_until(schedule, child)
        if kept.retain_until is not None and kept.retain_until < on:
            due.append({"child": child.state.child_ref, "retain_until": kept.retain_until.isoformat(),
                        "rule": kept.rule})
    return sorted(due, key=lambda d: (d["retain_until"], d["child"]))
