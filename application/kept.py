"""Records kept between commands by a long-running process, so a command reads nothing
from the store (docs/design.md, "Records kept between commands")."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable
from uuid import UUID

from plantrail.domain.base import Record

KEPT_RECORDS = 10_000


class KeptRecords:
    """Records as the last successful commands left them, most recently used last.

    A command *takes* what it needs out of here and its unit puts everything back only if
    it succeeds, so a refused or failed command leaves nothing half-changed behind. A kept
    record may be stale (another process wrote since): the save then fails on the
    record's next version, or on the check that what was only read is unchanged, and the
    command is decided again on fresh reads.
    """

    def __init__(self, limit: int = KEPT_RECORDS) -> None:
        self._records: OrderedDict[UUID, Record] = OrderedDict()
        self._limit = limit

    def take(self, record_id: UUID) -> Record | None:
        return self._records.pop(record_id, None)

    def __contains__(self, record_id: object) -> bool:
        return record_id in self._records

    def __len__(self) -> int:
        return len(self._records)

    def keep(self, records: Iterable[Record]) -> None:
        for record in records:
            self._records[record.id] = record
            self._records.move_to_end(record.id)
        while len(self._records) > self._limit:
            self._records.popitem(last=False)

    def clear(self) -> None:
        self._records.clear()

    def forget(self, record_ids: Iterable[UUID]) -> None:
        for record_id in record_ids:
            self._records.pop(record_id, None)
