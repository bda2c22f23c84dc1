"""How events are stored: pydantic events as JSON bytes (after eventsourcing's aggregate7
and aggregate8 examples, which keep the mapper and transcoder in their persistence module)."""

from __future__ import annotations

from typing import Any

import orjson
from eventsourcing.persistence import Mapper, StoredEvent, Transcoder
from eventsourcing.utils import TopicError, get_topic, resolve_topic

from plantrail.domain.base import STORED  # events read back are read as recorded
from plantrail.domain.events import Erased, Unrecognised
from plantrail.store.sealing import Sealer, Unreadable, is_sealed, seal, subject_of_state, unseal


class PydanticMapper(Mapper):
    """Stores pydantic events as JSON (after eventsourcing's aggregate7 example), the
    personal content of those about a child sealed with the child's key (``sealer``, set by
    the recorder's ``seal_with``: store/sealing.py)."""

    sealer: Sealer | None = None

    def to_stored_event(self, domain_event: Any) -> StoredEvent:
        sealer = self.sealer
        subject = sealer.subject(domain_event) if sealer is not None else None
        if subject is not None:
            state = seal(domain_event, subject, sealer.keyring)
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
        state = stored_event.state
        sealer = self.sealer
        if sealer is not None:
            if is_sealed(state):
                return self._unsealed(stored_event, sealer)
            if stored_event.originator_version == 1:
                sealer.noted(stored_event.originator_id, None)  # a plain record (staff)
        if self.cipher:
            state = self.cipher.decrypt(state)
        if self.compressor:
            state = self.compressor.decompress(state)
        try:
            cls = resolve_topic(stored_event.topic)
            if isinstance(self.transcoder, OrjsonTranscoder):
                return cls.model_validate_json(state, context=STORED)  # pydantic parses the JSON bytes itself: faster
            return cls.model_validate(self.transcoder.decode(state), context=STORED)
        except (TopicError, AttributeError, TypeError, ValueError):
            # A kind of event this version does not know, or cannot read: shown as such, and
            # the rest of its record stays readable (it changes nothing).
            return Unrecognised.of(stored_event.originator_id, stored_event.originator_version,
                                   stored_event.topic, state)


    def _unsealed(self, stored_event: StoredEvent, sealer: Sealer) -> Any:
        if stored_event.originator_version == 1:
            sealer.noted(stored_event.originator_id, subject_of_state(stored_event.state))
        try:
            data = unseal(stored_event.state, stored_event.originator_id, stored_event.originator_version,
                          sealer.keyring)
        except Unreadable as e:  # the child's key destroyed: what is left is the plain part
            return Erased.of(stored_event.originator_id, stored_event.originator_version, stored_event.topic,
                             e.fields)
        try:
            return resolve_topic(stored_event.topic).model_validate_json(data, context=STORED)
        except (TopicError, AttributeError, TypeError, ValueError):
            return Unrecognised.of(stored_event.originator_id, stored_event.originator_version,
                                   stored_event.topic, data)


class OrjsonTranscoder(Transcoder):
    """JSON bytes; orjson keeps key order and is fast on the hot path."""

    def encode(self, obj: Any) -> bytes:
        return orjson.dumps(obj)

    def decode(self, data: bytes) -> Any:
        return orjson.loads(data)
