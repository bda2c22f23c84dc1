"""``changes`` as text, read like the review pack (issue 25, item 4): the child and the
plan on top, then one margin note a change in the order the changes took effect, each
field in words, before -> after, who it was discussed with, why, and when and by whom
it was recorded."""

from __future__ import annotations

from typing import Any

from rich.text import Text

from plantrail.cli import layout
from plantrail.projections.change_notes import notes

ARROW = " → "


def plan_heading(plan: dict[str, Any], child_name: str) -> str:
    from plantrail.projections.exports.review_pack import PLAN_TITLES

    child = f"{child_name} ({plan['child']})" if child_name else plan["child"]
    return f"{child} · {PLAN_TITLES.get(plan['kind'], plan['kind'])} · plan {plan['plan_id']}"


def render_changes(document: dict[str, Any], plan: dict[str, Any], child_name: str,
                   staff_names: dict[str, str]) -> None:
    layout.heading(plan_heading(plan, child_name))
    listed = notes(document.get("changes", []))
    since = document.get("since")
    count = f"{len(listed)} change{'' if len(listed) == 1 else 's'}"
    if since:
        kind = str(since.get("kind", "")).replace("-", " ")
        layout.say(f"Changes since review {since['review_id']} ({kind}) held {since['held_on']}: {count}, "
                   "in the order they took effect")
    else:
        layout.say(f"Changes since the plan was opened (no review held yet): {count}, "
                   "in the order they took effect")
    if not listed:
        layout.say("No changes recorded since then.")
    for note in listed:
        render_note(note, staff_names)


def render_note(note: dict[str, Any], staff_names: dict[str, str]) -> None:
    out = layout.console()
    out.print()
    head = Text()
    head.append(f"{note['number']}. {note['effective_on']}  {note['initials']}", style="bold")
    head.append(layout.visible(f"  {note['title']}: {note['doing']}"))
    out.print(head)
    actor = note.get("actor") or ""
    who = f"{staff_names.get(actor) or actor} ({actor})" if actor else ""
    void = note.get("voided_by")
    layout.pairs([
        ("Of entry", note.get("target") and (f"{note['target']}" + (f" (change {note['target_number']} above)"
                                                                      if note.get("target_number") else ""))),
        *((f["label"] or "Entry", _change(f["before"], f["after"], note)) for f in note["fields"]),
        ("Discussed with", note.get("discussed_with")),
        ("Reason", note.get("reason")),
        ("Withdrawn", void and (f"as recorded in error, {void['initials']} {void['effective_on']}: "
                                f"{void.get('reason') or ''} (change {void['number']} below)")),
        ("Corrected", ", ".join(f"{c['initials']} {c['effective_on']} (change {c['number']} below)"
                                for c in note.get("corrected_by") or [])),
        ("Recorded", f"{_when(note.get('recorded_at'))} by {who}".strip()),
        ("Event", note.get("event_id")),
    ], indent=4)


def _change(before: Any, after: Any, note: dict[str, Any]) -> str:
    """before -> after on a line when both are short; otherwise 'was' and 'now' apart."""
    was, now = layout.cell(before), layout.cell(after)
    if note.get("voids"):
        return f"withdrawn: {was}" if was else "withdrawn"
    if not was:
        return now
    if not now:
        return f"removed: {was}"
    if "\n" in was or "\n" in now or len(was) + len(now) + len(ARROW) > layout.width() // 2:
        return f"was: {was}\nnow: {now}"
    return f"{was}{ARROW}{now}"


def _when(recorded_at: str | None) -> str:
    """A recording time to the minute, in UTC (the JSON keeps it whole)."""
    if not recorded_at:
        return ""
    return recorded_at.replace("T", " ")[:16] + " UTC"
