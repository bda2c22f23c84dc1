"""On PostgreSQL a batch's rows are written as one statement of column arrays
(``View.upsert``, ``store.view_tables.column_arrays``): every value arrives as given. On
both stores a row never goes back to an earlier position."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from plantrail_projections_testkit import FixedClock, open_app

from plantrail.projections import runner
from plantrail.projections.views import VIEWS
from plantrail.store.view_tables import transaction

PLANS = next(v for v in VIEWS if v.name == "plans")


@pytest.fixture
def app(pg_schema_url: str):
    app = open_app(pg_schema_url, FixedClock(datetime(2026, 1, 5, 9, tzinfo=UTC)))
    runner.ensure_tracking(app)
    try:
        yield app
    finally:
        app.close()


def _row(plan_id: str, **values: object) -> tuple[object, ...]:
    row = dict.fromkeys(PLANS.table.columns)
    row.update(plan_id=plan_id, child="C1", kind="child-in-need", status="open", changed_since_approval=0,
               version=1, position=1, document="{}")
    row.update(values)
    return tuple(row[c] for c in PLANS.table.columns)


def _stored(app) -> list[tuple[object, ...]]:
    with transaction(app, commit=False) as tx:
        rows = tx.execute("SELECT * FROM {view_plans} ORDER BY plan_id").fetchall()
    return [tuple(r[c] for c in PLANS.table.columns) for r in rows]


def test_rows_arrive_as_given_nulls_text_and_integers(app) -> None:
    rows = [_row("a", aim="Zoë’s aim, \"quoted\", {braces}, back\\slash, ümlaut 👍", approved_version=2**40,
                 document='{"x": [1, null, "é"]}' * 200),
            _row("b", opened_on="2026-01-05", closed_on=None, next_review="")]
    with transaction(app, commit=True) as tx:
        PLANS.upsert(tx, rows)
    assert _stored(app) == rows
    changed = [_row("b", status="closed", position=9)]
    with transaction(app, commit=True) as tx:
        PLANS.upsert(tx, changed)
        PLANS.upsert(tx, [])
    assert _stored(app) == [rows[0], changed[0]]


def test_a_value_of_another_type_fails_the_write_and_is_not_converted(app) -> None:
    with pytest.raises(Exception):
        with transaction(app, commit=True) as tx:
            PLANS.upsert(tx, [_row("a", aim=5)])
    with pytest.raises(Exception):
        with transaction(app, commit=True) as tx:
            PLANS.upsert(tx, [_row("a", version="1")])
    assert _stored(app) == []


@pytest.fixture
def either_app(store_url: str):
    app = open_app(store_url, FixedClock(datetime(2026, 1, 5, 9, tzinfo=UTC)))
    runner.ensure_tracking(app)
    try:
        yield app
    finally:
        app.close()


def test_a_row_never_goes_back_to_an_earlier_position(either_app) -> None:
    """Two processes writing one view at once (a rebuild's workers write rows before the
    view's position moves): the row folded from fewer events cannot replace the other."""
    newer = _row("a", status="closed", position=7)
    with transaction(either_app, commit=True) as tx:
        PLANS.upsert(tx, [newer])
    with transaction(either_app, commit=True) as tx:
        PLANS.upsert(tx, [_row("a", status="open", position=5)])
    assert _stored(either_app) == [newer]
    again = _row("a", status="closed", position=7, document='{"same": "position"}')
    later = _row("b", position=8)
    with transaction(either_app, commit=True) as tx:
        PLANS.upsert(tx, [again, later])
    assert _stored(either_app) == [again, later]
