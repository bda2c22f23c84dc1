"""What is shown of an erased child's records (CLI.md, "Retention and erasure"): that they
were erased, and when each thing was recorded, of what kind, and by whom; no content."""

from __future__ import annotations

from typing import Any

from pydantic_core import to_jsonable_python

from plantrail.domain.events import ChildErased, Erased, ErasureRequested, type_name


def _entry(event: Any) -> dict[str, Any]:
    kind = event.kind_of_event if isinstance(event, Erased) else type_name(event)
    return {"event": kind, "version": event.originator_version, "effective_on": event.effective_on,
            "recorded_at": event.timestamp, "actor": event.actor, "initials": event.initials}


def erased_plan(plan: Any) -> dict[str, Any]:
    first = plan.entries[0]
    plain = first.plain if isinstance(first, Erased) else {}
    return to_jsonable_python({
        "plan_id": str(plan.id), "erased": True, "child": plain.get("child_ref"), "kind": plain.get("kind"),
        "opened_on": first.effective_on, "events": [_entry(e) for e in plan.entries], "version": plan.version,
    })


def erased_child(child: Any) -> dict[str, Any]:
    erasure = next((e for e in child.entries if isinstance(e, ChildErased)), None)
    request = next((e for e in child.entries if isinstance(e, ErasureRequested)), None)
    plans = [{"plan_id": e.plain.get("plan_id"), "kind": e.plain.get("kind"), "started_on": e.effective_on}
             for e in child.entries if isinstance(e, Erased) and e.topic.endswith(":ChildPlanStarted")]
    return to_jsonable_python({
        "child": child.state.child_ref, "erased": True,
        "erased_on": erasure.effective_on if erasure else None,
        "erasure": None if erasure is None else {
            "request_id": erasure.request_id, "requested_by": erasure.requested_by, "approved_by": erasure.actor,
            "reason": request.reason if request else None, "authority": request.authority if request else None},
        "plans": plans, "events": [_entry(e) for e in child.entries],
    })
