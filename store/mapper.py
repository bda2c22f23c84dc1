"""How events are stored: pydantic events as JSON bytes (after eventsourcing's aggregate7
and aggregate8 examples, which keep the mapper and transcoder in their persistence module)."""

from __future__ import annotations

from typing import Any

import orjson
from eventsourcing.persistence import Mapper, StoredEvent, Transcoder
from eventsourcing.utils import get_topic, resolve_topic

from plantrail.domain.base import STORED  # events read back are read as recorded


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
            return cls.model_validate_json(state, context=STORED)  # pydantic parses the JSON bytes itself: faster
        return cls.model_validate(self.transcoder.decode(state), context=STORED)


class OrjsonTranscoder(Transcoder):
    """JSON bytes; orjson keeps key order and is fast on the hot path."""

    def encode(self, obj: Any) -> bytes:
        return orjson.dumps(obj)

    def decode(self, data: bytes) -> Any:
        return orjson.loads(data)
