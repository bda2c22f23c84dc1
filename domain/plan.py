"""The Plan aggregate: every kind of DOMAIN.md, and the rules that guard its record."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from uuid import UUID, uuid4

from plantrail.domain import events as ev
from plantrail.domain.acting import Acting
from plantrail.domain.errors import BadInput, NotFound, RuleBroken
from plantrail.domain.looked_after import check_ending, check_episode, check_participation, check_placement
from plantrail.domain.plan_rules import (
    check_aim,
    check_category,
    check_closure_reason,
    check_referral_codes,
    check_replacement,
)
from plantrail.domain.plan_state import AMENDABLE, PlanState, Review, fold
from plantrail.domain.record import CorrectableRecord
from plantrail.domain.vocabulary import (
    AIM_REVIEW_KINDS,
    AREAS_BY_KIND,
    INITIAL_PLAN_EXTENSION_WEEKS,
    KINDS_WITH_PART_ONE,
    PLAN_FAMILY,
    REVIEW_KINDS_BY_FAMILY,
    kind_change_reviews,
)

DATED_BEFORE_OPENING = (ev.PlacementRecorded, ev.Corrected, ev.Voided)
PART_ONE_DETAILS = ("legal_status", "court", "why_care", "prevention", "parallel_plan", "preferred_placement")
SCOTTISH_DETAILS = ("contingency", "compulsory_measures")


class Plan(CorrectableRecord):
    """One child's plan, from opening to closing."""


    def redecide(self, acting: Acting, entry: ev.Event) -> None:
        from plantrail.domain.redecide import plan_entry

        plan_entry(self, acting, entry)

    def blank(self) -> PlanState:
        return PlanState()

    def evolve(self, state: PlanState, event: ev.Event) -> None:
        fold(state, event)

    def trigger_event(self, event_class: Any, **kwargs: Any) -> None:
        """Nothing happens to a plan before it opened: an entry dated earlier cannot be true
        (a mistyped year, a margin date from another plan). A placement may come first: in
        an emergency the Care Plan follows it, within 14 days (seed 003)."""
        on, opened = kwargs.get("effective_on"), self.state.opened_on if self.entries else None
        if opened and on and on < opened and event_class not in DATED_BEFORE_OPENING:
            raise RuleBroken(
                f"the {ev.EVENT_TYPES[event_class].replace('-', ' ')} is dated {on}, before the plan opened on {opened}",
                rule="dates", fix=f"give --on {opened} or later, or correct the plan's opening date first",
            )
        super().trigger_event(event_class, **kwargs)

    @property
    def family(self) -> str:
        return PLAN_FAMILY[self.state.kind]

    # ------------------------------------------------------------------ opening
    @classmethod
    def open(
        cls,
        acting: Acting,
        *,
        child_ref: str,
        kind: str,
        aim: str,
        aim_option: int | None = None,
        aim_months: int | None = None,
        category: str | None = None,
        replaces: Plan | None = None,
        referred: date | None = None,
        review_by: date | None = None,
        referral_source: str | None = None,
        primary_need: str | None = None,
    ) -> Plan:
        check_aim(kind, aim, aim_option, aim_months, opening=True)
        check_category(kind, category)
        check_referral_codes(kind, referral_source, primary_need)
        if replaces is not None:
            check_replacement(replaces, child_ref, kind)
        if review_by is not None and review_by < acting.on:
            raise BadInput("--review-by is before the plan starts", fix="give a later review date")
        return cls._create(
            ev.PlanOpened,
            id=uuid4(),
            **acting.envelope(),
            child_ref=child_ref,
            kind=kind,
            aim=aim,
            aim_option=aim_option,
            aim_months=aim_months,
            category=category,
            replaces=replaces.id if replaces else None,
            referred=referred,
            review_by=review_by,
            referral_source=referral_source,
            primary_need=primary_need,
        )

    # ------------------------------------------------------------------ lifecycle
    def approve(self, acting: Acting) -> None:
        self._require_open()
        s = self.state
        if s.approved_version is not None and not s.authors_since_approval:
            raise RuleBroken(
                f"this version of the plan is already approved (version {s.approved_version})",
                rule="approval",
            )
        if acting.staff_id in s.authors_since_approval or (
            s.approved_version is None and acting.staff_id == s.opened_by
        ):
            raise RuleBroken(
                "nobody approves a plan they wrote themselves (separation of duties)",
                rule="approval",
                fix="ask another team manager to approve it",
            )
        self.trigger_event(
            ev.PlanApproved, **acting.envelope(authority="team manager approval"),
            approved_version=self.version,
        )

    def change_kind(self, acting: Acting, *, kind: str, review_id: str, category: str | None = None) -> None:
        self._require_open()
        if PLAN_FAMILY.get(kind) != "childs-plan" or self.family != "childs-plan":
            raise RuleBroken(
                f"a {self.state.kind} plan cannot become a {kind} plan",
                rule="kind change",
                fix="only a Child's Plan moves between child-in-need, "
                "child-in-need-short-breaks and child-protection; open a new plan instead",
            )
        if kind == self.state.kind:
            raise RuleBroken(f"the plan is already a {kind} plan", rule="kind change")
        check_category(kind, category)
        review = self._held_review(review_id, what="a kind change")
        allowed = kind_change_reviews(self.state.kind, kind)
        if review.kind not in allowed:
            raise RuleBroken(
                f"a {self.state.kind} plan becomes a {kind} plan at a {' or '.join(allowed)}; "
                f"review {review_id} was a {review.kind}",
                rule="kind change", fix="record that conference or review first and name it",
            )
        self.trigger_event(
            ev.PlanKindChanged,
            **acting.envelope(on=review.held_on, authority=f"review {review_id}"),
            kind=kind, review_id=review_id, category=category,
        )

    def change_aim(
        self, acting: Acting, *, review_id: str, aim: str,
        aim_option: int | None = None, aim_months: int | None = None,
    ) -> None:
        self._require_open()
        review = self._held_review(review_id, what="an aim change")
        allowed = AIM_REVIEW_KINDS[self.state.kind]
        if review.kind not in allowed:
            raise RuleBroken(
                f"the overall aim of a {self.state.kind} plan changes only at a "
                f"{' or '.join(allowed)} review; review {review_id} was a {review.kind}",
                rule="overall aim",
                fix="hold the statutory review first, then change the aim naming it",
            )
        check_aim(self.state.kind, aim, aim_option, aim_months, opening=False)
        self.trigger_event(
            ev.AimChanged,
            **acting.envelope(on=review.held_on, authority=f"review {review_id}"),
            review_id=review_id, aim=aim, aim_option=aim_option, aim_months=aim_months,
        )

    def record_details(self, acting: Acting, **details: str | None) -> None:
        self._require_open()
        given = {k: v for k, v in details.items() if v is not None}
        if not given:
            raise BadInput("no details given", fix="give at least one of --legal-status, --court, ... --lead")
        kind = self.state.kind
        for name in given:
            if name in PART_ONE_DETAILS and kind not in KINDS_WITH_PART_ONE:
                raise RuleBroken(
                    f"{name.replace('_', '-')} belongs to Part One of a Care Plan, not a {kind} plan",
                    rule="plan details",
                )
            if name in SCOTTISH_DETAILS and PLAN_FAMILY[kind] != "scottish-childs-plan":
                raise RuleBroken(
                    f"{name.replace('_', '-')} belongs to a Scottish Child's Plan, not a {kind} plan",
                    rule="plan details",
                )
        self.trigger_event(ev.PlanDetailsRecorded, **acting.envelope(), **given)

    def extend(self, acting: Acting, *, review_id: str, until: date) -> None:
        self._require_open()
        s = self.state
        if s.kind != "initial":
            raise RuleBroken(f"only an Initial Plan is extended; this is a {s.kind} plan", rule="initial plan")
        if s.extended_until is not None:
            raise RuleBroken("an Initial Plan is extended once only; this one already was",
                             rule="initial plan", fix="close it or replace it with a Child's Plan")
        review = self._held_review(review_id, what="an extension")
        if review.kind != "child-in-need":
            raise RuleBroken(
                f"an Initial Plan is extended at a Children in Need review; review {review_id} was a {review.kind}",
                rule="initial plan",
            )
        ends = s.initial_plan_ends
        assert ends is not None
        latest = ends + timedelta(weeks=INITIAL_PLAN_EXTENSION_WEEKS)
        if not ends < until <= latest:
            raise RuleBroken(
                f"an Initial Plan ending {ends} may be extended by at most 6 weeks, to {latest} at the latest",
                rule="initial plan", fix=f"give --until between {ends + timedelta(days=1)} and {latest}",
            )
        self.trigger_event(
            ev.InitialPlanExtended,
            **acting.envelope(on=review.held_on, authority=f"review {review_id}"),
            review_id=review_id, until=until,
        )

    def distribute(self, acting: Acting, *, to: list[str]) -> None:
        self._require_open()
        self.trigger_event(ev.PlanDistributed, **acting.envelope(), to=to)

    def close(self, acting: Acting, *, reason: str, replaced_by: UUID | None = None,
              closure_reason: str | None = None) -> None:
        self._require_open()
        if not reason.strip():
            raise BadInput("closing a plan needs a reason", fix="give --reason TEXT")
        check_closure_reason(self.state.kind, closure_reason)
        self.trigger_event(ev.PlanClosed, **acting.envelope(reason=reason), replaced_by=replaced_by,
                           closure_reason=closure_reason)

    def withdraw(self, acting: Acting, *, reason: str) -> None:
        """Withdraw a plan opened in error, open or closed (``ev.PlanWithdrawn``)."""
        if self.state.status == "withdrawn":
            raise RuleBroken(f"the plan was already withdrawn on {self.state.withdrawn_on}", rule="withdrawal")
        if not reason.strip():
            raise BadInput("withdrawing a plan needs a reason", fix="give --reason TEXT")
        self.trigger_event(ev.PlanWithdrawn, **acting.envelope(reason=reason, authority="records correction"))

    def record_placement(self, acting: Acting, *, emergency: bool = False, long_term: bool = False,
                         placement: str | None = None, **episode: Any) -> None:
        """The child is placed on ``acting.on`` (seed 003). The date may be before the plan
        opened: in an emergency the Care Plan follows the placement, within 14 days.
        ``episode``: the SSDA903 codes of the episode it starts (``domain.looked_after``)."""
        self._require_open()
        check_placement(self.state.kind, placement)
        check_episode(self.state, acting.on, episode)
        self.trigger_event(
            ev.PlacementRecorded, **acting.envelope(), emergency=emergency, long_term=long_term, placement=placement,
            **episode,
        )

    def end_placement(self, acting: Acting, *, reason: str) -> None:
        """The child stops being looked after on ``acting.on`` (SSDA903 reason ceased)."""
        self._require_open()
        check_ending(self.state, acting.on, reason)
        self.trigger_event(ev.PlacementEnded, **acting.envelope(), reason=reason)

    # ------------------------------------------------------------------ Part Two
    def add_action(
        self, acting: Acting, *, area: str, need: str, response: str, frequency: str,
        responsible: str, starts: date, outcomes: list[str], discussed_with: str | None = None,
    ) -> str:
        self._require_open()
        kind = self.state.kind
        if area not in AREAS_BY_KIND[kind]:
            raise BadInput(
                f"'{area}' is not an area of a {kind} plan",
                fix="areas: " + ", ".join(AREAS_BY_KIND[kind]),
            )
        action_id = f"A{sum(isinstance(e, ev.ActionAdded) for e in self.entries) + 1}"
        self.trigger_event(
            ev.ActionAdded, **acting.envelope(), action_id=action_id, area=area, need=need,
            response=response, frequency=frequency, responsible=responsible, starts=starts,
            outcomes=outcomes, discussed_with=discussed_with,
        )
        return action_id

    def amend_action(
        self, acting: Acting, action_id: str, *, reason: str | None = None,
        discussed_with: str | None = None, **changes: Any,
    ) -> None:
        self._require_open()
        action = self._open_action(action_id)
        unknown = set(changes) - set(AMENDABLE)
        if unknown:
            raise BadInput(f"an action has no field {', '.join(sorted(unknown))}")
        given = {k: v for k, v in changes.items() if v is not None and getattr(action, k) != v}
        if not given:
            raise BadInput(
                f"the amendment changes nothing in action {action_id}",
                fix="give at least one of --need, --response, --frequency, --responsible, --starts, --outcome "
                "with a new value",
            )
        self.trigger_event(
            ev.ActionAmended, **acting.envelope(reason=reason), action_id=action_id,
            discussed_with=discussed_with, **given,
        )

    def end_action(self, acting: Acting, action_id: str, *, reason: str, discussed_with: str | None = None) -> None:
        self._require_open()
        self._open_action(action_id)
        if not reason.strip():
            raise BadInput("ending an action needs a reason", fix="give --reason TEXT")
        self.trigger_event(
            ev.ActionEnded, **acting.envelope(reason=reason), action_id=action_id, discussed_with=discussed_with
        )

    # ------------------------------------------------------------------ views, reviews
    def record_view(self, acting: Acting, *, party: str, name: str, text: str) -> None:
        self._require_open()
        self.trigger_event(ev.ViewRecorded, **acting.envelope(), party=party, name=name, text=text)

    def record_signature(self, acting: Acting, *, party: str, name: str, agrees: str = "unstated") -> None:
        self._require_open()
        self.trigger_event(ev.SignatureRecorded, **acting.envelope(), party=party, name=name, agrees=agrees)

    def record_contact(self, acting: Acting, *, person: str, relationship: str, arrangement: str) -> None:
        self._require_open()
        self.trigger_event(
            ev.ContactArrangementRecorded, **acting.envelope(),
            person=person, relationship=relationship, arrangement=arrangement,
        )

    def hold_review(
        self, acting: Acting, *, kind: str, chair: str, next_review: date | None = None,
        ratings: dict[str, str] | None = None, participation: str | None = None,
    ) -> str:
        self._require_open()
        check_participation(kind, participation)
        allowed = REVIEW_KINDS_BY_FAMILY[self.family]
        if kind not in allowed:
            raise RuleBroken(
                f"a {self.state.kind} plan does not hold a {kind}; its reviews are {', '.join(allowed)}",
                rule="reviews",
            )
        ratings = ratings or {}
        for action_id in ratings:
            if action_id not in self.state.actions:
                raise NotFound(f"no action {action_id} in this plan to rate",
                               fix="see `plantrail show` for action ids")
        if next_review is not None and next_review <= acting.on:
            raise BadInput("--next-review must be after the review's date", fix="give a later date")
        if self.state.opened_on and acting.on < self.state.opened_on:
            raise BadInput(f"the review's date is before the plan opened ({self.state.opened_on})")
        review_id = f"R{sum(isinstance(e, ev.ReviewHeld) for e in self.entries) + 1}"
        self.trigger_event(
            ev.ReviewHeld, **acting.envelope(authority=f"chaired by {chair}"),
            review_id=review_id, kind=kind, chair=chair, next_review=next_review, ratings=ratings,
            participation=participation,
        )
        return review_id

    def record_supervision(self, acting: Acting, *, note: str | None = None) -> None:
        self._require_open()
        self.trigger_event(ev.SupervisionDiscussed, **acting.envelope(), note=note)

    def record_visit(self, acting: Acting, *, seen_alone: bool | None = None) -> None:
        self._require_open()
        self.trigger_event(ev.VisitRecorded, **acting.envelope(), seen_alone=seen_alone)

    # ------------------------------------------------------------------ corrections
    def check(self, state: PlanState) -> None:
        if state.problems:
            raise RuleBroken(state.problems[0], rule="corrections",
                             fix="correct or void the entries that rest on it first")
        check_aim(state.kind, state.aim.text if state.aim else "", state.aim.option if state.aim else None,
                   state.aim.months if state.aim else None, opening=False)
        families = {PLAN_FAMILY[k.kind] for k in state.kinds}
        if families != {PLAN_FAMILY[self.entries[0].kind]}:
            raise RuleBroken(
                "a correction cannot move a plan to another family of plans; the child's plan periods "
                "would no longer add up", rule="corrections",
                fix="close this plan and open one of the right kind",
            )
        # A plan that stepped down from child protection keeps its latest category.
        if state.kind == "child-protection" or all(k.kind != "child-protection" for k in state.kinds):
            check_category(state.kind, state.category)
        for action in state.actions.values():
            if action.area not in AREAS_BY_KIND[state.kind]:
                raise RuleBroken(f"'{action.area}' is not an area of a {state.kind} plan", rule="areas")
        check_referral_codes(state.kind, state.referral_source, state.primary_need)
        check_closure_reason(state.kind, state.closure_reason)

    # ------------------------------------------------------------------ helpers
    def _require_open(self) -> None:
        if self.state.status == "withdrawn":
            raise RuleBroken(f"the plan was withdrawn as opened in error (on {self.state.withdrawn_on}); it takes "
                             "nothing more", rule="withdrawn plan", fix="open a plan on the right child for the work")
        if not self.state.is_open:
            raise RuleBroken(
                f"the plan is closed (since {self.state.closed_on}); a closed plan accepts nothing but corrections",
                rule="closed plan",
                fix="a records officer may correct or void its entries; open a new plan for new work",
            )

    def _held_review(self, review_id: str, *, what: str) -> Review:
        review = self.state.reviews.get(review_id)
        if review is None:
            raise NotFound(
                f"{what} needs a review of this plan that has been held; there is no review {review_id}",
                fix="record the review with `plantrail review hold` and name its review_id",
            )
        return review

    def _open_action(self, action_id: str) -> Any:
        action = self.state.actions.get(action_id)
        if action is None:
            raise NotFound(f"no action {action_id} in this plan", fix="see `plantrail show` for action ids")
        if action.status != "open":
            raise RuleBroken(f"action {action_id} has ended ({action.ended_on})", rule="actions",
                             fix="add a new action instead")
        return action
