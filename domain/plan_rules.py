"""The rules a plan's values must keep, whenever they are given: at opening, at a change,
and again after a correction (``Plan.check``). Each names the rule of the guidance or the
DfE census it keeps."""

from __future__ import annotations

from typing import TYPE_CHECKING

from plantrail.domain.errors import BadInput, RuleBroken
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
)

if TYPE_CHECKING:
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
