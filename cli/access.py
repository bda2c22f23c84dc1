"""Who reads (CLI.md, "Who reads"): ``access`` — who looked at a child's or a plan's records,
and what one staff member looked at."""

from __future__ import annotations

from typing import Any

import click

from plantrail.cli.context import emit, invocation, logged
from plantrail.cli.params import DATE, json_option


def entry_fields():  # type: ignore[no-untyped-def]
    from plantrail.cli.layout import Field  # rich: only when something is printed

    return (Field("at", "At", "id"), Field("actor", "Staff", "short"), Field("login", "Login", "short"),
            Field("command", "Command", "short"), Field("child", "Child", "short"),
            Field("plan_id", "Plan", "id"), Field("purpose", "Purpose"), Field("refused", "Refused", "short"))


@click.command("access")
@click.argument("record", metavar="CHILD_REF|PLAN_ID", required=False)
@click.option("--by", "staff", metavar="STAFF_ID", help="Everything this staff member read, instead.")
@click.option("--since", type=DATE, help="Only entries from this date on.")
@json_option
def access(record: str | None, staff: str | None, since: Any, as_json: bool) -> None:
    """Who read a child's or a plan's records, or (--by) what one staff member read
    (auditor, team manager, records officer). This read is logged too.

    Example: plantrail --as au1 access K100 --since 2026-01-01
    """
    from plantrail.application.access import READS_ACCESS_LOG
    from plantrail.domain.errors import BadInput
    from plantrail.projections.access import access_entries

    if (record is None) == (staff is None):
        raise BadInput("name one child or plan, or give --by STAFF_ID", fix="e.g. access K100, or access --by sw1")
    app = invocation().reader_app()
    if staff is not None:
        app.staff_member(staff)  # an unknown id is bad input
        child, plan_id = None, None
    else:
        child, plan_id = _child_or_plan(app, record)
    logged("access", child=child, plan_id=plan_id, staff=staff, needs=READS_ACCESS_LOG)
    entries = access_entries(app, child=None if plan_id else child, plan_id=plan_id, staff=staff, since=since)
    title = f"Reads by {staff}" if staff else f"Reads of {record}"
    emit({"entries": entries}, as_json,
         lambda: _render(title, entries))


def _child_or_plan(app: Any, record: str) -> tuple[str, Any]:
    """A child's reference, or a plan's id (or prefix): the child and plan it names."""
    from uuid import UUID

    from plantrail.domain.errors import BadInput, NotFound
    from plantrail.projections.current import current_plan

    try:
        return app.child(record).state.child_ref, None
    except NotFound:
        pass
    try:
        plan = current_plan(app, record)
    except (NotFound, BadInput):
        raise NotFound(f"no child or plan {record}", fix="give a child's reference or a plan's id") from None
    return plan["child"], UUID(plan["plan_id"])


COMMANDS = [access]


def _render(title: str, entries: list[dict[str, Any]]) -> None:
    from plantrail.cli import layout

    layout.records(f"{title} ({len(entries)})", entries, entry_fields(), empty=f"{title}: none")
