"""The read commands of CLI.md: each asks a projection and prints it."""

from __future__ import annotations

import click

from plantrail.cli.context import emit, invocation
from plantrail.cli.params import DATE, TIME, json_option


def _app():  # type: ignore[no-untyped-def]
    return invocation().app()


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
        document = current_plan(app, plan_id)
    from plantrail.cli.render import render_plan

    emit(document, as_json, lambda: render_plan(document))


@click.command("changes")
@click.argument("plan_id")
@click.option("--since-review", "review_id", help="Since this review, not the last one held.")
@json_option
def changes(plan_id, review_id, as_json) -> None:  # type: ignore[no-untyped-def]
    """Every change since the last review held: what the review chair reads.

    Example: plantrail changes 3f2a9c1e --since-review R1
    """
    from plantrail.projections.changes import changes_since

    document = changes_since(_app(), plan_id, review_id)
    from plantrail.cli.render import render_changes

    emit(document, as_json, lambda: render_changes(document))


@click.command("history")
@click.argument("plan_id")
@json_option
def history(plan_id, as_json) -> None:  # type: ignore[no-untyped-def]
    """Every event of the plan, oldest first: who, when, why, on what authority.

    Example: plantrail history 3f2a9c1e --json
    """
    from plantrail.projections.history import history as plan_history

    rows = plan_history(_app(), plan_id)
    from plantrail.cli.render import render_history

    emit(rows, as_json, lambda: render_history(rows))


@click.command("plans")
@click.option("--child", "child_ref")
@click.option("--status", type=click.Choice(["open", "closed"]))
@json_option
def plans(child_ref, status, as_json) -> None:  # type: ignore[no-untyped-def]
    """One row a plan.

    Example: plantrail plans --status open
    """
    from plantrail.projections.plans import list_plans

    rows = list_plans(_app(), child=child_ref, status=status)
    from plantrail.cli.render import render_rows

    emit(rows, as_json, lambda: render_rows("Plans", rows))


@click.command("due")
@click.option("--on", type=DATE, help="The date to look from. Default: today.")
@json_option
def due(on, as_json) -> None:  # type: ignore[no-untyped-def]
    """What is due or overdue on a date: reviews, visits, approvals, core groups.

    Example: plantrail due --on 2026-06-01
    """
    from plantrail.projections.due import due as due_items

    app = _app()
    rows = due_items(app, on or app.today())
    from plantrail.cli.render import render_rows

    emit(rows, as_json, lambda: render_rows("Due", rows))


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

    app = invocation().app()
    rows = status(app)
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

    app = invocation().app()
    rebuild(app, name)
    rows = status(app)
    from plantrail.cli.render import render_rows

    emit(rows, as_json, lambda: render_rows("Projections", rows))


COMMANDS = [show, changes, history, plans, due, projections]
