"""The fixed vocabularies of DOMAIN.md and CLI.md: plan kinds, areas, aims, roles.

Each list is written once, here, in the words the guidance uses; the events and
aggregates refer to these names and nothing else.
"""

from __future__ import annotations

from typing import Literal

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


Role = Literal["social-worker", "team-manager", "review-chair", "records-officer", "auditor"]
ROLES: tuple[str, ...] = Role.__args__  # type: ignore[attr-defined]

Party = Literal["child", "parent", "carer", "agency", "other"]
Agreement = Literal["yes", "no", "unstated"]
Rating = Literal["achieved", "partly", "not-achieved"]
Nation = Literal["england", "wales", "scotland"]
Sex = Literal["F", "M", "U"]

INITIAL_PLAN_WEEKS = 6
INITIAL_PLAN_EXTENSION_WEEKS = 6
