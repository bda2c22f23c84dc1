"""Commands about a plan's life: opening, approval, kind, aim, details, extension, copies,
closing."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from plantrail.application.commands.base import Command, Day, OnPlan, PlanRef, Texts, also


class OpenPlan(Command):
    """Open a plan for a child; its result is the plan_id (social worker)."""

    command: ClassVar = "plan open"
    method: ClassVar = "open_plan"
    positional: ClassVar = ("child_ref",)
    child_ref: str
    kind: str
    aim: str = Field(validation_alias=also("aim", "aim_text"))
    aim_option: int | None = None
    aim_months: int | None = None
    category: str | None = None
    replaces: PlanRef | None = None
    referred: Day | None = None
    review_by: Day | None = None
    referral_source: str | None = None
    primary_need: str | None = None
    on: Day | None = None
    initials: str | None = None


class ApprovePlan(OnPlan):
    """Approve the plan as it stands (team manager; never your own plan)."""

    command: ClassVar = "plan approve"
    method: ClassVar = "approve_plan"
    on: Day | None = None


class ChangeKind(OnPlan):
    """Change a Child's Plan's kind at a held review (review chair)."""

    command: ClassVar = "plan kind"
    method: ClassVar = "change_kind"
    kind: str
    review_id: str = Field(validation_alias=also("review_id", "review"))
    category: str | None = None


class ChangeAim(OnPlan):
    """Change the overall aim, only at a held statutory review of the plan (review chair)."""

    command: ClassVar = "aim change"
    method: ClassVar = "change_aim"
    review_id: str = Field(validation_alias=also("review_id", "review"))
    aim: str = Field(validation_alias=also("aim", "aim_text"))
    aim_option: int | None = None
    aim_months: int | None = None


DETAILS = ("legal_status", "court", "why_care", "prevention", "parallel_plan", "preferred_placement",
           "contingency", "compulsory_measures", "lead", "named_person", "monitoring", "involvement", "referrals",
           "reasons", "partners", "needs_summary", "resources")


class RecordDetails(OnPlan):
    """Record Part One key details, a Scottish plan's contingency, or the lead (social worker)."""

    command: ClassVar = "plan details"
    method: ClassVar = "record_details"
    legal_status: str | None = None
    court: str | None = None
    why_care: str | None = None
    prevention: str | None = None
    parallel_plan: str | None = None
    preferred_placement: str | None = None
    contingency: str | None = None
    compulsory_measures: str | None = None
    lead: str | None = None
    named_person: str | None = None
    monitoring: str | None = None
    involvement: str | None = None
    referrals: Texts | None = None
    reasons: str | None = None
    partners: str | None = None
    needs_summary: str | None = None
    resources: str | None = None
    on: Day | None = None


class ExtendInitialPlan(OnPlan):
    """Extend an Initial Plan once, by at most 6 weeks (team manager)."""

    command: ClassVar = "plan extend"
    method: ClassVar = "extend_initial_plan"
    review_id: str = Field(validation_alias=also("review_id", "review"))
    until: Day


class DistributePlan(OnPlan):
    """Record copies of the plan sent to family, child and agencies (social worker)."""

    command: ClassVar = "plan distribute"
    method: ClassVar = "distribute_plan"
    to: Texts
    on: Day | None = None


class ClosePlan(OnPlan):
    """Close a plan with its reason (team manager)."""

    command: ClassVar = "plan close"
    method: ClassVar = "close_plan"
    reason: str
    closure_reason: str | None = None
    on: Day | None = None


COMMANDS = (OpenPlan, ApprovePlan, ChangeKind, ChangeAim, RecordDetails, ExtendInitialPlan, DistributePlan, ClosePlan)
