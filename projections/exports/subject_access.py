"""Everything held about one child, for a subject access request (DOMAIN.md, "Keeping
records": "answered within a month with everything held about the person, in an
order they can follow").

``subject_access`` gathers the child's record, each of the child's plans as it
stands, and every event of the child's record and of those plans — with its event
id, recorded and effective times and the staff member who recorded it — and every
correction and void with who made it, what it changed and why. ``to_html`` renders
it as a narrative in date order.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from pydantic_core import to_jsonable_python

from plantrail.domain.errors import NotFound
from plantrail.domain.events import ChildRegistered, Corrected, Voided
from plantrail.projections.walk import data, envelope, iso_utc

# What each event says, in words, for the narrative.
SAYS = {
    "child-registered": "The child's record was opened",
    "child-plan-started": "A plan started for the child",
    "child-plan-ended": "A plan of the child's ended",
    "plan-opened": "A plan was opened",
    "plan-approved": "The plan was approved",
    "kind-changed": "The plan changed kind",
    "aim-changed": "The overall aim changed",
    "details-recorded": "Key details of the plan were recorded",
    "action-added": "An action was added to the plan",
    "action-amended": "An action of the plan was changed",
    "action-ended": "An action of the plan ended",
    "view-recorded": "A view of the plan was recorded",
    "signature-recorded": "The plan was signed",
    "contact-recorded": "A contact arrangement was recorded",
    "review-held": "A review was held",
    "supervision-discussed": "The plan was discussed in supervision",
    "visit-recorded": "A visit was recorded",
    "placement-recorded": "A placement was recorded",
    "plan-distributed": "Copies of the plan were sent",
    "initial-plan-extended": "The Initial Plan was extended",
    "plan-closed": "The plan was closed",
    "corrected": "A recording error was corrected",
    "voided": "An entry was withdrawn as recorded in error",
    "plan-withdrawn": "The plan was withdrawn as opened in error",
    "child-plan-withdrawn": "A plan opened in error was withdrawn from the child's record",
    "referral-recorded": "A referral to children's social care was recorded",
    "assessment-recorded": "A child and family assessment was recorded",
    "s47-recorded": "A Section 47 enquiry was recorded",
    "meeting-recorded": "A meeting about the plan was recorded",
    "meeting-record-sent": "The record of a meeting was sent",
    "plan-returned": "The plan was returned for changes",
    "record-linked": "Another plan or record was joined to the plan",
}


def subject_access(app: Any, child_ref: str) -> dict[str, Any]:
    from plantrail.projections.children import characteristics
    from plantrail.projections.current import current_plan
    from plantrail.projections.history import history
    from plantrail.projections.plans import list_plans

    child = app.child(child_ref)  # NotFound: exit 2
    if child.erased:
        from plantrail.domain.errors import NotFound

        raise NotFound(f"the record of child {child_ref} was erased: plantrail holds nothing more about them")
    state = child.state
    # Plans withdrawn as opened in error are in no list, but were held about the child: here, marked.
    plan_ids = list(dict.fromkeys([*(str(p.plan_id) for p in [*state.periods, *state.withdrawn]),
                                   *(row["plan_id"] for row in list_plans(app, child=child_ref)),
                                   *(row["plan_id"] for row in list_plans(app, child=child_ref,
                                                                          status="withdrawn"))]))
    plans = []
    for plan_id in plan_ids:
        plans.append({"plan_id": plan_id, "plan": current_plan(app, plan_id),
                      "events": history(app, plan_id)})
    plans.sort(key=lambda p: (p["plan"]["opened_on"] or "", p["plan_id"]))
    child_events = _record_history(app, child.id)
    every = [*({**e, "record": "child"} for e in child_events),
             *({**e, "record": f"plan {p['plan_id']}", "plan_id": p["plan_id"]} for p in plans for e in p["events"])]
    timeline = sorted(every, key=lambda e: (e["effective_on"], e["recorded_at"], e.get("position") or 0))
    corrections = [_correction(e) for e in timeline if e.get("corrects") or e.get("voids")]
    actors = sorted({e["actor"] for e in timeline})
    return to_jsonable_python({
        "subject": child_ref,
        "produced_at": iso_utc(app.clock()),
        "child": {
            "child_ref": state.child_ref, "name": state.name, "born": state.born, "sex": state.sex,
            "upn": state.upn, "nation": state.nation, **characteristics(state),
            "plans": [p.model_dump() for p in state.periods],
            "withdrawn_plans": [p.model_dump() for p in state.withdrawn],
        },
        "staff": {a: _staff(app, a) for a in actors},
        "plans": plans,
        "child_record_events": child_events,
        "events": timeline,
        "corrections": corrections,
        "counts": {"plans": len(plans), "events": len(timeline), "corrections": len(corrections)},
    })


def child_record_history(app: Any, child_ref: str) -> list[dict[str, Any]]:
    """The events of a child's own record, by the child's reference (``history CHILD_REF``)."""
    from plantrail.domain.child import child_id
    from plantrail.domain.errors import NotFound

    try:
        return _record_history(app, child_id(child_ref))
    except NotFound:
        raise NotFound(f"no plan or child {child_ref}", fix="see `plantrail plans` and `plantrail child list`") from None


def _record_history(app: Any, record_id: UUID) -> list[dict[str, Any]]:
    """The child record's events in the shape ``history`` gives a plan's."""
    from plantrail.store.log import provenance

    events = app.events_of(record_id)
    if not events or not isinstance(events[0], ChildRegistered):
        raise NotFound(f"no child record {record_id}")
    stored = provenance(app, record_id)
    rows: list[dict[str, Any]] = []
    by_id: dict[str, dict[str, Any]] = {}
    corrections: dict[int, dict[str, Any]] = {}
    for event in events:
        row = {**envelope(event, stored.get(event.originator_version)), "command_id": event.command_id,
               "data": data(event), "corrects": None, "voids": None, "corrected_by": [], "voided_by": None}
        if isinstance(event, (Corrected, Voided)):
            target_id = f"{event.originator_id}/{event.target_version}"
            target = by_id.get(target_id)
            row["target_type"] = target["type"] if target else None
            if isinstance(event, Corrected):
                was = {**(target["data"] if target else {}), **corrections.get(event.target_version, {})}
                row["corrects"] = target_id
                row["corrected_fields"] = [{"field": k, "before": was.get(k), "after": v}
                                           for k, v in event.fields.items()]
                corrections.setdefault(event.target_version, {}).update(event.fields)
                if target:
                    target["corrected_by"].append(event.event_id)
            else:
                row["voids"] = target_id
                if target:
                    target["voided_by"] = event.event_id
        by_id[event.event_id] = row
        rows.append(row)
    return rows


def _correction(e: dict[str, Any]) -> dict[str, Any]:
    return {
        "event_id": e["event_id"], "type": e["type"], "target": e.get("corrects") or e.get("voids"),
        "target_type": e.get("target_type"), "fields": e.get("corrected_fields") or [],
        "reason": e.get("reason"), "actor": e["actor"], "initials": e["initials"],
        "recorded_at": e["recorded_at"],
    }


def _staff(app: Any, staff_id: str) -> dict[str, Any]:
    try:
        s = app.staff_member(staff_id).state
    except NotFound:
        return {"name": None, "initials": None, "roles": []}
    return {"name": s.name, "initials": s.initials, "roles": list(s.roles)}


# --------------------------------------------------------------------------- HTML


def to_html(document: dict[str, Any]) -> str:
    from plantrail.projections.exports.render import environment

    return environment().get_template("subject_access.html.j2").render(doc=document, says=SAYS, describe=describe)


def describe(event: dict[str, Any]) -> list[tuple[str, str]]:
    """An event's recorded values as label/value pairs, in the order recorded."""
    pairs = []
    for key, value in (event.get("data") or {}).items():
        if value is None or value == [] or value == {}:
            continue
        if isinstance(value, list):
            text = "; ".join(str(v) for v in value)
        elif isinstance(value, dict):
            text = "; ".join(f"{k}: {v}" for k, v in value.items())
        else:
            text = str(value)
        pairs.append((key.replace("_", " "), text))
    return pairs
