"""``history`` as text: every event of the plan, its whole event id (what ``correct`` and
``void`` take), when it took effect and when it was recorded, by whom, what it changed
and on what authority."""

from __future__ import annotations

from typing import Any

from rich.text import Text

from plantrail.cli import layout
from plantrail.cli.layout import Field
from plantrail.projections.change_notes import INTERNAL, WHOLE, field_label, section_title, shown

FIELDS = (
    Field("event_id", "Event", "id", in_block=False),
    Field("type", "Type", "short", in_block=False),
    Field("effective_on", "Effective", "id"),
    Field("recorded", "Recorded (UTC)", "id"),
    Field("by", "By", "short"),
    Field("what", "What"),
    Field("why", "Why / authority"),
    Field("position", "Log position", "short"),
)


def render_history(rows: list[dict[str, Any]], heading: str) -> None:
    layout.heading(heading)
    layout.say(f"{len(rows)} event{'s' if len(rows) != 1 else ''}, oldest first. "
               "An event id is what `plantrail correct` and `plantrail void` take.")
    shown = [{**r, "recorded": _recorded(r["recorded_at"]), "by": f"{r['actor']} ({r['initials']})",
              "what": what(r), "why": "\n".join(filter(None, [r.get("reason"), r.get("authority")]))}
             for r in rows]
    layout.records(None, shown, FIELDS, block_title=_title)


def _recorded(recorded_at: str) -> str:
    """To the second (the JSON keeps the microseconds)."""
    return recorded_at.replace("T", " ")[:19]


def _title(r: dict[str, Any]) -> Text:
    title = Text(r["event_id"], style="bold")
    title.append(f"  {r['type']}")
    return title


def what(entry: dict[str, Any]) -> str:
    """What an event did, in a few lines."""
    if entry.get("corrects"):
        fields = "\n".join(f"{field_label(f['field'])}: {_was_now(f.get('before'), f.get('after'))}"
                           for f in entry.get("corrected_fields") or [])
        return f"corrects {entry['corrects']} ({entry.get('target_type')})\n{fields}".strip()
    if entry.get("voids"):
        return f"withdraws {entry['voids']} ({entry.get('target_type')}) as recorded in error"
    lines = []
    for c in entry.get("changes") or []:
        if c.get("field") in INTERNAL:
            continue
        title = section_title(str(c.get("section") or "lifecycle"), c.get("item"))
        field = c.get("field")
        if field in WHOLE:
            lines.append(f"{title}: {'added' if c.get('before') is None else 'removed'}")
        else:
            lines.append(f"{field_label(field)}: {_was_now(shown(field, c.get('before')), shown(field, c.get('after')))}")
    marks = [f"corrected by {', '.join(entry['corrected_by'])}" if entry.get("corrected_by") else "",
             f"voided by {entry['voided_by']}" if entry.get("voided_by") else ""]
    return "\n".join([*lines, *filter(None, marks)])


def _was_now(before: Any, after: Any) -> str:
    was, now = _flat(before), _flat(after)
    return f"{was} → {now}" if was else now


def _flat(value: Any) -> str:
    if isinstance(value, list):
        return "; ".join(_flat(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_flat(v)}" for k, v in value.items() if v not in (None, "", [], {}))
    return "" if value is None else str(value)
