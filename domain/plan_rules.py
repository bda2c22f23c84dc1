"""The rules a plan's values must keep, whenever they are given: at opening, at a change,
and again after a correction (``Plan.check``). Each names the rule of the guidance or the
DfE census it keeps."""

from __future__ import annotations

from typing import TYPE_CHECKING

from plantrail.domain.errors import BadInput, NotFound, RuleBroken
from plantrail.domain.vocabulary import (
    AIM_OPTION_WITH_MONTHS,
    CLOSED_AFTER_ASSESSMENT,
    CLOSURE_CODE_FAMILIES,
    CLOSURE_REASONS,
    KINDS_WITH_PART_ONE,
    PLAN_FAMILY,
    PRIMARY_NEEDS,
    REFERRAL_CODE_FAMILIES,
    REFERRAL_SOURCES,
    SOCIAL_WORKER_CHAIRS,
)

if TYPE_CHECKING:
    from plantrail.domain.acting import Acting
    from plantrail.domain.plan import Plan


def check_aim(kind: str, aim: str, option: int | None, months: int | None, *, opening: bool) -> None:
    if not aim or not aim.strip():
        raise BadInput("a plan has one overall aim, and it must be stated", fix="give --aim TEXT")
    if option is not None and kind not in KINDS_WITH_PART_ONE:
        raise BadInput(
            f"aim options belong to Care Plan Part One, not a {kind} plan", fix="leave out --aim-option"
        )
    if kind == "care-plan" and option is None:
        raise BadInput("a Care Plan's overall aim is one of the Part One options 1-10",
                       fix="give --aim-option N (4 with --aim-months)")
    if kind == "child-in-need-short-breaks" and option is None and opening:
        # "Where a Child in Need Plan includes short break care, Part One of the Care Plan ...
        # should be completed" (seed 000): its aim is a Part One option, usually 1.
        raise BadInput("a short-breaks plan carries Part One of the Care Plan: its aim is one of the options 1-10",
                       fix="give --aim-option 1 (remaining with birth family supported by short breaks)")
    if option == AIM_OPTION_WITH_MONTHS and months is None:
        raise BadInput("aim option 4 (eventual return) needs the number of months", fix="give --aim-months N")
    if months is not None and option != AIM_OPTION_WITH_MONTHS:
        raise BadInput("--aim-months goes with aim option 4 only", fix="leave out --aim-months")


def check_category(kind: str, category: str | None) -> None:
    if kind == "child-protection" and category is None:
        raise BadInput("a child protection plan records its category of abuse",
                       fix="give --category neglect|physical|emotional|sexual|multiple")
    if kind != "child-protection" and category is not None:
        raise BadInput(f"a category of abuse belongs to a child protection plan, not a {kind} plan",
                       fix="leave out --category")


def check_referral_codes(kind: str, referral_source: str | None, primary_need: str | None) -> None:
    """The census codes of a referral belong to the plans the census reports: a Child's
    Plan, or the Initial Plan whose referral it carries on (DOMAIN.md, "Statutory return")."""
    check_code(referral_source, REFERRAL_SOURCES, "source of referral", "--referral-source")
    check_code(primary_need, PRIMARY_NEEDS, "primary need", "--primary-need")
    if (referral_source or primary_need) and PLAN_FAMILY[kind] not in REFERRAL_CODE_FAMILIES:
        raise RuleBroken(
            f"census referral codes belong to a Child's Plan or an Initial Plan, not a {kind} plan "
            "(the CIN census does not report it)",
            rule="census codes", fix="leave out --referral-source and --primary-need",
        )


def check_closure_reason(kind: str, closure_reason: str | None) -> None:
    """A census reason for closure belongs to a Child's Plan, and is never "closed after
    assessment" (RC8, RC9): a plan followed the assessment (DfE rule 2990)."""
    if closure_reason is None:
        return
    check_code(closure_reason, CLOSURE_REASONS, "reason for closure", "--closure-reason")
    if PLAN_FAMILY[kind] not in CLOSURE_CODE_FAMILIES:
        raise RuleBroken(
            f"a census reason for closure belongs to a Child's Plan, not a {kind} plan (the CIN census "
            "does not report it)", rule="census codes", fix="leave out --closure-reason",
        )
    if closure_reason in CLOSED_AFTER_ASSESSMENT:
        raise RuleBroken(
            f"{closure_reason} means the case closed after assessment with no plan, but this plan was made "
            "(DfE rule 2990)", rule="census codes",
            fix="give one of RC1-RC7 (RC7: services ceased for any other reason)",
        )


def check_code(code: str | None, codes: dict[str, str], what: str, option: str) -> None:
    if code is not None and code not in codes:
        raise BadInput(f"'{code}' is not a DfE census {what} code", fix=f"give {option} one of " + ", ".join(codes))


def check_replacement(old: Plan, child_ref: str, kind: str) -> None:
    if old.state.child != child_ref:
        raise RuleBroken("a plan replaces only a plan of the same child", rule="replacement")
    if old.state.kind != "initial" or PLAN_FAMILY[kind] != "childs-plan":
        raise RuleBroken(
            "only an Initial Plan is replaced, and by a Child's Plan "
            "(child-in-need, child-in-need-short-breaks or child-protection)",
            rule="replacement",
        )
    if not old.state.is_open:
        raise RuleBroken("the plan to replace is already closed", rule="replacement")


def check_chair(review_kind: str, chair: str, chair_roles: list[str], actor_roles: list[str]) -> None:
    """Who chairs: a review chair chairs every review; a social worker (or their manager) may
    chair later CIN meetings and core groups ("the planning meeting should be chaired by the
    social worker", seed 004; the lead social worker chairs the core group, seed 000) and
    record them. Statutory reviews and conferences keep their independent chair."""
    social_work = {"social-worker", "team-manager"}
    if review_kind in SOCIAL_WORKER_CHAIRS:
        if "review-chair" not in chair_roles and not social_work.intersection(chair_roles):
            raise RuleBroken(f"{chair} may not chair a {review_kind}", rule="roles",
                             fix="name a social worker or a review chair as --chair")
        return
    if "review-chair" not in chair_roles:
        raise RuleBroken(f"{chair} is not a review chair; a {review_kind} has an independent chair", rule="roles",
                         fix="name a staff member with the review-chair role as --chair")
    if "review-chair" not in actor_roles:
        raise RuleBroken(f"a {review_kind} is recorded by a review chair; a social worker records only "
                         f"{' and '.join(SOCIAL_WORKER_CHAIRS)} meetings", rule="roles",
                         fix="ask the review chair to record it (--as their staff id)")


def check_part_two_change(plan: Plan, acting: Acting, discussed_with: str | None) -> None:
    """Part Two of a Care Plan may change between reviews, but "any changes should be
    discussed with parents and other relevant parties before they are made ... with the date
    and initials of the social worker responsible noted in the margin" (seed 003). Once the
    plan is agreed (approved), a change names who it was discussed with and carries the
    initials of the social worker making it; and an Adoption Plan or Pathway Plan, once in
    place, replaces Part Two altogether."""
    s = plan.state
    replaced = s.part_two_replaced_by
    if replaced is not None:
        name = "Adoption Plan" if replaced.record == "adoption-plan" else "Pathway Plan"
        raise RuleBroken(f"the {name} recorded on {replaced.on} replaces Part Two of this plan (seed 003)",
                         rule="part two", fix=f"record the actions in the {name}")
    if s.kind != "care-plan" or s.approved_version is None:
        return
    if discussed_with is None or not discussed_with.strip():
        raise RuleBroken("a change to Part Two of an agreed Care Plan is discussed with the parents and other "
                         "parties before it is made (seed 003)", rule="part two",
                         fix="give --discussed-with naming who it was discussed with")
    if acting.own_initials and acting.initials != acting.own_initials:
        raise RuleBroken(f"the margin note carries the initials of the social worker responsible; "
                         f"{acting.staff_id}'s are {acting.own_initials}, not {acting.initials}", rule="part two",
                         fix="leave out --initials, or have the social worker responsible record the change")


def check_ratings(plan: Plan, ratings: dict[str, str]) -> None:
    """Each rating names an action (A1) or one of its planned outcomes (A1.2), seed 001."""
    for rated in ratings:
        action_id, _, outcome = rated.partition(".")
        action = plan.state.actions.get(action_id)
        if action is None:
            raise NotFound(f"no action {action_id} in this plan to rate", fix="see `plantrail show` for action ids")
        if outcome and not (outcome.isdigit() and 1 <= int(outcome) <= len(action.outcomes)):
            raise BadInput(f"{rated}: action {action_id} has {len(action.outcomes)} planned outcome(s)",
                           fix=f"rate {action_id} as a whole, or {action_id}.1 to {action_id}.{len(action.outcomes)}")
