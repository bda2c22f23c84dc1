"""A child's record as the records officer looks it up (CLI.md, "Who reads": ``child
show``), and the children found by name or reference (``child list``)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from pydantic_core import to_jsonable_python

from plantrail.domain.child import LOOKED_AFTER_CHARACTERISTICS
from plantrail.domain.events import ChildRegistered
from plantrail.projections.plans import WITHDRAWN, list_plans
from plantrail.projections.tail import view_now
from plantrail.projections.views import CHILDREN
from plantrail.store import view_tables


def child_document(app: Any, child_ref: str) -> dict[str, Any]:
    """The child's registration as it stands (corrections applied) and the child's plans.

    ``restricted``: whether the record is restricted (CLI.md, "Who reads"). Plans
    withdrawn as opened in error are not the child's: they are listed apart, with the
    reason, in ``withdrawn_plans``.
    """
    child = app.child(child_ref)  # NotFound: exit 2
    if child.erased:
        from plantrail.projections.erased import erased_child

        return erased_child(child)
    s = child.state
    registration = child.as_corrected(child.entries[0]) if child.entries else None
    return to_jsonable_python({
        "child": s.child_ref,
        "name": s.name,
        "born": s.born,
        "sex": s.sex,
        "upn": s.upn,
        "nation": s.nation,
        "restricted": s.restricted_to is not None,
        "record_opened_on": registration.effective_on if isinstance(registration, ChildRegistered) else None,
        "registration_event_id": f"{child.id}/1",
        **characteristics(s),
        "plans": list_plans(app, child=s.child_ref),
        "withdrawn_plans": [_withdrawn(app, r["plan_id"]) for r in list_plans(app, child=s.child_ref,
                                                                               status=WITHDRAWN)],
        # The SSDA903 return's characteristics and missing periods (issue 24).
        **{name: getattr(s, name) for name in LOOKED_AFTER_CHARACTERISTICS},
        "missing": s.missing,
    })


def characteristics(s: Any) -> dict[str, Any]:
    """The returns' characteristics of a child, and the census's referrals, assessments
    and Section 47 enquiries, each with the event ``correct`` names (CLI.md, "Statutory returns")."""
    return {
        "ethnicity": s.ethnicity, "disabilities": list(s.disabilities), "upn_unknown": s.upn_unknown,
        "former_upn": s.former_upn, "died": s.died,
        "referrals": [r.model_dump() for r in sorted(s.referrals, key=lambda r: r.on)],
        "assessments": [a.model_dump() for a in sorted(s.assessments, key=lambda a: a.started)],
        "s47_enquiries": [e.model_dump() for e in sorted(s.enquiries, key=lambda e: e.started)],
    }


def _withdrawn(app: Any, plan_id: str) -> dict[str, Any]:
    from plantrail.projections.current import current_plan

    document = current_plan(app, plan_id)
    return {k: document[k] for k in ("plan_id", "kind", "opened_on", "withdrawn_on", "withdraw_reason")}


def find_children(app: Any, search: str | None = None) -> list[dict[str, Any]]:
    """Children whose reference or name holds ``search`` (any case); every child without it.
    The children view's rows, with the records it has not yet taken in folded in memory
    (``projections.tail``), as every list read."""
    now = view_now(app, CHILDREN)
    rows = {r["child_id"]: r for r in (view_tables.child_rows(app, search) if now.usable else [])}
    wanted = (search or "").casefold()
    for child_id, row in now.as_dicts().items():
        rows.pop(child_id, None)
        if wanted in row["child_ref"].casefold() or wanted in row["name"].casefold():
            rows[child_id] = row
    open_plans = Counter(p["child"] for p in list_plans(app, status="open"))
    return [{"child": r["child_ref"], "name": r["name"], "born": r["born"], "nation": r["nation"],
             "open_plans": open_plans[r["child_ref"]]} for r in sorted(rows.values(), key=lambda r: r["child_ref"])]
