"""How events are stored: pydantic events as JSON bytes (after eventsourcing's aggregate7
and aggregate8 examples, which keep the mapper and transcoder in their persistence module)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import orjson
from eventsourcing.persistence import EventStore, Mapper, StoredEvent, Transcoder
from eventsourcing.utils import TopicError, get_topic, resolve_topic

from plantrail.domain.base import STORED  # events read back are read as recorded
from plantrail.domain.events import Erased, Unrecognised
from plantrail.store.sealing import Opener, Sealer, Unreadable, is_sealed, seal, subject_of_state


class PydanticMapper(Mapper):
    """Stores pydantic events as JSON (after eventsourcing's aggregate7 example), the
    personal content of those about a child sealed with the child's key (``sealer``, set by
    the recorder's ``seal_with``: store/sealing.py)."""

    sealer: Sealer | None = None

    def to_stored_event(self, domain_event: Any) -> StoredEvent:
        sealer = self.sealer
        return self._stored(domain_event, sealer.subject(domain_event) if sealer is not None else None)

    def to_stored_events(self, domain_events: Sequence[Any], *, ask_registered: bool = True) -> list[StoredEvent]:
        """Events as stored, in order; where they are sealed, the keys of the children they name
        that this process does not hold are asked for together first (``Keyring.look_up``), not
        one by one. Not those of children the events register, unless ``ask_registered``: where
        a refused save is decided again in this process (a command), their keys are made without
        a round trip to look for one (a key the store holds refuses the save, and is used next)."""
        sealer = self.sealer
        if sealer is None:
            return [self._stored(event, None) for event in domain_events]
        subjects = [sealer.subject(event) for event in domain_events]  # (None: stored plain)
        registered = () if ask_registered else [e.originator_id.hex for e in domain_events if sealer.registers(e)]
        sealer.keyring.look_up({subject.hex for subject in subjects if subject is not None}, registered=registered)
        return [self._stored(event, subject) for event, subject in zip(domain_events, subjects, strict=True)]

    def _stored(self, domain_event: Any, subject: Any) -> StoredEvent:
        """An event as stored: sealed with ``subject``'s key, or plain where it is None."""
        if subject is not None:
            state = seal(domain_event, subject, self.sealer.keyring)  # type: ignore[union-attr]
        elif isinstance(self.transcoder, OrjsonTranscoder):
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
        return self.to_domain_events((stored_event,))[0]

    def to_domain_events(self, stored_events: Sequence[StoredEvent]) -> list[Any]:
        """Stored events as events, in order: a read's (a record's, or a batch of a log's) opened
        with one ``Opener``, which looks a run's key up once (store/sealing.py). Events already
        read, not a generator still reading: the opener holds a key until the call returns."""
        sealer = self.sealer
        if sealer is None:
            return [self._event(stored, stored.state) for stored in stored_events]
        opener = Opener(sealer.keyring)
        opened: list[bytes | Any] = []
        for stored in stored_events:  # all opened first, then all parsed (in turns, each evicts the other's caches)
            state = stored.state
            if not is_sealed(state):
                if stored.originator_version == 1:
                    sealer.noted(stored.originator_id, None)  # a plain record (staff)
                opened.append(state)
                continue
            if stored.originator_version == 1:
                sealer.noted(stored.originator_id, subject_of_state(state))
            try:
                opened.append(opener.open(state, stored.originator_id, stored.originator_version))
            except Unreadable as e:  # the child's key destroyed: what is left is the plain part
                opened.append(Erased.of(stored.originator_id, stored.originator_version, stored.topic, e.fields))
        return [self._event(stored, data) if type(data) is bytes else data
                for stored, data in zip(stored_events, opened, strict=True)]

    def _event(self, stored: StoredEvent, state: bytes) -> Any:
        if self.cipher:
            state = self.cipher.decrypt(state)
        if self.compressor:
            state = self.compressor.decompress(state)
        try:
            cls = resolve_topic(stored.topic)
            if isinstance(self.transcoder, OrjsonTranscoder):
                return cls.model_validate_json(state, context=STORED)  # pydantic parses the JSON bytes itself: faster
            return cls.model_validate(self.transcoder.decode(state), context=STORED)
        except (TopicError, AttributeError, TypeError, ValueError):
            # A kind of event this version does not know, or cannot read: shown as such, and
            # the rest of its record stays readable (it changes nothing).
            return Unrecognised.of(stored.originator_id, stored.originator_version, stored.topic, state)


class RecordsEventStore(EventStore):
    """The library's event store, asking the mapper for a record's events together, not one
    by one (``PydanticMapper.to_domain_events``): what every load of a record reads through."""

    def get(self, originator_id: Any, *, gt: int | None = None, lte: int | None = None, desc: bool = False,
            limit: int | None = None) -> Iterator[Any]:
        stored = self.recorder.select_events(originator_id=originator_id, gt=gt, lte=lte, desc=desc, limit=limit)
        return iter(self.mapper.to_domain_events(stored))


class RecordsEventStoreMixin:
    """For a store's infrastructure factory: its event store is a ``RecordsEventStore`` where
    its mapper is plantrail's (the library's own, as in the library's own tests, keeps its own)."""

    def event_store(self, mapper: Any = None, recorder: Any = None) -> EventStore:
        mapper = mapper or self.mapper()  # type: ignore[attr-defined]
        recorder = recorder or self.application_recorder()  # type: ignore[attr-defined]
        kind = RecordsEventStore if isinstance(mapper, PydanticMapper) else EventStore
        return kind(mapper=mapper, recorder=recorder)


class OrjsonTranscoder(Transcoder):
    """JSON bytes; orjson keeps key order and is fast on the hot path."""

    def encode(self, obj: Any) -> bytes:
        return orjson.dumps(obj)

    def decode(self, data: bytes) -> Any:
        return orjson.loads(data)
