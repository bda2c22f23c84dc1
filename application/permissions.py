"""Who may do what (CLI.md, "Writes"): one row a command, read before every command runs.

A team manager may also do what a social worker may (``SOCIAL_WORK``). A test checks
that every command has exactly one row here, so a new command cannot go unguarded.
"""

from __future__ import annotations

from plantrail.application import commands as c
from plantrail.application.commands import Command

SOCIAL_WORK = frozenset({"social-worker", "team-manager"})
TEAM_MANAGER = frozenset({"team-manager"})
REVIEW_CHAIR = frozenset({"review-chair"})
RECORDS_OFFICER = frozenset({"records-officer"})
RESTRICTS = frozenset({"team-manager", "records-officer"})

PERMISSIONS: dict[type[Command], frozenset[str]] = {
    c.AddStaff: TEAM_MANAGER,
    c.BindLogin: TEAM_MANAGER,
    c.GrantRole: TEAM_MANAGER,
    c.RevokeRole: TEAM_MANAGER,
    c.RecordLeaving: TEAM_MANAGER,
    c.RegisterChild: SOCIAL_WORK,
    c.RestrictChild: RESTRICTS,
    c.UnrestrictChild: RESTRICTS,
    c.OpenPlan: SOCIAL_WORK,
    c.ApprovePlan: TEAM_MANAGER,
    c.ChangeKind: REVIEW_CHAIR,
    c.ClosePlan: TEAM_MANAGER,
    c.AddAction: SOCIAL_WORK,
    c.AmendAction: SOCIAL_WORK,
    c.EndAction: SOCIAL_WORK,
    c.RecordView: SOCIAL_WORK,
    c.RecordSignature: SOCIAL_WORK,
    # A social worker records the CIN meetings and core groups they chair (seeds 000, 004);
    # the domain keeps statutory reviews and conferences to review chairs.
    c.HoldReview: REVIEW_CHAIR | SOCIAL_WORK,
    c.ChangeAim: REVIEW_CHAIR,
    c.RecordDetails: SOCIAL_WORK,
    c.ExtendInitialPlan: TEAM_MANAGER,
    c.DistributePlan: SOCIAL_WORK,
    c.RecordContact: SOCIAL_WORK,
    c.RecordVisit: SOCIAL_WORK,
    c.RecordPlacement: SOCIAL_WORK,
    c.RecordSupervision: SOCIAL_WORK,
    c.Correct: RECORDS_OFFICER,
    c.Void: RECORDS_OFFICER,
    c.WithdrawPlan: RECORDS_OFFICER,
    c.CorrectChild: RECORDS_OFFICER,
    c.EndPlacement: SOCIAL_WORK,
    c.RecordMissing: SOCIAL_WORK,
    c.RecordReferral: SOCIAL_WORK,
    c.RecordAssessment: SOCIAL_WORK,
    c.RecordEnquiry: SOCIAL_WORK,
    c.RecordMeeting: SOCIAL_WORK,
    c.RecordMeetingSent: SOCIAL_WORK,
    c.ReturnPlan: TEAM_MANAGER,
    c.LinkRecord: SOCIAL_WORK,
    c.RequestErasure: RECORDS_OFFICER,
    c.ApproveErasure: TEAM_MANAGER,
}
