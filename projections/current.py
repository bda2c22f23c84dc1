"""The plan as it stands: the ``show --json`` document (CLI.md, "Reads").

``plan_document`` turns a folded ``PlanState`` into plain JSON values; the same
function renders the current plan, the plan as at a past time, and the rows the
materialised view keeps, so all three print alike.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from pydantic_core import to_jsonable_python

from plantrail.domain.plan_state import PlanState
from plantrail.domain.vocabulary import AIM_OPTIONS


def _number(item_id: str) -> tuple[int, str]:
    """A1 < A2 < A10 (ids are a letter and a count)."""
    digits = item_id[1:]
    return (int(digits), item_id) if digits.isdigit() else (0, item_id)


def plan_document(state: PlanState, *, version: int | None = None) -> dict[str, Any]:
    """The plan as JSON values. ``version`` is the record's version when known (the
    approval names one, so "changed since approval" is visible)."""
    s = state
    reviews = _reviews(s)  # sorted once: every action's rating looks through them
    doc: dict[str, Any] = {
        "plan_id": str(s.plan_id) if s.plan_id else None,
        "child": s.child,
        "kind": s.kind,
        "status": s.status,
        **_aim(s),
        "category": s.category,
        "initial_category": s.initial_category,
        "opened_on": s.opened_on,
        "opened_by": s.opened_by,
        "referred": s.referred,
        "referral_source": s.referral_source,
        "primary_need": s.primary_need,
        "review_by": s.review_by,
        "replaces": s.replaces,
        "replaced_by": s.replaced_by,
        "approved_version": s.approved_version,
        "approved_on": s.approved_on,
        "approved_by": s.approved_by,
        # Who has written to the plan since its approval: the approval is of an
        # earlier version when this is not empty.
        "changed_since_approval": sorted(s.authors_since_approval) if s.approved_version else [],
        "details": dict(sorted(s.details.items())),
        "actions": [_action(a, reviews) for a in sorted(s.actions.values(), key=lambda a: _number(a.action_id))],
        "views": s.views,
        "signatures": s.signatures,
        "contacts": s.contacts,
        "reviews": reviews,
        "last_review": (s.last_review().review_id if s.reviews else None),
        "next_review": s.next_review,
        "kinds": s.kinds,
        "visits": s.visits,
        "supervisions": s.supervisions,
        # A looked-after child's placements by date; the latest is the current one.
        "placements": s.placements,
        "placed_on": s.placement.placed_on if s.placement else None,
        "distributed": s.distributed,
        # Copies sent once approved: to whom, when, the version sent and the Part Two actions
        # changed since the copy before (seeds 001, 003).
        "copies": s.copies,
        # Meetings (seed 004): invitees, attendees, apologies, when the record went out.
        "meetings": sorted(s.meetings.values(), key=lambda m: (m.held_on, _number(m.meeting_id))),
        # Versions a team manager sent back for changes, with comments (seed 004).
        "returned": s.returned,
        # Other plans and records joined to this one: PEP, health assessment, ... (seeds 000, 003).
        "linked": s.linked,
        "part_two_replaced_by": s.part_two_replaced_by.record if s.part_two_replaced_by else None,
        # Parties who signed without agreeing: "reluctance or unwillingness to engage ... the
        # situation should be reviewed" (seed 001).
        "not_agreeing": [sig.name for sig in s.signatures if sig.agrees == "no"],
        "extended_until": s.extended_until,
        "initial_plan_ends": s.initial_plan_ends,
        "closed_on": s.closed_on,
        "close_reason": s.close_reason,
        "closure_reason": s.closure_reason,
        # A plan opened in error and withdrawn (status "withdrawn"): it is in no list.
        "withdrawn_on": s.withdrawn_on,
        "withdrawn_by": s.withdrawn_by,
        "withdraw_reason": s.withdraw_reason,
        "problems": s.problems,
        "version": version,
    }
    # One pass in pydantic's Rust serializer turns the models, dates and ids into JSON
    # values, and copies every list: the state's own lists are never handed out. (A
    # model_dump of each item first, then this pass, was a third of a rebuild's row time.)
    return to_jsonable_python(doc)


def _aim(s: PlanState) -> dict[str, Any]:
    aim = s.aim
    if aim is None:
        return {"aim": None, "aim_option": None, "aim_option_text": None, "aim_months": None,
                "aim_set_on": None, "aim_review_id": None}
    return {
        "aim": aim.text,
        "aim_option": aim.option,
        "aim_option_text": AIM_OPTIONS.get(aim.option) if aim.option else None,
        "aim_months": aim.months,
        "aim_set_on": aim.set_on,
        "aim_review_id": aim.review_id,
    }


def _reviews(s: PlanState) -> list[Any]:
    return sorted(s.reviews.values(), key=lambda r: (r.held_on, _number(r.review_id)))


def _action(action: Any, reviews: list[Any]) -> dict[str, Any]:
    row = to_jsonable_python(action)
    # The latest rating a review gave the action's planned outcomes, if any.
    ratings = [r.ratings[action.action_id] for r in reviews if action.action_id in r.ratings]
    row["rating"] = ratings[-1] if ratings else None
    # Each planned outcome's latest rating, by its number (A1.2 rates the second), seed 001.
    outcome_ratings: dict[str, str] = {}
    for r in reviews:
        for rated, rating in r.ratings.items():
            action_id, _, number = rated.partition(".")
            if action_id == action.action_id and number:
                outcome_ratings[number] = rating
    row["outcome_ratings"] = dict(sorted(outcome_ratings.items(), key=lambda kv: int(kv[0])))
    return row


def current_plan(app: Any, plan_ref: str | UUID, *, reader: str | None = None) -> dict[str, Any]:
    """The plan as it stands now, folded from its events in the log: what one plan's read
    shows rests on nothing the chain does not cover (a view row could have been forged;
    verify reports that, and no read of one plan believes it). ``reader``: the staff member
    whose read of it is about to be logged (their records are read with the plan's)."""
    from plantrail.projections import plans

    plan = app.plan(plans.resolve_plan_id(app, plan_ref), reader=reader)
    if plan.erased:
        from plantrail.projections.erased import erased_plan

        return erased_plan(plan)
    return plan_document(plan.state, version=plan.version)
