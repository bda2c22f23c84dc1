"""The review chair's pack: the plan as it stands, and every change since the last
review, laid out like the paper Child's Plan / Care Plan Part Two (seeds 000, 003).

"Any change should be recorded in the Child's Plan, with the date and initials of the
social worker responsible noted in the margin ... All changes to Part Two of the Care
Plan should be considered at the next review" (seed 003).

One action table per area, with the six ICS columns and the planned outcomes; beside
each row a margin column with the initials and date of every change since the last
review, the changed cells showing before and after; each row's outcomes ready to be
rated achieved / partly achieved / not achieved. Then every change since the last
review in one list (aim, details, views, contacts, corrections and voids included),
then views, signatures, contacts and reviews held.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from plantrail.domain.errors import BadInput
from plantrail.domain.vocabulary import AREAS_BY_KIND, DEVELOPMENTAL_DIMENSIONS
from plantrail.projections.change_notes import AREA_TITLES, notes
from plantrail.projections.diff import action_section

ACTION_COLUMNS = (
    ("need", "Identified needs and strengths"),
    ("response", "How will these needs be responded to: actions or services to be provided"),
    ("frequency", "Frequency and length of service"),
    ("responsible", "Person / agency responsible"),
    ("starts", "Date service will commence / commenced"),
    ("outcomes", "Planned outcomes: progress to be achieved by the next review"),
)
RATINGS = (("achieved", "Achieved"), ("partly", "Partly achieved"), ("not-achieved", "Not achieved"))
PLAN_TITLES = {
    "initial": "Initial Plan",
    "child-in-need": "Child's Plan — Child in Need plan",
    "child-in-need-short-breaks": "Child's Plan — Child in Need including short-break care",
    "child-protection": "Child's Plan — Child Protection Plan",
    "care-plan": "Care Plan",
    "single-agency": "Child's Plan (single agency)",
    "multi-agency": "Child's Plan (multi-agency)",
}


MARKING = "OFFICIAL-SENSITIVE"  # the protective marking of every page, unless another is given


def review_pack(app: Any, plan_ref: str | UUID, *, marking: str | None = None) -> dict[str, Any]:
    """Everything the pack shows, as plain values (the template only lays it out).

    ``marking`` is the protective marking printed at the top and foot of every page
    (default ``MARKING``)."""
    from plantrail.projections.changes import changes_since
    from plantrail.projections.current import current_plan

    plan = current_plan(app, plan_ref)
    if plan.get("erased"):
        from plantrail.domain.errors import NotFound

        raise NotFound(f"plan {plan['plan_id']} was erased with its child's record: there is no content to print")
    listed = changes_since(app, plan["plan_id"])
    changes, since = listed["changes"], listed["since"]
    child = app.child(plan["child"]).state
    staff: dict[str, dict[str, str]] = {}

    def who(staff_id: str | None) -> str:
        if not staff_id:
            return ""
        if staff_id not in staff:
            try:
                s = app.staff_member(staff_id).state
                staff[staff_id] = {"name": s.name, "initials": s.initials}
            except Exception:  # noqa: BLE001 - a name is a nicety; the id is the record
                staff[staff_id] = {"name": staff_id, "initials": ""}
        return staff[staff_id]["name"]

    for c in changes:
        c["actor_name"] = who(c.get("actor"))
    listed = pack_notes(changes, who)
    withdrawn = withdrawn_entries(changes)
    areas, empty = [], []
    for area in _areas(plan):
        rows = [_row(a, changes) for a in plan["actions"] if a["area"] == area]
        rows += [{"action": a, "margin": [], "added": False, "changed": {}, "discussed_with": [], "voided": void}
                 for a, void in withdrawn.get(action_section(area), [])]
        title = AREA_TITLES.get(area) or _title(area)
        if rows:
            areas.append({"area": area, "title": title, "rows": rows})
        else:
            empty.append(title)
    return {
        "marking": (marking or MARKING).strip() or MARKING,
        "notes": listed,
        "empty_areas": empty,
        "withdrawn": {key: withdrawn.get(key, []) for key in ("views", "contacts", "signatures")},
        "plan": plan,
        "title": PLAN_TITLES.get(plan["kind"], plan["kind"]),
        "child": {"child_ref": child.child_ref, "name": child.name, "born": child.born, "sex": child.sex,
                  "upn": child.upn},
        "since": since,
        "changes": changes,
        "areas": areas,
        "columns": ACTION_COLUMNS,
        "ratings": RATINGS,
        "opened_by": who(plan.get("opened_by")),
        "approved_by": who(plan.get("approved_by")),
        "chairs": {r["review_id"]: who(r["chair"]) for r in plan["reviews"]},
        "produced_at": app.clock().strftime("%Y-%m-%d %H:%M UTC"),
    }


def _areas(plan: dict[str, Any]) -> list[str]:
    """The plan's areas in the paper form's order; areas with actions first kept in
    that order, empty ones too (the form prints every table)."""
    order = list(AREAS_BY_KIND.get(plan["kind"], DEVELOPMENTAL_DIMENSIONS))
    for a in plan["actions"]:  # an area of an earlier kind (a plan that changed kind)
        if a["area"] not in order:
            order.append(a["area"])
    return order


def _title(area: str) -> str:
    words = area.replace("-", " ")
    return words[:1].upper() + words[1:]


def _row(action: dict[str, Any], changes: list[dict[str, Any]]) -> dict[str, Any]:
    mine = [c for c in changes if c.get("item") == action["action_id"]
            and str(c.get("section", "")).startswith("actions/")]
    margin: list[dict[str, Any]] = []
    for c in mine:
        note = {"initials": c["initials"], "on": c["effective_on"], "correction": c.get("correction"),
                "event_id": c["event_id"]}
        if not any(m["event_id"] == note["event_id"] for m in margin):
            margin.append(note)
    added = any(c.get("field") == "action" and c.get("before") is None for c in mine)
    changed: dict[str, dict[str, Any]] = {}
    for c in mine:
        field = c.get("field")
        if field in (None, "action"):
            continue
        if field not in changed:
            changed[field] = {"before": c.get("before"), "after": c.get("after")}
        else:
            changed[field]["after"] = c.get("after")
    return {"action": action, "margin": margin, "added": added, "changed": changed, "voided": None,
            "discussed_with": [c["discussed_with"] for c in mine if c.get("discussed_with")]}


def pack_notes(changes: list[dict[str, Any]], who: Any) -> list[dict[str, Any]]:
    """The margin notes of the changes (``projections.change_notes``), with the name of
    whoever recorded each and the day, for the "Recorded" column; the footnote of each
    number gives its event id and time."""
    listed = notes(changes)
    for note in listed:
        note["actor_name"] = who(note.get("actor"))
        note["recorded_on"] = str(note.get("recorded_at") or "")[:10]
    return listed


def withdrawn_entries(changes: list[dict[str, Any]]) -> dict[str, list[tuple[dict[str, Any], dict[str, Any]]]]:
    """Whole entries withdrawn as recorded in error since the review, by section, each with
    its void: shown struck through where they stood (an action in its area's table, a
    view among the views)."""
    found: dict[str, list[tuple[dict[str, Any], dict[str, Any]]]] = {}
    for c in changes:
        if c.get("voids") and isinstance(c.get("before"), dict) and c.get("after") is None:
            found.setdefault(str(c.get("section")), []).append((c["before"], c))
    return found


def to_html(pack: dict[str, Any]) -> str:
    from plantrail.projections.exports.render import environment

    return environment().get_template("review_pack.html.j2").render(pack=pack)


def to_pdf(html: str) -> bytes:
    """The pack as PDF (weasyprint, the optional extra ``pdf``)."""
    try:
        from weasyprint import HTML
    except (ImportError, OSError):
        raise BadInput("PDF needs WeasyPrint, which is not installed",
                       fix="pip install 'plantrail[pdf]' (or write HTML: -o pack.html)") from None
    return HTML(string=html).write_pdf()

