"""An event this version of plantrail cannot read."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID

import orjson

from plantrail.domain.base import STORED, Event


class Unrecognised(Event):
    """An event of a kind this version of plantrail does not know, or cannot read: written by
    a newer version, or put in through the save function by hand. It is listed for what it is
    (its topic and what it holds) and changes nothing, so the rest of the record stays readable;
    it is never recorded by plantrail itself."""

    topic: str
    content: str

    @classmethod
    def of(cls, originator_id: UUID, version: int, topic: str, state: bytes) -> Unrecognised:
        """What can be made of a stored event: its envelope where it holds one, its bytes as text."""
        try:
            held = orjson.loads(state)
        except orjson.JSONDecodeError:
            held = None
        envelope: dict[str, Any] = held if isinstance(held, dict) else {}

        def field(name: str, default: Any) -> Any:
            value = envelope.get(name)
            return value if isinstance(value, str) and value else default

        return cls.model_validate({
            "originator_id": originator_id, "originator_version": version,
            "timestamp": field("timestamp", datetime(1970, 1, 1, tzinfo=UTC).isoformat()),
            "actor": field("actor", "?"), "initials": field("initials", "?"),
            "effective_on": field("effective_on", date(1970, 1, 1).isoformat()),
            "topic": topic, "content": state.decode("utf-8", errors="replace"),
        }, context=STORED)
