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

from datetime import date
from typing import Annotated, Any, ClassVar
from uuid import UUID

from pydantic import AliasChoices, BaseModel, BeforeValidator, ConfigDict, Field, model_validator


def _day(value: Any) -> Any:
    """A date object, or text written YYYY-MM-DD (an import line's JSON has no dates)."""
    if isinstance(value, date) or value is None:
        return value
    if not isinstance(value, str):
        raise ValueError("write a date as YYYY-MM-DD")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"'{value}' is not a date; write it YYYY-MM-DD") from None


def _listed(value: Any) -> Any:
    """A list, or one item given alone (``"to": "Ms Hawthorne"``)."""
    return [value] if isinstance(value, str) else value


Day = Annotated[date, BeforeValidator(_day)]
Texts = Annotated[list[str], BeforeValidator(_listed)]
PlanRef = str | UUID  # a plan id, or a unique prefix of at least 8 characters


def _also(*names: str) -> Any:
    """A field also given under the CLI's option name (``review`` for ``review_id``)."""
    return AliasChoices(*names)


class Command(BaseModel):
    """What every command is: a frozen value, no fields but its own."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    command: ClassVar[str]
    method: ClassVar[str]
    positional: ClassVar[tuple[str, ...]] = ()

    @model_validator(mode="before")
    @classmethod
    def _underscores(cls, data: Any) -> Any:
        """An import line may write ``review-id`` for ``review_id``: the same name."""
        if isinstance(data, dict) and any("-" in key for key in data if isinstance(key, str)):
            return {key.replace("-", "_") if isinstance(key, str) else key: v for key, v in data.items()}
        return data

    def given(self, *names: str) -> dict[str, Any]:
        """These fields, by name, where given (not None)."""
        return {n: getattr(self, n) for n in names if getattr(self, n) is not None}


# --------------------------------------------------------------------------- staff


class AddStaff(Command):
    """Register a staff member. The first on an empty store needs no --as and must be a team manager."""

    command: ClassVar = "staff add"
    method: ClassVar = "add_staff"
    positional: ClassVar = ("staff_id",)
    staff_id: str
    name: str
    initials: str
    roles: Texts


class GrantRole(Command):
    """Grant a further role to a staff member (team manager)."""

    command: ClassVar = "staff grant"
    method: ClassVar = "grant_role"
    positional: ClassVar = ("staff_id", "role")
    staff_id: str
    role: str = Field(validation_alias=_also("role", "role_"))


# --------------------------------------------------------------------------- children


class RegisterChild(Command):
    """Register a child by the local authority's reference (social worker)."""

    command: ClassVar = "child add"
    method: ClassVar = "register_child"
    positional: ClassVar = ("child_ref",)
    child_ref: str
    name: str
    born: Day
    sex: str = "U"
    upn: str | None = None
    nation: str = "england"
    on: Day | None = None


# --------------------------------------------------------------------------- plans


class OpenPlan(Command):
    """Open a plan for a child; its result is the plan_id (social worker)."""

    command: ClassVar = "plan open"
    method: ClassVar = "open_plan"
    positional: ClassVar = ("child_ref",)
    child_ref: str
    kind: str
    aim: str = Field(validation_alias=_also("aim", "aim_text"))
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


class OnPlan(Command):
    """A command about one plan, named by its id or a unique prefix."""

    positional: ClassVar = ("plan_id",)
    plan_id: PlanRef


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
    review_id: str = Field(validation_alias=_also("review_id", "review"))
    category: str | None = None


class ChangeAim(OnPlan):
    """Change the overall aim, only at a held statutory review of the plan (review chair)."""

    command: ClassVar = "aim change"
    method: ClassVar = "change_aim"
    review_id: str = Field(validation_alias=_also("review_id", "review"))
    aim: str = Field(validation_alias=_also("aim", "aim_text"))
    aim_option: int | None = None
    aim_months: int | None = None


DETAILS = ("legal_status", "court", "why_care", "prevention", "parallel_plan", "preferred_placement",
           "contingency", "compulsory_measures", "lead")


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
    on: Day | None = None


class ExtendInitialPlan(OnPlan):
    """Extend an Initial Plan once, by at most 6 weeks (team manager)."""

    command: ClassVar = "plan extend"
    method: ClassVar = "extend_initial_plan"
    review_id: str = Field(validation_alias=_also("review_id", "review"))
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


# --------------------------------------------------------------------------- Part Two


class AddAction(OnPlan):
    """Add an action to an area's table; its result is the action_id (social worker)."""

    command: ClassVar = "action add"
    method: ClassVar = "add_action"
    area: str
    need: str
    response: str
    frequency: str
    responsible: str
    starts: Day
    outcomes: Texts = Field(validation_alias=_also("outcomes", "outcome"))
    discussed_with: str | None = None
    initials: str | None = None
    on: Day | None = None


AMENDABLE = ("need", "response", "frequency", "responsible", "starts", "outcomes")


class AmendAction(OnPlan):
    """Amend an action; the margin note (initials, date) is recorded with it (social worker)."""

    command: ClassVar = "action amend"
    method: ClassVar = "amend_action"
    positional: ClassVar = ("plan_id", "action_id")
    action_id: str
    need: str | None = None
    response: str | None = None
    frequency: str | None = None
    responsible: str | None = None
    starts: Day | None = None
    outcomes: Texts | None = Field(default=None, validation_alias=_also("outcomes", "outcome"))
    discussed_with: str | None = None
    reason: str | None = None
    initials: str | None = None
    on: Day | None = None


class EndAction(OnPlan):
    """End an action with its reason (social worker)."""

    command: ClassVar = "action end"
    method: ClassVar = "end_action"
    positional: ClassVar = ("plan_id", "action_id")
    action_id: str
    reason: str
    discussed_with: str | None = None
    initials: str | None = None
    on: Day | None = None


# --------------------------------------------------------------------------- views, reviews, visits


class RecordView(OnPlan):
    """Record a party's view of the plan (social worker)."""

    command: ClassVar = "view add"
    method: ClassVar = "record_view"
    party: str
    name: str
    text: str
    on: Day | None = None


class RecordSignature(OnPlan):
    """Record a party's signature, and apart from it whether they agree (social worker)."""

    command: ClassVar = "sign"
    method: ClassVar = "record_signature"
    party: str
    name: str
    agrees: str = "unstated"
    on: Day | None = None


class RecordContact(OnPlan):
    """Record a contact arrangement for a member of the birth family (social worker)."""

    command: ClassVar = "contact add"
    method: ClassVar = "record_contact"
    person: str
    relationship: str
    arrangement: str
    on: Day | None = None


class HoldReview(OnPlan):
    """Record a review held; its result is the review_id (review chair)."""

    command: ClassVar = "review hold"
    method: ClassVar = "hold_review"
    kind: str
    on: Day
    chair: str
    next_review: Day | None = None
    ratings: dict[str, str] = Field(default_factory=dict, validation_alias=_also("ratings", "rate"))


class RecordVisit(OnPlan):
    """Record a visit to the child (social worker)."""

    command: ClassVar = "visit record"
    method: ClassVar = "record_visit"
    on: Day
    seen_alone: bool | None = None


class RecordPlacement(OnPlan):
    """Record that a looked-after child was placed, or moved; the latest is current (social worker)."""

    command: ClassVar = "placement record"
    method: ClassVar = "record_placement"
    on: Day
    emergency: bool = False
    long_term: bool = False
    placement: str | None = None


class RecordSupervision(OnPlan):
    """Record that the plan was discussed in supervision (social worker)."""

    command: ClassVar = "supervision record"
    method: ClassVar = "record_supervision"
    on: Day
    note: str | None = None


# --------------------------------------------------------------------------- corrections


class Correct(Command):
    """Correct a recording error; the original stays in the record (records officer)."""

    command: ClassVar = "correct"
    method: ClassVar = "correct"
    positional: ClassVar = ("event_id",)
    event_id: str = Field(validation_alias=_also("event_id", "event_ref"))
    fields: dict[str, Any] = Field(validation_alias=_also("fields", "set"))
    reason: str


class Void(Command):
    """Withdraw an entry recorded in error; it stays in the record, marked (records officer)."""

    command: ClassVar = "void"
    method: ClassVar = "void"
    positional: ClassVar = ("event_id",)
    event_id: str = Field(validation_alias=_also("event_id", "event_ref"))
    reason: str


COMMANDS: tuple[type[Command], ...] = (
    AddStaff, GrantRole, RegisterChild, OpenPlan, ApprovePlan, ChangeKind, ChangeAim, RecordDetails,
    ExtendInitialPlan, DistributePlan, ClosePlan, AddAction, AmendAction, EndAction, RecordView,
    RecordSignature, RecordContact, HoldReview, RecordVisit, RecordPlacement, RecordSupervision, Correct, Void,
)
BY_NAME: dict[str, type[Command]] = {c.command: c for c in COMMANDS}
BY_METHOD: dict[str, type[Command]] = {c.method: c for c in COMMANDS}
