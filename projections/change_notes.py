"""The changes since a review as a chair reads them: one note a margin entry.

``changes_since`` lists every changed field of every entry (for machines and auditors).
A chair reads them as the paper form's margin notes: what was changed (the action and
its area, the aim, a view...), the initials and date in the margin, each field before
and after in words, who it was discussed with and why, in the order the changes took
effect. Internal bookkeeping the fold keeps (when and at which review an aim was set,
an option's words beside its number) is not a change of its own. The review pack and
``changes`` as text both read these notes.
"""

from __future__ import annotations

from typing import Any

from plantrail.domain.vocabulary import AIM_OPTIONS

# Fields the fold keeps that restate another change, never a change of their own.
INTERNAL = frozenset({"aim_set_on", "aim_review_id", "aim_option_text", "last_review", "version",
                      "changed_since_approval", "problems", "placed_on", "initial_plan_ends"})
# What an added (or withdrawn) entry shows: its own columns, not the fold's bookkeeping.
BOOKKEEPING = frozenset({"action_id", "area", "status", "added_on", "changed_on", "initials", "rating",
                         "ended_on", "end_reason"})
FIELD_LABELS = {
    "need": "Identified needs and strengths", "response": "Response: actions or services",
    "frequency": "Frequency and length", "responsible": "Person / agency responsible",
    "starts": "Date service commences", "outcomes": "Planned outcomes", "aim": "Overall aim",
    "aim_option": "Part One option", "aim_months": "Within months", "next_review": "Next review",
    "approved_version": "Approved version", "why_care": "Why care is necessary",
    "prevention": "What was done to prevent it", "effective_on": "Date", "on": "Date",
    "contingency": "Consequences if the plan is not followed", "monitoring": "Who monitors the outcomes, and how",
    "involvement": "How the child and family were involved", "referrals": "Referrals to other agencies",
    "named_person": "Named Person", "lead": "Lead professional", "needs_summary": "Summary of needs",
    "agreed_by": "Agreed by", "due": "Outcomes due by",
}
SECTION_TITLES = {
    "aim": "Overall aim", "details": "Key details", "views": "Views", "signatures": "Signatures",
    "contacts": "Contact arrangements", "placements": "Placements", "reviews": "Reviews",
    "meetings": "Meetings", "linked": "Other plans and records",
    "lifecycle": "The plan",
}
AREA_TITLES = {
    "parenting-capacity": "Parenting capacity",
    "family-and-environmental-factors": "Family and environmental factors",
    "birth-family-parenting-capacity": "Birth family: parenting capacity",
    "corporate-parent-parenting-capacity": "Corporate parent: parenting capacity",
    "birth-family-environmental-factors": "Birth family: family and environmental factors",
    "corporate-parent-environmental-factors": "Corporate parent: family and environmental factors",
}
# Fields whose change is a whole entry added or taken away (an action, a view...), not a value.
WHOLE = frozenset({None, "action", "review", "views", "signatures", "contacts", "placements", "meeting", "copies",
                   "returned", "linked"})
DOING = {
    "action-added": "added", "action-amended": "amended", "action-ended": "ended",
    "aim-changed": "changed", "details-recorded": "recorded", "view-recorded": "recorded",
    "signature-recorded": "recorded", "contact-recorded": "recorded", "corrected": "corrected",
    "voided": "withdrawn as recorded in error", "plan-approved": "approved", "kind-changed": "kind changed",
    "plan-closed": "closed", "plan-withdrawn": "withdrawn as opened in error",
    "meeting-recorded": "recorded", "meeting-record-sent": "record sent", "plan-returned": "returned for changes",
    "record-linked": "joined", "plan-distributed": "sent",
}


def field_label(field: str | None) -> str:
    if not field:
        return ""
    words = FIELD_LABELS.get(field) or field.replace("_", " ").replace("-", " ")
    return words[:1].upper() + words[1:]


def section_title(section: str, item: str | None = None) -> str:
    """'actions/health' and A1 -> 'Action A1 · Health'; 'aim' -> 'Overall aim'."""
    if section.startswith("actions/"):
        area = section.split("/", 1)[1]
        words = AREA_TITLES.get(area) or area.replace("-", " ")
        words = words[:1].upper() + words[1:]
        return f"Action {item} · {words}" if item else words
    title = SECTION_TITLES.get(section) or section.replace("-", " ").replace("_", " ").capitalize()
    return f"{title} · {item}" if item else title


def shown(field: str | None, value: Any) -> Any:
    """A value in words: an aim option with its words, an entry without its bookkeeping."""
    if field == "aim_option" and isinstance(value, int):
        return f"{value} ({AIM_OPTIONS.get(value, '?')})"
    if isinstance(value, dict):
        return {field_label(k): v for k, v in value.items() if k not in BOOKKEEPING and v not in (None, "", [], {})}
    return value


def notes(changes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The changes grouped by the entry that made them, in the order they took effect
    (ties in the order recorded), each field labelled and shown before and after, and
    numbered; an entry voided or corrected by a later one of the list names it
    (``voided_by``, ``corrected_by``), and that one names its number (``target_number``)."""
    by_event: dict[str, dict[str, Any]] = {}
    for c in changes:
        if c.get("field") in INTERNAL:
            continue
        note = by_event.get(c["event_id"])
        if note is None:
            note = by_event[c["event_id"]] = {
                **{k: c.get(k) for k in ("event_id", "type", "effective_on", "recorded_at", "initials", "actor",
                                         "reason", "discussed_with", "correction", "voids", "target", "section",
                                         "item", "position")},
                "title": section_title(str(c.get("section") or "lifecycle"), c.get("item")),
                "doing": DOING.get(str(c.get("type")), str(c.get("type") or "").replace("-", " ")),
                "fields": [],
            }
        field = c.get("field")
        whole = field in WHOLE
        note["fields"].append({
            "field": field, "label": "" if whole else field_label(field),
            "before": shown(field, c.get("before")), "after": shown(field, c.get("after")),
        })
    listed = sorted(by_event.values(), key=lambda n: (n["effective_on"] or "", n["position"] or 0))
    for number, note in enumerate(listed, start=1):
        note.update(number=number, voided_by=None, corrected_by=[], target_number=None)
    for note in listed:  # an entry voided or corrected later in the list is marked where it stands
        target = by_event.get(note.get("target") or "")
        if target is None:
            continue
        note["target_number"] = target["number"]
        if note.get("voids"):
            target["voided_by"] = note
        elif note.get("correction"):
            target["corrected_by"].append(note)
    return listed
