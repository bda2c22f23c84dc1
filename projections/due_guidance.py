"""The items of ``due`` the practice guidance adds (CLI.md, "The practice guidance, second
pass"): each cites its seed, counts by the numbers in ``timescales.toml``, and goes once the
record shows the thing done. A pure function of the plan document, like ``projections.due``.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

from plantrail.domain.vocabulary import AIM_OPTION_MONTHS, AIM_OPTION_WITH_MONTHS, AIM_OPTIONS
from plantrail.projections.timescales import Policy, add_months, add_working_days

Item = tuple[str, date, str]
SCOTTISH_KINDS = ("single-agency", "multi-agency")
SCOTTISH_REVIEW_KINDS = ("statutory", "child-in-need", "core-group")
FIRST_CIN_MEETINGS = ("planning", "child-in-need")


def items(p: Any, nation: str, policy: Policy) -> Iterator[Item]:
    """Every plan's meeting records, disagreement, aim timescale and outcome dates; a Scottish
    plan's reviews; a looked-after child's records; a short break's Placement Agreement."""
    yield from _meeting_records(p, nation, policy["meeting_record"])
    yield from _not_agreeing(p, nation, policy["reluctance"])
    yield from _aim_timescale(p)
    yield from _outcomes(p)
    if p.kind in SCOTTISH_KINDS:
        yield _scottish_review(p, policy["scottish_plan_review"])
    if p.kind == "multi-agency" and not (p.doc.get("details") or {}).get("lead"):
        # "a multi-agency Child's Plan ... requires the identification of a lead professional" (seed 002)
        yield ("lead-professional", p.since, f"a multi-agency plan (since {p.since}) names its lead professional")
    if p.kind == "care-plan":
        yield from _care_plan_records(p, nation, policy)
        yield from _changes_to_send(p, nation, policy["changes_sent"])
    if p.kind == "child-in-need-short-breaks" and p.placements and "placement-agreement" not in p.linked:
        first = p.placements[0].on
        yield ("placement-agreement", first + timedelta(days=policy["care_plan"]["planned_days"]),
               f"a Placement Agreement for the short break care, by the first short break on {first}")


def cin_plan_approval(p: Any, nation: str, rules: dict[str, int]) -> Item:
    """"The social worker's manager should review and agree the child's plan within seven
    working days" of the first CIN meeting (seed 001): the first planning or CIN meeting
    recorded (or CIN review held), else the plan's opening."""
    meetings = [held for kind, held, _, _ in p.meetings if kind in FIRST_CIN_MEETINGS and held >= p.opened_on]
    meetings += [held for kind, held, _ in p.reviews if kind == "child-in-need"]
    days = rules["working_days"]
    if meetings:
        first = min(meetings)
        basis = f"{days} working days from the first CIN meeting on {first}"
    else:
        first = p.opened_on
        basis = f"{days} working days from the plan's opening on {first} (no CIN meeting recorded yet)"
    return ("plan-approval", add_working_days(first, days, nation), basis + _returned(p))


def cp_plan_approval(p: Any, nation: str, rules: dict[str, int]) -> Item:
    """A child protection plan is not a CIN plan: "within 10 working days of the conference
    the core group ... should meet to develop the plan" (seed 000), and the manager agrees
    the plan the core group made."""
    days = rules["cp_working_days"]
    return ("plan-approval", add_working_days(p.since, days, nation),
            f"{days} working days from the initial conference on {p.since}: the core group develops the plan"
            + _returned(p))


def _returned(p: Any) -> str:
    returned = p.doc.get("returned") or []
    return f"; returned for changes on {returned[-1]['on']}" if returned else ""


def scottish_child_protection(p: Any, policy: Policy) -> Iterator[Item]:
    """Scotland's Child Protection Plan: the core group meets "the first time being within 15
    days of the CPPM", then regularly; the plan is reviewed at a review CPPM (National
    Guidance for Child Protection in Scotland 2021, 3.137; the authority sets the numbers)."""
    from plantrail.projections.due import _next_core_group, _review

    rules = policy["scottish_child_protection"]
    cppm = p.since
    core_groups = p.core_groups()
    if not core_groups:
        days = rules["core_group_days"]
        yield ("cp-core-group", cppm + timedelta(days=days),
               f"{days} days from the child protection planning meeting on {cppm} (Scotland)")
    else:
        yield _next_core_group(core_groups, policy["cp_core_group"]["every_weeks"])
    reviews = p.reviews_since(("cp-review-conference",))
    anchor = reviews[-1][1] if reviews else cppm
    explicit = reviews[-1][2] if reviews else p.first_review_by()
    cap = add_months(anchor, rules["review_months"])
    yield _review("review-cppm", anchor, explicit, cap, cap,
                  f"{rules['review_months']} months from the {'last review' if reviews else 'initial'} CPPM on "
                  f"{anchor} (Scotland)")


def _scottish_review(p: Any, rules: dict[str, int]) -> Item:
    """"Arrangements for reviewing the plan" (seed 002): the date the last review set, within
    the authority's longest interval."""
    from plantrail.projections.due import _review

    held = p.reviews_since(SCOTTISH_REVIEW_KINDS)
    anchor, explicit = (held[-1][1], held[-1][2]) if held else (p.since, p.first_review_by())
    months = rules["every_months"]
    cap = add_months(anchor, months)
    return _review("childs-plan-review", anchor, explicit, cap, cap,
                   f"{months} months from the {'last review' if held else 'plan start'} on {anchor}")


def _meeting_records(p: Any, nation: str, rules: dict[str, int]) -> Iterator[Item]:
    """"The social worker is then responsible ... for sending out a record of the meeting ...
    to all who attended or who were invited" (seed 004)."""
    days = rules["working_days"]
    for kind, held, sent, meeting_id in p.meetings:
        if sent is None:
            yield ("meeting-record", add_working_days(held, days, nation),
                   f"record of the {kind} meeting {meeting_id} on {held} to everyone invited, {days} working days")


def _not_agreeing(p: Any, nation: str, rules: dict[str, int]) -> Iterator[Item]:
    """"Reluctance or unwillingness to engage ... the situation should be reviewed ... a
    strategy meeting or discussion should be convened" (seed 001): a party who signs without
    agreeing is flagged until a review or meeting is held after it."""
    days = rules["working_days"]
    held = [on for _, on, _ in p.reviews] + [on for _, on, _, _ in p.meetings]
    for sig in p.doc.get("signatures", []):
        signed = date.fromisoformat(sig["on"])
        if sig["agrees"] == "no" and not any(on >= signed for on in held):
            yield ("review-not-agreeing", add_working_days(signed, days, nation),
                   (f"{sig['name']} ({sig['party']}) signed on {signed} without agreeing: review the plan, or "
                    "a strategy discussion if harm is feared"))


def _aim_timescale(p: Any) -> Iterator[Item]:
    """The aim's own timescale (seed 003: "return to birth family within one month")."""
    doc = p.doc
    option = doc.get("aim_option")
    months = doc.get("aim_months") if option == AIM_OPTION_WITH_MONTHS else AIM_OPTION_MONTHS.get(option)
    if months and doc.get("aim_set_on"):
        set_on = date.fromisoformat(doc["aim_set_on"])
        words = AIM_OPTIONS[option].replace("N months", f"{months} months")
        yield ("aim-timescale", add_months(set_on, months), f"the overall aim, {words}, set on {set_on}")


def _outcomes(p: Any) -> Iterator[Item]:
    """Outcomes due on a date of their own, not yet rated achieved (seed 000: "progress to be
    achieved by next review or other specified date")."""
    for a in p.doc.get("actions", []):
        if a.get("due") and a["status"] == "open" and a.get("rating") != "achieved":
            yield ("outcome-due", date.fromisoformat(a["due"]), f"action {a['action_id']}'s planned outcomes")


def _care_plan_records(p: Any, nation: str, policy: Policy) -> Iterator[Item]:
    """A looked-after child's records (seed 003), counted from becoming looked after: a PEP
    "within 20 school days", a health assessment "in time for ... the child's first review",
    the core assessment "within 35 working days", and the permanence plan "at their second
    (4 month) review". Each goes once joined to the plan (``plan link``)."""
    rules = policy["care_plan_records"]
    start, became = p.looked_after_since()
    counted = f"from becoming looked after ({became}) on {start}"
    if "pep" not in p.linked:
        days = rules["pep_school_days"]
        yield ("pep", add_working_days(start, days, nation), f"{days} school days {counted}")
    first_review = add_working_days(start, policy["looked_after_review"]["first_working_days"], nation)
    if "health-assessment" not in p.linked:
        yield ("health-assessment", first_review, f"in time for the first review, {counted}")
    if "core-assessment" not in p.linked:
        days = rules["core_assessment_working_days"]
        yield ("core-assessment", add_working_days(start, days, nation), f"{days} working days {counted}")
    if "permanence-plan" not in p.linked:
        held = p.reviews_since(("statutory",))
        anchor = held[0][1] if held else first_review
        months = policy["looked_after_review"]["second_months"]
        yield ("permanence-plan", add_months(anchor, months),
               f"agreed at the second review, {months} months from the first ({'held' if held else 'due'} on {anchor})")


def _changes_to_send(p: Any, nation: str, rules: dict[str, int]) -> Iterator[Item]:
    """"A copy of any changed section(s) should be sent to all parties" (seed 003): Part Two
    actions changed after approval and not yet in a copy sent."""
    doc = p.doc
    if not doc.get("approved_on"):
        return
    approved = date.fromisoformat(doc["approved_on"])
    copies = doc.get("copies") or []
    last = date.fromisoformat(copies[-1]["on"]) if copies else None
    changed = [(date.fromisoformat(a["changed_on"]), a["action_id"]) for a in doc.get("actions", [])
               if date.fromisoformat(a["changed_on"]) > approved
               and (last is None or date.fromisoformat(a["changed_on"]) > last)]
    if changed:
        first = min(changed)[0]
        days = rules["working_days"]
        yield ("changes-to-send", add_working_days(first, days, nation),
               (f"Part Two changed since approval ({', '.join(sorted(i for _, i in changed))}, first on {first}) "
                f"and not yet sent to all parties, {days} working days"))
