"""Field-level differences between two plan documents, labelled by plan section.

History and the review chair's list of changes both say what an event did by
folding: the document before it and after it are compared here. Sections follow
the paper plan: the overall aim, Part One details, one action table per area,
views, signatures, contacts, reviews, and the plan's lifecycle.
"""

from __future__ import annotations

from typing import Any

AIM_FIELDS = ("aim", "aim_option", "aim_option_text", "aim_months", "aim_set_on", "aim_review_id")
# Keyed tables: one row per item, its id in ``item``.
KEYED = {"actions": ("action", "action_id"), "reviews": ("review", "review_id"),
         "meetings": ("meeting", "meeting_id")}
LISTS = ("views", "signatures", "contacts", "visits", "supervisions", "distributed", "kinds", "placements",
         "copies", "returned", "linked", "not_agreeing")
SECTION_OF = {
    **{f: "aim" for f in AIM_FIELDS},
    "details": "details",
    "views": "views",
    "signatures": "signatures",
    "contacts": "contacts",
    "reviews": "reviews",
    "next_review": "reviews",
    "placements": "placements",
    "placed_on": "placements",
    "meetings": "meetings",
    "linked": "linked",
    "part_two_replaced_by": "linked",
    "not_agreeing": "signatures",
}
SECTION_ORDER = ("aim", "details", "actions", "views", "signatures", "contacts", "placements", "linked", "meetings",
                 "reviews", "lifecycle")
# Bookkeeping that every event changes or that restates the event's own margin note.
IGNORED = frozenset({"version", "changed_since_approval", "problems", "last_review"})
ACTION_NOTE = frozenset({"changed_on", "initials"})


def action_section(area: str) -> str:
    return f"actions/{area}"


def section_of(field: str) -> str:
    return SECTION_OF.get(field, "lifecycle")


def section_rank(section: str) -> int:
    return SECTION_ORDER.index(section.split("/")[0])


def row(section: str, field: str | None, before: Any, after: Any, item: str | None = None) -> dict[str, Any]:
    return {"section": section, "field": field, "item": item, "before": before, "after": after}


def diff(before: dict[str, Any], after: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per changed field, in the order the document lists them."""
    rows: list[dict[str, Any]] = []
    for field, new in after.items():
        old = before.get(field)
        if field in IGNORED or old == new:
            continue
        if field in KEYED:
            rows += _keyed(field, old or [], new or [])
        elif field == "details":
            rows += [row("details", k, (old or {}).get(k), (new or {}).get(k))
                     for k in sorted({*(old or {}), *(new or {})}) if (old or {}).get(k) != (new or {}).get(k)]
        elif field in LISTS:
            rows += _listed(field, old or [], new or [])
        else:
            rows.append(row(section_of(field), field, old, new))
    return rows


def _keyed(field: str, old: list[dict[str, Any]], new: list[dict[str, Any]]) -> list[dict[str, Any]]:
    singular, key = KEYED[field]
    before = {i[key]: i for i in old}
    after = {i[key]: i for i in new}
    rows = []
    for item_id in [*after, *(k for k in before if k not in after)]:
        b, a = before.get(item_id), after.get(item_id)
        section = _item_section(field, a or b)
        if b is None or a is None:  # added, or withdrawn by a void
            rows.append(row(section, singular, b, a, item_id))
            continue
        for name in a:
            if a[name] != b.get(name) and not (field == "actions" and name in ACTION_NOTE):
                rows.append(row(_item_section(field, a), name, b.get(name), a[name], item_id))
    return rows


def _item_section(field: str, item: dict[str, Any]) -> str:
    return action_section(item["area"]) if field == "actions" else section_of(field)


def _listed(field: str, old: list[Any], new: list[Any]) -> list[dict[str, Any]]:
    """Items added or taken away (lists only grow, but a void or correction can take
    one out or change it: shown as the old item out and the new one in)."""
    remaining = list(old)
    added = []
    for item in new:
        if item in remaining:
            remaining.remove(item)
        else:
            added.append(item)
    section = section_of(field)
    return [row(section, field, item, None) for item in remaining] + [row(section, field, None, item) for item in added]
