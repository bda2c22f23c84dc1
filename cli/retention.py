"""Retention and erasure (CLI.md, "Retention and erasure"): the children past their retention
period, and erasure asked for by a records officer and approved by a team manager."""

from __future__ import annotations

from datetime import date

import click

from plantrail.cli.context import emit, invocation
from plantrail.cli.params import DATE, json_option


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
    from plantrail.projections.retention import load_schedule, retention_due as due

    rules = load_schedule(schedule)
    app = invocation().app()
    children = due(app, on or app.today(), rules)
    document = {"children": children}

    def human() -> None:
        if not children:
            click.echo("no child's record is past its retention period")
        for c in children:
            click.echo(f"{c['child']}  kept until {c['retain_until']}  ({c['rule']})")

    emit(document, as_json, human)


COMMANDS = [retention]
