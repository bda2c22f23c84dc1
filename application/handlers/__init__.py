"""Each command's story: load the records, decide (the aggregates keep the rules), and
leave the unit of work to save what changed. One handler a command class (``HANDLERS``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from plantrail.application.commands import Command
from plantrail.application.handlers import (
    census,
    corrections,
    looked_after,
    plan_entries,
    plans,
    records_officer,
    staff,
)
from plantrail.application.unit_of_work import UnitOfWork

Handler = Callable[[UnitOfWork, Any], Any]

# Every command's handler, from each area's module: a new area adds its module here.
HANDLERS: dict[type[Command], Handler] = {
    **staff.HANDLERS, **plans.HANDLERS, **plan_entries.HANDLERS, **corrections.HANDLERS,
    **records_officer.HANDLERS, **looked_after.HANDLERS, **census.HANDLERS,
}
