"""What is due or overdue on a date (CLI.md, ``due``; DOMAIN.md, "Timescales").

Late is flagged, never refused: this only reports. Every item is computed from the
plan's ``show`` document (the plans view keeps it), the child's nation and the
policy, so it is a pure function of the record and the date asked about.

Rows: ``plan_id``, ``child``, ``kind``, ``what``, ``due_on``, ``overdue_days`` and
``basis`` (what the date was counted from). ``overdue_days`` is ``on - due_on`` in
days: positive is overdue by that many days, 0 is due today, negative is due in
that many days. Listed: every overdue item and those due within the policy's
``report.window_days`` (14 by default). Closed plans have nothing due.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import orjson

from plantrail.domain.vocabulary import KINDS_WITH_PLACEMENTS
from plantrail.projections.tail import view_now
from plantrail.projections.timescales import Policy, add_months, add_working_days, load_policy
from plantrail.projections.views import CHILDREN, PLANS
from plantrail.store import view_tables

CIN_KINDS = ("child-in-need", "child-in-need-short-breaks")
CHILDS_PLAN_KINDS = (*CIN_KINDS, "child-protection")
CIN_REVIEW_KINDS = ("child-in-need", "statutory")
CP_CONFERENCE_KINDS = ("initial-cp-conference", "cp-review-conference")


def due(app: Any, on: date, policy: Policy | str | os.PathLike[str] | None = None) -> list[dict[str, Any]]:
    """Every open plan's items due by ``on`` + the window, or overdue, soonest first."""
    rules = policy if isinstance(policy, dict) else load_policy(policy)
    items = [i for doc, nation in open_plans(app) for i in plan_due(doc, nation, on, rules)]
    return sorted(items, key=lambda i: (i["due_on"], i["plan_id"], i["what"]))


def open_plans(app: Any) -> list[tuple[dict[str, Any], str]]:
    """Each open plan's document and its child's nation, as the log stands now: the views'
    rows, with what they have not yet taken in folded in memory (``projections.tail``)."""
    tracking = view_tables.tracking(app)
    plans, children = view_now(app, PLANS, tracking), view_now(app, CHILDREN, tracking)
    nations = {row["child_ref"]: row["nation"] for row in children.as_dicts().values()}
    found: dict[str, tuple[str, str, Any]] = {}  # plan id -> (document, child, nation)
    if plans.usable:
        for r in view_tables.open_plans_with_nations(app):
            found[r["plan_id"]] = (r["document"], r["child"], r["nation"])
    for plan_id, row in plans.as_dicts().items():
        found.pop(plan_id, None)
        if row["status"] == "open":
            found[plan_id] = (row["document"], row["child"], None)
    missing = {child for _, child, nation in found.values() if nation is None and child not in nations}
    if children.usable and missing:
        nations.update(view_tables.child_nations(app, sorted(missing)))
    return [(orjson.loads(document), nations.get(child) or nation or "england")
            for document, child, nation in found.values()]


def plan_due(doc: dict[str, Any], nation: str, on: date, policy: Policy) -> list[dict[str, Any]]:
    """One plan's items that are overdue or fall due within the window of ``on``."""
    if doc["status"] != "open":
        return []
    horizon = on + timedelta(days=policy["report"]["window_days"])
    out = []
    for what, due_on, basis in _items(_Plan(doc), nation, policy):
        if due_on <= horizon:
            out.append({"plan_id": doc["plan_id"], "child": doc["child"], "kind": doc["kind"], "what": what,
                        "due_on": due_on.isoformat(), "overdue_days": (on - due_on).days, "basis": basis})
    return out


class _Plan:
    """The parts of a plan document the timescales read, as dates."""

    def __init__(self, doc: dict[str, Any]) -> None:
        self.kind = doc["kind"]
        self.opened_on = _date(doc["opened_on"])
        self.approved_on = _date(doc["approved_on"])
        self.approved = doc["approved_version"] is not None
        self.review_by = _date(doc["review_by"])
        self.extended_until = _date(doc["extended_until"])
        # The current kind's period: a Child's Plan may have become child protection at a conference.
        self.since = _date(doc["kinds"][-1]["since"]) if doc["kinds"] else self.opened_on
        self.reviews = [(r["kind"], _date(r["held_on"]), _date(r["next_review"])) for r in doc["reviews"]]
        self.visits = sorted(_date(v) for v in doc["visits"])
        self.placements = sorted((_Placement(p) for p in doc.get("placements", [])), key=lambda p: p.on)

    def reviews_since(self, kinds: tuple[str, ...]) -> list[tuple[str, date, date | None]]:
        return [r for r in self.reviews if r[0] in kinds and r[1] >= self.since]

    def last_visit(self) -> date | None:
        visits = [v for v in self.visits if v >= self.since]
        return visits[-1] if visits else None

    def first_review_by(self) -> date | None:
        """A review date set when the plan opened counts for its first period only."""
        return self.review_by if self.since == self.opened_on else None

    def looked_after_since(self) -> tuple[date, str]:
        """When the child became looked after: the first placement, else the plan's start."""
        if self.placements:
            return self.placements[0].on, "the first placement"
        return self.since, "the care plan's start"


class _Placement:
    """One entry of the document's ``placements``."""

    def __init__(self, row: dict[str, Any]) -> None:
        self.on: date = date.fromisoformat(row["placed_on"])
        self.emergency: bool = row["emergency"]
        self.long_term: bool = row["long_term"]
        # ``placement end``: the child stopped being looked after (documents before it lack the key).
        self.ended: bool = row.get("ended_on") is not None


Item = tuple[str, date, str]


def _items(p: _Plan, nation: str, policy: Policy) -> Iterator[Item]:
    if p.kind == "initial":
        yield _initial(p, policy["initial_plan"])
    if p.kind in CHILDS_PLAN_KINDS and not p.approved:
        days = policy["plan_approval"]["working_days"]
        yield ("plan-approval", add_working_days(p.opened_on, days, nation),
               f"{days} working days from the first CIN meeting (the plan opened {p.opened_on})")
    if p.kind in CIN_KINDS:
        yield _cin_review(p, policy["cin_review"])
        yield _visit("cin-visit", p, None, policy["cin_visit"]["every_weeks"])
    if p.kind == "child-protection":
        yield from _child_protection(p, nation, policy)
    if p.kind in KINDS_WITH_PLACEMENTS and p.placements and not p.approved:
        yield _care_plan(p, policy["care_plan"])
    if p.kind == "care-plan" and not (p.placements and p.placements[-1].ended):
        # A child no longer looked after (``placement end``) has no looked-after clocks.
        yield _looked_after_review(p, nation, policy["looked_after_review"])
        yield _looked_after_visit(p, policy["looked_after_visit"])


def _initial(p: _Plan, rules: dict[str, int]) -> Item:
    start = p.approved_on or p.opened_on
    counted = f"approval on {start}" if p.approved_on else f"opening on {start} (not yet approved)"
    latest = start + timedelta(weeks=rules["max_weeks"])
    if p.extended_until:
        return ("initial-plan-end", min(p.extended_until, latest),
                f"extended at a CIN review until {p.extended_until}; {rules['max_weeks']} weeks at most from {counted}")
    return ("initial-plan-review", start + timedelta(weeks=rules["review_weeks"]),
            f"{rules['review_weeks']} weeks from {counted}")


def _review(what: str, anchor: date, explicit: date | None, default: date, cap: date, counted: str) -> Item:
    """A review date: the one the last review set (or the plan's review-by) when there
    is one, else the default interval; never later than the longest interval allowed."""
    if explicit is not None and explicit > anchor:
        chosen = min(explicit, cap)
        basis = f"next review set for {explicit}" + (f", capped at {cap} ({counted})" if chosen < explicit else "")
        return (what, chosen, basis)
    return (what, min(default, cap), counted)


def _cin_review(p: _Plan, rules: dict[str, int]) -> Item:
    held = p.reviews_since(CIN_REVIEW_KINDS)
    anchor, explicit = (held[-1][1], held[-1][2]) if held else (p.since, p.first_review_by())
    counted = f"{rules['every_weeks']} weeks from the {'last review' if held else 'plan start'} on {anchor}"
    return _review("cin-review", anchor, explicit, anchor + timedelta(weeks=rules["every_weeks"]),
                   add_months(anchor, rules["max_months"]), counted)


def _visit(what: str, p: _Plan, first_days: int | None, every_weeks: int) -> Item:
    last = p.last_visit()
    if last is None and first_days is not None:
        return (what, p.since + timedelta(days=first_days), f"{first_days} days from the plan start on {p.since}")
    anchor = last or p.since
    return (what, anchor + timedelta(weeks=every_weeks),
            f"{every_weeks} weeks from the {'last visit' if last else 'plan start'} on {anchor}")


def _care_plan(p: _Plan, rules: dict[str, int]) -> Item:
    """The Care Plan is completed before placement, or within 14 days of an emergency one
    (seed 003): counted from the first placement, the day the child became looked after."""
    first = p.placements[0]
    days = rules["emergency_days"] if first.emergency else rules["planned_days"]
    what = "the emergency placement" if first.emergency else "the placement"
    counted = f"{days} days from {what}" if days else f"by {what}"
    return ("care-plan-approval", first.on + timedelta(days=days), f"{counted} on {first.on} (not yet approved)")


def _looked_after_visit(p: _Plan, rules: dict[str, int]) -> Item:
    """Within a week of the current placement, then every 6 weeks in its first year, then
    every 3 months if it is long-term (DOMAIN.md, "Timescales"). Visits at an earlier
    placement do not count for this one. Without a placement: from the plan's start."""
    if not p.placements:
        return _visit("looked-after-visit", p, rules["first_days"], rules["every_weeks"])
    placement = p.placements[-1]
    visits = [v for v in p.visits if v >= placement.on]
    if not visits:
        return ("looked-after-visit", placement.on + timedelta(days=rules["first_days"]),
                f"{rules['first_days']} days from the placement on {placement.on}")
    last = visits[-1]
    first_year_ends = add_months(placement.on, rules["first_year_months"])
    if placement.long_term and last >= first_year_ends:
        months = rules["long_term_every_months"]
        basis = f"{months} months from the last visit on {last} (long-term placement since {placement.on})"
        return ("looked-after-visit", add_months(last, months), basis)
    weeks = rules["every_weeks"]
    return ("looked-after-visit", last + timedelta(weeks=weeks), f"{weeks} weeks from the last visit on {last}")


def _child_protection(p: _Plan, nation: str, policy: Policy) -> Iterator[Item]:
    conference = p.since  # the plan starts on the date of the initial conference
    if not p.reviews_since(("core-group",)):
        days = policy["cp_core_group"]["working_days"]
        yield ("cp-core-group", add_working_days(conference, days, nation),
               f"{days} working days from the initial conference on {conference}")
    rules = policy["cp_review"]
    reviews = [r for r in p.reviews_since(("cp-review-conference",))]
    conferences = p.reviews_since(CP_CONFERENCE_KINDS)
    explicit = conferences[-1][2] if conferences else p.first_review_by()
    if reviews:
        anchor, months, counted = reviews[-1][1], rules["every_months"], "the last review conference"
    else:
        anchor, months, counted = conference, rules["first_months"], "the initial conference"
    cap = add_months(anchor, months)
    yield _review("cp-review-conference", (conferences[-1][1] if conferences else anchor), explicit, cap, cap,
                  f"{months} months from {counted} on {anchor}")


def _looked_after_review(p: _Plan, nation: str, rules: dict[str, int]) -> Item:
    held = p.reviews_since(("statutory",))
    start, became = p.looked_after_since()
    if not held:
        days = rules["first_working_days"]
        cap = add_working_days(start, days, nation)
        counted = f"{days} working days from becoming looked after ({became}) on {start}"
        anchor, explicit = start, p.first_review_by()
    elif len(held) == 1:
        anchor, explicit = held[0][1], held[0][2]
        cap, counted = add_months(anchor, rules["second_months"]), f"{rules['second_months']} months from the first review on {anchor}"
    else:
        anchor, explicit = held[-1][1], held[-1][2]
        cap, counted = add_months(anchor, rules["every_months"]), f"{rules['every_months']} months from the last review on {anchor}"
    return _review("looked-after-review", anchor, explicit, cap, cap, counted)


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None
