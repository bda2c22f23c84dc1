"""The Child aggregate: who the child is, and which plans of each family are open."""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from pydantic import Field

from plantrail.domain import events as ev
from plantrail.domain.acting import Acting
from plantrail.domain.base import Model
from plantrail.domain.child_rules import (
    check_assessment,
    check_characteristics,
    check_enquiry,
    check_referral,
    check_upn_unknown,
)
from plantrail.domain.errors import BadInput, RuleBroken
from plantrail.domain.looked_after import check_characteristics as check_looked_after
from plantrail.domain.looked_after import check_missing
from plantrail.domain.plan_rules import check_code
from plantrail.domain.record import CorrectableRecord
from plantrail.domain.retention import Kept
from plantrail.domain.vocabulary import PRIMARY_NEEDS, REFERRAL_SOURCES

LOOKED_AFTER_CHARACTERISTICS = ("previous_permanence", "previous_permanence_la", "previous_permanence_date",
                                "mother", "mother_child_born")


class PlanPeriod(Model):
    plan_id: UUID
    family: str
    kind: str
    started_on: date
    ended_on: date | None = None


class MissingPeriod(Model):
    kind: str  # "missing" or "away"
    started: date
    ended: date | None = None


class Referral(Model):
    referral_id: str
    on: date
    source: str
    primary_need: str | None = None
    nfa: bool = False
    event_id: str = ""


class Assessment(Model):
    assessment_id: str
    started: date
    authorised: date | None = None
    factors: list[str] = Field(default_factory=list)
    event_id: str = ""


class Enquiry(Model):
    """A Section 47 enquiry."""

    s47_id: str
    started: date
    icpc_required: bool | None = None
    icpc: date | None = None
    event_id: str = ""

    @property
    def ends(self) -> date | None:
        """Its initial conference, or its start when none is needed; None while open."""
        return self.icpc if self.icpc is not None else self.started if self.icpc_required is False else None


class ChildState(Model):
    child_ref: str = ""
    name: str = ""
    born: date | None = None
    sex: str = "U"
    upn: str | None = None
    nation: str = "england"
    # The SSDA903 return's characteristics (``ev.ChildRegistered``) and missing periods.
    previous_permanence: str | None = None
    previous_permanence_la: str | None = None
    previous_permanence_date: date | None = None
    mother: bool | None = None
    mother_child_born: date | None = None
    missing: list[MissingPeriod] = Field(default_factory=list)
    # The CIN census's characteristics and modules (referrals, assessments, Section 47s).
    ethnicity: str | None = None
    disabilities: list[str] = Field(default_factory=list)
    upn_unknown: str | None = None
    former_upn: str | None = None
    died: date | None = None
    referrals: list[Referral] = Field(default_factory=list)
    assessments: list[Assessment] = Field(default_factory=list)
    enquiries: list[Enquiry] = Field(default_factory=list)
    # An erasure asked for and not yet approved (its request id, who asked), and whether
    # the record was erased (DOMAIN.md, "Keeping records").
    erasure_request: tuple[str, str] | None = None
    erased: bool = False
    periods: list[PlanPeriod] = Field(default_factory=list)
    # Periods of plans withdrawn as opened in error: no longer the child's, kept apart.
    withdrawn: list[PlanPeriod] = Field(default_factory=list)
    # Who alone may read the record, when it is restricted (``child restrict``); None: anyone.
    restricted_to: list[str] | None = None

    def open_plans(self) -> list[PlanPeriod]:
        return [p for p in self.periods if p.ended_on is None]


def _same_census_kind(one: str, other: str) -> bool:
    """A child protection plan may start the day a child in need plan ends (a step up at a
    conference), but two periods of the same kind may not touch: the census counts a start
    on the day of an end as an overlap (DfE rules 4014, 8940)."""
    return (one == "child-protection") == (other == "child-protection")


def _eighteenth_birthday(born: date) -> date:
    try:
        return born.replace(year=born.year + 18)
    except ValueError:  # born on 29 February: the birthday is 1 March in a common year
        return date(born.year + 18, 3, 1)


@lru_cache(maxsize=65536)  # uuid5 is a SHA-1: computed once per id, not once per command
def child_id(child_ref: str) -> UUID:
    """A child's record id follows from the local authority's reference, so a reference
    names at most one child (a second registration conflicts and is refused)."""
    return uuid5(NAMESPACE_URL, f"plantrail:child:{child_ref}")


class Child(CorrectableRecord):

    def redecide(self, acting: Acting, entry: ev.Event) -> None:
        from plantrail.domain.redecide import child_entry

        child_entry(self, acting, entry)

    def blank(self) -> ChildState:
        return ChildState()

    def evolve(self, state: ChildState, event: ev.Event) -> None:
        if isinstance(event, ev.ChildRegistered):
            state.child_ref, state.name, state.born = event.child_ref, event.name, event.born
            state.sex, state.upn, state.nation = event.sex, event.upn, event.nation
            for name in LOOKED_AFTER_CHARACTERISTICS:
                setattr(state, name, getattr(event, name))
            state.ethnicity, state.disabilities = event.ethnicity, list(event.disabilities)
            state.upn_unknown, state.former_upn, state.died = event.upn_unknown, event.former_upn, event.died
        elif isinstance(event, ev.MissingPeriodRecorded):
            state.missing.append(MissingPeriod(kind=event.kind, started=event.effective_on, ended=event.ended))
            state.missing.sort(key=lambda m: m.started)
        elif isinstance(event, ev.ReferralRecorded):
            state.referrals.append(Referral(referral_id=event.referral_id, on=event.effective_on, source=event.source,
                                            primary_need=event.primary_need, nfa=event.nfa,
                                            event_id=event.event_id))
        elif isinstance(event, ev.AssessmentRecorded):
            state.assessments.append(Assessment(assessment_id=event.assessment_id, started=event.effective_on,
                                                authorised=event.authorised, factors=list(event.factors),
                                                event_id=event.event_id))
        elif isinstance(event, ev.Section47Recorded):
            state.enquiries.append(Enquiry(s47_id=event.s47_id, started=event.effective_on,
                                           icpc_required=event.icpc_required, icpc=event.icpc,
                                           event_id=event.event_id))
        elif isinstance(event, ev.ChildPlanStarted):
            state.periods.append(PlanPeriod(plan_id=event.plan_id, family=event.family, kind=event.kind,
                                            started_on=event.effective_on))
        elif isinstance(event, ev.ChildPlanEnded):
            for period in state.periods:
                if period.plan_id == event.plan_id:
                    period.ended_on = event.effective_on
        elif isinstance(event, ev.ChildRestricted):
            state.restricted_to = sorted(set(event.allowed))
        elif isinstance(event, ev.ChildUnrestricted):
            state.restricted_to = None
        elif isinstance(event, ev.ErasureRequested):
            state.erasure_request = (event.request_id, event.actor)
        elif isinstance(event, ev.ChildErased):
            state.child_ref, state.erased, state.erasure_request = event.child_ref, True, None
        elif isinstance(event, ev.ChildPlanWithdrawn):
            state.withdrawn += [p for p in state.periods if p.plan_id == event.plan_id]
            state.periods = [p for p in state.periods if p.plan_id != event.plan_id]

    @classmethod
    def register(
        cls, acting: Acting, *, child_ref: str, name: str, born: date, sex: str = "U",
        upn: str | None = None, nation: str = "england", ethnicity: str | None = None,
        disabilities: list[str] | tuple[str, ...] = (), upn_unknown: str | None = None,
        former_upn: str | None = None, died: date | None = None, **looked_after: Any,
    ) -> Child:
        if born > acting.at.date():
            raise BadInput("a child's date of birth cannot be in the future", fix="give --born as a past date")
        check_characteristics(born=born, today=acting.at.date(), upn=upn, upn_unknown=upn_unknown,
                              former_upn=former_upn, ethnicity=ethnicity, disabilities=list(disabilities),
                              died=died)
        given = {name: looked_after.get(name) for name in LOOKED_AFTER_CHARACTERISTICS}
        check_looked_after(**given, sex=sex)
        return cls._create(
            ev.ChildRegistered, id=child_id(child_ref), **acting.envelope(),
            child_ref=child_ref, name=name, born=born, sex=sex, upn=upn, nation=nation, ethnicity=ethnicity,
            disabilities=list(disabilities), upn_unknown=upn_unknown, former_upn=former_upn, died=died, **given,
        )

    def record_missing(self, acting: Acting, *, kind: str, ended: date | None = None) -> None:
        """A missing or away-from-placement period from ``acting.on`` (SSDA903 Missing)."""
        check_missing(kind, acting.on, ended)
        if self.state.born and acting.on < self.state.born:
            raise BadInput("a missing period starts after the child was born", fix="check --from")
        self.trigger_event(ev.MissingPeriodRecorded, **acting.envelope(), kind=kind, ended=ended)

    # ----------------------------------------------------------------------- the census's modules

    def record_referral(self, acting: Acting, *, source: str, primary_need: str | None = None,
                        nfa: bool = False, referral_id: str | None = None) -> str:
        """A referral on ``acting.on`` (CLI.md, ``referral record``)."""
        check_code(source, REFERRAL_SOURCES, "source of referral", "--source")
        check_code(primary_need, PRIMARY_NEEDS, "primary need", "--primary-need")
        check_referral(self.state, acting.on, primary_need, nfa)
        check_upn_unknown(self.state, nfa)
        referral_id = referral_id or f"R{len(self.state.referrals) + 1}"
        self.trigger_event(ev.ReferralRecorded, **acting.envelope(), referral_id=referral_id, source=source,
                           primary_need=primary_need, nfa=nfa)
        return referral_id

    def check_named_referral(self, referred: date) -> None:
        """A plan's ``--referred DATE`` names one of the child's referrals, once any is
        recorded (a record from before ``referral record`` keeps the date on the plan alone),
        and never one that went no further (DfE rules 4000, 8831, 8832)."""
        named = next((r for r in self.state.referrals if r.on == referred), None)
        if named is None and self.state.referrals:
            known = ", ".join(f"{r.referral_id} ({r.on})" for r in sorted(self.state.referrals, key=lambda r: r.on))
            raise RuleBroken(f"{self.state.name} has no referral of {referred}; the plan's --referred names one",
                             rule="census", fix=f"give the date of one of {known}, or record the referral first")
        if named is not None and named.nfa:
            raise RuleBroken(f"the referral of {referred} was recorded as no further action; no plan follows it "
                             "(DfE rule 4000)", rule="census",
                             fix="record the new referral the plan follows, or correct the referral's nfa")

    def record_assessment(self, acting: Acting, *, authorised: date | None = None,
                          factors: list[str] | tuple[str, ...] = (), assessment_id: str | None = None) -> str:
        """A child and family assessment started on ``acting.on`` (CLI.md, ``assessment record``)."""
        assessment_id = assessment_id or f"A{len(self.state.assessments) + 1}"
        check_assessment(self.state, assessment_id, acting.on, authorised, list(factors), acting.at.date())
        self.trigger_event(ev.AssessmentRecorded, **acting.envelope(), assessment_id=assessment_id,
                           authorised=authorised, factors=list(factors))
        return assessment_id

    def record_enquiry(self, acting: Acting, *, icpc_required: bool | None = None, icpc: date | None = None,
                       s47_id: str | None = None) -> str:
        """A Section 47 enquiry started on ``acting.on`` (CLI.md, ``s47 record``)."""
        s47_id = s47_id or f"S{len(self.state.enquiries) + 1}"
        check_enquiry(self.state, s47_id, acting.on, icpc_required, icpc, acting.at.date())
        self.trigger_event(ev.Section47Recorded, **acting.envelope(), s47_id=s47_id, icpc_required=icpc_required,
                           icpc=icpc)
        return s47_id

    # ------------------------------------------------------------------ erasure
    def request_erasure(self, acting: Acting, *, reason: str, authority: str | None, kept: Kept) -> str:
        """A records officer asks for the record to be destroyed: after its retention period,
        or before it only on an authority such as a court order (DOMAIN.md, "Keeping
        records"). The request's id is its event's."""
        self._not_erased()
        if self.state.erasure_request is not None:
            raise RuleBroken(f"an erasure of {self.state.child_ref} was asked for already "
                             f"({self.state.erasure_request[0]})", rule="erasure",
                             fix="a team manager approves it with `erase approve`")
        if not (authority or "").strip() and (kept.retain_until is None or acting.on <= kept.retain_until):
            until = f"until {kept.retain_until}" if kept.retain_until else "while a plan is open"
            raise RuleBroken(f"{self.state.child_ref}'s record is kept {until} ({kept.rule}); it is destroyed "
                             "before then only on an authority", rule="retention",
                             fix="give --authority (e.g. the court order's reference), or wait")
        request_id = f"{self.id}/{self.version + 1}"
        self.trigger_event(ev.ErasureRequested, **acting.envelope(reason=reason, authority=authority or None),
                           request_id=request_id, retain_until=kept.retain_until)
        return request_id

    def approve_erasure(self, acting: Acting) -> None:
        """A team manager who did not ask for it approves: two people erase a record. Approved
        already but the key not yet destroyed (an interrupted approval): nothing more is
        recorded, and the store finishes the destruction."""
        if self.state.erased and not self.entries_erased:
            return
        self._not_erased()
        if self.state.erasure_request is None:
            raise RuleBroken(f"no erasure of {self.state.child_ref} has been asked for", rule="erasure",
                             fix="a records officer asks first, with `erase request`")
        request_id, requested_by = self.state.erasure_request
        if requested_by == acting.staff_id:
            raise RuleBroken("the staff member who asked for an erasure may not approve it", rule="two people",
                             fix="another team manager approves it")
        self.trigger_event(ev.ChildErased, **acting.envelope(authority=request_id), child_ref=self.state.child_ref,
                           request_id=request_id, requested_by=requested_by)

    @property
    def entries_erased(self) -> bool:
        """Whether the child's key is gone (the registration can no longer be read)."""
        return bool(self.entries) and type(self.entries[0]).__name__ == "Erased"

    def _not_erased(self) -> None:
        if self.erased:
            raise RuleBroken(f"the record of child {self.state.child_ref or self.id} was erased", rule="erasure")

    def start_plan(self, acting: Acting, *, plan_id: UUID, family: str, kind: str, replacing: UUID | None) -> None:
        """One open plan of each family; no period of a family overlapping an earlier one
        (DOMAIN.md, "Plans"; census rules 4001, 4004, 8935, 8940)."""
        on = acting.on
        for period in self.state.periods:
            if period.family != family or period.plan_id == replacing:
                continue
            if period.ended_on is None:
                raise RuleBroken(
                    f"{self.state.name} already has an open {period.kind} plan ({period.plan_id}); "
                    "a child has one open plan of each family",
                    rule="one open plan", fix="change that plan's kind at a review, or close it first",
                )
            if on < period.ended_on or (on == period.ended_on and _same_census_kind(period.kind, kind)):
                raise RuleBroken(
                    f"the new plan would start on {on}, inside the {period.kind} plan that ran "
                    f"until {period.ended_on}; periods of one child may not overlap",
                    rule="no overlapping periods", fix=f"give --on {period.ended_on + timedelta(days=1)} or later",
                )
        if self.state.born and on < self.state.born:
            raise RuleBroken("a plan cannot start before the child was born", rule="child")
        if self.state.died and on > self.state.died:
            raise RuleBroken(f"{self.state.name} died on {self.state.died}; a plan cannot start after "
                             "(DfE rules 4008, 8915)", rule="child", fix="check the plan's date and the date of death")
        adult = self.state.born and _eighteenth_birthday(self.state.born)
        if adult and on >= adult:
            raise RuleBroken(
                f"{self.state.name} was 18 on {adult}; a plan of a children's service starts before then",
                rule="child", fix="check the child's date of birth (correct it if it was mistyped) and the plan's date",
            )
        self.trigger_event(ev.ChildPlanStarted, **acting.envelope(), plan_id=plan_id, family=family, kind=kind)

    def end_plan(self, acting: Acting, *, plan_id: UUID) -> None:
        self.trigger_event(ev.ChildPlanEnded, **acting.envelope(), plan_id=plan_id)

    def restrict(self, acting: Acting, *, allowed: list[str], reason: str) -> None:
        """Only ``allowed`` (and auditors with a purpose) may read this record from now on."""
        if not allowed:
            raise BadInput("a restriction names the staff who may still read the record",
                           fix="give --allow STAFF_ID, once for each")
        _reason(reason)
        self.trigger_event(ev.ChildRestricted, **acting.envelope(), allowed=sorted(set(allowed)), reason=reason)

    def unrestrict(self, acting: Acting, *, reason: str) -> None:
        if self.state.restricted_to is None:
            raise RuleBroken(f"the record of {self.state.child_ref} is not restricted", rule="restriction")
        _reason(reason)
        self.trigger_event(ev.ChildUnrestricted, **acting.envelope(), reason=reason)

    def withdraw_plan(self, acting: Acting, *, plan_id: UUID, reason: str) -> None:
        """A plan opened in error on this child is no longer one of the child's."""
        self.trigger_event(ev.ChildPlanWithdrawn, **acting.envelope(reason=reason, authority="records correction"),
                           plan_id=plan_id)

    def move_period(self, acting: Acting, *, plan_id: UUID, started_on: date | None = None,
                    ended_on: date | None = None, reason: str) -> None:
        """Follow a correction of a plan's opening or closing date, keeping the periods
        of one family apart (the rule of ``start_plan``)."""
        for entry in self.entries:
            if getattr(entry, "plan_id", None) != plan_id:
                continue
            new = started_on if isinstance(entry, ev.ChildPlanStarted) else ended_on
            if new is None or self.as_corrected(entry).effective_on == new:
                continue
            fields = {"effective_on": new.isoformat()}
            self.check(self.trial({entry.originator_version: fields}, set()))
            self.trigger_event(ev.Corrected, **acting.envelope(reason=reason, authority="records correction"),
                               target_version=entry.originator_version, fields=fields)

    def check(self, state: ChildState) -> None:
        by_family: dict[str, list[PlanPeriod]] = {}
        for period in state.periods:
            by_family.setdefault(period.family, []).append(period)
        for periods in by_family.values():
            periods.sort(key=lambda p: p.started_on)
            for before, after in zip(periods, periods[1:]):
                if before.ended_on is None or after.started_on < before.ended_on:
                    raise RuleBroken(
                        f"the {after.kind} plan starting {after.started_on} would overlap the {before.kind} "
                        f"plan that ran from {before.started_on}; periods of one child may not overlap",
                        rule="no overlapping periods",
                    )
            for period in periods:
                if period.ended_on is not None and period.ended_on < period.started_on:
                    raise RuleBroken(f"a plan cannot end ({period.ended_on}) before it starts "
                                     f"({period.started_on})", rule="plan period")


def _reason(reason: str) -> None:
    if not reason or not reason.strip():
        raise BadInput("a reason is required", fix="give --reason TEXT")
