"""`plantrail demo`: the seeds' worked examples recorded into a store, and one review pack."""

from __future__ import annotations

import click

from plantrail.cli.context import emit, invocation, written
from plantrail.cli.output import say
from plantrail.cli.params import json_option

# The demo's own staff, so that it runs on an empty store with no configuration.
DEMO_STAFF = (
    ("demo-manager", "Tina Moss", "TM", ["team-manager"]),
    ("demo-manager-2", "Tom Hale", "TH", ["team-manager"]),
    ("demo-social-worker", "Mary Grant", "MG", ["social-worker"]),
    ("demo-chair", "Rita Chow", "RC", ["review-chair"]),
)
READER = "demo-manager"  # whom the demo reads as, and tells a newcomer to read as


@click.command("demo")
@json_option
def demo(as_json: bool) -> None:
    """Record the worked examples (Karen, Ibriham, Susan) and print one review pack.

    Example: plantrail --db sqlite:///demo.sqlite demo
    """
    from plantrail.application.examples import (
        EXAMPLE_CHILDREN,
        record_examples,
        record_susan_first_review,
    )

    inv = invocation()
    app = inv.writer()
    if _already_recorded(app, EXAMPLE_CHILDREN):
        plan_ids = [row["plan_id"] for ref in EXAMPLE_CHILDREN for row in _plans_of(app, ref)]
        note = "already recorded"
    else:
        _ensure_staff(app, inv.actor)
        with app.batch():  # all or nothing: a demo half recorded would not run again
            recorded = record_examples(app, social_worker="demo-social-worker", team_manager="demo-manager-2",
                                       review_chair="demo-chair")
            record_susan_first_review(app, recorded[-1], social_worker="demo-social-worker",
                                      review_chair="demo-chair")
        plan_ids = [str(pid) for pid in recorded]
        note = "recorded"
    written(None, False)
    rows = [_summary(app, pid) for pid in plan_ids]
    _log_read(inv, rows)
    if as_json:
        emit({"plans": rows, "note": note, "read_as": READER}, True)
        return
    for row in rows:  # (a plan by the first 8 characters of its id, as `show` takes it: a line fits 80 columns)
        click.echo(f"{note}: {row['plan_id'][:8]}  {row['kind']:<26} {row['child']:<7} {row['name']}")
    say("Every read of a child's records is logged and needs a reader: read these as the demo's team manager, "
        "e.g.", indent="")
    click.echo(f"  plantrail --as {READER} show {rows[-1]['plan_id'][:8]}")
    _review_pack(app, plan_ids[-1])


def _log_read(inv, rows) -> None:  # type: ignore[no-untyped-def]
    """What the demo prints is read as its team manager (or as --as), logged first."""
    from plantrail.application.access import Read, logged_read

    logged_read(inv.access_log(), Read(command="demo", actor=inv.actor or READER, login=inv.login,
                                       purpose=inv.purpose, child=rows[-1]["child"],
                                       children=[row["child"] for row in rows]))


def _already_recorded(app, refs) -> bool:  # type: ignore[no-untyped-def]
    from plantrail.domain.errors import NotFound

    try:
        for ref in refs:
            app.child(ref)
    except NotFound:
        return False
    return True


def _ensure_staff(app, actor) -> None:  # type: ignore[no-untyped-def]
    from plantrail.domain.errors import NotFound

    for staff_id, name, initials, roles in DEMO_STAFF:
        try:
            app.staff_member(staff_id)
        except NotFound:
            app.add_staff(_registrar(app, actor), staff_id, name=name, initials=initials, roles=roles)


def _registrar(app, actor) -> str | None:  # type: ignore[no-untyped-def]
    """Who registers the next of the demo's staff: no one on an empty store (the first is
    the store's first staff member), then the demo's own team manager; on a store that has
    other staff and not the demo's, a team manager of that store (--as) must let the demo in.
    (--as on an empty store is whom the demo reads as, once its staff exist.)"""
    from plantrail.domain.errors import BadInput, NotFound

    if app.is_empty():
        return None
    try:
        app.staff_member(READER)
        return READER
    except NotFound:
        if actor:
            return actor
        raise BadInput("this store already has staff of its own, and the demo registers its staff through a "
                       "team manager", fix="give --as TEAM_MANAGER_ID, or run the demo on a store of its own: "
                       "plantrail --db sqlite:///demo.sqlite demo") from None


def _plans_of(app, ref):  # type: ignore[no-untyped-def]
    from plantrail.projections.plans import list_plans

    return list_plans(app, child=ref)


def _summary(app, plan_id):  # type: ignore[no-untyped-def]
    plan = app.plan(plan_id)
    return {"plan_id": str(plan.id), "kind": plan.state.kind, "child": plan.state.child,
            "name": app.child(plan.state.child).state.name}


def _review_pack(app, plan_id) -> None:  # type: ignore[no-untyped-def]
    from plantrail.cli import layout
    from plantrail.cli.reads import child_name, show_changes
    from plantrail.cli.render import render_plan
    from plantrail.projections.changes import changes_since
    from plantrail.projections.current import current_plan

    layout.rule("Review pack")
    plan = current_plan(app, plan_id)
    render_plan(plan, child_name(app, plan["child"]))
    layout.console().print()
    layout.rule("Changes since the last review")
    show_changes(app, changes_since(app, plan_id), plan_id)


COMMANDS = [demo]
