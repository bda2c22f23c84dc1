"""The rules of a child's characteristics and of the census's referrals, assessments and
Section 47 enquiries, each named by the DfE census rule it keeps (CLI.md, "Statutory
returns"). They run when a thing is recorded and again after a correction (the child's
entries are decided again in order, ``domain/redecide.py``)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from plantrail.domain.census_codes import (
    ASSESSMENT_FACTORS,
    DISABILITIES,
    ETHNICITIES,
    NFA_ONLY_UPN_UNKNOWN,
    NO_FACTORS,
    UPN_UNKNOWN,
    former_upn_fault,
    upn_fault,
)
from plantrail.domain.errors import BadInput, RuleBroken
from plantrail.domain.plan_rules import check_code

if TYPE_CHECKING:
    from plantrail.domain.child import ChildState, Referral

# A referral more than 40 weeks before the child's birth is a mistyped date (DfE rule 8606).
BEFORE_BIRTH = timedelta(weeks=40)


def check_characteristics(*, born: date, today: date, upn: str | None, upn_unknown: str | None,
                          former_upn: str | None, ethnicity: str | None, disabilities: list[str],
                          died: date | None) -> None:
    if upn is not None and (fault := upn_fault(upn)):
        raise BadInput(f"'{upn}' is not a UPN: {fault}", fix="give --upn as it is on the school's record")
    if upn is not None and upn_unknown is not None:
        raise BadInput("a child has a UPN or a reason it is not held, not both", fix="leave out --upn-unknown")
    check_code(upn_unknown, UPN_UNKNOWN, "reason a UPN is not held", "--upn-unknown")
    if former_upn is not None and (fault := former_upn_fault(former_upn)):
        raise BadInput(f"'{former_upn}' is not a former UPN: {fault}", fix="give the UPN the child had before")
    if former_upn is not None and former_upn == upn:
        raise BadInput("the former UPN is the child's UPN", fix="give the UPN the child had before, or leave it out")
    check_code(ethnicity, ETHNICITIES, "ethnicity", "--ethnicity")
    for code in disabilities:
        check_code(code, DISABILITIES, "disability", "--disability")
    if len(set(disabilities)) != len(disabilities):
        raise BadInput("each disability is given once (DfE rule 8794)", fix="leave out the repeated --disability")
    if "NONE" in disabilities and len(disabilities) > 1:
        raise BadInput("NONE (no disability) stands alone (DfE rule 8790)", fix="give NONE, or the disabilities")
    if died is not None and died < born:
        raise BadInput("a child cannot die before being born (DfE rule 8535Q)", fix="check --died and --born")
    if died is not None and died > today:
        raise BadInput(f"the date of death {died} is in the future", fix="give --died as the date the child died")


def check_upn_unknown(state: ChildState, nfa: bool) -> None:
    """UN7 ("referral with no further action") says every referral went no further (DfE 8772)."""
    if state.upn_unknown == NFA_ONLY_UPN_UNKNOWN and not nfa:
        raise RuleBroken(
            f"{state.name}'s UPN is not held for the reason UN7 (referral with no further action), but a "
            "referral went further (DfE rule 8772)", rule="census codes",
            fix="correct the reason the UPN is not held (child correct --set upn_unknown=UN5), or the referral",
        )


def check_referral(state: ChildState, on: date, primary_need: str | None, nfa: bool) -> None:
    if state.born is not None and on < state.born - BEFORE_BIRTH:
        raise RuleBroken(f"a referral on {on} is more than 40 weeks before {state.name} was born "
                         f"({state.born}) (DfE rule 8606)", rule="census", fix="check the referral's date")
    _alive(state, on, "referral")
    if any(r.on == on for r in state.referrals):
        raise RuleBroken(f"{state.name} already has a referral on {on}; a plan names its referral by its date",
                         rule="census", fix="record one referral a day; correct the one recorded if it is wrong")
    if nfa and primary_need is not None:
        raise BadInput("a referral with no further action found no need to assess (DfE rule 8610)",
                       fix="leave out --primary-need, or --nfa")


def followed_referral(state: ChildState, on: date, what: str) -> Referral:
    """The referral a thing started on ``on`` follows: the child's latest referral on or
    before that day, which did not end in no further action (DfE rules 1103, 2889, 8831)."""
    _alive(state, on, what)
    earlier = [r for r in state.referrals if r.on <= on]
    if not earlier:
        raise RuleBroken(f"{state.name} has no referral on or before {on}; a {what} follows a referral "
                         "(DfE rules 1103, 2889)", rule="census", fix="record the referral first (referral record)")
    latest = max(earlier, key=lambda r: r.on)
    if latest.nfa:
        raise RuleBroken(f"the referral of {latest.on} was recorded as no further action; nothing follows it "
                         "(DfE rule 8831)", rule="census",
                         fix="record the new referral that led to it, or correct the referral's --nfa")
    return latest


def check_assessment(state: ChildState, assessment_id: str, started: date, authorised: date | None,
                     factors: list[str], today: date) -> None:
    followed_referral(state, started, "child and family assessment")
    if authorised is not None and authorised < started:
        raise BadInput(f"an assessment is authorised ({authorised}) on or after it starts ({started}) "
                       "(DfE rule 8608)", fix="check --started and --authorised")
    if authorised is not None and authorised > today:
        raise BadInput(f"the date {authorised} is in the future", fix="give --authorised when it is authorised")
    for code in factors:
        check_code(code, ASSESSMENT_FACTORS, "factor identified at assessment", "--factor")
    if factors and authorised is None:
        raise BadInput("factors are recorded when the assessment is authorised (DfE rule 8614)",
                       fix="give --authorised DATE too, or leave out --factor")
    if authorised is not None and not factors:
        raise BadInput("an authorised assessment says the factors it found (DfE rule 8897Q)",
                       fix=f"give --factor CODE (repeat), or --factor {NO_FACTORS} (no factors identified)")
    if len(set(factors)) != len(factors):
        raise BadInput("each factor is given once (DfE rule 8898)", fix="leave out the repeated --factor")
    if NO_FACTORS in factors and len(factors) > 1:
        raise BadInput(f"factor {NO_FACTORS} (no factors identified) stands alone (DfE rule 8869)",
                       fix=f"give --factor {NO_FACTORS}, or the factors found")
    for other in state.assessments:
        if other.assessment_id != assessment_id and _overlap(other.started, other.authorised, started, authorised):
            raise RuleBroken(f"the assessment started {other.started} is still open then; one assessment at a "
                             "time (DfE rules 8863Q, 8896)", rule="census",
                             fix="record the earlier assessment's authorisation first")


def check_enquiry(state: ChildState, s47_id: str, started: date, icpc_required: bool | None,
                  icpc: date | None, today: date) -> None:
    followed_referral(state, started, "Section 47 enquiry")
    if icpc is not None:
        if icpc_required is False:
            raise BadInput("a conference was held, so it was required", fix="leave out --icpc-required no")
        if icpc < started:
            raise BadInput(f"the initial conference ({icpc}) is on or after the enquiry starts ({started}) "
                           "(DfE rule 8615)", fix="check --started and --icpc")
        if icpc.weekday() >= 5:
            raise BadInput(f"{icpc} is a {icpc:%A}; an initial conference is not held at a weekend "
                           "(DfE rule 8875)", fix="check --icpc")
        if icpc > today:
            raise BadInput(f"the date {icpc} is in the future", fix="give --icpc once the conference is held")
    for other in state.enquiries:
        if other.s47_id != s47_id and _overlap(other.started, other.ends, started, _enquiry_end(icpc_required,
                                                                                              icpc, started)):
            raise RuleBroken(f"the Section 47 enquiry started {other.started} is still open then; one at a "
                             "time (DfE rule 8890)", rule="census",
                             fix="record the earlier enquiry's conference, or that none is required, first")


def _enquiry_end(icpc_required: bool | None, icpc: date | None, started: date) -> date | None:
    """An enquiry ends at its initial conference, or when it is known that none is needed."""
    return icpc if icpc is not None else started if icpc_required is False else None


def _overlap(a_start: date, a_end: date | None, b_start: date, b_end: date | None) -> bool:
    """Whether two spans, each open until its end (None: still open), share a day after
    one's end: one that ends the day another starts does not overlap it."""
    return a_start < (b_end or date.max) and b_start < (a_end or date.max) or a_start == b_start


def _alive(state: ChildState, on: date, what: str) -> None:
    if state.died is not None and on > state.died:
        raise RuleBroken(f"{state.name} died on {state.died}; the {what} on {on} is after it (DfE rules 8555Q, "
                         "4008, 8915)", rule="census", fix="check the date, or correct the date of death")
