"""The DfE Children in Need census return (DOMAIN.md, "Statutory return"; CLI.md,
"Statutory returns"; docs/exports.md).

The collection year YYYY runs from 1 April YYYY-1 to the reference date, 31 March
YYYY. The return holds every child in England with a CIN episode in that year; an
episode (``CINdetails``) is a referral and what followed it:

* the referral recorded with ``referral record`` (its date, source, primary need and
  whether it went no further), or, for a plan opened before referrals were recorded,
  the referral date and codes the plan itself holds (``plan open --referred``);
* the plans that name it (``plan open --referred DATE``; a plan naming none follows the
  child's latest referral on or before its opening): Child's Plans give the CIN plan
  and child protection periods, and a Care Plan makes the episode a looked-after
  child's (reported as a child in need: it has no CIN plan dates of its own); the
  episode closes when its last plan closes, with that plan's reason for closure;
* the child's assessments and Section 47 enquiries, each in the episode of the latest
  referral on or before its start.

Periods come from the plan's kinds over time (``PlanState.kinds``): a kind change at a
conference ends one period and starts the next that day; a period that starts and ends
on the same day is not reported (DfE rules 4012Q and 8840), and adjacent periods of the
same census kind are one period. Anything still open on the reference date is reported
open. What the store does not hold is left out, never invented; what the export leaves
out, and why, is said in ``CensusReturn.notes`` (the CLI prints them on stderr).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID

from plantrail.domain import events as ev
from plantrail.domain.errors import BadInput
from plantrail.domain.vocabulary import CENSUS_CATEGORY, PLAN_FAMILY

CIN_KINDS = ("child-in-need", "child-in-need-short-breaks")
CP_KINDS = ("child-protection",)
CENSUS_FAMILIES = ("childs-plan", "care-plan")  # a looked-after child is a child in need
REVIEW_KIND = "cp-review-conference"  # a core group is not a review of the plan
FIRST_YEAR, LAST_YEAR = 2000, 2999
# DfE rules 1570 and 1580: an LA child id is at most 20 letters and digits.
MAX_CHILD_ID = 20
# Elements of the specification plantrail holds nothing for: never in the return, and
# said once on each export (docs/exports.md, "What plantrail does not hold").
NOT_HELD = ("not held by plantrail, so never in the return: InitialCPCtarget (DfE rule 8870Q checks it when "
            "given), AssessmentInternalReviewDate, ExpectedPersonBirthDate (unborn children are not recorded), "
            "the closure of an episode with no plan (closed after assessment, RC8/RC9: DfE rules 8815, 8816)")


# --------------------------------------------------------------------------- the model


@dataclass
class Period:
    """One child-in-need or child-protection period of a plan."""

    census_kind: str  # "cin" or "cp"
    start: date
    end: date | None
    initial_category: str | None = None
    latest_category: str | None = None


@dataclass
class ProtectionPlan:
    start: date
    end: date | None
    initial_category: str | None
    latest_category: str | None
    previous: int
    reviews: list[date] = field(default_factory=list)


@dataclass
class Referral:
    """What the census reports of the referral that led to a plan, as the plan recorded it."""

    referred: date | None = None
    source: str | None = None
    primary_need: str | None = None


@dataclass
class AssessmentRow:
    started: date
    authorised: date | None
    factors: list[str]


@dataclass
class EnquiryRow:
    started: date
    icpc: date | None
    icpc_not_required: bool


@dataclass
class Episode:
    """One CINdetails: a referral and what followed it in the year."""

    referred: date
    referral_source: str | None
    primary_need: str | None
    nfa: bool
    closed: date | None
    closure_reason: str | None
    initial_cpc: date | None
    assessments: list[AssessmentRow]
    cin_plans: list[tuple[date, date | None]]
    enquiries: list[EnquiryRow]
    protection_plans: list[ProtectionPlan]
    plan_ids: list[UUID] = field(default_factory=list)


@dataclass
class CensusChild:
    child_ref: str
    upn: str | None
    born: date | None
    sex: str
    episodes: list[Episode]
    former_upn: str | None = None
    upn_unknown: str | None = None
    died: date | None = None
    ethnicity: str | None = None
    disabilities: list[str] = field(default_factory=list)


@dataclass
class CensusReturn:
    year: int
    start: date
    reference_date: date
    created: datetime
    lea: str | None
    serial_no: str | None
    children: list[CensusChild]
    notes: list[str] = field(default_factory=list)


def collection_period(year: int) -> tuple[date, date]:
    if not isinstance(year, int) or not FIRST_YEAR <= year <= LAST_YEAR:
        raise BadInput(f"--year {year} is not a collection year",
                       fix="give the year the collection ends in, e.g. --year 2025 for April 2024 to March 2025")
    return date(year - 1, 4, 1), date(year, 3, 31)


# --------------------------------------------------------------------------- reading the store


def census_return(app: Any, year: int, *, lea: str | None = None, serial_no: str | None = None) -> CensusReturn:
    from plantrail.projections.children import find_children
    from plantrail.projections.exports.census_episodes import child_episodes

    start, reference = collection_period(year)
    notes: list[str] = []
    by_child: dict[str, list[Any]] = {}
    for plan_id in dict.fromkeys(app.plan_ids()):
        plan = app.plan(plan_id)
        if plan.erased:
            continue  # an erased child's: left out of every return
        s = plan.state
        if PLAN_FAMILY.get(s.kind) not in CENSUS_FAMILIES:
            continue
        if s.status == "withdrawn":
            if s.opened_on <= reference:
                notes.append(f"left out: plan {plan.id} ({s.kind}) of child {s.child}: withdrawn as opened in error")
            continue
        by_child.setdefault(s.child, []).append(plan)
    refs = set(by_child) | {row["child"] for row in find_children(app)}
    children = []
    for child_ref in sorted(refs):
        child = app.child(child_ref).state
        if child.nation != "england":
            continue  # the DfE census is England's
        plans = sorted(by_child.get(child_ref, []), key=lambda p: (p.state.opened_on, str(p.id)))
        episodes = child_episodes(app, child, plans, start, reference, notes)
        if not episodes:
            continue
        if not (child_ref.isascii() and child_ref.isalnum() and len(child_ref) <= MAX_CHILD_ID):
            notes.append(f"left out: child {child_ref}: the DfE's LA child id is at most {MAX_CHILD_ID} letters and "
                         "digits (rules 1570, 1580); register the child under such a reference")
            continue
        children.append(CensusChild(
            child_ref=child.child_ref, upn=child.upn, born=child.born, sex=child.sex, episodes=episodes,
            former_upn=child.former_upn, upn_unknown=child.upn_unknown, died=child.died,
            ethnicity=child.ethnicity, disabilities=list(child.disabilities)))
        notes += _not_recorded(children[-1])
    created = app.clock().astimezone(UTC).replace(microsecond=0, tzinfo=None)
    return CensusReturn(year=year, start=start, reference_date=reference, created=created, lea=lea,
                        serial_no=serial_no, children=children, notes=notes)


def _not_recorded(child: CensusChild) -> list[str]:
    """What a reported child lacks that a DfE rule asks for: said, never invented."""
    lacking = []
    if child.ethnicity is None:
        lacking.append("ethnicity (rule 4220; child correct --set ethnicity=CODE)")
    if not child.disabilities and not all(e.nfa for e in child.episodes):
        lacking.append("disabilities, or NONE (rule 8540; child correct --set disabilities=CODE,...)")
    if child.upn is None and child.upn_unknown is None:
        lacking.append("a UPN or the reason none is held (rule 8770Q; child correct --set upn_unknown=UN1-UN7)")
    for e in child.episodes:
        if e.referral_source is None:
            lacking.append(f"the source of the referral of {e.referred} (rule 8866)")
        if e.primary_need is None and not e.nfa:
            lacking.append(f"the primary need of the referral of {e.referred} (rule 8610)")
        if e.closed is not None and e.closure_reason is None:
            lacking.append(f"the reason for closure of the episode closed {e.closed} (rule 8805)")
        if e.closure_reason == "RC2" and child.died is None:
            lacking.append(f"the date of death: the episode closed {e.closed} as RC2, died (rule 8585Q)")
    return [f"not recorded: child {child.child_ref}: {what}" for what in lacking]


def plan_periods(plan: Any) -> list[Period]:
    """The plan's child-in-need and child-protection periods, oldest first.

    The periods are ``PlanState.kinds`` (corrections applied, voids left out); the
    category that started each comes from the same entries the fold took.
    """
    state = plan.state
    starters = [plan.as_corrected(e) for e in plan.entries
                if e.originator_version not in plan.voided and isinstance(e, (ev.PlanOpened, ev.PlanKindChanged))]
    if len(starters) != len(state.kinds):  # pragma: no cover - the fold and the entries disagree
        raise RuntimeError(f"plan {plan.id}: kinds and the entries that set them differ")
    raw: list[Period] = []
    for i, (kind, starter) in enumerate(zip(state.kinds, starters)):
        end = state.kinds[i + 1].since if i + 1 < len(state.kinds) else state.closed_on
        census_kind = "cp" if kind.kind in CP_KINDS else "cin" if kind.kind in CIN_KINDS else None
        if census_kind is None or (end is not None and end <= kind.since):
            continue  # not a census kind, or superseded the day it started
        category = getattr(starter, "category", None)
        previous = raw[-1] if raw else None
        if previous is not None and previous.census_kind == census_kind and previous.end == kind.since:
            previous.end = end  # the same census kind carries on
            previous.latest_category = category or previous.latest_category
            continue
        raw.append(Period(census_kind, kind.since, end, category, category))
    return raw


def protection_plans(plan: Any, periods: list[Period], protection_starts: list[date], start: date,
                     reference: date) -> tuple[list[tuple[date, date | None]], list[ProtectionPlan]]:
    """The plan's CIN plan dates and child protection plans in the year."""
    s = plan.state
    in_year = [p for p in periods if p.start <= reference and (p.end is None or p.end >= start)]
    cin_plans = [(p.start, in_census(p.end, reference)) for p in in_year if p.census_kind == "cin"]
    protection = []
    for p in in_year:
        if p.census_kind != "cp":
            continue
        last = in_census(p.end, reference) or reference
        reviews = sorted({r.held_on for r in s.reviews.values()
                          if r.kind == REVIEW_KIND and p.start < r.held_on <= last and r.held_on >= start})
        protection.append(ProtectionPlan(
            start=p.start, end=in_census(p.end, reference),
            initial_category=CENSUS_CATEGORY.get(p.initial_category or ""),
            latest_category=CENSUS_CATEGORY.get(p.latest_category or ""),
            previous=sum(1 for d in protection_starts if d < p.start),
            reviews=reviews,
        ))
    return cin_plans, protection


def in_census(end: date | None, reference: date) -> date | None:
    """An end after the reference date is no end as at the reference date."""
    return end if end is not None and end <= reference else None


def plan_referral(app: Any, state: Any) -> Referral:
    """The referral a plan names; a Child's Plan replacing an Initial Plan came from the
    same referral when it names none of its own (neither date nor source), and carries
    on the need the Initial Plan's assessment found when it records none."""
    own = Referral(state.referred, state.referral_source, state.primary_need)
    if state.replaces is None:
        return own
    initial = app.plan(state.replaces).state
    if own.referred is None and own.source is None:
        own.referred, own.source = initial.referred, initial.referral_source
    own.primary_need = own.primary_need or initial.primary_need
    return own


# --------------------------------------------------------------------------- writing XML


def census_xml(app: Any, year: int, *, lea: str | None = None, serial_no: str | None = None) -> str:
    from plantrail.projections.exports.census_xml import to_xml

    return to_xml(census_return(app, year, lea=lea, serial_no=serial_no))
