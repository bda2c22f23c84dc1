"""Stores for the export tests: staff, the seeds' examples, and varied plan histories.

``varied_store`` records random but rule-abiding histories of Child's Plans (child in
need ↔ child protection, reviews, core groups, closures, later plans), seeded, so a
failing seed can be replayed. ``validate`` runs the DfE rules as the public package
``csc-validator-be-cin`` implements them.
"""

from __future__ import annotations

import contextlib
import importlib
import io
import random
import warnings
import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from tests.support import FixedClock, open_app

HERE = Path(__file__).parent
STAFF = (
    ("tm1", "Tina Moss", "TM", ["team-manager"]),
    ("tm2", "Tom Hale", "TH", ["team-manager"]),
    ("sw1", "Mary Grant", "MG", ["social-worker"]),
    ("sw2", "Sam Okoro", "SO", ["social-worker"]),
    ("rc1", "Rita Chow", "RC", ["review-chair"]),
    ("ro1", "Rob Evans", "RE", ["records-officer"]),
)

# The DfE rules about plans (the brief's 4000-4017, 1105, 2883, 2885, 8720-8940).
PLAN_RULE_RANGES = ((4000, 4017), (1105, 1105), (2883, 2883), (2885, 2885), (8720, 8940))
# Rules in those ranges that check a census code the social worker did not record, so
# they fire on the export of a store that records none (plan open --referral-source,
# plan close --closure-reason record them; the export never invents one).
NOT_HELD = {
    "8866": "ReferralSource: no source of referral was recorded (plan open --referral-source)",
    "8805": "ReasonForClosure: the closure's reason was recorded in words only (plan close --closure-reason)",
    "8770Q": "UPN: neither a UPN nor the reason none is held was recorded (child add --upn / --upn-unknown)",
}


def staffed(url: str, now: datetime) -> tuple[Any, FixedClock]:
    clock = FixedClock(now)
    app = open_app(url, clock)
    for i, (staff_id, name, initials, roles) in enumerate(STAFF):
        app.add_staff(None if i == 0 else "tm1", staff_id, name=name, initials=initials, roles=roles)
    return app, clock


def is_plan_rule(code: str) -> bool:
    digits = int("".join(ch for ch in code if ch.isdigit()))
    return any(lo <= digits <= hi for lo, hi in PLAN_RULE_RANGES)


def validate(xml: str, ruleset: str) -> set[str]:
    """The codes of the DfE rules that the export breaks.

    The validator's reader keeps only the first ``CPPreviewDate`` of each ``Reviews``
    block, so each date is moved to its own block first (the rules see every review).
    """
    from cin_validator import cin_validator

    root = ET.fromstring(xml.encode())
    for plan in root.iter("ChildProtectionPlans"):
        for reviews in plan.findall("Reviews"):
            for extra in reviews.findall("CPPreviewDate")[1:]:
                reviews.remove(extra)
                ET.SubElement(plan, "Reviews").append(extra)
    registry = importlib.import_module(f"cin_validator.rules.{ruleset}").registry
    printed = io.StringIO()
    with warnings.catch_warnings(), contextlib.redirect_stdout(printed):
        warnings.simplefilter("ignore")
        data = cin_validator.process_data(cin_validator.convert_data(root))
        result = cin_validator.CinValidator(data, registry)
    # A rule that crashes on the data is reported on stdout and would pass silently.
    assert "Error with rule" not in printed.getvalue(), printed.getvalue()
    broken = {str(c) for c in result.full_issue_df["rule_code"].dropna()}
    broken |= {str(c) for c in result.multichild_issues["rule_code"].dropna()}
    return broken


def weekday(day: date) -> date:
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


MAY_2025 = datetime(2025, 5, 1, 12, tzinfo=UTC)
JUNE_2025 = datetime(2025, 6, 30, 12, tzinfo=UTC)


def examples_store(url: str):  # type: ignore[no-untyped-def]
    from plantrail.application.examples import record_examples

    app, _ = staffed(url, MAY_2025)
    record_examples(app, social_worker="sw1", team_manager="tm2", review_chair="rc1")
    return app


def hand_made_store(url: str):  # type: ignore[no-untyped-def]
    """Histories whose census rows were worked out by hand (see census_hand_made_2025.xml)."""
    app, _ = staffed(url, JUNE_2025)
    reg = app.register_child
    reg("sw1", "HAND1", name="Amy Ash", born=date(2015, 2, 1), sex="F", on=date(2023, 5, 1))
    reg("sw1", "HAND2", name="Ben Birch", born=date(2012, 7, 9), sex="M", upn="P201123456789", on=date(2023, 5, 1))
    reg("sw1", "HAND3", name="Cal Cedar", born=date(2019, 3, 3), sex="U", on=date(2023, 5, 1))
    reg("sw1", "HAND4", name="Dee Dogwood", born=date(2010, 1, 20), sex="F", on=date(2023, 5, 1))
    reg("sw1", "HAND5", name="Eve Elm", born=date(2016, 8, 8), sex="F", on=date(2023, 5, 1))
    reg("sw1", "SCOT1", name="Fay Fir", born=date(2014, 4, 4), sex="F", nation="scotland", on=date(2023, 5, 1))
    reg("sw1", "CARE1", name="Gus Gum", born=date(2013, 3, 3), sex="M", on=date(2023, 5, 1))

    # HAND1: an earlier child protection plan (before the year), then a Child's Plan
    # that goes child in need -> child protection -> child in need; the category is
    # corrected; a core group is not a review.
    p0 = app.open_plan("sw1", "HAND1", kind="child-protection", category="neglect", aim="Safe at home.",
                       referred=date(2023, 5, 30), on=date(2023, 6, 5))
    app.hold_review("rc1", p0, kind="initial-cp-conference", on=date(2023, 6, 5), chair="rc1")
    app.hold_review("rc1", p0, kind="cp-review-conference", on=date(2023, 9, 4), chair="rc1")
    app.close_plan("tm1", p0, reason="needs met", on=date(2024, 1, 15))
    p1 = app.open_plan("sw1", "HAND1", kind="child-in-need", aim="Safe and well at home.",
                       referred=date(2024, 4, 29), on=date(2024, 5, 6))
    app.hold_review("rc1", p1, kind="child-in-need", on=date(2024, 6, 17), chair="rc1")
    icpc = app.hold_review("rc1", p1, kind="initial-cp-conference", on=date(2024, 7, 8), chair="rc1")
    app.change_kind("rc1", p1, kind="child-protection", review_id=icpc, category="emotional")
    app.hold_review("rc1", p1, kind="core-group", on=date(2024, 7, 19), chair="rc1")
    app.hold_review("rc1", p1, kind="cp-review-conference", on=date(2024, 10, 7), chair="rc1")
    step_down = app.hold_review("rc1", p1, kind="cp-review-conference", on=date(2025, 1, 6), chair="rc1")
    app.change_kind("rc1", p1, kind="child-in-need", review_id=step_down)
    app.hold_review("rc1", p1, kind="child-in-need", on=date(2025, 2, 17), chair="rc1")
    kind_changed = next(e for e in app.events_of(p1) if type(e).__name__ == "PlanKindChanged")
    app.correct("ro1", kind_changed.event_id, fields={"category": "multiple"}, reason="category mistyped")

    # HAND2: an Initial Plan replaced by a Child's Plan (the referral is the Initial
    # Plan's), closed in the year; then a child protection plan from March 2025 whose
    # first review falls after the reference date.
    initial = app.open_plan("sw1", "HAND2", kind="initial", aim="Support at home.", referred=date(2024, 2, 26),
                            on=date(2024, 3, 4))
    p2 = app.open_plan("sw1", "HAND2", kind="child-in-need", aim="Support at home.", replaces=str(initial),
                       on=date(2024, 4, 15))
    app.close_plan("tm1", p2, reason="needs met", on=date(2024, 11, 29))
    p3 = app.open_plan("sw1", "HAND2", kind="child-protection", category="physical", aim="Safe at home.",
                       referred=date(2025, 3, 10), on=date(2025, 3, 17))
    app.hold_review("rc1", p3, kind="initial-cp-conference", on=date(2025, 3, 17), chair="rc1")
    app.hold_review("rc1", p3, kind="cp-review-conference", on=date(2025, 6, 16), chair="rc1")

    # HAND3: a child in need plan closed after the reference date: open as at it.
    p4 = app.open_plan("sw1", "HAND3", kind="child-in-need-short-breaks", aim="Short breaks.", aim_option=1,
                       referred=date(2024, 8, 27), on=date(2024, 9, 2))
    app.close_plan("tm1", p4, reason="needs met", on=date(2025, 4, 30))

    # HAND4: a review conference recorded in error is no review.
    p5 = app.open_plan("sw1", "HAND4", kind="child-protection", category="sexual", aim="Safe.",
                       referred=date(2024, 10, 7), on=date(2024, 10, 14))
    app.hold_review("rc1", p5, kind="initial-cp-conference", on=date(2024, 10, 14), chair="rc1")
    app.hold_review("rc1", p5, kind="cp-review-conference", on=date(2025, 1, 13), chair="rc1")
    review = [e for e in app.events_of(p5) if type(e).__name__ == "ReviewHeld"][-1]
    app.void("ro1", review.event_id, reason="entered on the wrong child")

    # HAND5: child in need that became child protection at a conference the day it
    # opened: the one-day child in need period is not a CIN plan.
    p6 = app.open_plan("sw1", "HAND5", kind="child-in-need", aim="Safe.", referred=date(2024, 5, 28),
                       on=date(2024, 6, 3))
    icpc = app.hold_review("rc1", p6, kind="initial-cp-conference", on=date(2024, 6, 3), chair="rc1")
    app.change_kind("rc1", p6, kind="child-protection", review_id=icpc, category="physical")

    # Outside the census: a Scottish child's plan, and a Care Plan.
    app.open_plan("sw1", "SCOT1", kind="single-agency", aim="Safe.", on=date(2024, 6, 3))
    app.open_plan("sw1", "CARE1", kind="care-plan", aim="Return home.", aim_option=3, on=date(2024, 6, 3))
    return app


CATEGORIES = ("neglect", "physical", "emotional", "sexual", "multiple")


# The census codes a social worker may record (RC8/RC9 are refused on a plan; RC2 "died"
# needs a date of death the store does not hold, DfE 8585Q).
CLOSURE_CODES = ("RC1", "RC3", "RC4", "RC5", "RC6", "RC7")


class _Codes:
    """The census codes of a varied store's plans, drawn apart from the histories so that
    the same seed gives the same histories with and without codes."""

    def __init__(self, seed: int, on: bool) -> None:
        self.rng = random.Random(f"codes-{seed}")
        self.on = on

    def opening(self) -> dict[str, str]:
        from plantrail.domain.vocabulary import PRIMARY_NEEDS, REFERRAL_SOURCES

        if not self.on:
            return {}
        return {"referral_source": self.rng.choice(list(REFERRAL_SOURCES)),
                "primary_need": self.rng.choice(list(PRIMARY_NEEDS))}

    def child(self) -> dict[str, Any]:
        """The child's characteristics: ethnicity, disabilities, and why no UPN is held."""
        from plantrail.domain.census_codes import ETHNICITIES

        if not self.on:
            return {}
        return {"ethnicity": self.rng.choice(list(ETHNICITIES)), "upn_unknown": "UN5",
                "disabilities": self.rng.choice((["NONE"], ["MOB", "VIS"], ["AUT"]))}

    def closing(self) -> dict[str, str]:
        return {"closure_reason": self.rng.choice(CLOSURE_CODES)} if self.on else {}


def varied_store(url: str, seed: int, children: int = 6,
                 now: datetime = datetime(2025, 6, 30, 12, tzinfo=UTC), *, codes: bool = False) -> Any:
    """A store of ``children`` children with random Child's Plan histories, 2023 to mid-2025.
    With ``codes`` the social worker records the census codes too (the same histories)."""
    rng = random.Random(seed)
    coding = _Codes(seed, codes)
    app, _ = staffed(url, now)
    today = now.date()
    for n in range(children):
        ref = f"VAR{seed}C{n}"
        born = date(2008 + rng.randrange(15), 1 + rng.randrange(12), 1 + rng.randrange(28))
        app.register_child("sw1", ref, name=f"Child {n}", born=born, sex=rng.choice("MFU"), on=date(2023, 1, 2),
                           **coding.child())
        day = weekday(date(2023, 4, 1) + timedelta(days=rng.randrange(500)))
        earliest = date(2023, 1, 2)
        while day < today - timedelta(days=30):
            ended = _one_plan(app, rng, ref, day, today, earliest, coding)
            earliest = ended + timedelta(days=1)  # a later referral follows the last closure
            day = weekday(ended + timedelta(days=2 + rng.randrange(200)))
    return app


def _one_plan(app: Any, rng: random.Random, ref: str, day: date, today: date, earliest: date,
              coding: _Codes) -> date:
    protection = rng.random() < 0.5
    kind = "child-protection" if protection else rng.choice(("child-in-need", "child-in-need-short-breaks"))
    referred = max(earliest, day - timedelta(days=rng.randrange(30))) if rng.random() < 0.8 else None
    plan = app.open_plan("sw1", ref, kind=kind, aim="To be safe and well at home.",
                         aim_option=1 if kind == "child-in-need-short-breaks" else None,
                         category=rng.choice(CATEGORIES) if protection else None, referred=referred, on=day,
                         **coding.opening())
    if protection:
        app.hold_review("rc1", plan, kind="initial-cp-conference", on=day, chair="rc1")
    for _ in range(rng.randrange(6)):
        nxt = weekday(day + timedelta(days=14 + rng.randrange(120)))
        if nxt >= today:
            return today
        day = nxt
        if protection:
            if rng.random() < 0.3:
                app.hold_review("rc1", plan, kind="core-group", on=day, chair="rc1")
                continue
            review = app.hold_review("rc1", plan, kind="cp-review-conference", on=day, chair="rc1")
            if rng.random() < 0.35:
                app.change_kind("rc1", plan, kind="child-in-need", review_id=review)
                protection = False
        else:
            if rng.random() < 0.35:
                review = app.hold_review("rc1", plan, kind="initial-cp-conference", on=day, chair="rc1")
                app.change_kind("rc1", plan, kind="child-protection", review_id=review,
                                category=rng.choice(CATEGORIES))
                protection = True
            else:
                app.hold_review("rc1", plan, kind="child-in-need", on=day, chair="rc1")
    if rng.random() < 0.6:
        end = weekday(day + timedelta(days=1 + rng.randrange(90)))
        if end < today:
            app.close_plan("tm1", plan, reason="needs met", on=end, **coding.closing())
            return end
    return today


def known_artefacts(xml: str, year: int) -> dict[str, str]:
    """Rules the validator can fire on a correct export of what the store holds, and why."""
    root = ET.fromstring(xml.encode())
    start, end = f"{year - 1}-04-01", f"{year}-03-31"
    known: dict[str, str] = {}
    for child in root.iter("Child"):
        episodes = child.findall("CINdetails")
        for cin in episodes:
            starts = [p.findtext("CPPstartDate") for p in cin.findall("ChildProtectionPlans")]
            if sum(1 for s in starts if s and start <= s <= end) > 1:
                why = ("a plan with two child protection periods starting in one year: a CINdetails holds one "
                       "DateOfInitialCPC; the others belong in Section47 blocks, and the store holds no S47 enquiry")
                known["2883"] = known["2885"] = why
        if sum(1 for cin in episodes if cin.find("ChildProtectionPlans") is not None) > 1:
            known["4003"] = ("the validator joins reviews to plans by CPPID alone, which restarts at 1 in each "
                             "CINdetails, so one episode's reviews are checked against another's plan")
    return known


def review_store(url: str) -> tuple[Any, str]:
    """Susan Simpson's Care Plan (seed 003) after its first review: changes since it,
    by two social workers, an ended action, a new one and a records officer's correction."""
    from plantrail.application.examples import EXAMPLE_CHILDREN

    app = examples_store(url)
    susan = list(app.plan_ids())[-1]
    assert app.plan(susan).state.child == EXAMPLE_CHILDREN[2]
    app.hold_review("rc1", susan, kind="statutory", on=date(2002, 8, 15), chair="rc1",
                             next_review=date(2002, 11, 14), ratings={"A1": "partly", "A2": "achieved"})
    app.amend_action("sw1", susan, "A1", frequency="2 hours per week", on=date(2002, 8, 20),
                     discussed_with="Ms Simpson and Jenny Page", reason="Ms Simpson asked for more sessions")
    app.end_action("sw2", susan, "A2", reason="Initial contact sessions completed", on=date(2002, 8, 28),
                   discussed_with="Ms Simpson")  # an agreed Care Plan's Part Two changes are discussed first
    app.add_action("sw2", susan, area="health", need="Susan is due her pre-school health check.",
                   response="Foster carers to take Susan to the health visitor.", frequency="Once",
                   responsible="Mr and Mrs Irvine, foster carers", starts=date(2002, 9, 9),
                   outcomes=["Susan's health check is completed and any needs followed up."],
                   on=date(2002, 9, 2), discussed_with="Mr and Mrs Irvine")
    added = next(e for e in app.events_of(susan) if type(e).__name__ == "ActionAdded" and e.action_id == "A3")
    app.correct("ro1", added.event_id, fields={"starts": "2002-07-25"}, reason="date misread from the paper form")
    app.record_view("sw1", susan, party="parent", name="Jo Simpson", text="Would like to see Susan more often.",
                    on=date(2002, 8, 20))
    return app, str(susan)


def run_cli(url: str, *args: str, actor: str | None = None) -> tuple[int, str, str]:
    """Run ``plantrail ARGS`` in this process (tests/support.run_in_process): its exit code,
    stdout and stderr. A logged read names the store's first staff member as its reader."""
    import os
    from pathlib import Path

    from tests.support import first_staff, is_logged_read, run_in_process

    if actor is None and is_logged_read(args):  # every read names its reader (it is logged)
        actor = first_staff(url)
    done = run_in_process(("--db", url, *(["--as", actor] if actor else []), *args), dict(os.environ), Path.cwd())
    return done.code, done.out, done.err
