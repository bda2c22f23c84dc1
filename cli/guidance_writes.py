"""The write commands of CLI.md, "The practice guidance, second pass": meetings and their
records, a manager's return of a plan, and the plans and records joined to it (the plan
group's ``plan return`` and ``plan link``). Made with ``cli.writes.write``."""

from __future__ import annotations

from typing import Any

import click

from plantrail.cli.help_text import Choice
from plantrail.cli.params import DATE, on_option
from plantrail.cli.plan_writes import plan
from plantrail.cli.writes import write
from plantrail.domain.vocabulary import LINKED_RECORDS, MEETING_KINDS

MEETING_KIND = Choice(MEETING_KINDS)
LINKED = Choice(LINKED_RECORDS)


@click.group("meeting")
def meeting() -> None:
    """Record meetings about a plan and when their record was sent."""


@write(meeting, "meeting record", prints="meeting_id")
@click.argument("plan_id")
@click.option("--kind", type=MEETING_KIND, required=True)
@click.option("--on", type=DATE, required=True, help="The date it was held.")
@click.option("--invited", multiple=True, help="Someone invited; repeat.")
@click.option("--attended", multiple=True, help="Someone who came; repeat.")
@click.option("--apologies", multiple=True, help="Someone who sent apologies; repeat.")
@click.option("--record-sent", type=DATE, help="When the meeting's record went to everyone invited.")
def meeting_record(**options: Any) -> dict[str, Any]:
    """Record a meeting (planning, CIN, core group, conference, resource panel, strategy); prints its meeting_id. `due` chases a record not yet sent (social worker).

    Example: plantrail --as sw1 meeting record 3f2a9c1e --kind planning --on 2026-03-05
    --invited "Ms Hawthorne" --invited "Health visitor" --attended "Ms Hawthorne" --apologies "Health visitor"
    """
    return {**options, **{k: list(options[k]) for k in ("invited", "attended", "apologies")}}


@write(meeting, "meeting record-sent")
@click.argument("plan_id")
@click.argument("meeting_id")
@click.option("--on", type=DATE, required=True, help="The date the record was sent.")
def meeting_record_sent(**options: Any) -> dict[str, Any]:
    """Record that a meeting's record was sent to all invited (social worker).

    Example: plantrail --as sw1 meeting record-sent 3f2a9c1e M1 --on 2026-03-09
    """
    return options


@write(plan, "plan return")
@click.argument("plan_id")
@click.option("--comments", required=True, help="What is to change before approval.")
@on_option
def plan_return(**options: Any) -> dict[str, Any]:
    """Send a plan back for changes instead of approving it (team manager; never your own plan).

    Example: plantrail --as tm2 plan return 3f2a9c1e --comments "outcomes need dates"
    """
    return options


@write(plan, "plan link")
@click.argument("plan_id")
@click.option("--what", "record", type=LINKED, required=True,
              help="assessment, pep, health-assessment, health-plan, permanence-plan, core-assessment, placement-agreement, "
                   "adoption-plan, pathway-plan (these two replace Part Two) or other-plan.")
@click.option("--note", help="Which plan or record, in words.")
@on_option
def plan_link(**options: Any) -> dict[str, Any]:
    """Join another plan or record to the plan, on its date (social worker).

    Example: plantrail --as sw1 plan link 3f2a9c1e --what pep --on 2026-04-01 --note "PEP agreed with school"
    """
    return options


COMMANDS = [meeting]
