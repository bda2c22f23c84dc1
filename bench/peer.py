"""The peer the command rate is compared with (issue 26): the plain `eventsourcing` library
doing the same get -> change -> save as plantrail's commands, with none of plantrail's audit
(no hash chain, no command log, no permission checks, no views), on the library's own
PostgreSQL recorder in a schema of its own of the same database.

A case is the ten commands of plantrail's realistic mix (bench.workload.case_lines): a
child registered, a plan opened on it, actions added and amended, a review held, a visit
recorded — each a load of the plan (or child) from its events, a change, and a save, one
transaction each, as the library's examples do (aggregate7/8: an Application, decorated
aggregates, the repository).
"""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID, uuid4

from eventsourcing.application import Application
from eventsourcing.domain import Aggregate, event

from bench.raw import for_seconds


class Child(Aggregate):
    @event("Registered")
    def __init__(self, ref: str, name: str, born: str) -> None:
        self.ref, self.name, self.born, self.plans = ref, name, born, []

    @event("PlanStarted")
    def start_plan(self, plan_id: UUID) -> None:
        self.plans.append(plan_id)


class Plan(Aggregate):
    @event("Opened")
    def __init__(self, child_id: UUID, kind: str, aim: str, on: str) -> None:
        self.child_id, self.kind, self.aim, self.on = child_id, kind, aim, on
        self.actions: dict[str, dict[str, Any]] = {}
        self.reviews: list[dict[str, Any]] = []
        self.visits: list[str] = []

    @event("ActionAdded")
    def add_action(self, area: str, need: str, response: str, frequency: str, responsible: str) -> None:
        self.actions[f"A{len(self.actions) + 1}"] = {"area": area, "need": need, "response": response,
                                                     "frequency": frequency, "responsible": responsible}

    @event("ActionAmended")
    def amend_action(self, action_id: str, changes: dict[str, str]) -> None:
        self.actions[action_id].update(changes)

    @event("ReviewHeld")
    def hold_review(self, kind: str, on: str, chair: str) -> None:
        self.reviews.append({"kind": kind, "on": on, "chair": chair})

    @event("VisitRecorded")
    def record_visit(self, on: str) -> None:
        self.visits.append(on)


class PeerRecords(Application):
    """The library's application, nothing added."""

    def change_plan(self, plan_id: UUID, change: str, **kwargs: Any) -> None:
        plan = self.repository.get(plan_id)
        getattr(plan, change)(**kwargs)
        self.save(plan)


def peer_env(url_env: dict[str, str], schema: str) -> dict[str, str]:
    """The library's own PostgreSQL persistence, in ``schema`` (tables made on first use)."""
    keep = ("POSTGRES_DBNAME", "POSTGRES_HOST", "POSTGRES_PORT", "POSTGRES_USER", "POSTGRES_PASSWORD")
    return {"PERSISTENCE_MODULE": "eventsourcing.postgres", **{k: url_env[k] for k in keep if k in url_env},
            "POSTGRES_SCHEMA": schema, "CREATE_TABLE": "y"}


NEED = "Karen's weight has fallen from the 25th to the 2nd centile."


def run_case(app: PeerRecords, case: int) -> int:
    """One case of the mix, one command a transaction. Returns commands run."""
    on = date(2026, 3, 1).isoformat()
    child = Child(ref=f"P{case:07d}-{uuid4().hex[:6]}", name=f"Child {case}", born="2021-11-02")
    app.save(child)
    plan = Plan(child_id=child.id, kind="child-in-need", aim="To attain satisfactory progress", on=on)
    child.start_plan(plan.id)
    app.save(plan, child)
    for area in ("health", "education"):
        app.change_plan(plan.id, "add_action", area=area, need=NEED, response="Weigh weekly",
                        frequency="fortnightly", responsible="Health visitor")
    app.change_plan(plan.id, "amend_action", action_id="A1", changes={"frequency": "weekly"})
    app.change_plan(plan.id, "hold_review", kind="child-in-need", on=on, chair="rc1")
    app.change_plan(plan.id, "amend_action", action_id="A2", changes={"responsible": "Nursery manager"})
    app.change_plan(plan.id, "add_action", area="emotional", need=NEED, response="Play sessions",
                    frequency="weekly", responsible="Family worker")
    app.change_plan(plan.id, "record_visit", on=on)
    app.change_plan(plan.id, "amend_action", action_id="A3", changes={"frequency": "monthly"})
    return 10


class PeerWriter:
    """The plain eventsourcing library running the same mix, case after case."""

    def __init__(self, url: str) -> None:
        from plantrail.store.settings import env_for_url, parse_url, prepare

        prepare(url)  # the schema
        self.app = PeerRecords(env=peer_env(env_for_url(url), parse_url(url).schema or "public"))
        self.case = 0
        self.run(0.0)  # warm up: the tables, the connection

    def run(self, seconds: float) -> int:
        def step() -> int:
            self.case += 1
            return run_case(self.app, self.case)

        return for_seconds(seconds, step) if seconds else step()

    def close(self) -> None:
        self.app.close()
