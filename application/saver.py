"""Batches saved behind (the bulk import): each batch's save runs on a thread while the
next batch is decided, so the store's work on one overlaps the Python of the next.

A batch's save is waited for before the next one is saved and before any error of the
next is raised: a failed save is reported first, and nothing after it is recorded. The
next batch reads what the one before it left (``saving``), which the store may not hold
yet; afterwards those records are kept by nobody (later commands read the store).
"""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from uuid import UUID

from eventsourcing.application import ProcessingEvent
from eventsourcing.persistence import IntegrityError

from plantrail.domain.base import Record

if TYPE_CHECKING:
    from plantrail.application.records import PlanRecords
    from plantrail.application.unit_of_work import UnitOfWork


@dataclass
class Batch:
    events: int = 0
    # The caller's name for the command under way (an import's line number): a refusal
    # found only when the batch is saved carries it back as ``error.label``.
    label: Any = None
    # The caller's name for the batch's first command: a save refused for no one
    # command's sake (a record changed meanwhile) carries it back.
    first: Any = None
    # ``saved`` once the store confirmed the batch; ``failed`` holds the error that
    # refused it (raised as well, where the caller waits for the save).
    saved: bool = False
    failed: BaseException | None = None


class SavedBehind:
    """One thread saving batches in order, one at a time."""

    def __init__(self, app: PlanRecords) -> None:
        self.app = app
        self.saving: dict[UUID, Record] = {}
        self._in_flight: tuple[Batch, Future[int]] | None = None
        self._pool: ThreadPoolExecutor | None = None

    def __enter__(self) -> SavedBehind:
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="plantrail-save")
        return self

    def __exit__(self, kind: Any, *_: Any) -> None:
        try:
            if kind is None:
                self.wait()
            elif self._in_flight is not None:  # leaving on an error: let the save end
                self._in_flight[1].exception()
        finally:
            assert self._pool is not None
            self._pool.shutdown()
            self._in_flight, self.saving = None, {}

    def submit(self, unit: UnitOfWork, outcome: Batch) -> None:
        """Hand the unit's save to the thread (the batch before it already confirmed)."""
        if not unit.pending():  # nothing to save
            outcome.saved = True
            return
        processing = unit.processing()
        assert self._pool is not None
        self._in_flight = (outcome, self._pool.submit(self._save, processing, unit, outcome))
        self.saving = dict(unit.records)

    def wait(self) -> None:
        """Until the batch under way is saved; its error, if the store refused it."""
        if self._in_flight is None:
            return
        outcome, saving = self._in_flight
        self._in_flight, self.saving = None, {}
        try:
            outcome.events = saving.result()
        except BaseException as error:
            outcome.failed = error
            raise
        outcome.saved = True

    def _save(self, processing: ProcessingEvent[UUID], unit: UnitOfWork, outcome: Batch) -> int:
        """On the saving thread. It touches only the collected events, the unit's command ids
        and new-record refusals, and the store, never the records, which the next batch is
        changing meanwhile. A save the store already holds (sent again after a lost reply)
        counts as saved."""
        try:
            self.app.save_processed(processing)
        except IntegrityError:
            if self.app.landed(unit.commands):
                return len(processing.events)
            raise self.app.refusal(unit.new, label=outcome.first) from None
        return len(processing.events)
