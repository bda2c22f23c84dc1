"""The materialised views: caught up batch by batch they equal a rebuild from the log,
and each plan's row equals what its aggregate folds to."""

from __future__ import annotations

import contextlib
import random
import tempfile
import uuid
from datetime import UTC, date, datetime

import psycopg
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from plantrail_projections_generate import generate
from plantrail_projections_testkit import Desk, FixedClock, open_app

from plantrail.domain.errors import BadInput, NotFound
from plantrail.projections import runner
from plantrail.projections.current import current_plan, plan_document
from plantrail.projections.plans import list_plans, resolve_plan_id
from plantrail.projections.views import VIEWS
from plantrail.store.view_tables import transaction
from tests.support import postgres_base_url


def _tables(app) -> dict[str, list[dict]]:
    with transaction(app, commit=False) as tx:
        return {v.table.name: tx.execute(f"SELECT * FROM {{{v.table.name}}} ORDER BY {v.table.key}").fetchall() for v in VIEWS}


def _matches_the_aggregates(app) -> None:
    for row in _tables(app)["view_plans"]:
        plan = app.plan(uuid.UUID(row["plan_id"]))
        assert current_plan(app, plan.id) == plan_document(plan.state, version=plan.version)
    for row in _tables(app)["view_children"]:
        assert row["nation"] == app.child(row["child_ref"]).state.nation


@contextlib.contextmanager
def _fresh_store(kind: str):
    if kind == "sqlite":
        with tempfile.TemporaryDirectory() as d:
            yield f"sqlite:///{d}/plantrail.sqlite"
        return
    base = postgres_base_url()
    schema = f"t_{uuid.uuid4().hex[:12]}"
    try:
        yield f"{base}{'&' if '?' in base else '?'}schema={schema}"
    finally:
        with psycopg.connect(base, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


@pytest.mark.parametrize("kind", ["sqlite", "postgres"])
@settings(max_examples=3, deadline=None, database=None, phases=[Phase.explicit, Phase.generate],
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(seed=st.integers(0, 2**31), batch=st.sampled_from([17, 120, 500]), catch_up_rate=st.floats(0, 1),
       events=st.integers(1500, 3000))
def test_a_rebuilt_projection_equals_the_caught_up_one(kind, monkeypatch, seed, batch, catch_up_rate, events):
    monkeypatch.setattr(runner, "BATCH", batch)
    with _fresh_store(kind) as url:
        clock = FixedClock(datetime(2026, 1, 5, 9, tzinfo=UTC))
        app = open_app(url, clock)
        try:
            desk = Desk(app, clock).staff()
            rnd = random.Random(seed)
            generate(desk, seed, events,
                     after_save=lambda: rnd.random() < catch_up_rate and runner.catch_up(app))
            runner.catch_up(app)
            assert all(s["behind"] == 0 for s in runner.status(app))
            caught_up = _tables(app)
            assert len(caught_up["view_plans"]) == 24 and len(caught_up["view_children"]) == 24
            _matches_the_aggregates(app)
            runner.rebuild(app)
            assert _tables(app) == caught_up
        finally:
            app.close()


def _two_plans(desk):
    desk.at(date(2026, 2, 1))
    desk.child("K1")
    desk.child("K2")
    first = desk.plan("K1", on=date(2026, 1, 5))
    second = desk.plan("K2", kind="care-plan", aim="to stay with her carers", aim_option=6, on=date(2026, 1, 12))
    return first, second


def test_catch_up_status_and_rebuild(desk):
    app = desk.app
    first, _second = _two_plans(desk)
    log = app.recorder.max_notification_id()
    assert [s["behind"] for s in runner.status(app)] == [log, log]
    assert runner.catch_up(app) == log
    assert runner.catch_up(app) == 0
    desk.action(first)
    assert [(s["name"], s["behind"]) for s in runner.status(app)] == [("plans", 1), ("children", 1)]
    runner.catch_up(app)
    assert [s["position"] for s in runner.status(app)] == [log + 1, log + 1]
    assert [s["behind"] for s in runner.rebuild(app, "plans")] == [0, 0]
    with pytest.raises(BadInput):
        runner.rebuild(app, "nonsense")
    _matches_the_aggregates(app)


def test_views_from_another_version_of_the_code_are_rebuilt(desk, monkeypatch):
    app = desk.app
    first, _ = _two_plans(desk)
    runner.catch_up(app)
    with transaction(app, commit=True) as tx:
        tx.execute("UPDATE {view_plans} SET document = '{{}}' WHERE plan_id = ?", (str(first),))
        tx.execute("UPDATE {view_tracking} SET version = 0 WHERE name = 'plans'")
    runner.catch_up(app)
    assert current_plan(app, first)["plan_id"] == str(first)


def test_a_process_that_falls_behind_carries_on_from_the_other(desk, monkeypatch):
    """Two processes catching up at once: the position moves compare-and-set, so the
    one that loses the race drops its batch and goes on from where the other got to."""
    app = desk.app
    _two_plans(desk)
    other = open_app(desk.url, desk.clock)
    view = VIEWS[0]
    fold_rows = type(view).rows
    raced = []

    def rows_while_the_other_catches_up(self, session, touched):
        if not raced and session.app is app:
            raced.append(runner.catch_up(other))  # the other process wins the race
        return fold_rows(self, session, touched)

    monkeypatch.setattr(type(view), "rows", rows_while_the_other_catches_up)
    try:
        log = app.recorder.max_notification_id()
        assert runner.catch_up(app) == 0  # its batch dropped; the other had done everything
        assert raced == [log]
        assert [s["behind"] for s in runner.status(app)] == [0, 0]
        _matches_the_aggregates(app)
    finally:
        other.close()


def test_plans_list_filters_and_prefixes(desk):
    app = desk.app
    first, second = _two_plans(desk)
    desk.write("close_plan", "tm1", second, reason="moved away", on=date(2026, 1, 30))
    rows = list_plans(app)
    assert [r["plan_id"] for r in rows] == [str(first), str(second)]
    assert rows[0] | {"version": None} == {
        "plan_id": str(first), "child": "K1", "kind": "child-in-need", "status": "open",
        "aim": "For the child to be safe and well at home", "opened_on": "2026-01-05", "closed_on": None,
        "next_review": None, "approved": False, "approved_version": None, "changed_since_approval": False,
        "version": None}
    assert [r["plan_id"] for r in list_plans(app, status="closed")] == [str(second)]
    assert [r["plan_id"] for r in list_plans(app, child="K1")] == [str(first)]
    assert list_plans(app, child="K2", status="open") == []
    with pytest.raises(BadInput):
        list_plans(app, status="ajar")
    assert resolve_plan_id(app, str(first)[:8]) == first
    assert resolve_plan_id(app, first.hex[:13]) == first
    assert resolve_plan_id(app, str(first)[:13].upper()) == first
    with pytest.raises(BadInput):
        resolve_plan_id(app, "abc")
    with pytest.raises(NotFound):
        resolve_plan_id(app, "zzzzzzzzzz")


def test_show_document_has_the_contract_fields(desk):
    app = desk.app
    _first, second = _two_plans(desk)
    desk.action(second, area="corporate-parent-parenting-capacity", need="stable carers")
    desk.write("approve_plan", "tm1", second, on=date(2026, 1, 20))
    desk.write("amend_action", "sw2", second, "A1", responsible="Carers", on=date(2026, 1, 25),
               discussed_with="the parents")  # an agreed Care Plan's Part Two change (seed 003)
    doc = current_plan(app, second)
    for field in ("plan_id", "child", "kind", "status", "aim", "actions", "views", "signatures", "reviews",
                  "next_review", "aim_option", "approved_version", "contacts", "details", "opened_on"):
        assert field in doc
    [action] = doc["actions"]
    assert {"action_id", "area", "need", "response", "frequency", "responsible", "starts", "outcomes",
            "status"} <= set(action)
    assert doc["aim_option"] == 6 and doc["aim_option_text"].startswith("long-term foster")
    assert doc["approved_version"] == 2 and doc["version"] == 4 and doc["changed_since_approval"] == ["sw2"]
    # A plan not (yet) in the view is folded from the log.
    with transaction(app, commit=True) as tx:
        tx.execute("DELETE FROM {view_plans}")
    assert current_plan(app, second) == doc


def test_a_read_shows_what_was_recorded_since_the_views_last_caught_up_and_writes_nothing(desk):
    # A read never writes: what the views have not yet taken in is folded in memory (a
    # view of another version: every row), and the views stay where they were until a
    # write catches them up.
    app = desk.app
    first, second = _two_plans(desk)
    runner.catch_up(app)
    desk.action(second, area="corporate-parent-parenting-capacity", need="stable carers")
    assert [a["action_id"] for a in current_plan(app, second)["actions"]] == ["A1"]
    behind = {r["name"]: r["position"] for r in runner.status(app)}
    assert behind["plans"] < app.recorder.max_notification_id()
    listed = {r["plan_id"]: r for r in list_plans(app)}
    assert set(listed) == {str(first), str(second)} and listed[str(second)]["version"] == app.plan(second).version
    with transaction(app, commit=True) as tx:
        tx.execute("UPDATE {view_tracking} SET version = version + 1 WHERE name = 'plans'")
        tx.execute("DELETE FROM {view_plans}")
    assert {r["plan_id"] for r in list_plans(app)} == {str(first), str(second)}
    assert {r["name"]: r["position"] for r in runner.status(app)} == {**behind, "plans": 0}  # nothing written
    runner.catch_up(app)  # a write's catch-up rebuilds the view of another version
    assert {r["name"]: r["position"] for r in runner.status(app)}["plans"] == app.recorder.max_notification_id()

