"""Events and snapshots come back from both stores exactly as they went in, and two
commands racing on one record never both land (the second is a Conflict, nothing recorded)."""

from __future__ import annotations

import re
import types
from collections import OrderedDict, namedtuple
from datetime import date, datetime, timezone
from typing import Any, Literal, Union, get_args, get_origin
from uuid import UUID, uuid4

import annotated_types
import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from plantrail_domain_testkit import (
    CHILD,
    RO,
    SW,
    TODAY,
    add_child,
    save,
    stored_event_count,
)

from plantrail.domain import events as ev
from plantrail.domain.acting import Acting
from plantrail.domain.base import Event
from plantrail.domain.errors import Conflict
from plantrail.domain.plan import Plan
from plantrail.domain.vocabulary import PLAN_FAMILY
from plantrail.store.sealing import SEALED, is_sealed, plain_part

# ---------------------------------------------------------------------- strategies for the catalogue
# Text a record may hold: any character but surrogates and control characters (newline and tab excepted).
TEXT = st.text(st.characters(exclude_categories=("Cs", "Cc"), include_characters="\n\t"), min_size=1,
               max_size=40).filter(str.strip)
JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53), 2**53) | TEXT,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
    max_leaves=6,
)
SIMPLE = {
    str: TEXT,
    date: st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)),
    datetime: st.datetimes(min_value=datetime(1970, 1, 1), max_value=datetime(2100, 1, 1),
                           timezones=st.just(timezone.utc)),
    UUID: st.uuids(),
    bool: st.booleans(),
    Any: JSON,
}


def strategy_for(annotation: Any, metadata: list[Any] = ()) -> st.SearchStrategy:
    origin, args = get_origin(annotation), get_args(annotation)
    if annotation is type(None):
        return st.none()
    if origin in (Union, types.UnionType):
        return st.one_of(*(strategy_for(a, metadata) for a in args))
    if origin is Literal:
        return st.sampled_from(args)
    min_size = next((m.min_length for m in metadata if isinstance(m, annotated_types.MinLen)), 0)
    if origin is list:
        return st.lists(strategy_for(args[0]), min_size=min_size, max_size=4)
    if origin is dict:
        return st.dictionaries(strategy_for(args[0]), strategy_for(args[1]), min_size=min_size, max_size=4)
    if annotation is int:
        lo = next((m.ge for m in metadata if isinstance(m, annotated_types.Ge)), 1)
        hi = next((m.le for m in metadata if isinstance(m, annotated_types.Le)), 2**31)
        return st.integers(lo, hi)
    return SIMPLE[annotation]


def event_strategy(cls: type[Event]) -> st.SearchStrategy:
    fields = {name: strategy_for(f.annotation, f.metadata) for name, f in cls.model_fields.items()}
    return st.builds(cls, **fields)


def test_the_catalogue_is_closed_and_named():
    # Every event plantrail records has a name; so does what it cannot read, or can no longer
    # (an erased child's), which are never recorded.
    assert len(ev.CATALOGUE) == len(set(ev.CATALOGUE)) == len(ev.EVENT_TYPES) - 2
    assert set(ev.CATALOGUE) | {ev.Unrecognised, ev.Erased} == set(ev.EVENT_TYPES)
    assert len(set(ev.EVENT_TYPES.values())) == len(ev.EVENT_TYPES)


@settings(max_examples=60, deadline=None, database=None)
@given(st.sampled_from(ev.CATALOGUE).flatmap(lambda cls: st.tuples(st.just(cls), event_strategy(cls))))
def test_the_strategies_build_valid_events_of_every_class(pair):
    cls, event = pair
    assert type(event) is cls
    assert cls.model_validate(event.model_dump(mode="json")) == event


def test_every_event_round_trips_through_the_store(app):
    """A property over the whole catalogue: stored through the application's mapper and
    recorder and read back (by record and by position), an event is equal to itself, and
    stored as the same bytes as ever."""

    def round_trip(event: Event) -> None:
        # hypothesis repeats and shrinks ids; each example gets a record of its own
        event = type(event).model_validate({**event.model_dump(), "originator_id": uuid4()})
        stored = app.mapper.to_stored_event(event)
        # Byte for byte what earlier versions wrote (orjson over model_dump), now
        # written by pydantic itself; an event about a child keeps its plain fields so, and
        # the rest sealed with the child's key (store/sealing.py).
        written = orjson.dumps(event.model_dump(mode="json"))
        if is_sealed(stored.state):
            assert stored.state.startswith(SEALED)  # the binary box (store/sealing.py)
            held = orjson.loads(plain_part(stored.state))
            plain = {k: v for k, v in orjson.loads(written).items() if k in held}
            assert held == plain and len(plain) < len(orjson.loads(written))
        else:
            assert stored.state == written
        app.recorder.insert_events([stored])
        assert list(app.events.get(event.originator_id)) == [event]
        [back] = app.recorder.select_events(event.originator_id)
        assert back.topic == stored.topic and bytes(back.state) == bytes(stored.state)
        assert app.mapper.to_domain_event(back) == event

    for cls in ev.CATALOGUE:
        check = settings(max_examples=25, deadline=None, database=None,
                         suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])(
            given(event=event_strategy(cls))(round_trip))
        check()


# ---------------------------------------------------------------------- snapshots
def fold_from_events(app, record_id: UUID) -> Plan:
    aggregate = None
    for event in app.events.get(record_id):
        aggregate = event.mutate(aggregate)
    return aggregate


def same_record(a: Plan, b: Plan) -> None:
    assert (a.id, a.version, a.created_on, a.modified_on) == (b.id, b.version, b.created_on, b.modified_on)
    assert a.entries == b.entries
    assert (a.corrections, a.voided) == (b.corrections, b.voided)
    assert a.state == b.state


def test_a_plan_past_fifty_events_is_loaded_from_its_events_alone(staffed):
    """No snapshot is taken or read: a snapshot is a row the chain does not cover, and a
    forged one would be believed (docs/integrity.md). A long plan loads from its events."""
    app = staffed
    add_child(app)
    pid = app.open_plan(SW, CHILD, kind="care-plan", aim="Long-term fostering", aim_option=6, on=date(2026, 1, 5))
    aid = app.add_action(SW, pid, area="corporate-parent-parenting-capacity", need="n", response="r",
                         frequency="Weekly", responsible="Foster carers", starts=date(2026, 1, 6),
                         outcomes=["o1", "o2"], on=date(2026, 1, 5))
    app.record_view(SW, pid, party="child", name="A", text="Wrong child", on=date(2026, 1, 5))
    app.correct(RO, f"{pid}/2", fields={"frequency": "Twice a week"}, reason="mistyped")
    app.void(RO, f"{pid}/3", reason="wrong child")
    day = date(2026, 1, 6)
    while app.plan(pid).version < 55:
        app.record_visit(SW, pid, on=day, seen_alone=day.day % 2 == 0)
        day = date.fromordinal(day.toordinal() + 3)
    assert app.snapshots is None
    app.correct(RO, f"{pid}/2", fields={"outcomes": ["o1", "o2 (revised)"]}, reason="outcome mistyped")
    loaded = app.repository.get(pid)
    same_record(loaded, fold_from_events(app, pid))
    action = loaded.state.actions[aid]
    assert (action.frequency, action.outcomes) == ("Twice a week", ["o1", "o2 (revised)"])
    assert loaded.state.views == [] and len(loaded.state.visits) == 50


# ---------------------------------------------------------------------- concurrency
def test_two_commands_on_one_plan_at_once_the_second_is_a_conflict(staffed, clock):
    app = staffed
    add_child(app)
    pid = app.open_plan(SW, CHILD, kind="child-in-need", aim="Safe and well", on=date(2026, 10, 1))
    acting = Acting(staff_id=SW, initials="MG", on=TODAY, at=clock())
    first, second = app.plan(pid), app.plan(pid)
    first.record_visit(acting, seen_alone=True)
    second.record_view(acting, party="parent", name="Ms Example", text="Disagrees with the plan")
    save(app, first)
    before = stored_event_count(app)
    with pytest.raises(Conflict):
        save(app, second)
    assert stored_event_count(app) == before
    state = app.plan(pid).state
    assert state.visits == [TODAY] and state.views == []


def test_two_plans_of_one_family_opened_at_once_only_one_lands(staffed, clock):
    app = staffed
    add_child(app)
    acting = Acting(staff_id=SW, initials="MG", on=TODAY, at=clock())
    saves = []
    for kind in ("child-in-need", "child-protection"):
        child = app.child(CHILD)
        plan = Plan.open(acting, child_ref=CHILD, kind=kind, aim="Safe and well",
                         category="neglect" if kind == "child-protection" else None)
        child.start_plan(acting, plan_id=plan.id, family=PLAN_FAMILY[kind], kind=kind, replacing=None)
        saves.append((plan, child))
    save(app, *saves[0])
    before = stored_event_count(app)
    with pytest.raises(Conflict):
        save(app, *saves[1])
    assert stored_event_count(app) == before
    assert [p.plan_id for p in app.child(CHILD).state.open_plans()] == [saves[0][0].id]
    assert list(app.plan_ids()) == [saves[0][0].id]


def test_text_with_a_control_character_is_refused_as_an_event_is_made_and_read_back_as_recorded():
    """Every event is made by a record, which refuses a control character in any text (exit 2
    at the command line); an event read back from the store is read as it was recorded."""
    from pydantic import ValidationError

    from plantrail.domain.access import AccessEntry
    from plantrail.domain.base import STORED

    read = {"at": datetime(2026, 12, 7, tzinfo=timezone.utc), "actor": "sw1", "initials": "MG", "login": "x",
            "child": "K1", "plan_id": None, "children": [], "purpose": None, "refused": False, "staff": None}
    with pytest.raises(ValidationError, match="command holds a control character"):
        AccessEntry.read(command="show\x1b[2J", **read)  # a record made (Record._create)
    entry = AccessEntry.read(command="show", **read)
    with pytest.raises(ValidationError, match="purpose holds a control character"):
        entry.trigger_event(ev.RecordRead, purpose="why\x00", command="show", **{  # a record changed
            k: v for k, v in read.items() if k not in ("at", "purpose")}, timestamp=read["at"],
            effective_on=read["at"].date())
    stored = entry.collect_events()[0].model_dump_json().replace('"show"', '"show\\u001b"')
    assert ev.RecordRead.model_validate_json(stored, context=STORED).command == "show\x1b"


Pair = namedtuple("Pair", "first second")  # (a tuple of a kind of its own)


@pytest.mark.parametrize("value, named", [
    ({"needs": ["health", "ok\x07"]}, "needs holds a control character (U+0007)"),
    ({"parts": {"views": {"child": "fine\x1b[2J"}}}, "parts.views.child holds a control character (U+001B)"),
    ({"fields": {"bad\x00key": "value"}}, "fields holds a control character (U+0000)"),
    ({"pair": ("ok", "c1\x85")}, "pair holds a control character (U+0085)"),
    ({"text": "x" * 100_001}, "text is 100,001 characters long"),
    ({"kept": OrderedDict(note="a\x07")}, "kept.note holds a control character (U+0007)"),
    ({"pair": Pair("ok", "b\x1b")}, "pair holds a control character (U+001B)"),
])
def test_the_text_check_reaches_every_value_and_names_where_it_found_the_fault(value, named):
    """Lists, tuples and mappings inside a value, their keys too, are checked, and the fault is
    named by where it is (the check runs on every new event: it looks for a fault only when
    the quick pass finds one)."""
    from plantrail.domain.base import check_text

    with pytest.raises(ValueError, match=re.escape(named)):
        check_text(value)


def test_the_text_check_lets_plain_text_and_values_without_text_through():
    from enum import StrEnum

    from plantrail.domain.base import check_text

    class Kind(StrEnum):
        BAD = "bad\x1b"

    check_text({"when": date(2026, 12, 7), "at": datetime(2026, 12, 7, tzinfo=timezone.utc), "n": 3, "ok": True,
                "none": None, "id": uuid4(), "lines": "one\ntwo\tthree", "x": 1.5})
    with pytest.raises(ValueError, match="kind holds a control character"):
        check_text({"kind": Kind.BAD})  # (a vocabulary's value is text too)


@given(st.text(max_size=12))
@settings(max_examples=500, suppress_health_check=[HealthCheck.too_slow])
def test_the_text_check_refuses_exactly_the_text_holding_a_control_character(text):
    """The quick pass (``str.isprintable``, then the pattern for what it cannot tell) agrees
    with the pattern itself on any text."""
    from plantrail.domain.base import check_text
    from plantrail.domain.text import CONTROL

    if CONTROL.search(text):
        with pytest.raises(ValueError, match="control character"):
            check_text({"field": [text]})
    else:
        check_text({"field": [text]})
