"""Terminal renderings of the plan (``show``) and of the lists (``plans``, ``due``,
``projections``), laid out for the width there is (``cli.layout``).

``show`` prints the sections it knows in the paper form's order, then any other part of
the plan document generically (a list of entries as records, a mapping as pairs, a value
as a line), so a section added to the document is shown without a change here.
"""

from __future__ import annotations

from typing import Any

from plantrail.cli import layout
from plantrail.cli.layout import Field
from plantrail.domain.vocabulary import AIM_OPTIONS
from plantrail.projections.change_notes import field_label

ACTION_FIELDS = (
    Field("action_id", "Action", "id", in_block=False),
    Field("need", "Need"),
    Field("response", "Response"),
    Field("frequency", "Frequency"),
    Field("responsible", "Responsible"),
    Field("starts", "Starts", "id"),
    Field("outcomes", "Planned outcomes"),
    Field("margin", "Margin", "short", in_block=False),
)
SECTIONS = (  # (document key, title, fields) of the lists shown after the actions
    ("views", "Views", (Field("party", "Party", "short"), Field("name", "Name"), Field("text", "View"),
                        Field("on", "Date", "id"))),
    ("signatures", "Signatures (signing is not agreeing)",
     (Field("party", "Party", "short"), Field("name", "Name"), Field("agrees", "Agrees", "short"),
      Field("on", "Date", "id"))),
    ("contacts", "Contact arrangements", (Field("person", "Person"), Field("relationship", "Relationship"),
                                          Field("arrangement", "Arrangement"), Field("on", "Date", "id"))),
    ("placements", "Placements", (Field("placed_on", "Placed", "id"), Field("placement", "Carer or setting"),
                                  Field("emergency", "Emergency", "short"), Field("long_term", "Long term", "short"),
                                  Field("placement_type", "Type", "short"), Field("legal_status", "Legal status", "short"),
                                  Field("reason_new_episode", "New episode", "short"),
                                  Field("ended_on", "Ended", "id"), Field("end_reason", "Reason ceased", "short"))),
    ("reviews", "Reviews held", (Field("review_id", "Review", "id"), Field("kind", "Kind", "short"),
                                 Field("held_on", "Held", "id"), Field("chair", "Chair", "short"),
                                 Field("next_review", "Next review", "id"), Field("ratings", "Ratings", "short"),
                                 Field("participation", "Participation", "short"),
                                 Field("key_questions", "Five key questions"),
                                 Field("resilience", "Resilience matrix"))),
    ("meetings", "Meetings", (Field("meeting_id", "Meeting", "id"), Field("kind", "Kind", "short"),
                              Field("held_on", "Held", "id"), Field("invited", "Invited"),
                              Field("attended", "Attended"), Field("apologies", "Apologies"),
                              Field("record_sent", "Record sent", "id"))),
    ("linked", "Other plans and records", (Field("record", "Record", "short"), Field("on", "Date", "id"),
                                            Field("note", "Note"))),
    ("copies", "Copies sent (once approved)", (Field("on", "Sent", "id"), Field("to", "To"),
                                               Field("approved_version", "Approved version", "short"),
                                               Field("sections", "Changed actions sent", "short"))),
    ("returned", "Returned for changes", (Field("on", "Returned", "id"), Field("by", "By", "short"),
                                          Field("version", "Version", "short"), Field("comments", "Comments"))),
)
DATES = (("visits", "Visits"), ("supervisions", "Supervision discussions"))
# Parts of the document shown above (or kept for machines: internal, or said elsewhere).
SHOWN = frozenset({
    "plan_id", "child", "kind", "status", "aim", "aim_option", "aim_option_text", "aim_months", "aim_set_on",
    "aim_review_id", "category", "initial_category", "opened_on", "opened_by", "referred", "referral_source",
    "primary_need", "review_by", "replaces", "replaced_by", "approved_version", "approved_on", "approved_by",
    "changed_since_approval", "details", "actions", "views", "signatures", "contacts", "reviews", "last_review",
    "next_review", "kinds", "visits", "supervisions", "placements", "placed_on", "distributed", "extended_until",
    "initial_plan_ends", "closed_on", "close_reason", "closure_reason", "withdrawn_on", "withdrawn_by",
    "withdraw_reason", "problems", "version", "meetings", "linked", "copies", "returned", "part_two_replaced_by",
    "not_agreeing",
})


def plan_title(kind: str) -> str:
    from plantrail.projections.exports.review_pack import PLAN_TITLES

    return PLAN_TITLES.get(kind, layout.label(kind))


def area_title(area: str) -> str:
    from plantrail.projections.change_notes import AREA_TITLES

    return AREA_TITLES.get(area) or layout.label(area)


def aim_option_words(option: int | None, months: int | None = None) -> str:
    """'3 — return to birth family within six months' (option 4 with its months)."""
    if not option:
        return ""
    words = AIM_OPTIONS.get(option, "")
    if months and "N months" in words:
        words = words.replace("N months", f"{months} months")
    return f"{option} — {words}"


def render_plan(doc: dict[str, Any], child_name: str = "") -> None:
    layout.heading(f"{plan_title(doc['kind'])} {doc['plan_id']}")
    layout.pairs(_key_facts(doc, child_name), indent=2)
    _section("Overall aim", [
        ("Aim", doc.get("aim")),
        ("Part One option", aim_option_words(doc.get("aim_option"), doc.get("aim_months"))),
        ("Set", f"{doc.get('aim_set_on') or ''}"
                f"{' at review ' + doc['aim_review_id'] if doc.get('aim_review_id') else ''}"),
    ])
    if doc.get("details"):
        _section("Key details", [(field_label(k), v) for k, v in doc["details"].items()])
    _actions(doc)
    for key, title, fields in SECTIONS:
        if doc.get(key):
            layout.console().print()
            layout.records(title, doc[key], _filled(fields, doc[key]))
    for key, title in DATES:
        if doc.get(key):
            layout.console().print()
            layout.say(f"{title}: {', '.join(str(v) for v in doc[key])}")
    _the_rest(doc)


# Columns shown only where some row fills them (a Scottish review's key questions).
# Columns shown only where some row records them: among them the SSDA903 codes, which plans
# of other kinds, and placements recorded before the codes, never hold.
OPTIONAL = frozenset({"key_questions", "resilience", "sections", "note", "apologies", "record_sent",
                      "placement_type", "legal_status", "reason_new_episode", "ended_on", "end_reason",
                      "participation"})


def _filled(fields: tuple[Field, ...], rows: list[dict[str, Any]]) -> tuple[Field, ...]:
    return tuple(f for f in fields if f.key not in OPTIONAL or any(r.get(f.key) not in (None, "", []) for r in rows))


def _key_facts(doc: dict[str, Any], child_name: str) -> list[tuple[str, Any]]:
    approved = "not yet"
    if doc.get("approved_version"):
        approved = f"version {doc['approved_version']} on {doc.get('approved_on')} by {doc.get('approved_by')}"
        if doc.get("changed_since_approval"):
            approved += f"; changed since by {', '.join(doc['changed_since_approval'])}"
    category = doc.get("category")
    if category and doc.get("initial_category") not in (None, category):
        category += f" (initially {doc['initial_category']})"
    closed = doc.get("closed_on") and (f"{doc['closed_on']}: {doc.get('close_reason') or ''}"
                                       f"{' (' + doc['closure_reason'] + ')' if doc.get('closure_reason') else ''}")
    withdrawn = doc.get("withdrawn_on") and (f"{doc['withdrawn_on']} by {doc.get('withdrawn_by')}, as opened in "
                                             f"error: {doc.get('withdraw_reason')}")
    return [
        ("Child", f"{child_name} ({doc['child']})" if child_name else doc["child"]),
        ("Status", doc.get("status")),
        ("Withdrawn", withdrawn),
        ("Opened", f"{doc.get('opened_on')} by {doc.get('opened_by')}"),
        ("Approved", approved),
        ("Category of abuse", category),
        ("Next review", doc.get("next_review") or "none set"),
        ("Initial Plan ends", doc.get("initial_plan_ends")),
        ("Referred", doc.get("referred")),
        ("Referral source", doc.get("referral_source")),
        ("Primary need", doc.get("primary_need")),
        ("Replaces plan", doc.get("replaces")),
        ("Replaced by plan", doc.get("replaced_by")),
        ("Closed", closed),
        ("Part Two replaced by", doc.get("part_two_replaced_by")),
        ("Signed, not agreeing", ", ".join(doc.get("not_agreeing") or []) or None),
        *((layout.label(k), v) for k, v in doc.items() if k not in SHOWN and not isinstance(v, (list, dict))),
    ]


def _section(title: str, items: list[tuple[str, Any]]) -> None:
    layout.console().print()
    layout.heading(title)
    layout.pairs(items, indent=2)


def _actions(doc: dict[str, Any]) -> None:
    by_area: dict[str, list[dict[str, Any]]] = {}
    for a in doc.get("actions", []):
        by_area.setdefault(a["area"], []).append({**a, "margin": _margin(a)})
    for area, rows in by_area.items():
        layout.console().print()
        layout.records(f"Actions: {area_title(area)}", rows, ACTION_FIELDS, block_title=_action_title)


def _margin(a: dict[str, Any]) -> str:
    lines = [f"{a.get('initials', '')} {a.get('changed_on', '')}".strip()]
    if a.get("status") == "ended":
        lines.append(f"ended {a.get('ended_on')}: {a.get('end_reason') or ''}".strip())
    if a.get("rating"):
        lines.append(f"rated {a['rating']}")
    for number, rating in (a.get("outcome_ratings") or {}).items():
        lines.append(f"outcome {number} rated {rating}")
    if a.get("agreed_by"):
        lines.append(f"agreed by {a['agreed_by']}")
    if a.get("due"):
        lines.append(f"outcomes due {a['due']}")
    return "\n".join(lines)


def _action_title(a: dict[str, Any]) -> Any:
    from rich.text import Text

    title = Text(a["action_id"], style="bold")
    title.append("  margin " + a["margin"].replace("\n", " · "))
    return title


def _the_rest(doc: dict[str, Any]) -> None:
    """Any other part of the document: a list of entries as records, a mapping as pairs."""
    for key, value in doc.items():
        if key in SHOWN or not value or not isinstance(value, (list, dict)):
            continue
        layout.console().print()
        if isinstance(value, dict):
            _section(layout.label(key), [(layout.label(k), v) for k, v in value.items()])
        elif all(isinstance(v, dict) for v in value):
            layout.records(layout.label(key), value)
        else:
            layout.say(f"{layout.label(key)}: {', '.join(layout.cell(v) for v in value)}")


# ------------------------------------------------------------------ lists

PLAN_FIELDS = (
    Field("plan_id", "Plan", "id"), Field("child", "Child", "short"), Field("kind", "Kind", "short"),
    Field("status", "Status", "short"), Field("opened_on", "Opened", "id"),
    Field("next_review", "Next review", "id"), Field("approved", "Approved", "short"), Field("aim", "Overall aim"),
)
DUE_FIELDS = (
    Field("due_on", "Due", "id", in_block=False), Field("when", "When", "short", in_block=False),
    Field("what", "What", in_block=False),
    Field("plan_id", "Plan", "id"), Field("child", "Child", "short"), Field("kind", "Kind", "short"),
    Field("basis", "Counted from"),
)


def render_plans(rows: list[dict[str, Any]]) -> None:
    shown = [{**r, "approved": _approved(r)} for r in rows]
    layout.records(f"Plans ({len(rows)})" if rows else "Plans", shown, PLAN_FIELDS)


def _approved(row: dict[str, Any]) -> str:
    if not row.get("approved"):
        return "no"
    changed = ", changed since" if row.get("changed_since_approval") else ""
    return f"version {row.get('approved_version')}{changed}"


def render_due(rows: list[dict[str, Any]], on: Any) -> None:
    shown = [{**r, "when": _when(r["overdue_days"])} for r in rows]
    title = f"Due or overdue on {on} ({len(rows)})" if rows else f"Due or overdue on {on}"
    layout.records(title, shown, DUE_FIELDS, block_title=_due_title, empty=f"Nothing due or overdue on {on}.")


def _when(overdue_days: int) -> str:
    if overdue_days > 0:
        return f"{overdue_days} day{'s' if overdue_days != 1 else ''} overdue"
    if overdue_days == 0:
        return "due today"
    return f"in {-overdue_days} day{'s' if overdue_days != -1 else ''}"


def _due_title(r: dict[str, Any]) -> Any:
    from rich.text import Text

    title = Text(f"{r['due_on']}  {r['when']}", style="bold")
    title.append(f"  {r['what']}")
    return title


def render_rows(title: str, rows: list[dict[str, Any]]) -> None:
    layout.records(title, rows)


def autovacuum_note(autovacuum: Any, as_json: bool = False) -> None:
    """After ``init`` on PostgreSQL: the log's autovacuum settings, and a warning where the
    server runs no autovacuum (store.maintenance; docs/database.md)."""
    from plantrail.cli.output import say

    if autovacuum.tuned and not as_json:
        say(f"autovacuum: {', '.join(autovacuum.tuned)} vacuumed every 10,000 rows and 1 % inserted, "
            "analysed every 1,000 and 1 % (an insert-only log)")
    if autovacuum.not_owned:
        say(f"note: {', '.join(autovacuum.not_owned)} not tuned (only their owner may): run init as the store's "
            "owner", err=True)
    if not autovacuum.server_on:
        say("warning: autovacuum is off on this server: nothing will vacuum or analyse the log as it grows; "
            "run VACUUM (ANALYZE) after large loads (plantrail import does), or turn autovacuum on "
            "(docs/database.md)", err=True)


def render_erased(document: dict[str, Any]) -> None:
    """An erased child's record, or plan: what was recorded when, and by whom; no content."""
    import click

    what = f"plan {document['plan_id']} ({document.get('kind')})" if "plan_id" in document else "record"
    click.echo(f"child {document.get('child')}: {what} ERASED at the end of its retention period; "
               "its content can no longer be read")
    for e in document["events"]:
        click.echo(f"  {e['version']:>3}  {e['effective_on']}  {e['event']:<22} {e['actor']} ({e['initials']})")
