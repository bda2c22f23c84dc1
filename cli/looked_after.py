"""The SSDA903 return's commands (CLI.md, "Statutory returns"): a placement's end and a
child's missing periods (the options of other commands: ``looked_after_options``)."""

from __future__ import annotations

from typing import Any

import click

from plantrail.cli.looked_after_options import code_choice
from plantrail.cli.params import DATE
from plantrail.cli.writes import write
from plantrail.domain import looked_after as la


def add_commands(placement: click.Group) -> list[click.Command]:
    """``placement end`` joins the placement group; ``missing`` is a group of its own."""

    @write(placement, "placement end")
    @click.argument("plan_id")
    @click.option("--on", type=DATE, required=True, help="The day the child stopped being looked after.")
    @click.option("--reason", type=code_choice(la.REASONS_CEASED), metavar="CODE", required=True,
                  help="SSDA903 reason episode ceased (REC), e.g. E4A returned home as planned.")
    def placement_end(**options: Any) -> dict[str, Any]:
        """Record that a looked-after child stopped being looked after (social worker).

        Example: plantrail --as sw1 placement end 3f2a9c1e --on 2026-05-01 --reason E4A
        """
        return options

    @click.group("missing")
    def missing() -> None:
        """Record a looked-after child's missing or away-from-placement periods."""

    @write(missing, "missing record")
    @click.argument("child_ref")
    @click.option("--from", "started", type=DATE, required=True, help="The day the period started.")
    @click.option("--to", "ended", type=DATE, help="The day the child came back (leave out while missing).")
    @click.option("--kind", type=click.Choice(list(la.MISSING_KINDS)), required=True,
                  help="missing: missing from placement; away: away from placement without authorisation.")
    def missing_record(**options: Any) -> dict[str, Any]:
        """Record a missing or away-from-placement period (social worker).

        Example: plantrail --as sw1 missing record C123 --from 2026-02-03 --to 2026-02-04 --kind missing
        """
        return options

    return [missing]
