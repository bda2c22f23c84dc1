"""The SSDA903 (looked-after children) return's code lists, and the rules a looked-after
episode keeps (DfE, "Children looked after return: guide", the codes its validator
``csc-validator-be-903`` 0.1.17 accepts).

An episode is a period of care with one placement and one legal status: a placement
(``PlacementRecorded``) starts one, with its reason for a new episode (RNE) saying what
changed; ``PlacementEnded`` ends the last with its reason ceased (REC). Codes are checked
wherever they are given, and a refusal names the valid codes.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from plantrail.domain.errors import BadInput, RuleBroken
from plantrail.domain.vocabulary import KINDS_WITH_PLACEMENTS

if TYPE_CHECKING:
    from plantrail.domain.plan_state import PlanState

# Reason for new episode (RNE).
NEW_EPISODE_REASONS: dict[str, str] = {
    "S": "started to be looked after",
    "L": "change of legal status only",
    "P": "change of placement only",
    "T": "change of both legal status and placement at the same time",
    "B": "change of placement and legal status at the same time (other)",
    "U": "change of legal status and placement at the same time (other)",
}
CHANGED_PLACEMENT = frozenset({"P", "T", "B", "U"})
CHANGED_LEGAL_STATUS = frozenset({"L", "T", "B", "U"})

# Legal status (LS).
LEGAL_STATUSES: dict[str, str] = {
    "C1": "interim care order",
    "C2": "full care order",
    "D1": "freeing order granted",
    "E1": "placement order granted",
    "J1": "remanded to local authority accommodation or youth detention accommodation",
    "J2": "placed in local authority accommodation under PACE",
    "J3": "sentenced to a youth rehabilitation order with residence or intensive fostering",
    "L1": "under police protection and in local authority accommodation",
    "L2": "emergency protection order",
    "L3": "under child assessment order and in local authority accommodation",
    "V2": "single period of accommodation under section 20",
    "V3": "accommodated under an agreed series of short-term breaks (single placements)",
    "V4": "accommodated under an agreed series of short-term breaks (multiple placements)",
}

# Placement type (PLACE).
PLACEMENT_TYPES: dict[str, str] = {
    "A3": "placed for adoption with parental consent with current foster carer(s)",
    "A4": "placed for adoption with parental consent not with current foster carer(s)",
    "A5": "placed for adoption with placement order with current foster carer(s)",
    "A6": "placed for adoption with placement order not with current foster carer(s)",
    "H5": "semi-independent living accommodation not subject to children's homes regulations",
    "K1": "secure children's home",
    "K2": "children's home subject to children's homes regulations",
    "P1": "placed with own parent(s) or other person(s) with parental responsibility",
    "P2": "independent living, e.g. in a flat, lodgings, bedsit, B&B or with friends",
    "P3": "residential employment",
    "R1": "residential care home",
    "R2": "NHS/health trust or other establishment providing medical or nursing care",
    "R3": "family centre or mother and baby unit",
    "R5": "young offender institution or prison",
    "S1": "all residential schools, except where dual-registered as a school and children's home",
    "T0": "all types of temporary move",
    "T1": "temporary periods in hospital",
    "T2": "temporary absences of the child on holiday",
    "T3": "temporary accommodation whilst normal foster carer(s) is/are on holiday",
    "T4": "temporary accommodation of seven days or less",
    "U1": "foster placement with relative or friend, long term fostering",
    "U2": "foster placement with relative or friend who is also an approved adopter (FFA)",
    "U3": "foster placement with relative or friend, not long term or FFA",
    "U4": "foster placement with other foster carer, long term fostering",
    "U5": "foster placement with other foster carer who is also an approved adopter (FFA)",
    "U6": "foster placement with other foster carer, not long term or FFA",
    "Z1": "other placements",
}

# Placement provider (PLACE_PROVIDER); not recorded for a placement with parents (P1 and the like).
PROVIDERS: dict[str, str] = {
    "PR0": "parent(s) or other person(s) with parental responsibility",
    "PR1": "own provision (by the local authority)",
    "PR2": "other local authority provision",
    "PR3": "other public provision (e.g. by a PCT etc)",
    "PR4": "private provision",
    "PR5": "voluntary/third sector provision",
}

# Reason episode ceased (REC). X1 is written by the return itself: an episode that ends
# because the next one starts.
REASONS_CEASED: dict[str, str] = {
    "E11": "adopted: application for an adoption order unopposed",
    "E12": "adopted: consent dispensed with by the court",
    "E13": "left care to live with parent(s), relative(s), or other person(s) with no parental responsibility",
    "E14": "accommodation on remand ended",
    "E15": "age assessment determined child is aged 18 or over",
    "E16": "child moved abroad",
    "E17": "aged 18 (or over) and remained with current carers (inc under staying put arrangements)",
    "E2": "died",
    "E3": "care taken over by another local authority in the UK",
    "E41": "residence order (or, from 22 April 2014, a child arrangement order) granted",
    "E45": "special guardianship order made to former foster carer(s), who was/are a relative(s) or friend(s)",
    "E46": "special guardianship order made to former foster carer(s), other than relative(s) or friend(s)",
    "E47": "special guardianship order made to carer(s), other than former foster carer(s), "
           "who was/are a relative(s) or friend(s)",
    "E48": "special guardianship order made to carer(s), other than former foster carer(s), "
           "other than relative(s) or friend(s)",
    "E4A": "returned home to live with parent(s), relative(s), or other person(s) with parental responsibility "
           "as part of the care planning process",
    "E4B": "returned home to live with parent(s), relative(s), or other person(s) with parental responsibility "
           "which was not part of the current care planning process",
    "E5": "moved into independent living arrangement and no longer looked-after: supportive accommodation",
    "E6": "moved into independent living arrangement and no longer looked-after: no formalised support",
    "E7": "transferred to residential care funded by adult social care services",
    "E8": "period of being looked-after ceased for any other reason",
    "E9": "sentenced to custody",
}
NEXT_EPISODE = "X1"

# Reason for placement change (REASON_PLACE_CHANGE).
PLACEMENT_CHANGE_REASONS: dict[str, str] = {
    "ALLEG": "allegation (s47)",
    "CARPL": "change to/implementation of care plan",
    "CLOSE": "resignation/closure of provision",
    "CREQB": "carer(s) requested placement end due to child's behaviour",
    "CREQO": "carer(s) requested placement end other than due to child's behaviour",
    "CHILD": "child requested placement end",
    "LAREQ": "responsible/area authority requested placement end",
    "OTHER": "other",
    "PLACE": "change in the status of placement only",
    "STAND": "standards of care concern",
}

# Category of need (CIN): the main reason the child became looked after.
NEEDS: dict[str, str] = {
    "N1": "abuse or neglect",
    "N2": "child's disability",
    "N3": "parental illness or disability",
    "N4": "family in acute stress",
    "N5": "family dysfunction",
    "N6": "socially unacceptable behaviour",
    "N7": "low income",
    "N8": "absent parenting",
}

# Participation in a looked-after review (REVIEW_CODE).
PARTICIPATION: dict[str, str] = {
    "PN0": "child aged under 4 at the time of the review",
    "PN1": "child physically attends and speaks for themselves",
    "PN2": "child physically attends and an advocate speaks on their behalf",
    "PN3": "child attends and conveys their view symbolically (non-verbally)",
    "PN4": "child physically attends but does not speak for themselves, convey views symbolically or ask an "
           "advocate to speak for them",
    "PN5": "child does not attend physically but briefs an advocate to speak for them",
    "PN6": "child does not attend but conveys their feelings to the review by a facilitative medium",
    "PN7": "child does not attend nor are their views conveyed to the review",
}

# Previous permanence option (PREV_PERM) before this period of care.
PREVIOUS_PERMANENCE: dict[str, str] = {
    "P1": "adoption",
    "P2": "special guardianship order",
    "P3": "residence order or child arrangements order",
    "P4": "previous permanence option, not known which",
    "Z1": "child has not previously had a permanence option, or it is not known",
}

MISSING_KINDS: dict[str, str] = {"missing": "M", "away": "A"}


def check_code(code: str | None, codes: dict[str, str], what: str, option: str) -> None:
    """A code from one of the DfE's lists, or exit 2 naming the valid ones."""
    if code is not None and code not in codes:
        raise BadInput(f"'{code}' is not an SSDA903 {what} code", fix=f"give {option} one of " + ", ".join(codes))


def check_episode_codes(*, placement_type: str | None, legal_status: str | None, reason_new_episode: str | None,
                        provider: str | None, change_reason: str | None, need: str | None) -> None:
    check_code(reason_new_episode, NEW_EPISODE_REASONS, "reason for new episode", "--reason-new-episode")
    check_code(legal_status, LEGAL_STATUSES, "legal status", "--legal-status")
    check_code(placement_type, PLACEMENT_TYPES, "placement type", "--placement-type")
    check_code(provider, PROVIDERS, "placement provider", "--provider")
    check_code(change_reason, PLACEMENT_CHANGE_REASONS, "reason for placement change", "--change-reason")
    check_code(need, NEEDS, "category of need", "--need")


def check_new_episode(reason: str | None, *, in_care: bool, ended_on: date | None,
                      change_reason: str | None) -> None:
    """What the reason for a new episode says must be so: a child starts to be looked after
    (S) only when not already in care, and every other reason changes a running episode."""
    if reason is None:
        return
    if reason == "S" and in_care:
        raise RuleBroken("the child is already looked after: a new episode of the same period of care "
                         "says what changed", rule="episodes",
                         fix="give --reason-new-episode " + ", ".join(r for r in NEW_EPISODE_REASONS if r != "S")
                         + " (or end the placement first with `placement end`)")
    if reason != "S" and not in_care:
        raise RuleBroken(f"reason {reason} changes a running episode, but the child is not looked after "
                         f"on this plan{f' since {ended_on}' if ended_on else ''}", rule="episodes",
                         fix="give --reason-new-episode S for a child who starts to be looked after")
    if change_reason is not None and reason not in CHANGED_PLACEMENT:
        raise BadInput("--change-reason says why the previous placement changed; this episode keeps the placement",
                       fix="leave out --change-reason, or give a reason for a new episode that changes the "
                           "placement (" + ", ".join(sorted(CHANGED_PLACEMENT)) + ")")


def check_placement(kind: str, placement: str | None) -> None:
    """Placements belong to a Care Plan, or to a Child's Plan whose short breaks make the
    child looked after (seed 000)."""
    if kind not in KINDS_WITH_PLACEMENTS:
        raise RuleBroken(
            f"a placement belongs to a looked-after child's plan ({' or '.join(KINDS_WITH_PLACEMENTS)}), "
            f"not a {kind} plan",
            rule="placements",
            fix="record the placement on the child's Care Plan (open one with --kind care-plan)",
        )
    if placement is not None and not placement.strip():
        raise BadInput("the placement's carer or setting must not be empty", fix="give --placement TEXT or leave it out")


EPISODE_FIELDS = ("placement_type", "legal_status", "reason_new_episode", "provider", "postcode", "home_postcode",
                  "urn", "change_reason", "need")


def check_episode(state: PlanState, on: date, episode: dict[str, Any]) -> None:
    """A placement's SSDA903 codes: each from the DfE's list; a first episode names its
    placement type and legal status (later ones carry on what they leave out); and the
    reason for a new episode agrees with whether the child is already in care."""
    unknown = set(episode) - set(EPISODE_FIELDS)
    if unknown:  # pragma: no cover - the command model names the fields
        raise BadInput(f"a placement has no field {', '.join(sorted(unknown))}")
    given = {k: v for k, v in episode.items() if v is not None}
    for text in ("postcode", "home_postcode", "urn"):
        if text in given and not given[text].strip():
            raise BadInput(f"--{text.replace('_', '-')} must not be empty", fix="give it or leave it out")
    check_episode_codes(**{k: given.get(k) for k in ("placement_type", "legal_status", "reason_new_episode",
                                                      "provider", "change_reason", "need")})
    reason = given.get("reason_new_episode")
    if given and reason is None:
        raise BadInput("a placement's SSDA903 codes go with the reason for a new episode",
                       fix="give --reason-new-episode " + ", ".join(NEW_EPISODE_REASONS))
    in_care = state.looked_after_on(on)
    running = state.placement_on(on)
    check_new_episode(reason, in_care=in_care, ended_on=running.ended_on if running else None,
                      change_reason=given.get("change_reason"))
    if reason == "S":
        missing = [f"--{k.replace('_', '-')}" for k in ("placement_type", "legal_status") if k not in given]
        if missing:
            raise BadInput("a child starting to be looked after needs the episode's placement type and legal "
                           "status", fix="give " + " and ".join(missing))
    if reason in CHANGED_LEGAL_STATUS - CHANGED_PLACEMENT and running is not None \
            and given.get("legal_status") in (None, running.legal_status):
        raise BadInput(f"reason {reason} is a change of legal status: give the new one",
                       fix="give --legal-status " + ", ".join(c for c in LEGAL_STATUSES if c != running.legal_status))


def check_ending(state: PlanState, on: date, reason: str) -> None:
    """A placement ends only while the child is looked after on this plan, with the DfE's
    reason the episode ceased (X1 is the return's own: the next episode started)."""
    check_code(reason, REASONS_CEASED, "reason episode ceased", "--reason")
    running = state.placement_on(on)
    if running is None or not state.looked_after_on(on):
        raise RuleBroken(f"the child is not looked after on this plan on {on}", rule="episodes",
                         fix="record the placement first (`placement record`), or give the date it ended")


def check_participation(review_kind: str, participation: str | None) -> None:
    """A looked-after child's review records how the child took part (SSDA903 REVIEW_CODE)."""
    if participation is None:
        return
    check_code(participation, PARTICIPATION, "review participation", "--participation")
    if review_kind != "statutory":
        raise BadInput(f"participation is recorded at a looked-after child's statutory review, not a {review_kind}",
                       fix="leave out --participation")


def check_characteristics(*, previous_permanence: str | None, previous_permanence_la: str | None,
                          previous_permanence_date: date | None, mother: bool | None,
                          mother_child_born: date | None, sex: str) -> None:
    """The return's characteristics of a child: a previous permanence code from the list,
    its authority and date only with it; a mother's child's date of birth only for a mother
    (and only a girl is a mother: DfE rule on MOTHER)."""
    check_code(previous_permanence, PREVIOUS_PERMANENCE, "previous permanence", "--previous-permanence")
    if previous_permanence is None and (previous_permanence_la or previous_permanence_date):
        raise BadInput("the authority and date of a previous permanence option go with the option",
                       fix="give --previous-permanence CODE too")
    if previous_permanence_la is not None and not previous_permanence_la.strip():
        raise BadInput("--previous-permanence-la must not be empty", fix="give the authority's code or leave it out")
    if mother_child_born is not None and mother is not True:
        raise BadInput("a child's date of birth for a mother needs --mother yes", fix="give --mother yes")
    if mother and sex == "M":
        raise BadInput("only a female child is recorded as a mother (SSDA903 MOTHER)", fix="leave out --mother")


def check_missing(kind: str, started: date, ended: date | None) -> None:
    if kind not in MISSING_KINDS:
        raise BadInput(f"'{kind}' is not a kind of missing period", fix="give --kind missing or --kind away")
    if ended is not None and ended < started:
        raise BadInput(f"the period ends ({ended}) before it starts ({started})", fix="give --to on or after --from")
