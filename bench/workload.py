"""The benchmark's workload: a scratch store, the staff, and a realistic mix of commands.

The same mix is used three ways: called on the application one command per
transaction (``command_per_s``), written as import lines (``import_events_per_s``,
and to load the large store), and by each of the 8 writer processes.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta, timezone
from typing import Any

DEFAULT_BASE = "postgresql://postgres@127.0.0.1:5432/test"

STAFF = [
    # (staff_id, name, initials, roles)
    ("tm1", "Tina Moss", "TM", ["team-manager"]),
    ("sw1", "Mary Grant", "MG", ["social-worker"]),
    ("rc1", "Ruth Cole", "RC", ["review-chair"]),
]
SW, TM, RC = "sw1", "tm1", "rc1"
DAY0 = date(2025, 1, 6)

# One case's commands, oldest first: the realistic mix of the brief (open, add action,
# amend, hold review), with the child's registration and a visit. Ten commands.
CASE_STEPS = ("child add", "plan open", "action add", "action add", "action amend", "review hold",
              "action amend", "action add", "visit record", "action amend")

NEED = "Karen's weight is below the 2nd centile; she needs regular monitoring and support with feeding."
RESPONSE = "Health visitor to weigh Karen fortnightly and support Ms Hawthorne with a feeding plan."


def scratch_schema() -> str:
    return f"bench_{uuid.uuid4().hex[:10]}"


def with_schema(base: str, schema: str) -> str:
    return f"{base}{'&' if '?' in base else '?'}schema={schema}"


@contextmanager
def scratch_store(base: str | None, *, suffix: str = "") -> Iterator[str]:
    """A URL on a fresh schema of the given (default: local) PostgreSQL database, dropped after.

    A URL that already names a schema is used as it is (with ``suffix`` on the schema's name)
    and kept.
    """
    import psycopg

    base = base or DEFAULT_BASE
    if "schema=" in base:
        head, _, rest = base.partition("schema=")
        name, amp, tail = rest.partition("&")
        yield f"{head}schema={name}{suffix}{amp}{tail}"
        return
    schema = scratch_schema()
    try:
        yield with_schema(base, schema)
    finally:
        with psycopg.connect(base, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def open_app(url: str) -> Any:
    from plantrail.application.records import PlanRecords
    from plantrail.store.settings import env_for_url, prepare

    prepare(url)
    return PlanRecords(env=env_for_url(url))


def staff_lines() -> list[dict[str, Any]]:
    lines = []
    for i, (sid, name, initials, roles) in enumerate(STAFF):
        line = {"command": "staff add", "args": {"staff_id": sid, "name": name, "initials": initials,
                                                  "roles": roles}}
        if i:
            line["as"] = TM
        lines.append(line)
    return lines


def add_staff(app: Any) -> None:
    for i, (sid, name, initials, roles) in enumerate(STAFF):
        if app.repository.__contains__(_staff_key(sid)):
            continue
        app.add_staff(None if i == 0 else TM, sid, name=name, initials=initials, roles=roles)


def _staff_key(sid: str) -> Any:
    from plantrail.domain.staff import staff_id_key

    return staff_id_key(sid)


def case_lines(case: int, first_line: int, prefix: str = "C") -> list[dict[str, Any]]:
    """The import lines of one case; ``first_line`` is the file line number of its first line
    (so later lines can name the plan as ``$N``)."""
    ref = f"{prefix}{case:07d}"
    on = DAY0 + timedelta(days=case % 300)
    plan = f"${first_line + 1}"
    a1, a2, a3 = f"${first_line + 2}", f"${first_line + 3}", f"${first_line + 7}"
    d = on.isoformat()
    later = (on + timedelta(days=14)).isoformat()
    action = {"plan_id": plan, "area": "health", "need": NEED, "response": RESPONSE,
              "frequency": "fortnightly", "responsible": "Health visitor", "starts": d,
              "outcomes": ["Karen's weight reaches the 9th centile by the next review."], "on": d}
    return [
        {"command": "child add", "as": SW, "args": {"child_ref": ref, "name": f"Child {case}",
                                                    "born": "2021-11-02", "sex": "F", "on": d}},
        {"command": "plan open", "as": SW, "args": {
            "child_ref": ref, "kind": "child-in-need", "on": d, "review_by": (on + timedelta(days=42)).isoformat(),
            "aim": "For the child to attain and maintain satisfactory developmental progress within a safe "
                   "family and home environment by the date of the second review."}},
        {"command": "action add", "as": SW, "args": action},
        {"command": "action add", "as": SW, "args": {**action, "area": "education",
                                                     "responsible": "Nursery key worker"}},
        {"command": "action amend", "as": SW, "args": {"plan_id": plan, "action_id": a1,
                                                       "frequency": "weekly", "on": later,
                                                       "discussed_with": "Ms Hawthorne",
                                                       "reason": "weight still falling"}},
        {"command": "review hold", "as": RC, "args": {"plan_id": plan, "kind": "child-in-need", "on": later,
                                                      "chair": RC,
                                                      "next_review": (on + timedelta(days=56)).isoformat(),
                                                      "ratings": {"A1": "partly"}}},
        {"command": "action amend", "as": SW, "args": {"plan_id": plan, "action_id": a2,
                                                       "responsible": "Nursery manager", "on": later}},
        {"command": "action add", "as": SW, "args": {**action, "area": "emotional-and-behavioural-development",
                                                     "on": later, "starts": later}},
        {"command": "visit record", "as": SW, "args": {"plan_id": plan, "on": later, "seen_alone": True}},
        {"command": "action amend", "as": SW, "args": {"plan_id": plan, "action_id": a3,
                                                       "frequency": "monthly", "on": later}},
    ]


def import_file_lines(cases: int, *, prefix: str = "C", with_staff: bool = True) -> Iterator[dict[str, Any]]:
    n = 0
    if with_staff:
        for line in staff_lines():
            n += 1
            yield line
    for case in range(cases):
        for line in case_lines(case, n + 1, prefix):
            n += 1
            yield line


def write_import_file(path: str, cases: int, *, prefix: str = "C", with_staff: bool = True) -> int:
    import orjson

    count = 0
    with open(path, "wb") as f:
        for line in import_file_lines(cases, prefix=prefix, with_staff=with_staff):
            f.write(orjson.dumps(line) + b"\n")
            count += 1
    return count


def run_case_commands(app: Any, case: int, prefix: str, timings: list[float] | None = None) -> int:
    """One case, one command per transaction, straight on the application. Returns commands run."""
    import time

    from plantrail.application.imports import call_line

    results: dict[int, Any] = {}
    lines = case_lines(case, 1, prefix)
    for i, line in enumerate(lines, start=1):
        t = time.perf_counter()
        results[i] = call_line(app, line, i, results)
        if timings is not None:
            timings.append(time.perf_counter() - t)
    return len(lines)


def read_current(app: Any, pid: Any) -> Any:
    from plantrail.projections.current import current_plan

    return current_plan(app, pid)


def read_as_at(app: Any, pid: Any) -> Any:
    from plantrail.projections.as_at import plan_as_at

    return plan_as_at(app, pid, recorded_at=datetime.now(timezone.utc))
