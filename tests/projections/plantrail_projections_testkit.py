"""Helpers for the projection tests: a staffed store on a clock the test moves.

``FixedClock`` and ``open_app`` are the shared ones of ``tests.support``.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from tests.support import FixedClock, open_app  # noqa: F401


class Desk:
    """The application, its clock, and the staff every test needs.

    ``at(day)`` moves the clock to noon of ``day`` (then a minute on per write, so
    every event has its own recorded time).
    """

    def __init__(self, app, clock: FixedClock, url: str = "") -> None:
        self.app = app
        self.clock = clock
        self.url = url

    def at(self, day: date, hour: int = 12) -> Desk:
        self.clock.now = datetime.combine(day, time(hour), tzinfo=UTC)
        return self

    def tick(self, minutes: int = 1) -> datetime:
        self.clock.now += timedelta(minutes=minutes)
        return self.clock.now

    def staff(self) -> Desk:
        a = self.app
        a.add_staff(None, "tm1", name="Tess Manager", initials="TM", roles=["team-manager"])
        a.add_staff("tm1", "tm2", name="Tom Manager", initials="TO", roles=["team-manager"])
        a.add_staff("tm1", "sw1", name="Sam Worker", initials="SW", roles=["social-worker"])
        a.add_staff("tm1", "sw2", name="Mo Grant", initials="MG", roles=["social-worker"])
        a.add_staff("tm1", "rc1", name="Rae Chair", initials="RC", roles=["review-chair"])
        a.add_staff("tm1", "ro1", name="Rob Officer", initials="RO", roles=["records-officer"])
        return self

    def child(self, ref: str = "K1", nation: str = "england") -> str:
        self.app.register_child("sw1", ref, name=f"Child {ref}", born=date(2015, 5, 1), nation=nation)
        return ref

    def plan(self, child: str = "K1", kind: str = "child-in-need", on: date = date(2026, 1, 5), **kw):
        self.tick()
        aim = kw.pop("aim", "For the child to be safe and well at home")
        return self.app.open_plan(kw.pop("actor", "sw1"), child, kind=kind, aim=aim, on=on, **kw)

    def action(self, plan_id, actor: str = "sw1", **kw) -> str:
        fields = {"area": "health", "need": "dental care", "response": "register with a dentist",
                      "frequency": "every 6 months", "responsible": "Mum", "starts": date(2026, 1, 12),
                      "outcomes": ["teeth checked"]}
        fields.update(kw)
        self.tick()
        return self.app.add_action(actor, plan_id, **fields)

    def review(self, plan_id, on: date, kind: str = "child-in-need", **kw) -> str:
        self.tick()
        return self.app.hold_review("rc1", plan_id, kind=kind, on=on, chair="rc1", **kw)

    def write(self, method: str, *args, **kw):
        """Any other command, a minute after the last."""
        self.tick()
        return getattr(self.app, method)(*args, **kw)
