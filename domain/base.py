"""Pydantic events on eventsourcing aggregates.

eventsourcing 9.5.6 ships no pydantic support; its examples (aggregate7, aggregate8)
show the pattern written here: events are frozen pydantic models that also carry the
library's mutate protocol, a mapper stores them with ``model_dump(mode="json")``, and
snapshots hold a JSON-able state.

Every aggregate here keeps the events it was built from (its *entries*), the field
corrections made to them and the entries voided. Its state is always
``fold(entries with corrections, without voided)``, so a correction re-folds the
record and the original event is never touched.
"""

from __future__ import annotations

from datetime import date, datetime
from functools import cache
from typing import Any
from uuid import UUID

import orjson
from eventsourcing.domain import (
    BaseAggregate,
    CanInitAggregate,
    CanMutateAggregate,
    CanSnapshotAggregate,
)
from eventsourcing.persistence import Mapper, StoredEvent, Transcoder
from eventsourcing.utils import get_topic, resolve_topic
from pydantic import BaseModel, ConfigDict

# Fields every event carries that are about the recording, not the record: a
# correction may not change them (who recorded what, when, and on whose authority,
# is the audit trail).
ENVELOPE_FIELDS = frozenset(
    {"originator_id", "originator_version", "timestamp", "originator_topic", "actor", "command_id", "authority"}
)


class Event(BaseModel, CanMutateAggregate[UUID]):
    """What every recorded event carries (DOMAIN.md, "Time" and "Corrections").

    ``timestamp`` is the *recorded at* time (UTC, the system clock); ``effective_on``
    is the date the thing happened or was decided. ``actor`` is the staff member who
    did the work and ``initials`` the margin note; ``authority`` names what the change
    rests on (a review, an approval) and ``reason`` why it was made.
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

    @property
    def recorded_at(self) -> datetime:
        return self.timestamp

    @property
    def event_id(self) -> str:
        return event_id(self.originator_id, self.originator_version)

    def apply(self, aggregate: Any) -> None:
        aggregate.take(self)


class Created(Event, CanInitAggregate[UUID]):
    originator_topic: str


def event_id(originator_id: UUID, version: int) -> str:
    """The id users see for an event: the record it belongs to and its place there."""
    return f"{originator_id}/{version}"


class Record(BaseAggregate[UUID]):
    """An aggregate whose state is a fold of its entries, corrections applied."""

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
        corrected, voided = _correction_types()
        if isinstance(event, corrected):
            self.corrections.setdefault(event.target_version, {}).update(event.fields)
            self._stale = True
        elif isinstance(event, voided):
            self.voided.add(event.target_version)
            self._stale = True
        else:
            self.entries.append(event)
            if not self._stale:  # (a stale state is folded afresh, this entry with it)
                self.evolve(self._state, self.as_corrected(event))

    def as_corrected(self, event: Event) -> Event:
        fields = self.corrections.get(event.originator_version)
        return event.model_validate({**event.model_dump(), **fields}) if fields else event

    def refold(self) -> None:
        state = self.blank()
        for entry in self.entries:
            if entry.originator_version not in self.voided:
                self.evolve(state, self.as_corrected(entry))
        self.state = state

    def entry(self, version: int) -> Event | None:
        for entry in self.entries:
            if entry.originator_version == version:
                return entry
        return None

    class Snapshot(BaseModel, CanSnapshotAggregate[UUID]):
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
                resolve_topic(e["topic"]).model_validate(e["data"]) for e in self.state["entries"]
            ]
            record.corrections = {int(v): f for v, f in self.state["corrections"].items()}
            record.voided = set(self.state["voided"])
            record.refold()
            return record


@cache
def _correction_types() -> tuple[type, type]:
    """(Corrected, Voided), imported once (the catalogue imports this module; an import
    statement in ``take`` cost several percent of every fold)."""
    from domain.events import Corrected, Voided

    return Corrected, Voided


def fold_events(record: Any, events: Any) -> Any:
    """A record from its events (or its snapshot and the events after it).

    eventsourcing's ``project_aggregate`` does the same, but checks each event against a
    runtime Protocol first, which costs about 20 µs an event on Python 3.11; our events
    come from our own mapper, which only makes these classes.
    """
    for event in events:
        record = event.mutate(record)
    return record


class PydanticMapper(Mapper):
    """Stores pydantic events as JSON (after eventsourcing's aggregate7 example)."""

    def to_stored_event(self, domain_event: Any) -> StoredEvent:
        if isinstance(self.transcoder, OrjsonTranscoder):
            # pydantic writes the JSON itself: the bytes orjson wrote from model_dump(mode=
            # "json") (tests/domain/test_domain_storage.py), without the dict between.
            state = domain_event.model_dump_json().encode()
        else:
            state = self.transcoder.encode(domain_event.model_dump(mode="json"))
        if self.compressor:
            state = self.compressor.compress(state)
        if self.cipher:
            state = self.cipher.encrypt(state)
        return StoredEvent(
            originator_id=domain_event.originator_id,
            originator_version=domain_event.originator_version,
            topic=get_topic(type(domain_event)),
            state=state,
        )

    def to_domain_event(self, stored_event: StoredEvent) -> Any:
        state = stored_event.state
        if self.cipher:
            state = self.cipher.decrypt(state)
        if self.compressor:
            state = self.compressor.decompress(state)
        cls = resolve_topic(stored_event.topic)
        if isinstance(self.transcoder, OrjsonTranscoder):
            return cls.model_validate_json(state)  # pydantic parses the JSON bytes itself: faster
        return cls.model_validate(self.transcoder.decode(state))


class OrjsonTranscoder(Transcoder):
    """JSON bytes; orjson keeps key order and is fast on the hot path."""

    def encode(self, obj: Any) -> bytes:
        return orjson.dumps(obj)

    def decode(self, data: bytes) -> Any:
        return orjson.loads(data)


# The settings that make an eventsourcing application store these events.
PERSISTENCE_TOPICS: dict[str, str] = {
    "MAPPER_TOPIC": get_topic(PydanticMapper),
    "TRANSCODER_TOPIC": get_topic(OrjsonTranscoder),
}
