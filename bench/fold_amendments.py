"""Fold cost of a plan's events (domain only, no store): one plan, one action, 3000 amendments.

Run with each checkout's interpreter (``python bench/fold_amendments.py``); prints the best of 60
folds. Issue 27 measured 1.02-1.06 us/event on main and 0.76 on its branch (the "not a change"
test became one set lookup by the event's class).
"""
import time
from datetime import UTC, date, datetime

from plantrail.domain.acting import Acting
from plantrail.domain.plan import Plan
from plantrail.domain.plan_state import PlanState, fold

AT = datetime(2026, 12, 1, tzinfo=UTC)
def acting(who="sw1", on=date(2026, 1, 5)):
    return Acting(staff_id=who, initials="MG", on=on, at=AT)
plan = Plan.open(acting(), child_ref="C1", kind="child-in-need", aim="Safe")
plan.add_action(acting(), area="health", need="n", response="r", frequency="f0", responsible="p",
                starts=date(2026, 1, 5), outcomes=["o"])
for i in range(1500):
    plan.amend_action(acting(), "A1", frequency=f"f{i+1}")
    plan.amend_action(acting(), "A1", need=f"n{i+1}")
events = list(plan.entries)
best = 1e9
for _ in range(60):
    t = time.perf_counter()
    s = PlanState()
    for e in events:
        fold(s, e)
    best = min(best, time.perf_counter() - t)
print(f"{len(events)} events folded in {best*1000:.1f} ms best of 60 ({best/len(events)*1e6:.2f} us/event)")
