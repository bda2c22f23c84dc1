"""Pydantic events on eventsourcing aggregates.

eventsourcing 9.5.6 ships no pydantic support; its examples (aggregate7, aggregate8)
show the pattern written here: events are frozen pydantic models that also carry the
library's mutate protocol, and snapshots hold a JSON-able state. How they are stored
(the mapper and transcoder) is the store's business: ``plantrail.store.mapper``.

Every aggregate here keeps the events it was built from (its *entries*), the field
corrections made to them and the entries voided. Its state is always
``fold(entries with corrections, without voided)``, so a correction re-folds the
record and the original event is never touched.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from functools import cache
from itertools import count
from typing import Any
from uuid import UUID

from eventsourcing.domain import (
    BaseAggregate,
    CanInitAggregate,
    CanMutateAggregate,
    CanSnapshotAggregate,
)
from eventsourcing.utils import get_topic, register_topic, resolve_topic
from pydantic import BaseModel, ConfigDict, ValidationError
from pydantic_core import InitErrorDetails

from plantrail.domain.text import CONTROL, NOT_UTF8, not_utf8_bytes

# Fields every event carries that are about the recording, not the record: a
# correction may not change them (who recorded what, when, and on whose authority,
# is the audit trail).
ENVELOPE_FIELDS = frozenset(
    {"originator_id", "originator_version", "timestamp", "originator_topic", "actor", "command_id", "authority",
     "login"}
)


_changes = count(1)


def stored_topic(cls: type) -> str:
    """The name a class is stored under (an event's or a snapshot's topic, an aggregate's
    ``originator_topic``): its module and name as they were before plantrail was installed
    as one package. A topic is part of the stored format, written into every event and
    hashed into the chain, so it never follows the code around: a class that moves keeps
    the topic it was stored under (set ``TOPIC`` by hand there)."""
    module = cls.__module__.removeprefix("plantrail.")
    if module.startswith("domain.events."):  # the catalogue is one package of modules, stored as one module
        module = "domain.events"
    return f"{module}:{cls.__qualname__}"


def _pin_topic(cls: type) -> None:
    cls.TOPIC = stored_topic(cls)  # type: ignore[attr-defined]  # read by eventsourcing.utils.get_topic
    register_topic(cls.TOPIC, cls)  # type: ignore[attr-defined]


# Text a record may hold: no control characters but newline and tab (domain.text), and no
# value longer than anyone writes on a plan (a guard against pasting a file by mistake).
LONGEST_TEXT = 100_000
# The validation context of events read back from the store: what was recorded is read as
# it was, whatever rules were added since (the rules are for what is recorded now). No
# validator of the catalogue reads it today (text is checked as events are made, ``Record``);
# a rule added to an event's model later must skip stored events by it.
STORED = {"stored": True}
_REFUSED_SEARCH = re.compile(f"{CONTROL.pattern}|{NOT_UTF8.pattern}").search  # (neither is printable)
_NO_TEXT = frozenset({type(None), bool, int, float, date, datetime, UUID})  # values that hold no text


def check_text(value: Any, where: str = "") -> None:
    """Refuse control characters (but newline and tab), bytes that are not UTF-8 (lone
    surrogates) and overlong text, in a value or anywhere inside lists and mappings of it (a
    mapping's values named by their keys; the value itself named ``where``, a field's name,
    which is not checked: a command's)."""
    if not is_plain(value):  # (every new event passes here: the fault is looked for, and named, only if there is one)
        _name_fault(value, where)


def is_plain(value: Any) -> bool:
    """Whether a value, and whatever it holds, is text a record may hold (``check_text``): a
    yes or no, quickly, the fault not looked for."""
    kind = type(value)
    if kind is str:
        return _plain_text_value(value)
    if kind in _NO_TEXT:
        return True
    if isinstance(value, dict):
        return _all_plain(value) and _all_plain(value.values())
    if isinstance(value, (list, tuple)):
        return _all_plain(value)
    return not isinstance(value, str) or _plain_text_value(value)  # (a vocabulary's values are str's kind)


def _plain_text_value(text: str) -> bool:
    # isprintable: no control character nor surrogate (nor a newline or tab, which the pattern then allows)
    return len(text) <= LONGEST_TEXT and (text.isprintable() or _REFUSED_SEARCH(text) is None)


def _all_plain(values: Any) -> bool:
    """Each of the values plain: their texts asked together, in one pass over them joined (an
    event's fields are a dozen short texts; one call each was most of the check's time)."""
    texts = []
    for item in values:
        kind = type(item)
        if kind is str:
            texts.append(item)
        elif kind not in _NO_TEXT and not is_plain(item):
            return False
    if not texts:
        return True
    joined = "".join(texts)
    if len(joined) <= LONGEST_TEXT and joined.isprintable():
        return True
    return all(_plain_text_value(text) for text in texts)


def _name_fault(value: Any, where: str) -> None:
    if isinstance(value, str):
        if len(value) > LONGEST_TEXT:
            raise ValueError(f"{where or 'text'} is {len(value):,} characters long; at most {LONGEST_TEXT:,}")
        bad = CONTROL.search(value)
        if bad:
            raise ValueError(f"{where or 'text'} holds a control character (U+{ord(bad.group()):04X}), "
                             "which no record may hold")  # (new lines and tabs are not among them)
        if NOT_UTF8.search(value):
            raise ValueError(f"{where or 'text'} holds bytes that are not UTF-8 text ({not_utf8_bytes(value)}), "
                             "which no record may hold")
    elif isinstance(value, dict):
        for key, item in value.items():
            _name_fault(key, where)
            _name_fault(item, f"{where}.{key}" if where else str(key))
    elif isinstance(value, (list, tuple)):
        for item in value:
            _name_fault(item, where)


class Model(BaseModel):
    """Every pydantic model of the domain. Built on first use (``defer_build``): a command
    builds the validators of the few events and states it meets, not the whole catalogue's,
    at every start of a process."""

    model_config = ConfigDict(defer_build=True)


class Event(Model, CanMutateAggregate[UUID]):
    """What every recorded event carries (DOMAIN.md, "Time" and "Corrections").

    ``timestamp`` is the *recorded at* time (UTC, the system clock); ``effective_on``
    is the date the thing happened or was decided. ``actor`` is the staff member who
    did the work and ``initials`` the margin note; ``authority`` names what the change
    rests on (a review, an approval) and ``reason`` why it was made. ``login`` is the
    account the command came from, kept beside the actor (CLI.md, Global): the database
    login on PostgreSQL, the operating-system user on SQLite; absent from events recorded
    before it was kept.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    originator_id: UUID
    originator_version: int
    timestamp: datetime
    actor: str
    initials: str
    effective_on: date
    reason: str | None = None
    authority: str | None = None
    command_id: str | None = None
    login: str | None = None

    @property
    def recorded_at(self) -> datetime:
        return self.timestamp

    @property
    def event_id(self) -> str:
        return event_id(self.originator_id, self.originator_version)

    def apply(self, aggregate: Any) -> None:
        aggregate.take(self)

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        _pin_topic(cls)


class Created(Event, CanInitAggregate[UUID]):
    originator_topic: str


def event_id(originator_id: UUID, version: int) -> str:
    """The id users see for an event: the record it belongs to and its place there."""
    return f"{originator_id}/{version}"


def change_mark() -> int:
    """A mark in the order records are first changed: a record changed after it has a larger
    ``changed`` (an import's worker finds which line first changed each record by it)."""
    return next(_changes)


def _plain_text(event_class: type, fields: dict[str, Any]) -> None:
    """Every text an event is made with is plain (``check_text``): every new event is made
    by a record (``Record._create``, ``Record.trigger_event``), whether from options, import
    lines or commands; a correction's values are checked where it is made. Refused as
    pydantic refuses a value (exit 2 at the command line). Events read back from the store
    are read as recorded. (Not a "before" validator on ``Event``: one made pydantic turn every
    stored event's JSON into a dict before reading it, and a read cost twice what it does.)"""
    try:
        check_text(fields)  # (each value named by its field)
    except ValueError as problem:
        raise ValidationError.from_exception_data(event_class.__name__, [InitErrorDetails(
            type="value_error", loc=(), input=fields, ctx={"error": problem})]) from None


class Record(BaseAggregate[UUID]):
    """An aggregate whose state is a fold of its entries, corrections applied."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        # Before the library's own hook, which registers a TOPIC found in the class itself.
        cls.TOPIC = stored_topic(cls)  # type: ignore[attr-defined]
        super().__init_subclass__(**kwargs)

    # When the record was first changed since it was last saved: a unit of work saves its
    # records in that order, so each event's place in the log follows the command's story.
    changed = 0  # (not annotated: the library would make an annotated attribute an __init__ argument)

    @classmethod
    def _create(cls, event_class: Any, *, id: Any = None, **kwargs: Any) -> Any:
        _plain_text(event_class, kwargs)
        record = super()._create(event_class, id=id, **kwargs)
        record.changed = next(_changes)
        return record

    def trigger_event(self, event_class: Any, **kwargs: Any) -> None:
        _plain_text(event_class, kwargs)
        if not self.pending_events:
            self.changed = next(_changes)
        super().trigger_event(event_class, **kwargs)

    def __init__(self, **_: Any) -> None:
        self.entries: list[Event] = []
        self.corrections: dict[int, dict[str, Any]] = {}
        self.voided: set[int] = set()
        self.state = self.blank()

    @property
    def state(self) -> Any:
        """The fold of the entries, corrections applied. A correction or void makes it
        stale and it is folded again when next looked at, once: a record loaded with many
        corrections, or a view taking a batch of them, re-folds once, not once each."""
        if self._stale:
            self.refold()
        return self._state

    @state.setter
    def state(self, state: Any) -> None:
        self._state, self._stale = state, False

    # -- to be provided by each record --------------------------------------
    def blank(self) -> Any:  # pragma: no cover - abstract
        raise NotImplementedError

    def evolve(self, state: Any, event: Event) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    # -- folding -------------------------------------------------------------
    def take(self, event: Event) -> None:
        corrected, voided, unrecognised = _correction_types()
        if isinstance(event, unrecognised):
            self.entries.append(event)  # listed, never folded: it changes nothing
        elif isinstance(event, corrected):
            self.corrections.setdefault(event.target_version, {}).update(event.fields)
            self._stale = True
        elif isinstance(event, voided):
            self.voided.add(event.target_version)
            self._stale = True
        else:
            self.entries.append(event)
            if not self._stale:  # (a stale state is folded afresh, this entry with it)
                self.evolve(self._state, self.as_corrected(event))

    @property
    def erased(self) -> bool:
        """Whether the child this record is about was erased: its first event can no longer
        be read (the child's key is destroyed), or, on the child's own record, it says so."""
        first = self.entries[0] if self.entries else None
        return type(first).__name__ == "Erased" or bool(getattr(self._state, "erased", False))

    def as_corrected(self, event: Event) -> Event:
        fields = self.corrections.get(event.originator_version)
        return event.model_validate({**event.model_dump(), **fields}, context=STORED) if fields else event

    def refold(self) -> None:
        state = self.blank()
        unrecognised = _correction_types()[2]
        for entry in self.entries:
            if entry.originator_version not in self.voided and not isinstance(entry, unrecognised):
                self.evolve(state, self.as_corrected(entry))
        self.state = state

    def entry(self, version: int) -> Event | None:
        for entry in self.entries:
            if entry.originator_version == version:
                return entry
        return None

    class Snapshot(Model, CanSnapshotAggregate[UUID]):
        """A record's entries, corrections and voids; the state is re-folded on load."""

        model_config = ConfigDict(extra="forbid", frozen=True)
        originator_id: UUID
        originator_version: int
        timestamp: datetime
        topic: str
        state: dict[str, Any]

        @classmethod
        def take(cls, aggregate: Record) -> Record.Snapshot:  # type: ignore[override]
            return cls(
                originator_id=aggregate.id,
                originator_version=aggregate.version,
                timestamp=cls.create_timestamp(),
                topic=get_topic(type(aggregate)),
                state={
                    "created_on": aggregate.created_on.isoformat(),
                    "modified_on": aggregate.modified_on.isoformat(),
                    "entries": [
                        {"topic": get_topic(type(e)), "data": e.model_dump(mode="json")}
                        for e in aggregate.entries
                    ],
                    "corrections": {str(v): f for v, f in aggregate.corrections.items()},
                    "voided": sorted(aggregate.voided),
                },
            )

        def mutate(self, _: None) -> Record:  # type: ignore[override]
            cls = resolve_topic(self.topic)
            record = object.__new__(cls)
            record.__base_init__(
                originator_id=self.originator_id,
                originator_version=self.originator_version,
                timestamp=datetime.fromisoformat(self.state["created_on"]),
            )
            record.modified_on = datetime.fromisoformat(self.state["modified_on"])
            Record.__init__(record)
            record.entries = [
                resolve_topic(e["topic"]).model_validate(e["data"], context=STORED) for e in self.state["entries"]
            ]
            record.corrections = {int(v): f for v, f in self.state["corrections"].items()}
            record.voided = set(self.state["voided"])
            record.refold()
            return record


@cache
def _correction_types() -> tuple[type, type, type]:
    """(Corrected, Voided, Unrecognised), imported once (the catalogue imports this module;
    an import statement in ``take`` cost several percent of every fold)."""
    from plantrail.domain.events import Corrected, Unrecognised, Voided

    return Corrected, Voided, Unrecognised


def fold_events(record: Any, events: Any) -> Any:
    """A record from its events (or its snapshot and the events after it).

    eventsourcing's ``project_aggregate`` does the same, but checks each event against a
    runtime Protocol first (its cost: docs/performance.md); our events come from our own
    mapper, which only makes these classes.
    """
    for event in events:
        record = event.mutate(record)
    return record


_pin_topic(Record.Snapshot)
