"""The fixed vocabularies of DOMAIN.md and CLI.md: plan kinds, areas, aims, roles.

Each list is written once, here, in the words the guidance uses; the events and
aggregates refer to these names and nothing else.
"""

from __future__ import annotations

from datetime import date
from typing import Literal, get_args

PlanKind = Literal[
    "initial",
    "child-in-need",
    "child-in-need-short-breaks",
    "child-protection",
    "care-plan",
    "single-agency",
    "multi-agency",
]
PLAN_KINDS: tuple[str, ...] = PlanKind.__args__  # type: ignore[attr-defined]

# A child has at most one open plan of each family (DOMAIN.md, "Plans"). The
# Child's Plan family is where the census periods live: one plan moving between
# child in need and child protection can never overlap itself.
PLAN_FAMILY: dict[str, str] = {
    "initial": "initial-plan",
    "child-in-need": "childs-plan",
    "child-in-need-short-breaks": "childs-plan",
    "child-protection": "childs-plan",
    "care-plan": "care-plan",
    "single-agency": "scottish-childs-plan",
    "multi-agency": "scottish-childs-plan",
}

DEVELOPMENTAL_DIMENSIONS = (
    "health",
    "education",
    "emotional-and-behavioural-development",
    "identity",
    "family-and-social-relationships",
    "social-presentation",
    "self-care-skills",
)
ICS_AREAS = (*DEVELOPMENTAL_DIMENSIONS, "parenting-capacity", "family-and-environmental-factors")
CARE_PLAN_AREAS = (
    *DEVELOPMENTAL_DIMENSIONS,
    "birth-family-parenting-capacity",
    "corporate-parent-parenting-capacity",
    "birth-family-environmental-factors",
    "corporate-parent-environmental-factors",
)
WELLBEING_INDICATORS = (
    "safe", "healthy", "achieving", "nurtured", "active", "respected", "responsible", "included",
)
AREAS_BY_KIND: dict[str, tuple[str, ...]] = {
    "initial": ICS_AREAS,
    "child-in-need": ICS_AREAS,
    "child-in-need-short-breaks": ICS_AREAS,
    "child-protection": ICS_AREAS,
    "care-plan": CARE_PLAN_AREAS,
    "single-agency": WELLBEING_INDICATORS,
    "multi-agency": WELLBEING_INDICATORS,
}
ALL_AREAS: tuple[str, ...] = tuple(dict.fromkeys((*ICS_AREAS, *CARE_PLAN_AREAS, *WELLBEING_INDICATORS)))

# Care Plan Part One overall aims (seed 003). Option 4 carries "within N months".
AIM_OPTIONS: dict[int, str] = {
    1: "remaining with birth family supported by shared care/short breaks",
    2: "return to birth family within one month",
    3: "return to birth family within six months",
    4: "eventual return to birth family within N months",
    5: "long-term placement with relatives/friends",
    6: "long-term foster placement (until 18)",
    7: "residential placement until independence",
    8: "supported living in the community",
    9: "adoption",
    10: "other (specify)",
}
AIM_OPTION_WITH_MONTHS = 4
# Part One of the Care Plan, and so its aim options, belongs to the care plan and to
# the Child's Plan for short breaks that make the child looked after (seed 000).
KINDS_WITH_PART_ONE = ("care-plan", "child-in-need-short-breaks")

Category = Literal["neglect", "physical", "emotional", "sexual", "multiple"]
CATEGORIES: tuple[str, ...] = Category.__args__  # type: ignore[attr-defined]
CENSUS_CATEGORY = {"neglect": "NEG", "physical": "PHY", "emotional": "EMO", "sexual": "SAB", "multiple": "MUL"}

ReviewKind = Literal["statutory", "child-in-need", "initial-cp-conference", "cp-review-conference", "core-group"]
REVIEW_KINDS: tuple[str, ...] = ReviewKind.__args__  # type: ignore[attr-defined]

# The reviews at which each kind of plan's overall aim may change. For a Care Plan
# (and Part One of a short-breaks plan) only a statutory review (seed 003); for the
# others the review that the guidance makes their statutory one. A core group is
# never a review of the plan's aim.
AIM_REVIEW_KINDS: dict[str, tuple[str, ...]] = {
    "care-plan": ("statutory",),
    "child-in-need-short-breaks": ("statutory",),
    "child-in-need": ("child-in-need", "statutory"),
    "child-protection": ("initial-cp-conference", "cp-review-conference"),
    "initial": ("child-in-need",),
    "single-agency": ("statutory", "child-in-need"),
    "multi-agency": ("statutory", "child-in-need"),
}

# The reviews each family of plans holds (DOMAIN.md, "Timescales"; seeds 000, 001, 003, 004):
# conferences and core groups belong to the Child's Plan, statutory reviews to looked-after
# children (a Care Plan, or a Child's Plan whose short breaks make the child looked after).
REVIEW_KINDS_BY_FAMILY: dict[str, tuple[str, ...]] = {
    "initial-plan": ("child-in-need",),
    "childs-plan": ("child-in-need", "initial-cp-conference", "cp-review-conference", "core-group", "statutory"),
    "care-plan": ("statutory",),
    "scottish-childs-plan": ("statutory", "child-in-need", "core-group"),
}


def kind_change_reviews(from_kind: str, to_kind: str) -> tuple[str, ...]:
    """The reviews that may decide a Child's Plan's change of kind: an initial child protection
    conference starts a child protection plan, a review conference ends one (seed 000), and a
    Children in Need or statutory review moves between the two child-in-need kinds."""
    if to_kind == "child-protection":
        return ("initial-cp-conference",)
    if from_kind == "child-protection":
        return ("cp-review-conference",)
    return ("child-in-need", "statutory")


# Meetings about a plan (seeds 000, 004; CLI.md, "The practice guidance, second pass").
MeetingKind = Literal["planning", "child-in-need", "core-group", "conference", "resource-panel", "strategy"]
MEETING_KINDS: tuple[str, ...] = get_args(MeetingKind)
# The review kinds a social worker may chair: later CIN meetings (seed 004) and core groups,
# which the lead social worker chairs (seed 000). Statutory reviews and conferences keep
# their independent chair.
SOCIAL_WORKER_CHAIRS = ("child-in-need", "core-group")

# Other plans and records joined to a plan (seeds 000, 003).
LinkedRecord = Literal[
    "assessment", "pep", "health-assessment", "health-plan", "permanence-plan", "core-assessment", "placement-agreement",
    "adoption-plan", "pathway-plan", "other-plan",
]
LINKED_RECORDS: tuple[str, ...] = get_args(LinkedRecord)
# "Where the overall aim of the Care Plan is adoption or ... moving to independence, the
# Adoption Plan and Pathway Plan will replace Part Two of the Care Plan" (seed 003).
REPLACES_PART_TWO = ("adoption-plan", "pathway-plan")
AIM_OPTION_ADOPTION = 9
# Aim options whose timescale is part of the aim: return within one month, within six
# months, or within the months given with option 4 (seed 003).
AIM_OPTION_MONTHS = {2: 1, 3: 6}

Role = Literal["social-worker", "team-manager", "review-chair", "records-officer", "auditor"]
ROLES: tuple[str, ...] = Role.__args__  # type: ignore[attr-defined]

Party = Literal["child", "parent", "carer", "agency", "other"]
Agreement = Literal["yes", "no", "unstated"]
Rating = Literal["achieved", "partly", "not-achieved"]
RATINGS: tuple[str, ...] = get_args(Rating)
Nation = Literal["england", "wales", "scotland"]
Sex = Literal["F", "M", "U"]

INITIAL_PLAN_WEEKS = 6
INITIAL_PLAN_EXTENSION_WEEKS = 6

# --------------------------------------------------------------------------- census codes
# The DfE Children in Need census code sets, as ``csc-validator-be-cin`` checks them.
# Each is optional on the event that records the fact, and written to the census only
# when recorded (never invented).

# Source of referral (N00152), recorded when the plan opens (DfE rule 8866: a referral
# from 1 April 2013 on needs one of these).
ReferralSource = Literal[
    "1A", "1B", "1C", "1D", "2A", "2B", "3A", "3B", "3C", "3D", "3E", "3F",
    "4", "5A", "5B", "5C", "5D", "6", "7", "8", "9", "10",
]
REFERRAL_SOURCES: dict[str, str] = {
    "1A": "Individual: family member, relative or carer",
    "1B": "Individual: acquaintance (including neighbours and child minders)",
    "1C": "Individual: self",
    "1D": "Individual: other",
    "2A": "Schools",
    "2B": "Education services",
    "3A": "Health services: GP",
    "3B": "Health services: health visitor",
    "3C": "Health services: school nurse",
    "3D": "Health services: other primary health services",
    "3E": "Health services: A&E",
    "3F": "Health services: other secondary health services",
    "4": "Housing",
    "5A": "LA services: social care (e.g. adult social care)",
    "5B": "LA services: other internal",
    "5C": "LA services: external (e.g. another local authority)",
    "5D": "LA services: early help",
    "6": "Police",
    "7": "Other legal agency",
    "8": "Other",
    "9": "Anonymous",
    "10": "Unknown",
}

# Primary need (N00101), the need identified at assessment (DfE rule 8650). N0 "not
# stated" is left out: a plan follows an assessment that found a need; leave the code
# out rather than record "not stated".
PrimaryNeed = Literal["N1", "N2", "N3", "N4", "N5", "N6", "N7", "N8", "N9"]
PRIMARY_NEEDS: dict[str, str] = {
    "N1": "Abuse or neglect",
    "N2": "Child's disability or illness",
    "N3": "Parental disability or illness",
    "N4": "Family in acute stress",
    "N5": "Family dysfunction",
    "N6": "Socially unacceptable behaviour",
    "N7": "Low income",
    "N8": "Absent parenting",
    "N9": "Cases other than children in need",
}

# Reason for closure (N00103), recorded when the plan closes (DfE rules 8640, 8805).
ClosureReason = Literal["RC1", "RC2", "RC3", "RC4", "RC5", "RC6", "RC7", "RC8", "RC9"]
CLOSURE_REASONS: dict[str, str] = {
    "RC1": "Adopted",
    "RC2": "Died",
    "RC3": "Child arrangements order",
    "RC4": "Special guardianship order",
    "RC5": "Transferred to services of another local authority",
    "RC6": "Transferred to adult social care services",
    "RC7": "Services ceased for any other reason, including child no longer in need",
    "RC8": "Case closed after assessment, no further action",
    "RC9": "Case closed after assessment, referred to early help",
}
# "Closed after assessment" means no plan followed: a case closed RC8 or RC9 has no CIN
# plan, child protection plan or initial conference (DfE rule 2990). Every plan in this
# store is such a plan, so these two are refused when a plan closes.
CLOSED_AFTER_ASSESSMENT = ("RC8", "RC9")
# The plans the census draws its codes from: a Child's Plan, the Initial Plan whose
# referral a Child's Plan replacing it carries on (DOMAIN.md, "Statutory return"), and a
# Care Plan: a looked-after child is a child in need, and the census reports the child.
REFERRAL_CODE_FAMILIES = ("childs-plan", "initial-plan", "care-plan")
CLOSURE_CODE_FAMILIES = ("childs-plan", "care-plan")

# --------------------------------------------------------------------------- placements
# A looked-after child's placement: recorded on a Care Plan, or on a Child's Plan whose
# short breaks make the child looked after (seeds 000, 003).
KINDS_WITH_PLACEMENTS = ("care-plan", "child-in-need-short-breaks")

assert set(REFERRAL_SOURCES) == set(ReferralSource.__args__)  # type: ignore[attr-defined]
assert set(PRIMARY_NEEDS) == set(PrimaryNeed.__args__)  # type: ignore[attr-defined]
assert set(CLOSURE_REASONS) == set(ClosureReason.__args__)  # type: ignore[attr-defined]


# The dates a record can hold: a child born, a plan opened, a review held or planned. Anything
# outside is a mistyped year (0026 for 2026, 9999 as "never"), refused as bad input.
EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2199, 12, 31)
