"""Every event of a plan, oldest first, with what it changed (CLI.md, ``history``).

Auditors replay a plan from this: who changed what, when (recorded and effective),
why, on whose authority. A correction never hides the original: the original is
listed as first recorded, marked ``corrected_by``, and the correction names it in
``corrects`` with each field's value before and after.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from plantrail.domain.base import event_id
from plantrail.domain.events import Corrected, Voided, type_name
from plantrail.projections.diff import diff
from plantrail.projections.walk import data, envelope, steps


def history(app: Any, plan_ref: str | UUID) -> list[dict[str, Any]]:
    from plantrail.projections.plans import resolve_plan_id

    plan_id = resolve_plan_id(app, plan_ref)
    entries: list[dict[str, Any]] = []
    by_id: dict[str, dict[str, Any]] = {}
    for step in steps(app, plan_id):
        event = step.event
        entry = {
            **envelope(event, step.stored),
            "command_id": event.command_id,
            "data": data(event),
            "changes": diff(step.before, step.after),
            "corrects": None,
            "voids": None,
            "corrected_by": [],
            "voided_by": None,
        }
        if isinstance(event, (Corrected, Voided)):
            target_id = event_id(event.originator_id, event.target_version)
            entry["target_type"] = type_name(step.target) if step.target is not None else None
            if isinstance(event, Corrected):
                entry["corrects"] = target_id
                entry["corrected_fields"] = step.corrected_fields
                by_id[target_id]["corrected_by"].append(event.event_id)
            else:
                entry["voids"] = target_id
                by_id[target_id]["voided_by"] = event.event_id
        by_id[event.event_id] = entry
        entries.append(entry)
    return entries
