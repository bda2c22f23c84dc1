"""Every change since the last review, for the review chair (CLI.md, ``changes``).

"All changes to Part Two of the Care Plan should be considered at the next
review" (seed 003). A change is listed when it was *recorded* after the review's
own entry in the plan's sequence: a back-dated entry made after the review was not
seen at it, so it is listed whatever its effective date. What was decided *at* the
review (an entry naming it: the aim or kind it changed) is not a change since it. Each changed field is a
row carrying the margin note (initials, date) and whether it was discussed with
the family; corrections and voids recorded since are listed too, marked.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from plantrail.domain.base import Event
from plantrail.domain.errors import NotFound
from plantrail.domain.events import ActionAdded, ActionAmended, ActionEnded, Corrected, ReviewHeld, Voided
from plantrail.projections.diff import action_section, diff, row, section_of, section_rank
from plantrail.projections.walk import Step, envelope, steps

# The section an entry belongs to when what it did shows no difference in the document.
TYPE_SECTION = {
    "AimChanged": "aim",
    "PlanDetailsRecorded": "details",
    "ViewRecorded": "views",
    "SignatureRecorded": "signatures",
    "ContactArrangementRecorded": "contacts",
    "ReviewHeld": "reviews",
}


def changes_since(app: Any, plan_ref: str | UUID, review_id: str | None = None) -> dict[str, Any]:
    from plantrail.projections.plans import resolve_plan_id

    walked = list(steps(app, resolve_plan_id(app, plan_ref)))
    review = _since_review(walked, review_id)
    listed = [s for s in walked if review is None or (s.event.originator_version > review.event.originator_version
                                                      and not _decided_at(s.event, review.event))]
    changes = [c for s in listed for c in _rows(s)]
    sections = sorted({c["section"] for c in changes}, key=lambda s: (section_rank(s), s))
    since = None
    if review is not None:
        e = review.event
        since = {"review_id": e.review_id, "kind": e.kind, "held_on": e.effective_on.isoformat(),
                 "event_id": e.event_id, "position": review.stored.position if review.stored else None}
    return {"since": since, "sections": sections, "changes": changes}


def _since_review(walked: list[Step], review_id: str | None) -> Step | None:
    """The named review, else the last one held (latest date; the domain's own rule);
    a voided review is no review. None when no review has been held."""
    final = walked[-1].after
    held = {r["review_id"] for r in final["reviews"]}
    wanted = review_id if review_id is not None else final["last_review"]
    if wanted is None:
        return None
    for step in walked:
        if isinstance(step.event, ReviewHeld) and step.event.review_id == wanted and wanted in held:
            return step
    raise NotFound(f"no review {review_id} held on this plan",
                   fix="see the plan's reviews with `plantrail show`; omit --since-review for the last one")


def _decided_at(event: Event, review: Event) -> bool:
    """An entry naming the review as its authority (an aim or kind changed, an Initial
    Plan extended at it) was decided at the review: not a change since it."""
    return getattr(event, "review_id", None) == getattr(review, "review_id", None) and not isinstance(
        event, ReviewHeld)


def _rows(step: Step) -> list[dict[str, Any]]:
    event = step.event
    head = {
        **envelope(event, step.stored),
        "discussed_with": getattr(event, "discussed_with", None),
        "correction": isinstance(event, Corrected),
        "voids": isinstance(event, Voided),
        "target": f"{event.originator_id}/{event.target_version}" if isinstance(event, (Corrected, Voided)) else None,
    }
    if isinstance(event, Corrected):
        section = _entry_section(step.target, step.after) if step.target else "lifecycle"
        fields = [{"section": _field_section(f["field"], section), "item": _item(step.target), **f}
                  for f in step.corrected_fields]
        return [{**head, **f} for f in fields]
    found = diff(step.before, step.after)
    if not found:  # still listed: every entry since the review is considered at the next
        subject = step.target if isinstance(event, Voided) and step.target else event
        found = [row(_entry_section(subject, step.after), None, None, None, _item(subject))]
    return [{**head, **r} for r in found]


def _entry_section(event: Event, document: dict[str, Any]) -> str:
    if isinstance(event, (ActionAdded, ActionAmended, ActionEnded)):
        area = next((a["area"] for a in document["actions"] if a["action_id"] == event.action_id), None)
        return action_section(area or getattr(event, "area", "unknown"))
    return TYPE_SECTION.get(type(event).__name__, "lifecycle")


def _field_section(field: str, entry_section: str) -> str:
    """A corrected field sits in its entry's section, except aim fields of an opening."""
    return "aim" if section_of(field) == "aim" else entry_section


def _item(event: Event | None) -> str | None:
    if isinstance(event, (ActionAdded, ActionAmended, ActionEnded)):
        return event.action_id
    return event.review_id if isinstance(event, ReviewHeld) else None
