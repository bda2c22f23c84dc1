"""How each entry of a record is decided again (``CorrectableRecord.rerun``): by the command
method that recorded it, with the entry's fields as a correction would leave them. The rules
stay where they are, in the methods; this only says which method made which entry.

An entry that made the record (an opening, a registration) is decided by its class method,
whose record is thrown away, and then taken as it is. A test checks that every kind of entry
a record can hold is here.
"""

from __future__ import annotations

from typing import Any

from plantrail.domain import events as ev
from plantrail.domain.acting import Acting


def plan_entry(plan: Any, acting: Acting, e: ev.Event) -> None:
    from plantrail.domain.plan import Plan

    match e:
        case ev.PlanOpened():
            Plan.open(acting, child_ref=e.child_ref, kind=e.kind, aim=e.aim, aim_option=e.aim_option,
                      aim_months=e.aim_months, category=e.category, referred=e.referred, review_by=e.review_by,
                      referral_source=e.referral_source, primary_need=e.primary_need)
            plan.take(e)
            plan.version = e.originator_version
        case ev.PlanApproved():
            plan.approve(acting)
        case ev.PlanKindChanged():
            plan.change_kind(acting, kind=e.kind, review_id=e.review_id, category=e.category)
        case ev.AimChanged():
            plan.change_aim(acting, review_id=e.review_id, aim=e.aim, aim_option=e.aim_option,
                            aim_months=e.aim_months)
        case ev.PlanDetailsRecorded():
            plan.record_details(acting, **_given(e, ev.PlanDetailsRecorded))
        case ev.PlanDistributed():
            plan.distribute(acting, to=e.to)
        case ev.InitialPlanExtended():
            plan.extend(acting, review_id=e.review_id, until=e.until)
        case ev.PlanClosed():
            plan.close(acting, reason=e.reason or "", replaced_by=e.replaced_by, closure_reason=e.closure_reason)
        case ev.PlanWithdrawn():
            plan.withdraw(acting, reason=e.reason or "")
        case _:
            plan_part(plan, acting, e)


def plan_part(plan: Any, acting: Acting, e: ev.Event) -> None:
    from plantrail.domain.looked_after import EPISODE_FIELDS
    match e:
        case ev.ActionAdded():
            plan.add_action(acting, area=e.area, need=e.need, response=e.response, frequency=e.frequency,
                            responsible=e.responsible, starts=e.starts, outcomes=e.outcomes,
                            discussed_with=e.discussed_with)
        case ev.ActionAmended():
            action = plan.state.actions.get(e.action_id)
            changes = {k: v for k, v in _given(e, ev.ActionAmended).items()
                       if k not in ("action_id", "discussed_with") and (action is None or getattr(action, k) != v)}
            if action is not None and not changes:
                return  # a correction of an earlier entry made this one change nothing: no rule broken
            plan.amend_action(acting, e.action_id, reason=e.reason, discussed_with=e.discussed_with, **changes)
        case ev.ActionEnded():
            plan.end_action(acting, e.action_id, reason=e.reason or "", discussed_with=e.discussed_with)
        case ev.ViewRecorded():
            plan.record_view(acting, party=e.party, name=e.name, text=e.text)
        case ev.SignatureRecorded():
            plan.record_signature(acting, party=e.party, name=e.name, agrees=e.agrees)
        case ev.ContactArrangementRecorded():
            plan.record_contact(acting, person=e.person, relationship=e.relationship, arrangement=e.arrangement)
        case ev.ReviewHeld():
            plan.hold_review(acting, kind=e.kind, chair=e.chair, next_review=e.next_review, ratings=e.ratings,
                             participation=e.participation)
        case ev.SupervisionDiscussed():
            plan.record_supervision(acting, note=e.note)
        case ev.VisitRecorded():
            plan.record_visit(acting, seen_alone=e.seen_alone)
        case ev.PlacementRecorded():
            plan.record_placement(acting, emergency=e.emergency, long_term=e.long_term, placement=e.placement,
                                  **{name: getattr(e, name) for name in EPISODE_FIELDS})
        case ev.PlacementEnded():
            plan.end_placement(acting, reason=e.reason)
        case _:
            raise NotImplementedError(f"no way to decide a {type(e).__name__} again")  # pragma: no cover


def child_entry(child: Any, acting: Acting, e: ev.Event) -> None:
    from plantrail.domain.child import LOOKED_AFTER_CHARACTERISTICS, Child

    match e:
        case ev.ChildRegistered():
            Child.register(acting, child_ref=e.child_ref, name=e.name, born=e.born, sex=e.sex, upn=e.upn,
                           nation=e.nation, ethnicity=e.ethnicity, disabilities=e.disabilities,
                           upn_unknown=e.upn_unknown, former_upn=e.former_upn, died=e.died,
                           **{name: getattr(e, name) for name in LOOKED_AFTER_CHARACTERISTICS})
            child.take(e)
            child.version = e.originator_version
        case ev.ChildPlanStarted():
            child.start_plan(acting, plan_id=e.plan_id, family=e.family, kind=e.kind, replacing=None)
        case ev.ChildPlanEnded():
            child.end_plan(acting, plan_id=e.plan_id)
        case ev.ChildPlanWithdrawn():
            child.withdraw_plan(acting, plan_id=e.plan_id, reason=e.reason or "")
        case ev.MissingPeriodRecorded():
            child.record_missing(acting, kind=e.kind, ended=e.ended)
        case ev.ReferralRecorded():
            child.record_referral(acting, source=e.source, primary_need=e.primary_need, nfa=e.nfa,
                                  referral_id=e.referral_id)
        case ev.AssessmentRecorded():
            child.record_assessment(acting, authorised=e.authorised, factors=e.factors,
                                    assessment_id=e.assessment_id)
        case ev.Section47Recorded():
            child.record_enquiry(acting, icpc_required=e.icpc_required, icpc=e.icpc, s47_id=e.s47_id)
        case _:
            raise NotImplementedError(f"no way to decide a {type(e).__name__} again")  # pragma: no cover


def staff_entry(member: Any, acting: Acting, e: ev.Event) -> None:
    from plantrail.domain.staff import StaffMember

    match e:
        case ev.StaffMemberRegistered():
            StaffMember.register(acting, staff_id=e.staff_id, name=e.name, initials=e.staff_initials, roles=e.roles,
                                 first=e.authority is not None and "first staff member" in e.authority)
            member.take(e)
            member.version = e.originator_version
        case ev.RoleGranted():
            member.grant(acting, e.role)
        case _:
            raise NotImplementedError(f"no way to decide a {type(e).__name__} again")  # pragma: no cover


def _given(e: ev.Event, kind: type[ev.Event]) -> dict[str, Any]:
    """The fields of an entry that says only what it changes (details, an amendment)."""
    own = set(kind.model_fields) - set(ev.Event.model_fields)
    return {name: getattr(e, name) for name in own if getattr(e, name) is not None}
