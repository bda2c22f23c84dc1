"""Retention and erasure (CLI.md, "Retention and erasure"): the children past their retention
period, and erasure asked for by a records officer and approved by a team manager."""

from __future__ import annotations

from datetime import date
from typing import Any

import click

from plantrail.cli.context import emit, invocation
from plantrail.cli.params import DATE, json_option
from plantrail.cli.writes import write


@click.group("retention")
def retention() -> None:
    """The retention schedule: whose records are past it (docs/records-management.md)."""


@retention.command("due")
@click.option("--on", "on", type=DATE, help="The date to judge on. Default: today.")
@click.option("--schedule", type=click.Path(dir_okay=False),
              help="The authority's retention schedule (TOML). Default: $PLANTRAIL_RETENTION, else plantrail's.")
@json_option
def retention_due(on: date | None, schedule: str | None, as_json: bool) -> None:
    """The children whose records are past their retention period, with the rule that applied.

    Example: plantrail retention due --on 2026-12-31 --json
    """
    from plantrail.projections.retention import load_schedule
    from plantrail.projections.retention import retention_due as due

    rules = load_schedule(schedule)
    app = invocation().reader_app()
    children = due(app, on or app.today(), rules)
    document = {"children": children}

    def human() -> None:
        if not children:
            click.echo("no child's record is past its retention period")
        for c in children:
            click.echo(f"{c['child']}  kept until {c['retain_until']}  ({c['rule']})")

    emit(document, as_json, human)


@click.group("erase")
def erase() -> None:
    """Erasure of a child's record by two people: a records officer asks, a team manager approves."""


@write(erase, "erase request", prints="request_id")
@click.argument("child_ref")
@click.option("--reason", required=True, help="Why (kept as evidence: say why, not what the record held).")
@click.option("--authority", help="What allows erasure before the retention period ends, e.g. a court order's "
                                  "reference.")
def erase_request(**options: Any) -> dict[str, Any]:
    """Ask for a child's record to be erased (records officer); before its retention period ends only
    with --authority.

    Example: plantrail --as ro1 erase request K100 --reason "retention period ended"
    """
    return options


def _destroy(app: Any, command: Any) -> None:
    from plantrail.domain.child import child_id
    from plantrail.store.erasure import destroy_child

    destroy_child(app, child_id(command.child_ref), command.child_ref)


@write(erase, "erase approve", after=_destroy)
@click.argument("child_ref")
def erase_approve(**options: Any) -> dict[str, Any]:
    """Approve an erasure another staff member asked for (team manager): the child's key is destroyed
    and every row derived from the child's records deleted; the events and their chain stay.

    Example: plantrail --as tm2 erase approve K100
    """
    return options


@click.group("kek")
def kek() -> None:
    """The key-encryption key that wraps each child's data key (docs/records-management.md)."""


@kek.command("rotate")
@click.argument("new_file", type=click.Path(dir_okay=False))
@json_option
def kek_rotate(new_file: str, as_json: bool) -> None:
    """Re-wrap every child's data key with the KEK in NEW_FILE (made if it does not exist), and
    copy the erasure list beside it; then set PLANTRAIL_KEK=NEW_FILE.

    Example: plantrail kek rotate /keys/2027.kek
    """
    from pathlib import Path

    from plantrail.store.kek import rotate_kek

    app = invocation().writer()
    count = rotate_kek(app.recorder.keyring, Path(new_file).absolute())
    emit({"rewrapped": count, "kek": str(Path(new_file).absolute())}, as_json,
         lambda: click.echo(f"re-wrapped {count} data key(s) with {new_file}; now set PLANTRAIL_KEK={new_file}"))


COMMANDS = [retention, erase, kek]
