"""What is left of an event whose child's key was destroyed (crypto-shredding)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID

from pydantic import Field

from plantrail.domain.base import STORED
from plantrail.domain.events.unrecognised import Unrecognised


class Erased(Unrecognised):
    """An event about a child whose record was erased at the end of its retention period
    (DOMAIN.md, "Keeping records"): its personal content was sealed with the child's key,
    which is destroyed, so only what was stored plain is left (who recorded it, when, what
    kind of thing, ids and dates). It changes nothing; it is never recorded by plantrail."""

    plain: dict[str, Any] = Field(default_factory=dict)

    @classmethod
    def of(cls, originator_id: UUID, version: int, topic: str, fields: dict[str, Any]) -> Erased:
        def field(name: str, default: Any) -> Any:
            value = fields.get(name)
            return value if isinstance(value, str) and value else default

        envelope = {"originator_id", "originator_version", "timestamp", "actor", "initials", "effective_on",
                    "command_id"}
        return cls.model_validate({
            "originator_id": originator_id, "originator_version": version,
            "timestamp": field("timestamp", datetime(1970, 1, 1, tzinfo=UTC).isoformat()),
            "actor": field("actor", "?"), "initials": field("initials", "?"),
            "effective_on": field("effective_on", date(1970, 1, 1).isoformat()),
            "command_id": fields.get("command_id"),
            "topic": topic, "content": "", "plain": {k: v for k, v in fields.items() if k not in envelope},
        }, context=STORED)

    def mutate(self, aggregate: Any) -> Any:
        """Listed like an event this version cannot read; as a record's first, it starts a
        bare record of the kind it opened (an erased child's, an erased child's plan)."""
        if aggregate is None:
            from eventsourcing.utils import resolve_topic

            from plantrail.domain.record import bare

            aggregate = bare(resolve_topic(self.plain["originator_topic"]), self.originator_id)
            aggregate.__base_init__(originator_id=self.originator_id, originator_version=0,
                                    timestamp=self.timestamp)
        return super().mutate(aggregate)

    @property
    def kind_of_event(self) -> str:
        """The erased event's kind, as history names it (``plan-opened``...)."""
        from plantrail.domain.events import EVENT_TYPES

        name = self.topic.rsplit(":", 1)[-1]
        for cls, shown in EVENT_TYPES.items():
            if cls.__name__ == name:
                return shown
        return name
