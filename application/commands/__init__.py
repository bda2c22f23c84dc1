"""The commands users make, one typed model each.

Each model is the single source for its command: its ``command`` is the CLI's and the
import line's (``plan approve``), its fields are the CLI's options and the import line's
``args`` (the CLI's write commands are checked against them: tests/application), its
class keys the permissions (``application.permissions``) and the handler that runs it
(``application.handlers``), and ``method`` names the ``PlanRecords`` method Python
callers use (``app.approve_plan(actor, plan_id, on=...)``), with ``positional`` the
arguments that method takes in order after the acting staff member.

A command says what was asked, in the shape it was asked; the rules of the record are
the domain's, checked when the handler calls the aggregates.
"""

from __future__ import annotations

from plantrail.application.commands import (
    census,
    corrections,
    guidance,
    looked_after,
    plan_entries,
    plans,
    records_officer,
    staff,
)
from plantrail.application.commands.base import Command, Day, PlanRef, Texts
from plantrail.application.commands.census import RecordAssessment, RecordEnquiry, RecordReferral
from plantrail.application.commands.corrections import Correct, Void
from plantrail.application.commands.guidance import LinkRecord, RecordMeeting, RecordMeetingSent, ReturnPlan
from plantrail.application.commands.looked_after import EndPlacement, RecordMissing
from plantrail.application.commands.plan_entries import (
    AMENDABLE,
    AddAction,
    AmendAction,
    EndAction,
    HoldReview,
    RecordContact,
    RecordPlacement,
    RecordSignature,
    RecordSupervision,
    RecordView,
    RecordVisit,
)
from plantrail.application.commands.plans import (
    DETAILS,
    ApprovePlan,
    ChangeAim,
    ChangeKind,
    ClosePlan,
    DistributePlan,
    ExtendInitialPlan,
    OnPlan,
    OpenPlan,
    RecordDetails,
)
from plantrail.application.commands.records_officer import ApproveErasure, CorrectChild, RequestErasure, WithdrawPlan
from plantrail.application.commands.staff import (
    AddStaff,
    BindLogin,
    GrantRole,
    RecordLeaving,
    RegisterChild,
    RestrictChild,
    RevokeRole,
    UnrestrictChild,
)

# Every command, from each area's module: a new area adds its module here.
COMMANDS: tuple[type[Command], ...] = (*staff.COMMANDS, *plans.COMMANDS, *plan_entries.COMMANDS, *corrections.COMMANDS,
                                       *records_officer.COMMANDS, *looked_after.COMMANDS, *census.COMMANDS,
                                       *guidance.COMMANDS)
BY_NAME: dict[str, type[Command]] = {c.command: c for c in COMMANDS}
BY_METHOD: dict[str, type[Command]] = {c.method: c for c in COMMANDS}

__all__ = [
    "AMENDABLE", "AddAction", "AddStaff", "AmendAction", "ApprovePlan", "BY_METHOD", "BY_NAME", "COMMANDS",
    "ChangeAim", "ChangeKind", "ClosePlan", "Command", "Correct", "DETAILS", "Day", "DistributePlan", "EndAction",
    "ExtendInitialPlan", "GrantRole", "HoldReview", "OnPlan", "OpenPlan", "PlanRef", "RecordContact",
    "RecordDetails", "RecordPlacement", "RecordSignature", "RecordSupervision", "RecordView", "RecordVisit",
    "RegisterChild", "Texts", "Void",
    "CorrectChild", "WithdrawPlan",
    "EndPlacement", "RecordMissing",
    "RecordAssessment", "RecordEnquiry", "RecordReferral",
    "LinkRecord", "RecordMeeting", "RecordMeetingSent", "ReturnPlan",
    "RecordLeaving", "RevokeRole", "RestrictChild", "UnrestrictChild",
    "RequestErasure", "ApproveErasure", "BindLogin",
]
