"""A plan as the record says it stands: the fold of its events, corrections applied.

This is the one place that says what each event does to a plan. The Plan aggregate
folds with it to check its rules; the projections fold with it to show the plan now,
as it stood at a recorded time, or as it was effective on a date.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, TypeVar
from uuid import UUID

from plantrail.domain import events as ev
from plantrail.domain.base import Event
from plantrail.domain.vocabulary import AIM_REVIEW_KINDS, INITIAL_PLAN_WEEKS


@dataclass(slots=True, kw_only=True)
class OverallAim:
    text: str
    option: int | None = None
    months: int | None = None
    set_on: date
    review_id: str | None = None


@dataclass(slots=True, kw_only=True)
class Action:
    action_id: str
    area: str
    need: str
    response: str
    frequency: str
    responsible: str
    starts: date
    outcomes: list[str]
    status: str = "open"
    ended_on: date | None = None
    end_reason: str | None = None
    added_on: date
    changed_on: date
    initials: str


@dataclass(slots=True, kw_only=True)
class View:
    party: str
    name: str
    text: str
    on: date


@dataclass(slots=True, kw_only=True)
class Signature:
    party: str
    name: str
    agrees: str
    on: date


@dataclass(slots=True, kw_only=True)
class Contact:
    person: str
    relationship: str
    arrangement: str
    on: date


@dataclass(slots=True, kw_only=True)
class Review:
    review_id: str
    kind: str
    held_on: date
    chair: str
    next_review: date | None = None
    ratings: dict[str, str] = field(default_factory=dict)
    participation: str | None = None  # SSDA903 REVIEW_CODE, at a looked-after child's review


@dataclass(slots=True, kw_only=True)
class Placement:
    """A looked-after child's placement (seed 003): from ``placed_on``."""

    placed_on: date
    emergency: bool = False
    long_term: bool = False
    placement: str | None = None
    # The SSDA903 episode it starts, as recorded (``domain.looked_after``); None: not given.
    placement_type: str | None = None
    legal_status: str | None = None
    reason_new_episode: str | None = None
    provider: str | None = None
    postcode: str | None = None
    home_postcode: str | None = None
    urn: str | None = None
    change_reason: str | None = None
    need: str | None = None
    # ``placement end``: the day the child stopped being looked after, and the DfE's reason.
    ended_on: date | None = None
    end_reason: str | None = None


@dataclass(slots=True, kw_only=True)
class KindPeriod:
    kind: str
    since: date
    review_id: str | None = None


@dataclass(slots=True, kw_only=True)
class PlanState:
    plan_id: UUID | None = None
    child: str = ""
    kind: str = ""
    status: str = "open"
    opened_on: date | None = None
    opened_by: str = ""
    aim: OverallAim | None = None
    category: str | None = None
    initial_category: str | None = None
    replaces: UUID | None = None
    replaced_by: UUID | None = None
    referred: date | None = None
    review_by: date | None = None
    referral_source: str | None = None
    primary_need: str | None = None
    details: dict[str, str] = field(default_factory=dict)
    approved_version: int | None = None
    approved_on: date | None = None
    approved_by: str | None = None
    authors_since_approval: list[str] = field(default_factory=list)
    kinds: list[KindPeriod] = field(default_factory=list)
    actions: dict[str, Action] = field(default_factory=dict)
    views: list[View] = field(default_factory=list)
    signatures: list[Signature] = field(default_factory=list)
    contacts: list[Contact] = field(default_factory=list)
    reviews: dict[str, Review] = field(default_factory=dict)
    visits: list[date] = field(default_factory=list)
    supervisions: list[date] = field(default_factory=list)
    placements: list[Placement] = field(default_factory=list)
    distributed: list[str] = field(default_factory=list)
    extended_until: date | None = None
    closed_on: date | None = None
    close_reason: str | None = None
    closure_reason: str | None = None
    # A plan opened in error and withdrawn (status "withdrawn"): when, by whom, why.
    withdrawn_on: date | None = None
    withdrawn_by: str | None = None
    withdraw_reason: str | None = None
    # References a correction or void left dangling; the aggregate refuses them.
    problems: list[str] = field(default_factory=list)

    @property
    def is_open(self) -> bool:
        return self.status == "open"

    @property
    def next_review(self) -> date | None:
        """The next review date: set by the last review held, else the plan's review-by."""
        held = sorted(self.reviews.values(), key=lambda r: r.held_on)
        return held[-1].next_review if held and held[-1].next_review else self.review_by

    @property
    def initial_plan_ends(self) -> date | None:
        """An Initial Plan runs six weeks from approval (or opening, before approval)."""
        start = self.approved_on or self.opened_on
        if self.kind != "initial" or start is None:
            return None
        return self.extended_until or start + timedelta(weeks=INITIAL_PLAN_WEEKS)

    @property
    def placement(self) -> Placement | None:
        """The current placement: the latest by its date (a move starts a new one)."""
        return self.placements[-1] if self.placements else None

    def placement_on(self, day: date) -> Placement | None:
        """The placement the child was in on ``day`` (the latest placed by then), ended or not."""
        before = [p for p in self.placements if p.placed_on <= day]
        return before[-1] if before else None

    def looked_after_on(self, day: date) -> bool:
        """In care on this plan on ``day``: placed, and that period of care not ended by then."""
        running = self.placement_on(day)
        return running is not None and (running.ended_on is None or running.ended_on > day)

    def last_review(self) -> Review | None:
        held = sorted(self.reviews.values(), key=lambda r: (r.held_on, int(r.review_id[1:])))
        return held[-1] if held else None


def fold(state: PlanState, event: Event) -> None:
    """Apply one event (already corrected) to a plan's state."""
    try:
        evolve = _EVOLVE[type(event)]
    except KeyError:  # pragma: no cover - closed catalogue
        raise TypeError(f"a plan does not take {type(event).__name__} events") from None
    evolve(event, state)
    if not isinstance(event, (ev.PlanApproved, ev.ReviewHeld, ev.PlanClosed, ev.PlanWithdrawn)):
        if event.actor not in state.authors_since_approval:
            state.authors_since_approval.append(event.actor)


# What each kind of event does to a plan, by the event's own class (the catalogue is
# closed and flat: a dict lookup, where functools.singledispatch cost a tenth of a fold).
_EVOLVE: dict[type[Event], Callable[[Any, PlanState], None]] = {}
E = TypeVar("E", bound=Event)


def _handles(event_type: type[E]) -> Callable[[Callable[[E, PlanState], None]], Callable[[E, PlanState], None]]:
    def register(evolve: Callable[[E, PlanState], None]) -> Callable[[E, PlanState], None]:
        _EVOLVE[event_type] = evolve
        return evolve
    return register


@_handles(ev.PlanOpened)
def _(e: ev.PlanOpened, s: PlanState) -> None:
    s.plan_id, s.child, s.kind = e.originator_id, e.child_ref, e.kind
    s.opened_on, s.opened_by = e.effective_on, e.actor
    s.aim = OverallAim(text=e.aim, option=e.aim_option, months=e.aim_months, set_on=e.effective_on)
    s.category = s.initial_category = e.category
    s.replaces, s.referred, s.review_by = e.replaces, e.referred, e.review_by
    s.referral_source, s.primary_need = e.referral_source, e.primary_need
    s.kinds = [KindPeriod(kind=e.kind, since=e.effective_on)]


@_handles(ev.PlanApproved)
def _(e: ev.PlanApproved, s: PlanState) -> None:
    s.approved_version, s.approved_on, s.approved_by = e.approved_version, e.effective_on, e.actor
    s.authors_since_approval = []


@_handles(ev.PlanKindChanged)
def _(e: ev.PlanKindChanged, s: PlanState) -> None:
    _needs_review(s, e.review_id, "kind change")
    s.kind = e.kind
    if e.category:
        s.category = e.category
        s.initial_category = s.initial_category or e.category
    s.kinds.append(KindPeriod(kind=e.kind, since=_review_date(s, e), review_id=e.review_id))


@_handles(ev.AimChanged)
def _(e: ev.AimChanged, s: PlanState) -> None:
    _needs_review(s, e.review_id, "aim change", AIM_REVIEW_KINDS.get(s.kind, ()))
    s.aim = OverallAim(
        text=e.aim, option=e.aim_option, months=e.aim_months, set_on=_review_date(s, e), review_id=e.review_id
    )


@_handles(ev.PlanDetailsRecorded)
def _(e: ev.PlanDetailsRecorded, s: PlanState) -> None:
    s.details.update(e.model_dump(include=set(ev.PlanDetailsRecorded.model_fields) - set(Event.model_fields),
                                  exclude_none=True))


@_handles(ev.ActionAdded)
def _(e: ev.ActionAdded, s: PlanState) -> None:
    s.actions[e.action_id] = Action(
        action_id=e.action_id, area=e.area, need=e.need, response=e.response, frequency=e.frequency,
        responsible=e.responsible, starts=e.starts, outcomes=list(e.outcomes),
        added_on=e.effective_on, changed_on=e.effective_on, initials=e.initials,
    )


@_handles(ev.ActionAmended)
def _(e: ev.ActionAmended, s: PlanState) -> None:
    action = s.actions.get(e.action_id)
    if action is None:
        s.problems.append(f"action {e.action_id} is amended but was voided")
        return
    for name in AMENDABLE:  # only the fields given change (getattr: model_dump costs more than the fold)
        value = getattr(e, name)
        if value is not None:
            setattr(action, name, list(value) if isinstance(value, list) else value)
    action.changed_on, action.initials = e.effective_on, e.initials


@_handles(ev.ActionEnded)
def _(e: ev.ActionEnded, s: PlanState) -> None:
    action = s.actions.get(e.action_id)
    if action is None:
        s.problems.append(f"action {e.action_id} is ended but was voided")
        return
    action.status, action.ended_on, action.end_reason = "ended", e.effective_on, e.reason
    action.changed_on, action.initials = e.effective_on, e.initials


@_handles(ev.ViewRecorded)
def _(e: ev.ViewRecorded, s: PlanState) -> None:
    s.views.append(View(party=e.party, name=e.name, text=e.text, on=e.effective_on))


@_handles(ev.SignatureRecorded)
def _(e: ev.SignatureRecorded, s: PlanState) -> None:
    s.signatures.append(Signature(party=e.party, name=e.name, agrees=e.agrees, on=e.effective_on))


@_handles(ev.ContactArrangementRecorded)
def _(e: ev.ContactArrangementRecorded, s: PlanState) -> None:
    s.contacts.append(
        Contact(person=e.person, relationship=e.relationship, arrangement=e.arrangement, on=e.effective_on)
    )


@_handles(ev.ReviewHeld)
def _(e: ev.ReviewHeld, s: PlanState) -> None:
    for action_id in e.ratings:
        if action_id not in s.actions:
            s.problems.append(f"review {e.review_id} rates action {action_id}, which was voided")
    s.reviews[e.review_id] = Review(
        review_id=e.review_id, kind=e.kind, held_on=e.effective_on, chair=e.chair,
        next_review=e.next_review, ratings=dict(e.ratings), participation=e.participation,
    )


@_handles(ev.SupervisionDiscussed)
def _(e: ev.SupervisionDiscussed, s: PlanState) -> None:
    s.supervisions.append(e.effective_on)


@_handles(ev.VisitRecorded)
def _(e: ev.VisitRecorded, s: PlanState) -> None:
    s.visits.append(e.effective_on)


@_handles(ev.PlacementRecorded)
def _(e: ev.PlacementRecorded, s: PlanState) -> None:
    placement = Placement(placed_on=e.effective_on, emergency=e.emergency, long_term=e.long_term,
                          placement=e.placement, placement_type=e.placement_type, legal_status=e.legal_status,
                          reason_new_episode=e.reason_new_episode, provider=e.provider, postcode=e.postcode,
                          home_postcode=e.home_postcode, urn=e.urn, change_reason=e.change_reason, need=e.need)
    s.placements.append(placement)
    s.placements.sort(key=lambda p: p.placed_on)  # stable: two on one day keep their order


@_handles(ev.PlacementEnded)
def _(e: ev.PlacementEnded, s: PlanState) -> None:
    running = s.placement_on(e.effective_on)
    if running is not None:
        running.ended_on, running.end_reason = e.effective_on, e.reason


@_handles(ev.PlanDistributed)
def _(e: ev.PlanDistributed, s: PlanState) -> None:
    s.distributed.extend(e.to)


@_handles(ev.InitialPlanExtended)
def _(e: ev.InitialPlanExtended, s: PlanState) -> None:
    _needs_review(s, e.review_id, "extension", ("child-in-need",))
    s.extended_until = e.until


@_handles(ev.PlanClosed)
def _(e: ev.PlanClosed, s: PlanState) -> None:
    s.status, s.closed_on, s.close_reason, s.replaced_by = "closed", e.effective_on, e.reason, e.replaced_by
    s.closure_reason = e.closure_reason


@_handles(ev.PlanWithdrawn)
def _(e: ev.PlanWithdrawn, s: PlanState) -> None:
    s.status, s.withdrawn_on, s.withdrawn_by, s.withdraw_reason = "withdrawn", e.effective_on, e.actor, e.reason


def _review_date(s: PlanState, e: ev.AimChanged | ev.PlanKindChanged) -> date:
    """A decision taken at a review takes the review's date, so correcting the review's
    date moves the decision with it."""
    review = s.reviews.get(e.review_id)
    return review.held_on if review else e.effective_on


def _needs_review(s: PlanState, review_id: str, what: str, kinds: tuple[str, ...] | None = None) -> None:
    review = s.reviews.get(review_id)
    if review is None:
        s.problems.append(f"the {what} rests on review {review_id}, which was voided")
    elif kinds is not None and review.kind not in kinds:
        s.problems.append(f"the {what} rests on review {review_id}, which would be a {review.kind}; "
                          f"a {s.kind} plan's {what} needs a {' or '.join(kinds)}")


AMENDABLE = ("need", "response", "frequency", "responsible", "starts", "outcomes")
