"""The DfE Children in Need census return, as XML (DOMAIN.md, "Statutory return").

The collection year YYYY runs from 1 April YYYY-1 to the reference date, 31 March
YYYY. The return holds, per child with a Child's Plan open at any time in that year:

* ``ChildIdentifiers`` — the local authority's reference, UPN when held, date of
  birth and sex;
* ``ChildCharacteristics`` — present but empty: the store holds no ethnicity or
  disability codes;
* one ``CINdetails`` per Child's Plan (the family of plans that moves between child
  in need and child protection): the referral date, source of referral and primary
  need when recorded, the closure date when the plan closed in the year (with its
  reason for closure code when recorded), the date of the initial child protection
  conference when a child protection period started in the year, and

  - ``CINPlanDates`` for each child-in-need period (``child-in-need`` and
    ``child-in-need-short-breaks``),
  - ``ChildProtectionPlans`` for each child-protection period, with its initial and
    latest category of abuse, the number of the child's earlier child protection
    plans, and the dates of the review conferences held in the year.

Periods come from the plan's kinds over time (``PlanState.kinds``, the one fold): a
kind change at a conference ends one period and starts the next that day. A period
that starts and ends on the same day is not reported (the next kind superseded it
at once; DfE rules 4012Q and 8840), and adjacent periods of the same census kind are
one period. A period still open on the reference date is reported without an end.

What the store does not hold is left out, never invented: a census code that was not
recorded, ethnicity, disabilities, assessments and section 47 enquiries are the local
authority case system's to add.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID

from plantrail.domain import events as ev
from plantrail.domain.errors import BadInput
from plantrail.domain.vocabulary import CENSUS_CATEGORY, PLAN_FAMILY

CIN_KINDS = ("child-in-need", "child-in-need-short-breaks")
CP_KINDS = ("child-protection",)
CENSUS_FAMILY = "childs-plan"
REVIEW_KIND = "cp-review-conference"  # a core group is not a review of the plan
FIRST_YEAR, LAST_YEAR = 2000, 2999
# Until the 2024 to 2025 collection the child's sex was returned as GenderCurrent.
SEX_FROM_YEAR = 2025
GENDER_CURRENT = {"M": "1", "F": "2", "U": "0"}


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
    """What the census reports of the referral that led to a plan, as recorded."""

    referred: date | None = None
    source: str | None = None
    primary_need: str | None = None


@dataclass
class Episode:
    plan_id: UUID
    referred: date | None
    closed: date | None
    initial_cpc: date | None
    cin_plans: list[tuple[date, date | None]]
    protection_plans: list[ProtectionPlan]
    referral_source: str | None = None
    primary_need: str | None = None
    closure_reason: str | None = None


@dataclass
class CensusChild:
    child_ref: str
    upn: str | None
    born: date | None
    sex: str
    episodes: list[Episode]


@dataclass
class CensusReturn:
    year: int
    start: date
    reference_date: date
    created: datetime
    lea: str | None
    serial_no: str | None
    children: list[CensusChild]


def collection_period(year: int) -> tuple[date, date]:
    if not isinstance(year, int) or not FIRST_YEAR <= year <= LAST_YEAR:
        raise BadInput(f"--year {year} is not a collection year",
                       fix="give the year the collection ends in, e.g. --year 2025 for April 2024 to March 2025")
    return date(year - 1, 4, 1), date(year, 3, 31)


# --------------------------------------------------------------------------- reading the store


def census_return(app: Any, year: int, *, lea: str | None = None, serial_no: str | None = None) -> CensusReturn:
    start, reference = collection_period(year)
    by_child: dict[str, list[Any]] = {}
    for plan_id in dict.fromkeys(app.plan_ids()):
        plan = app.plan(plan_id)
        if plan.erased:
            continue  # an erased child's: left out of every return
        if plan.state.status == "withdrawn":
            continue  # opened in error: no plan of the child's, in no return
        if PLAN_FAMILY.get(plan.state.kind) == CENSUS_FAMILY:
            by_child.setdefault(plan.state.child, []).append(plan)
    children = []
    for child_ref in sorted(by_child):
        child = app.child(child_ref).state
        if child.nation != "england":
            continue  # the DfE census is England's
        plans = sorted(by_child[child_ref], key=lambda p: (p.state.opened_on, str(p.id)))
        periods = {p.id: plan_periods(p) for p in plans}
        protection_starts = sorted(x.start for ps in periods.values() for x in ps if x.census_kind == "cp")
        episodes = []
        for plan in plans:
            s = plan.state
            if s.opened_on > reference or (s.closed_on is not None and s.closed_on < start):
                continue
            episodes.append(_episode(app, plan, periods[plan.id], protection_starts, start, reference))
        if episodes:
            children.append(CensusChild(child_ref=child.child_ref, upn=child.upn, born=child.born,
                                        sex=child.sex, episodes=episodes))
    created = app.clock().astimezone(UTC).replace(microsecond=0, tzinfo=None)
    return CensusReturn(year=year, start=start, reference_date=reference, created=created, lea=lea,
                        serial_no=serial_no, children=children)


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


def _episode(app: Any, plan: Any, periods: list[Period], protection_starts: list[date],
             start: date, reference: date) -> Episode:
    s = plan.state
    in_year = [p for p in periods if p.start <= reference and (p.end is None or p.end >= start)]
    cin_plans = [(p.start, _end(p.end, reference)) for p in in_year if p.census_kind == "cin"]
    protection = []
    for p in in_year:
        if p.census_kind != "cp":
            continue
        last = _end(p.end, reference) or reference
        reviews = sorted({r.held_on for r in s.reviews.values()
                          if r.kind == REVIEW_KIND and p.start < r.held_on <= last and r.held_on >= start})
        protection.append(ProtectionPlan(
            start=p.start, end=_end(p.end, reference),
            initial_category=CENSUS_CATEGORY.get(p.initial_category or ""),
            latest_category=CENSUS_CATEGORY.get(p.latest_category or ""),
            previous=sum(1 for d in protection_starts if d < p.start),
            reviews=reviews,
        ))
    initial_cpc = next((p.start for p in protection if start <= p.start <= reference), None)
    referral = _referral(app, s)
    closed = _end(s.closed_on, reference)
    return Episode(plan_id=plan.id, referred=referral.referred, closed=closed,
                   initial_cpc=initial_cpc, cin_plans=cin_plans, protection_plans=protection,
                   referral_source=referral.source, primary_need=referral.primary_need,
                   # A reason without a closure date breaks DfE rule 8810: only with the date.
                   closure_reason=s.closure_reason if closed is not None else None)


def _end(end: date | None, reference: date) -> date | None:
    """An end after the reference date is no end as at the reference date."""
    return end if end is not None and end <= reference else None


def _referral(app: Any, state: Any) -> Referral:
    """The referral that led to the plan; a Child's Plan replacing an Initial Plan
    came from the same referral when it names none of its own (neither date nor source),
    and carries on the need the Initial Plan's assessment found when it records none."""
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
    return to_xml(census_return(app, year, lea=lea, serial_no=serial_no))


def to_xml(data: CensusReturn) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        release = version("plantrail")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        release = "0"
    message = ET.Element("Message")
    header = _sub(message, "Header")
    details = _sub(header, "CollectionDetails")
    _sub(details, "Collection", "CIN")
    _sub(details, "Year", str(data.year))
    _sub(details, "ReferenceDate", data.reference_date.isoformat())
    source = _sub(header, "Source")
    _sub(source, "SourceLevel", "L")
    _sub(source, "LEA", data.lea)
    _sub(source, "SoftwareCode", "plantrail")
    _sub(source, "Release", release)
    _sub(source, "SerialNo", data.serial_no)
    _sub(source, "DateTime", data.created.isoformat())
    children = _sub(message, "Children")
    for child in data.children:
        _child(children, child, data.year)
    ET.indent(message, space="  ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(message, encoding="unicode") + "\n"


def _child(parent: ET.Element, child: CensusChild, year: int) -> None:
    element = _sub(parent, "Child")
    ids = _sub(element, "ChildIdentifiers")
    _sub(ids, "LAchildID", child.child_ref)
    _sub(ids, "UPN", child.upn)
    _sub(ids, "PersonBirthDate", _d(child.born))
    if year >= SEX_FROM_YEAR:
        _sub(ids, "Sex", child.sex)
    else:
        _sub(ids, "GenderCurrent", GENDER_CURRENT.get(child.sex))
    # Ethnicity and disabilities are not held; the block stays, empty.
    _sub(element, "ChildCharacteristics")
    for episode in child.episodes:
        cin = _sub(element, "CINdetails")
        _sub(cin, "CINreferralDate", _d(episode.referred))
        _sub(cin, "ReferralSource", episode.referral_source)
        _sub(cin, "PrimaryNeedCode", episode.primary_need)
        _sub(cin, "CINclosureDate", _d(episode.closed))
        _sub(cin, "ReasonForClosure", episode.closure_reason)
        _sub(cin, "DateOfInitialCPC", _d(episode.initial_cpc))
        for plan_start, plan_end in episode.cin_plans:
            dates = _sub(cin, "CINPlanDates")
            _sub(dates, "CINPlanStartDate", _d(plan_start))
            _sub(dates, "CINPlanEndDate", _d(plan_end))
        for cpp in episode.protection_plans:
            plan = _sub(cin, "ChildProtectionPlans")
            _sub(plan, "CPPstartDate", _d(cpp.start))
            _sub(plan, "CPPendDate", _d(cpp.end))
            _sub(plan, "InitialCategoryOfAbuse", cpp.initial_category)
            _sub(plan, "LatestCategoryOfAbuse", cpp.latest_category)
            _sub(plan, "NumberOfPreviousCPP", str(cpp.previous))
            if cpp.reviews:
                reviews = _sub(plan, "Reviews")
                for held in cpp.reviews:
                    _sub(reviews, "CPPreviewDate", _d(held))


def _sub(parent: ET.Element, tag: str, text: str | None = "") -> ET.Element:
    """A child element; one whose value is not held (None) is left out."""
    if text is None:
        return ET.Element(tag)  # detached: not written
    element = ET.SubElement(parent, tag)
    if text:
        element.text = text
    return element


def _d(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None
