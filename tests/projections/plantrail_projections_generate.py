"""A store of thousands of random but lawful events, fast: commands go straight to the
aggregates (the rules still run there) and each plan's session is saved at once."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

from plantrail.domain.acting import Acting
from plantrail.domain.errors import DomainError
from plantrail.domain.vocabulary import AREAS_BY_KIND

KINDS = ["child-in-need", "child-protection", "care-plan", "initial", "single-agency"]
START = date(2025, 1, 6)


def generate(desk, seed: int, events: int, plans: int = 24, after_save=None) -> None:
    rnd = random.Random(seed)
    app = desk.app
    desk.clock.now = datetime(2026, 6, 1, 12, tzinfo=UTC)
    ids = []
    for n in range(plans):
        ref = f"G{n}"
        app.register_child("sw1", ref, name=f"Child {n}", born=date(2012, 1, 1),
                           nation=rnd.choice(["england", "wales", "scotland"]))
        kind = KINDS[n % len(KINDS)]
        extra = {"category": "neglect"} if kind == "child-protection" else {}
        extra |= {"aim_option": 6} if kind == "care-plan" else {}
        ids.append(app.open_plan("sw1", ref, kind=kind, aim=f"aim {n}", on=START + timedelta(days=n), **extra))
    while (app.recorder.max_notification_id() or 0) < events:
        plan = app.plan(rnd.choice(ids))
        for _ in range(rnd.randint(10, 60)):
            desk.tick()
            _one(rnd, plan, desk.clock.now)
        app.save(plan)
        if rnd.random() < 0.05:  # a correction to a child: the children view follows it
            ref = f"G{rnd.randrange(plans)}"
            desk.tick()
            try:
                app.correct("ro1", f"{app.child(ref).id}/1", fields={"nation": rnd.choice(["england", "scotland"])},
                            reason="nation mistyped")
            except DomainError:
                pass
        if after_save is not None:
            after_save()


def _one(rnd: random.Random, plan, now: datetime) -> None:
    on = (now - timedelta(days=rnd.randint(0, 400))).date()
    on = max(on, plan.state.opened_on or on)
    who = rnd.choice(["sw1", "sw2"])
    acting = Acting(staff_id=who, initials="SW" if who == "sw1" else "MG", on=on, at=now)
    s = plan.state
    actions = [a for a in s.actions.values() if a.status == "open"]
    choice = rnd.random()
    try:
        if choice < 0.25 or not actions:
            plan.add_action(acting, area=rnd.choice(AREAS_BY_KIND[s.kind]), need=f"need {rnd.random():.3f}",
                            response="a service", frequency=rnd.choice(["weekly", "monthly"]),
                            responsible="Agency", starts=on, outcomes=["better"])
        elif choice < 0.45:
            plan.amend_action(acting, rnd.choice(actions).action_id,
                              frequency=f"every {rnd.randint(1, 9)} weeks", discussed_with="parents")
        elif choice < 0.5:
            plan.end_action(acting, rnd.choice(actions).action_id, reason="done")
        elif choice < 0.58:
            plan.record_view(acting, party="child", name="C", text=f"view {rnd.random():.3f}")
        elif choice < 0.62:
            plan.record_signature(acting, party="parent", name="P", agrees=rnd.choice(["yes", "no"]))
        elif choice < 0.66:
            plan.record_contact(acting, person="Dad", relationship="father", arrangement="monthly")
        elif choice < 0.74:
            kinds = {"child-protection": "cp-review-conference", "care-plan": "statutory"}
            ratings = {actions[0].action_id: "partly"} if actions else {}
            plan.hold_review(Acting(staff_id="rc1", initials="RC", on=on, at=now),
                             kind=kinds.get(s.kind, "child-in-need"), chair="rc1", ratings=ratings)
        elif choice < 0.8:
            plan.record_visit(acting, seen_alone=rnd.random() < 0.5)
        elif choice < 0.82:
            plan.approve(Acting(staff_id="tm2", initials="TO", on=on, at=now))
        elif choice < 0.92:
            _correct(rnd, plan, now)
        elif choice < 0.97:
            version = rnd.randint(2, plan.version)
            plan.void(Acting(staff_id="ro1", initials="RO", on=now.date(), at=now), version, reason="in error")
        elif choice < 0.975:
            plan.close(Acting(staff_id="tm1", initials="TM", on=on, at=now), reason="needs met")
        else:
            plan.record_supervision(acting, note="discussed")
    except DomainError:
        pass  # refused by a rule: nothing recorded, as in the application


def _correct(rnd: random.Random, plan, now: datetime) -> None:
    version = rnd.randint(1, plan.version)
    entry = plan.entry(version)
    fields = {"effective_on": entry.effective_on - timedelta(days=rnd.randint(0, 30))} if entry else {}
    if entry is not None and hasattr(entry, "frequency") and entry.frequency:
        fields = {"frequency": f"corrected {rnd.randint(1, 99)}"}
    if entry is not None and hasattr(entry, "text"):
        fields = {"text": f"corrected view {rnd.randint(1, 99)}"}
    plan.correct(Acting(staff_id="ro1", initials="RO", on=now.date(), at=now), version, fields, "recording error")
