"""Looking up and putting right a child's record, and withdrawing a plan opened in error
(CLI.md, "Records officers" and "Who reads"): ``child show``, ``child list``,
``child correct``, ``plan withdraw``. The writes are made with ``cli.writes.write``."""

from __future__ import annotations

from typing import Any

import click

from plantrail.cli import layout
from plantrail.cli.context import emit, invocation
from plantrail.cli.layout import Field
from plantrail.cli.params import PAIR, json_option
from plantrail.cli.plan_writes import plan
from plantrail.cli.writes import child, write

CHILD_FIELDS = (Field("child", "Child", "id"), Field("name", "Name"), Field("born", "Born", "id"),
                Field("nation", "Nation", "short"), Field("open_plans", "Open plans", "short"))
CORRECTABLE = "name, born, sex, upn, nation, died, effective_on (the date the record was opened)"


@child.command("show")
@click.argument("child_ref")
@json_option
def child_show(child_ref: str, as_json: bool) -> None:
    """The child's record as it stands, with the child's plans.

    Plans withdrawn as opened in error are listed apart, with the reason.

    Example: plantrail child show K100
    """
    from plantrail.projections.children import child_document

    document = child_document(invocation().app(), child_ref)
    if document.get("erased"):
        from plantrail.cli.render import render_erased

        emit(document, as_json, lambda: render_erased(document))
        return
    emit(document, as_json, lambda: _render_child(document))


def _render_child(d: dict[str, Any]) -> None:
    from plantrail.cli.render import render_plans

    layout.heading(f"{d['name']} ({d['child']})")
    layout.pairs([("Born", d["born"]), ("Sex", d["sex"]), ("UPN", d["upn"] or "not held"),
                  ("Nation", d["nation"]), ("Record opened", d["record_opened_on"]),
                  ("Registration", f"event {d['registration_event_id']} (what `child correct` corrects)")],
                 indent=2)
    layout.console().print()
    render_plans(d["plans"])
    if d["withdrawn_plans"]:
        layout.console().print()
        layout.records("Plans withdrawn as opened in error", d["withdrawn_plans"], (
            Field("plan_id", "Plan", "id"), Field("kind", "Kind", "short"), Field("opened_on", "Opened", "id"),
            Field("withdrawn_on", "Withdrawn", "id"), Field("withdraw_reason", "Reason")))


@child.command("list")
@click.argument("search", required=False)
@json_option
def child_list(search: str | None, as_json: bool) -> None:
    """The children whose reference or name holds SEARCH (any case); every child without it.

    Example: plantrail child list hawth
    """
    from plantrail.projections.children import find_children

    rows = find_children(invocation().app(), search)
    title = f"Children matching '{search}'" if search else "Children"
    emit(rows, as_json, lambda: layout.records(f"{title} ({len(rows)})", rows, CHILD_FIELDS,
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
    return {"child_ref": child_ref, "fields": dict(pairs), "reason": reason}


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
