"""Looking up and putting right a child's record, and withdrawing a plan opened in error
(CLI.md, "Records officers" and "Who reads"): ``child show``, ``child list``,
``child correct``, ``plan withdraw``. The writes are made with ``cli.writes.write``."""

from __future__ import annotations

from typing import Any

import click

from plantrail.cli.context import emit, hidden_children, invocation, logged, say_hidden
from plantrail.cli.params import PAIR, json_option
from plantrail.cli.plan_writes import plan
from plantrail.cli.writes import child, write


def child_fields():  # type: ignore[no-untyped-def]
    from plantrail.cli.layout import Field  # rich: only when something is printed

    return (Field("child", "Child", "id"), Field("name", "Name"), Field("born", "Born", "id"),
            Field("nation", "Nation", "short"), Field("open_plans", "Open plans", "short"))


CORRECTABLE = ("name, born, sex, upn, nation, ethnicity, disabilities (comma-separated), upn_unknown, former_upn, "
               "died, effective_on (the date the record was opened)")


# Characteristics a correction may clear with an empty value.
CLEARABLE = ("upn", "upn_unknown", "former_upn", "ethnicity", "died")


@child.command("show")
@click.argument("child_ref")
@json_option
def child_show(child_ref: str, as_json: bool) -> None:
    """The child's record as it stands, with the child's plans.

    Plans withdrawn as opened in error are listed apart, with the reason.

    Example: plantrail child show K100
    """
    from plantrail.projections.children import child_document

    document = child_document(invocation().reader_app(), child_ref)
    if document.get("erased"):
        from plantrail.cli.render import render_erased

        logged("child show", child=document.get("child") or child_ref)  # the erased record's own ref may be sealed
        emit(document, as_json, lambda: render_erased(document))
        return
    logged("child show", child=document["child"])
    emit(document, as_json, lambda: _render_child(document))


def _looked_after_pairs(d: dict[str, Any]) -> list[tuple[str, Any]]:
    """The SSDA903 characteristics and missing periods, where recorded."""
    pairs: list[tuple[str, Any]] = []
    if d.get("previous_permanence"):
        pairs.append(("Previous permanence", " ".join(str(d[k]) for k in (
            "previous_permanence", "previous_permanence_la", "previous_permanence_date") if d.get(k))))
    if d.get("mother") is not None:
        born = f", child born {d['mother_child_born']}" if d.get("mother_child_born") else ""
        pairs.append(("Mother", ("yes" if d["mother"] else "no") + born))
    for m in d.get("missing") or []:
        pairs.append((m["kind"].capitalize(), f"{m['started']} to {m['ended'] or '(not yet back)'}"))
    return pairs


def _render_child(d: dict[str, Any]) -> None:
    from plantrail.cli import layout
    from plantrail.cli.layout import Field
    from plantrail.cli.render import render_plans

    layout.heading(f"{d['name']} ({d['child']})")
    layout.pairs([("Born", d["born"]), ("Sex", d["sex"]), ("UPN", d["upn"] or "not held"),
                  ("Nation", d["nation"]), ("Record opened", d["record_opened_on"]),
                  ("Registration", f"event {d['registration_event_id']} (what `child correct` corrects)"),
                  *_characteristics(d), *_looked_after_pairs(d)], indent=2)
    _render_census(d)
    layout.console().print()
    render_plans(d["plans"])
    if d["withdrawn_plans"]:
        layout.console().print()
        layout.records("Plans withdrawn as opened in error", d["withdrawn_plans"], (
            Field("plan_id", "Plan", "id"), Field("kind", "Kind", "short"), Field("opened_on", "Opened", "id"),
            Field("withdrawn_on", "Withdrawn", "id"), Field("withdraw_reason", "Reason")))


def _characteristics(d: dict[str, Any]) -> list[tuple[str, Any]]:
    """The returns' characteristics (empty values are left out of the lines)."""
    return [("Ethnicity", d["ethnicity"] or "not recorded"),
            ("Disabilities", ", ".join(d["disabilities"]) or "not recorded"),
            ("UPN not held", d["upn_unknown"]), ("Former UPN", d["former_upn"]), ("Died", d["died"])]


def _render_census(d: dict[str, Any]) -> None:
    """The referrals, assessments and Section 47 enquiries."""
    from plantrail.cli import layout
    from plantrail.cli.layout import Field

    for title, rows, fields in (
        ("Referrals", d["referrals"], (Field("referral_id", "Referral", "id"), Field("on", "On", "id"),
                                       Field("source", "Source", "short"), Field("primary_need", "Need", "short"),
                                       Field("nfa", "No further action", "short"), Field("event_id", "Event", "id"))),
        ("Assessments", d["assessments"], (Field("assessment_id", "Assessment", "id"), Field("started", "Started", "id"),
                                           Field("authorised", "Authorised", "id"), Field("factors", "Factors"),
                                           Field("event_id", "Event", "id"))),
        ("Section 47 enquiries", d["s47_enquiries"], (
            Field("s47_id", "Enquiry", "id"), Field("started", "Started", "id"),
            Field("icpc_required", "Conference needed", "short"), Field("icpc", "Initial conference", "id"),
            Field("event_id", "Event", "id"))),
    ):
        if rows:
            layout.console().print()
            layout.records(title, rows, fields)


@child.command("list")
@click.argument("search", required=False)
@json_option
def child_list(search: str | None, as_json: bool) -> None:
    """The children whose reference or name holds SEARCH (any case); every child without it.

    Example: plantrail child list hawth
    """
    from plantrail.cli import layout
    from plantrail.projections.children import find_children

    found = find_children(invocation().reader_app(), search)
    hidden = hidden_children()
    rows = [row for row in found if row["child"] not in hidden]
    logged("child list", children=[row["child"] for row in rows])
    say_hidden(len(found) - len(rows), "records")
    title = f"Children matching '{search}'" if search else "Children"
    emit(rows, as_json, lambda: layout.records(f"{title} ({len(rows)})", rows, child_fields(),
                                               empty=f"{title}: none"))


@write(child, "child correct", prints="event_id")
@click.argument("child_ref")
@click.option("--set", "pairs", type=PAIR, multiple=True, required=True,
              help=f"FIELD=VALUE; repeat. Fields: {CORRECTABLE}.")
@click.option("--reason", required=True, help="Why the registration was wrong.")
def child_correct(child_ref: str, pairs: tuple[tuple[str, str], ...], reason: str) -> dict[str, Any]:
    """Correct a child's registration; the original stays in the record (records officer).

    Prints the correction's event_id. The child's reference cannot be corrected: it is
    the record's id (register the child again under the right one).

    Example: plantrail --as ro1 child correct K100 --set born=2023-02-11 --reason "date of birth mistyped"
    """
    fields: dict[str, Any] = dict(pairs)
    if "disabilities" in fields:  # a list, given as codes separated by commas
        fields["disabilities"] = [code.strip() for code in fields["disabilities"].split(",") if code.strip()]
    for name in CLEARABLE:  # FIELD= (no value): no longer held, e.g. the reason once the UPN is known
        if fields.get(name) == "":
            fields[name] = None
    return {"child_ref": child_ref, "fields": fields, "reason": reason}


@write(child, "child restrict")
@click.argument("child_ref")
@click.option("--allow", "allow", metavar="STAFF_ID", multiple=True, required=True,
              help="A staff member who may still read the record; repeat.")
@click.option("--reason", required=True, help="Why the record is restricted.")
def child_restrict(child_ref: str, allow: tuple[str, ...], reason: str) -> dict[str, Any]:
    """Restrict a child's record to the staff named (team manager or records officer).

    Anyone else is refused every read of it (plans, lists, exports, the review pack, due)
    and the refusal is logged; auditors may read it with --purpose, logged.

    Example: plantrail --as tm1 child restrict K100 --allow sw1 --allow tm1 --reason "family member on staff"
    """
    return {"child_ref": child_ref, "allow": list(allow), "reason": reason}


@write(child, "child unrestrict")
@click.argument("child_ref")
@click.option("--reason", required=True, help="Why the restriction is lifted.")
def child_unrestrict(**options: Any) -> dict[str, Any]:
    """Lift the restriction of a child's record (team manager or records officer).

    Example: plantrail --as tm1 child unrestrict K100 --reason "staff member has left"
    """
    return options


@write(plan, "plan withdraw")
@click.argument("plan_id")
@click.option("--reason", required=True, help="Why the plan was opened in error.")
def plan_withdraw(**options: Any) -> dict[str, Any]:
    """Withdraw a plan opened in error, e.g. on the wrong child (records officer).

    The plan leaves every list, due date, count and return (plans, due, the census);
    it stays whole in its history and in the subject access export of the child it was
    opened on, marked withdrawn with the reason. It takes nothing more.

    Example: plantrail --as ro1 plan withdraw 3f2a9c1e --reason "opened on the wrong child; see K101"
    """
    return options


COMMANDS: list[click.Command] = []  # the commands above join the groups `child` and `plan`
