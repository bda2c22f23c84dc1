"""A child's CIN episodes in a collection year: each referral with the plans, assessments
and Section 47 enquiries that followed it (``projections/exports/census.py`` says how
they are found). What is left out, and why, goes to ``notes``: one line each."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from plantrail.projections.exports.census import (
    AssessmentRow,
    EnquiryRow,
    Episode,
    in_census,
    plan_periods,
    plan_referral,
    protection_plans,
)


@dataclass
class _Building:
    referred: date
    source: str | None
    primary_need: str | None
    nfa: bool
    recorded: bool  # by `referral record`, not only named by a plan
    plans: list[Any] = field(default_factory=list)
    assessments: list[Any] = field(default_factory=list)
    enquiries: list[Any] = field(default_factory=list)

    def closure(self) -> tuple[date | None, str | None]:
        """An episode with plans closes when its last plan closes, with that plan's reason."""
        if not self.plans or any(p.state.closed_on is None for p in self.plans):
            return None, None
        last = max(self.plans, key=lambda p: p.state.closed_on)
        return last.state.closed_on, last.state.closure_reason


def child_episodes(app: Any, child: Any, plans: list[Any], start: date, reference: date,
                   notes: list[str]) -> list[Episode]:
    ref = child.child_ref
    building = {r.on: _Building(r.on, r.source, r.primary_need, r.nfa, True) for r in child.referrals}
    for plan in plans:
        _link_plan(app, plan, building, notes, ref, reference)
    for assessment in child.assessments:
        _follows(building, assessment.started).assessments.append(assessment)
    for enquiry in child.enquiries:
        _follows(building, enquiry.started).enquiries.append(enquiry)
    periods = {p.id: plan_periods(p) for b in building.values() for p in b.plans}
    protection_starts = sorted(x.start for ps in periods.values() for x in ps if x.census_kind == "cp")
    episodes = []
    for when in sorted(building):
        b = building[when]
        closed, _ = b.closure()
        if when > reference or (closed is not None and closed < start) or (b.nfa and when < start):
            continue  # not in the year (a referral with no further action ends the day it is made)
        episodes.append(_episode(b, periods, protection_starts, start, reference, notes, ref))
    _say_open_episodes(episodes, notes, ref)
    return episodes


def _link_plan(app: Any, plan: Any, building: dict[date, _Building], notes: list[str], ref: str,
               reference: date) -> None:
    """The plan joins the episode of the referral it names (``--referred DATE``), else of
    the child's latest referral on or before its opening."""
    s = plan.state
    named = plan_referral(app, s)
    when = named.referred
    if when is None:
        earlier = [d for d, b in building.items() if b.recorded and d <= s.opened_on]
        if not earlier:
            if s.opened_on <= reference:
                notes.append(f"left out: plan {plan.id} ({s.kind}) of child {ref}: no referral (record it with "
                             "`referral record`, and name it with `plan open --referred DATE`) (DfE rule 8600)")
            return
        when = max(earlier)
    b = building.get(when)
    if b is None:  # a referral only the plan records (made before `referral record`)
        b = building[when] = _Building(when, named.source, named.primary_need, False, False)
    if b.nfa:
        notes.append(f"left out: plan {plan.id} ({s.kind}) of child {ref}: its referral of {when} was recorded as "
                     "no further action (DfE rule 4000)")
        return
    b.source = b.source or named.source
    b.primary_need = b.primary_need or named.primary_need
    b.plans.append(plan)


def _follows(building: dict[date, _Building], started: date) -> _Building:
    """The episode of the latest referral on or before ``started`` (the child's record
    refuses an assessment or enquiry with none, ``child_rules.followed_referral``)."""
    return building[max(d for d in building if d <= started)]


def _episode(b: _Building, periods: dict[Any, Any], protection_starts: list[date], start: date, reference: date,
             notes: list[str], ref: str) -> Episode:
    closed, reason = b.closure()
    closed = in_census(closed, reference)
    cin_plans: list[tuple[date, date | None]] = []
    protection = []
    for plan in b.plans:
        cin, cp = protection_plans(plan, periods[plan.id], protection_starts, start, reference)
        cin_plans += cin
        protection += cp
    assessments = [row for a in b.assessments if (row := _assessment(a, start, reference, notes, ref))]
    enquiries = [row for e in b.enquiries if (row := _enquiry(e, start, reference, notes, ref))]
    held = {e.icpc for e in enquiries if e.icpc is not None}
    # The conference that started a child protection plan, once: at the Section 47's level
    # when an enquiry records it, else at the episode's (DfE rule 2884).
    initial_cpc = next((p.start for p in sorted(protection, key=lambda p: p.start)
                        if start <= p.start <= reference and p.start not in held), None)
    # With an enquiry that needed a conference, each plan starting in the year starts on one.
    conferring = any(not e.icpc_not_required for e in enquiries)
    for p in protection:
        if conferring and start <= p.start <= reference and p.start not in held:
            notes.append(f"check: child {ref}: the child protection plan of {p.start} starts on no initial "
                         f"conference of the episode's Section 47 enquiries (DfE rule 2885)")
    if closed is not None and any(a.authorised is None for a in assessments):
        notes.append(f"check: child {ref}: the episode of {b.referred} closed {closed} with an assessment not "
                     "authorised (DfE rule 8867)")
    if closed is not None and any(e.icpc is None and not e.icpc_not_required for e in enquiries):
        notes.append(f"check: child {ref}: the episode of {b.referred} closed {closed} with a Section 47 enquiry "
                     "not finished (DfE rule 8868)")
    return Episode(
        referred=b.referred, referral_source=b.source, primary_need=None if b.nfa else b.primary_need, nfa=b.nfa,
        # A reason without a closure date breaks DfE rule 8810: only with the date.
        closed=closed, closure_reason=reason if closed is not None else None, initial_cpc=initial_cpc,
        assessments=assessments, cin_plans=sorted(cin_plans), enquiries=enquiries,
        protection_plans=sorted(protection, key=lambda p: p.start), plan_ids=[p.id for p in b.plans])


def _assessment(a: Any, start: date, reference: date, notes: list[str], ref: str) -> AssessmentRow | None:
    """An assessment authorised in the year, or started in it and not yet authorised
    (DfE rules 8696, 8736); one authorised after the reference date is reported open."""
    authorised = in_census(a.authorised, reference)
    if authorised is not None:
        return AssessmentRow(a.started, authorised, list(a.factors)) if authorised >= start else None
    if a.started > reference:
        return None
    if a.started < start:
        notes.append(f"left out: assessment {a.assessment_id} of child {ref}: started {a.started}, before the year, "
                     "and not authorised by its end (DfE rule 8736); record its authorisation")
        return None
    return AssessmentRow(a.started, None, [])


def _enquiry(e: Any, start: date, reference: date, notes: list[str], ref: str) -> EnquiryRow | None:
    """An enquiry finished in the year (its conference, or none needed), or started in it
    and open (DfE rule 8740); a conference after the reference date is not yet held."""
    icpc = in_census(e.icpc, reference)
    if e.started > reference:
        return None
    ends = icpc if icpc is not None else e.started if e.icpc_required is False else None
    if ends is not None:
        return EnquiryRow(e.started, icpc, e.icpc_required is False) if ends >= start else None
    if e.started < start:
        notes.append(f"left out: Section 47 enquiry {e.s47_id} of child {ref}: started {e.started}, before the year, "
                     "with no conference by its end (DfE rule 8740); record the conference or that none is needed")
        return None
    return EnquiryRow(e.started, None, False)


def _say_open_episodes(episodes: list[Episode], notes: list[str], ref: str) -> None:
    """An episode with no plan has no closure the store can give (plantrail records no
    "closed after assessment"): the DfE allows one open episode, the latest (rules 8815, 8816)."""
    latest = max((e.referred for e in episodes), default=None)
    for e in (e for e in episodes if e.closed is None and not e.nfa and e.referred != latest):
        notes.append(f"check: child {ref}: the episode of {e.referred} is open and not the latest; plantrail holds "
                     "no closure for an episode without a closed plan (DfE rules 8815, 8816)")
