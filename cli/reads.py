"""The read commands of CLI.md: each asks a projection and prints it."""

from __future__ import annotations

import click

from plantrail.cli.context import emit, hidden_children, invocation, logged, say_hidden
from plantrail.cli.params import DATE, TIME, json_option


def _app():  # type: ignore[no-untyped-def]
    return invocation().reader_app()


def _render():  # type: ignore[no-untyped-def]
    """The renderers, imported when text is printed: they bring rich, which --json does without."""
    from plantrail.cli import render

    return render


@click.command("show")
@click.argument("plan_id")
@click.option("--as-at", "as_at", type=TIME, help="As the record stood at this recorded time.")
@click.option("--effective-on", type=DATE, help="As it was effective on this date, with all known now.")
@json_option
def show(plan_id, as_at, effective_on, as_json) -> None:  # type: ignore[no-untyped-def]
    """The plan as it stands, or stood.

    Example: plantrail show 3f2a9c1e --effective-on 2026-04-01
    """
    from plantrail.projections.as_at import plan_as_at
    from plantrail.projections.current import current_plan, plan_document

    app = _app()
    if as_at or effective_on:
        document = plan_document(plan_as_at(app, plan_id, recorded_at=as_at, effective_on=effective_on))
    else:
        document = current_plan(app, plan_id, reader=invocation().reader_ahead())
    log_plan_read("show", document)
    if document.get("erased"):
        emit(document, as_json, lambda: _render().render_erased(document))
        return
    emit(document, as_json, lambda: _render().render_plan(document, child_name(app, document["child"])))


@click.command("changes")
@click.argument("plan_id")
@click.option("--since-review", "review_id", help="Since this review, not the last one held.")
@json_option
def changes(plan_id, review_id, as_json) -> None:  # type: ignore[no-untyped-def]
    """Every change since the last review held: what the review chair reads.

    Example: plantrail changes 3f2a9c1e --since-review R1
    """
    from plantrail.projections.changes import changes_since

    app = _app()
    document = changes_since(app, plan_id, review_id)
    plan = plan_of(app, plan_id)
    log_plan_read("changes", plan)
    if as_json:
        emit(document, True)
        return
    show_changes(app, document, plan_id, plan)


def show_changes(app, document, plan_id, plan=None) -> None:  # type: ignore[no-untyped-def]
    """``changes`` as text: the plan on top (``plan``, the one whose read was logged, else read
    here), then the margin notes (also the demo's)."""
    from plantrail.cli.render_changes import render_changes
    from plantrail.projections.current import current_plan

    plan = plan if plan is not None else current_plan(app, plan_id)
    actors = {c["actor"] for c in document.get("changes", []) if c.get("actor")}
    render_changes(document, plan, child_name(app, plan["child"]), staff_names(app, actors))


@click.command("history")
@click.argument("plan_id")
@json_option
def history(plan_id, as_json) -> None:  # type: ignore[no-untyped-def]
    """Every event of the plan, oldest first: who, when, why, on what authority.

    Given a child's reference instead, the child's own record: registration, the
    census's referrals, assessments and Section 47 enquiries, and their corrections.

    Example: plantrail history 3f2a9c1e --json
    """
    from plantrail.domain.errors import BadInput, NotFound
    from plantrail.projections.current import current_plan
    from plantrail.projections.history import history as plan_history

    app = _app()
    reader = invocation().reader_ahead()
    try:
        plan = current_plan(app, plan_id, reader=reader)
    except (BadInput, NotFound) as no_plan:
        try:
            _child_history(app, plan_id, as_json)
        except NotFound:
            raise no_plan from None
        return
    log_plan_read("history", plan)
    if plan.get("erased"):  # an erased child's plan: when, what kind, who; no content
        from plantrail.cli.render import render_erased

        emit(plan["events"], as_json, lambda: render_erased(plan))
        return
    rows = plan_history(app, plan_id)
    if as_json:
        emit(rows, True)
        return
    from plantrail.cli.render_changes import plan_heading
    from plantrail.cli.render_history import render_history

    render_history(rows, "History of " + plan_heading(plan, child_name(app, plan["child"])))


def _child_history(app, child_ref, as_json) -> None:  # type: ignore[no-untyped-def]
    """A child's record by its reference; not found (exit 2) when it is neither."""
    from plantrail.cli.render_history import render_history
    from plantrail.projections.exports.subject_access import child_record_history

    rows = child_record_history(app, child_ref)
    logged("history", child=child_ref)  # the child's own record, logged before it is shown
    if as_json:
        emit(rows, True)
        return
    render_history(rows, f"History of the record of child {child_ref}")


@click.command("plans")
@click.option("--child", "child_ref", metavar="CHILD_REF", help="Only this child's plans.")
@click.option("--status", type=click.Choice(["open", "closed", "withdrawn"]),
              help="Only plans of this status. Plans withdrawn as opened in error are listed only so.")
@json_option
def plans(child_ref, status, as_json) -> None:  # type: ignore[no-untyped-def]
    """One row a plan (a block a plan where a row would not fit).

    Example: plantrail plans --status open
    """
    from plantrail.projections.plans import list_plans

    rows = list_plans(_app(), child=child_ref, status=status)
    hidden = hidden_children()
    shown = [row for row in rows if row.get("child") not in hidden]
    logged("plans", children=[row["child"] for row in shown if row.get("child")])
    say_hidden(len(rows) - len(shown), "plans")
    emit(shown, as_json, lambda: _render().render_plans(shown))


@click.command("due")
@click.option("--on", type=DATE, help="The date to look from. Default: today.")
@json_option
def due(on, as_json) -> None:  # type: ignore[no-untyped-def]
    """What is due or overdue on a date: reviews, visits, approvals, core groups.

    Example: plantrail due --on 2026-06-01
    """
    from plantrail.projections.due import due as due_items

    app = _app()
    on = on or app.today()
    rows = due_items(app, on)
    hidden, child_of = hidden_children(), children_of_plans(app, [row["plan_id"] for row in rows])
    shown = [row for row in rows if child_of.get(row["plan_id"]) not in hidden]
    logged("due", children=[child_of[row["plan_id"]] for row in shown if row["plan_id"] in child_of])
    say_hidden(len(rows) - len(shown), "items due")
    emit(shown, as_json, lambda: _render().render_due(shown, on))


@click.group("projections")
def projections() -> None:
    """The materialised views: how far each has read, and rebuilding them from the log."""


@projections.command("status")
@json_option
def projections_status(as_json) -> None:  # type: ignore[no-untyped-def]
    """Each projection's position against the log.

    Example: plantrail projections status
    """
    from plantrail.projections.runner import status
    from plantrail.store.maintenance import log_statistics

    inv = invocation()
    app = inv.app(shows_records=False)
    rows = [{**row, "replica": inv.role.standby, "lag_s": _lag(inv.role)} for row in status(app)]
    from plantrail.cli.render import render_rows

    emit(rows, as_json, lambda: render_rows("Projections", rows))
    stats = log_statistics(app)
    if stats is not None and stats.far_behind:
        click.echo(f"warning: the log's statistics are far behind it: {stats.changed:,} of its {stats.events:,} "
                   f"events came after its last ANALYZE{'' if stats.analysed else ' (never run)'}", err=True)
        click.echo("  run ANALYZE on the store's tables, and see that autovacuum runs (docs/database.md)", err=True)


@projections.command("rebuild")
@click.argument("name", required=False)
@json_option
def projections_rebuild(name, as_json) -> None:  # type: ignore[no-untyped-def]
    """Rebuild one projection (or all) from the event log.

    Example: plantrail projections rebuild
    """
    from plantrail.projections.runner import rebuild, status
    from plantrail.store.settings import check_exists

    inv = invocation()
    check_exists(inv.url)  # rebuilding never makes a store
    app = inv.writer()  # on the primary: a standby refuses (exit 4)
    rebuild(app, name)
    rows = status(app)
    from plantrail.cli.render import render_rows

    emit(rows, as_json, lambda: render_rows("Projections", rows))


def _lag(role) -> float | None:  # type: ignore[no-untyped-def]
    """Seconds a standby is behind (0: a primary, which is where the log is written)."""
    return role.lag_s if role.standby else 0.0


def plan_of(app, plan_id):  # type: ignore[no-untyped-def]
    """The plan as it stands: which child a read of it shows (for the access log, whose
    reader's records come with it)."""
    from plantrail.projections.current import current_plan

    return current_plan(app, plan_id, reader=invocation().reader_ahead())


def log_plan_read(command: str, plan) -> None:  # type: ignore[no-untyped-def]
    """A read of one plan's records, logged before it is shown."""
    from uuid import UUID

    logged(command, child=plan["child"], plan_id=UUID(plan["plan_id"]) if plan.get("plan_id") else None)


def children_of_plans(app, plan_ids) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """Each plan's child, for the plans a list shows (for the access log and restriction)."""
    from plantrail.projections.plans import list_plans

    wanted = {str(pid) for pid in plan_ids}
    if not wanted:
        return {}
    return {row["plan_id"]: row["child"] for row in list_plans(app) if row["plan_id"] in wanted}


def child_name(app, child_ref: str) -> str:  # type: ignore[no-untyped-def]
    """The child's name, for a heading ("" if the record cannot be read)."""
    from plantrail.domain.errors import NotFound

    try:
        return str(app.child(child_ref).state.name)
    except NotFound:
        return ""


def staff_names(app, staff_ids) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """Each staff member's name by id (the id itself where the record cannot be read)."""
    from plantrail.domain.errors import NotFound

    names = {}
    for staff_id in staff_ids:
        try:
            names[staff_id] = str(app.staff_member(staff_id).state.name)
        except NotFound:
            names[staff_id] = staff_id
    return names


COMMANDS = [show, changes, history, plans, due, projections]
