"""The closed catalogue of events: everything that can ever be recorded.

Each event is a frozen pydantic model. Its docstring cites the rule it carries
(DOMAIN.md and the seeds in shared/seeds). Events hold what was decided; they are
validated as values here and as rules in the aggregates' command methods, never in
the apply step (which runs again on every replay).
"""

from __future__ import annotations

from plantrail.domain.base import Event
from plantrail.domain.events.access import RecordRead
from plantrail.domain.events.census import AssessmentRecorded, ReferralRecorded, Section47Recorded
from plantrail.domain.events.children import (
    ChildPlanEnded,
    ChildPlanStarted,
    ChildPlanWithdrawn,
    ChildRegistered,
    ChildRestricted,
    ChildUnrestricted,
    MissingPeriodRecorded,
)
from plantrail.domain.events.corrections import Corrected, Voided
from plantrail.domain.events.erased import Erased
from plantrail.domain.events.erasure import ChildErased, ErasureRequested
from plantrail.domain.events.guidance import MeetingRecorded, MeetingRecordSent, PlanReturned, RecordLinked
from plantrail.domain.events.part_two import ActionAdded, ActionAmended, ActionEnded
from plantrail.domain.events.plan_entries import (
    ContactArrangementRecorded,
    PlacementEnded,
    PlacementRecorded,
    ReviewHeld,
    SignatureRecorded,
    SupervisionDiscussed,
    ViewRecorded,
    VisitRecorded,
)
from plantrail.domain.events.plans import (
    AimChanged,
    InitialPlanExtended,
    PlanApproved,
    PlanClosed,
    PlanDetailsRecorded,
    PlanDistributed,
    PlanKindChanged,
    PlanOpened,
    PlanWithdrawn,
)
from plantrail.domain.events.staff import LoginBound, RoleGranted, RoleRevoked, StaffLeft, StaffMemberRegistered
from plantrail.domain.events.text import Text, not_blank
from plantrail.domain.events.unrecognised import Unrecognised

__all__ = [
    "ActionAdded", "ActionAmended", "ActionEnded", "AimChanged", "CATALOGUE", "CORRECTABLE", "ChildPlanEnded",
    "ChildPlanStarted", "ChildRegistered", "ContactArrangementRecorded", "Corrected", "EVENT_TYPES", "Event",
    "InitialPlanExtended", "PlacementRecorded", "PlanApproved", "PlanClosed", "PlanDetailsRecorded",
    "PlanDistributed", "PlanKindChanged", "PlanOpened", "ReviewHeld", "RoleGranted", "SignatureRecorded",
    "StaffMemberRegistered", "SupervisionDiscussed", "Text", "Unrecognised", "ViewRecorded", "VisitRecorded", "Voided",
    "not_blank", "type_name",
    "ChildPlanWithdrawn", "PlanWithdrawn",
    "MissingPeriodRecorded", "PlacementEnded",
    "AssessmentRecorded", "ReferralRecorded", "Section47Recorded",
    "MeetingRecorded", "MeetingRecordSent", "PlanReturned", "RecordLinked",
    "RoleRevoked", "StaffLeft", "RecordRead", "ChildRestricted", "ChildUnrestricted",
    "Erased", "ErasureRequested", "ChildErased", "LoginBound",
]


CORRECTABLE: tuple[type[Event], ...] = (
    StaffMemberRegistered,
    ChildRegistered,
    PlanOpened,
    PlanApproved,
    PlanKindChanged,
    AimChanged,
    PlanDetailsRecorded,
    ActionAdded,
    ActionAmended,
    ActionEnded,
    ViewRecorded,
    SignatureRecorded,
    ContactArrangementRecorded,
    ReviewHeld,
    SupervisionDiscussed,
    VisitRecorded,
    PlanDistributed,
    InitialPlanExtended,
    PlacementRecorded,
    PlanClosed,
    PlacementEnded,
    MissingPeriodRecorded,
    ReferralRecorded,
    AssessmentRecorded,
    Section47Recorded,
    MeetingRecorded,
    MeetingRecordSent,
    PlanReturned,
    RecordLinked,
)

CATALOGUE: tuple[type[Event], ...] = (
    *CORRECTABLE,
    RoleGranted,
    RoleRevoked,
    StaffLeft,
    LoginBound,
    ChildPlanStarted,
    ChildPlanEnded,
    Corrected,
    Voided,
    PlanWithdrawn,
    ChildPlanWithdrawn,
    RecordRead,
    ChildRestricted,
    ChildUnrestricted,
    ErasureRequested,
    ChildErased,
)

# The names users and history see for each event.
EVENT_TYPES: dict[type[Event], str] = {
    StaffMemberRegistered: "staff-registered",
    RoleGranted: "role-granted",
    RoleRevoked: "role-revoked",
    StaffLeft: "staff-left",
    LoginBound: "login-bound",
    ChildRegistered: "child-registered",
    ChildPlanStarted: "child-plan-started",
    ChildPlanEnded: "child-plan-ended",
    PlanOpened: "plan-opened",
    PlanApproved: "plan-approved",
    PlanKindChanged: "kind-changed",
    AimChanged: "aim-changed",
    PlanDetailsRecorded: "details-recorded",
    ActionAdded: "action-added",
    ActionAmended: "action-amended",
    ActionEnded: "action-ended",
    ViewRecorded: "view-recorded",
    SignatureRecorded: "signature-recorded",
    ContactArrangementRecorded: "contact-recorded",
    ReviewHeld: "review-held",
    SupervisionDiscussed: "supervision-discussed",
    VisitRecorded: "visit-recorded",
    PlanDistributed: "plan-distributed",
    InitialPlanExtended: "initial-plan-extended",
    PlacementRecorded: "placement-recorded",
    PlanClosed: "plan-closed",
    Corrected: "corrected",
    Voided: "voided",
    PlanWithdrawn: "plan-withdrawn",
    ChildPlanWithdrawn: "child-plan-withdrawn",
    PlacementEnded: "placement-ended",
    MissingPeriodRecorded: "missing-recorded",
    MeetingRecorded: "meeting-recorded",
    MeetingRecordSent: "meeting-record-sent",
    PlanReturned: "plan-returned",
    RecordLinked: "record-linked",
    RecordRead: "record-read",
    ChildRestricted: "child-restricted",
    ChildUnrestricted: "child-unrestricted",
    Unrecognised: "unrecognised",
    ReferralRecorded: "referral-recorded",
    AssessmentRecorded: "assessment-recorded",
    Section47Recorded: "s47-recorded",
    Erased: "erased",
    ErasureRequested: "erasure-requested",
    ChildErased: "child-erased",
}


def type_name(event: Event) -> str:
    return EVENT_TYPES[type(event)]
