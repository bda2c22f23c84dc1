"""A unit of work: what one command (or a batch of them) read, changed and made, saved
in one transaction or not at all (after *Architecture Patterns with Python*, chapter 6).

A handler asks the unit for the records it needs (``plan``, ``child``, ``staff_member``)
and for the acting staff member (``acting``: their roles are checked against the
command's row in ``application.permissions``). It never saves: whatever the unit read
and now holds new events is saved at the end, with the check that every record it
only read is still as it was read (``unchanged``), and the command ids given.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import date
from typing import TYPE_CHECKING, Any, TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, ProcessingEvent

from plantrail.application.commands import Command
from plantrail.application.kept import KeptRecords
from plantrail.application.permissions import PERMISSIONS
from plantrail.application.results import encode_result
from plantrail.domain.acting import Acting
from plantrail.domain.base import Record, fold_events
from plantrail.domain.child import Child, child_id
from plantrail.domain.errors import BadInput, NotFound, RuleBroken
from plantrail.domain.plan import Plan
from plantrail.domain.staff import StaffMember, staff_id_key

if TYPE_CHECKING:
    from plantrail.application.records import PlanRecords
    from plantrail.application.saver import Batch

R = TypeVar("R", bound=Record)


class UnitOfWork:
    """The records of one unit of work, and the command under way in it."""

    def __init__(self, app: PlanRecords, *, kept: KeptRecords | None = None,
                 saving: Mapping[UUID, Record] | None = None, batch: Batch | None = None) -> None:
        self.app = app
        # Every record read or changed, by id: what is saved (those with new events) and
        # what must be unchanged at the save (the others).
        self.records: dict[UUID, Record] = {}
        # New records: the refusal to give if one already exists in the store, and the
        # label of the command that made it (an import names that command's line).
        self.new: dict[UUID, tuple[str, Any]] = {}
        # (command id, result JSON, digest), saved with the events
        self.commands: list[tuple[str, str, str]] = []
        # A single command takes records kept from earlier commands (no read from the
        # store); a batch reads the store, or what the batch before it left while the
        # store saves it (``saving``).
        self._kept = kept
        self._saving = saving or {}
        self.took_kept = False
        self.batch = batch  # the batch this unit is, if any: its label names the command under way
        self.command: Command | None = None
        self.actor: str | None = None
        self.command_id: str | None = None

    # ------------------------------------------------------------------ running
    def run(self, handler: Callable[[UnitOfWork, Any], Any], command: Command, actor: str | None,
            command_id: str, digest: str) -> Any:
        """One command in this unit: its handler decides, the unit keeps what changed."""
        self.command, self.actor, self.command_id = command, actor, command_id
        try:
            result = handler(self, command)
        finally:
            self.command, self.actor, self.command_id = None, None, None
        self.commands.append((command_id, encode_result(result), digest))
        return result

    def acting(self, *, on: date | None = None, initials: str | None = None) -> Acting:
        """The staff member doing the command under way, allowed to do it by their roles."""
        assert self.command is not None, "a handler asks for the acting staff member"
        if not self.actor:
            raise BadInput("every write needs the staff member doing the work",
                           fix="give --as STAFF_ID or set PLANTRAIL_AS")
        member = self.get(staff_id_key(self.actor), StaffMember, f"no staff member {self.actor}",
                          fix="give --as the id of a registered staff member")
        member.check_present(self.app.today())
        member.authorise(PERMISSIONS[self.command.command], type(self.command).method.replace("_", " "))
        return Acting(staff_id=self.actor, initials=initials if initials is not None else member.state.initials,
                      on=on or self.app.today(), at=self.app.clock(), command_id=self.command_id,
                      own_initials=member.state.initials, login=self.app.login)

    def first_acting(self, staff_id: str, initials: str) -> Acting:
        """The very first staff member of an empty store registers themselves."""
        return Acting(staff_id=staff_id, initials=initials, on=self.app.today(), at=self.app.clock(),
                      command_id=self.command_id, login=self.app.login)

    def store_is_empty(self) -> bool:
        return not self.records and not self._saving and not self.app.recorder.max_notification_id()

    # ------------------------------------------------------------------ records
    def plan(self, plan_ref: str | UUID) -> Plan:
        return _not_erased(self.get(self.app.plan_id(plan_ref), Plan, f"no plan {plan_ref}",
                                    fix="see `plantrail plans`"), f"plan {plan_ref}")

    def child(self, child_ref: str) -> Child:
        return _not_erased(self.get(child_id(child_ref), Child, f"no child {child_ref}",
                                    fix="see `plantrail child add`"), f"child {child_ref}")

    def staff_member(self, staff_id: str) -> StaffMember:
        return self.get(staff_id_key(staff_id), StaffMember, f"no staff member {staff_id}",
                        fix="see `plantrail staff add`")

    def get(self, record_id: UUID, kind: type[R], missing: str, *, fix: str = "") -> R:
        record = self.records.get(record_id)
        if record is None and self._kept is not None:
            record = self._kept.take(record_id)
            self.took_kept = self.took_kept or record is not None
        if record is None:
            record = self._saving.get(record_id)
        if record is None:
            try:
                record = self.app.repository.get(record_id, projector_func=fold_events)
            except AggregateNotFoundError:
                raise NotFound(missing, fix=fix) from None
        self.records[record_id] = record
        if not isinstance(record, kind):
            raise NotFound(missing, fix=fix)
        return record

    def add(self, record: Record, already: str) -> None:
        """A record the command made. The store's unique key is the check that it is new
        (see ``PlanRecords.refusal``): no read before every new record."""
        taken = record.id in self.records or record.id in self._saving or (
            self._kept is not None and record.id in self._kept)
        if taken:
            raise RuleBroken(already, rule="unique ids")
        self.new[record.id] = (already, self.batch.label if self.batch else None)
        self.records[record.id] = record

    # ------------------------------------------------------------------ saving
    def pending(self) -> list[Record]:
        """The records with new events, in the order the unit first changed them."""
        return sorted((r for r in self.records.values() if r.pending_events), key=lambda r: r.changed)

    def unchanged(self) -> list[tuple[UUID, int]]:
        """What the unit decided on but does not change: it must still be as it was read."""
        return [(r.id, r.version) for r in self.records.values() if not r.pending_events]

    def processing(self) -> ProcessingEvent[UUID]:
        """The new events of every changed record, collected for one save, with the
        command ids and the unchanged reads the save checks."""
        unchanged = self.unchanged()  # before the events are collected (then none is pending)
        processing = ProcessingEvent[UUID]()
        for record in self.pending():
            processing.events.extend(record.collect_events())
            processing.aggregates[record.id] = record
        commands = with_first_events(self.commands, [event.command_id for event in processing.events])
        processing.saved_kwargs.update(commands=commands, unchanged=unchanged)
        return processing


def with_first_events(commands: Iterable[tuple[str, str, str]],
                      event_commands: Iterable[str | None]) -> list[tuple[str, str, str, int | None]]:
    """Each (command id, result, digest) with the index of its first event among a save's
    events, by the command id each event carries (its place in the log: None for a command that
    recorded nothing). A unit of work's save, and an import's workers' merged batch."""
    first: dict[str | None, int] = {}
    for index, command_id in enumerate(event_commands):
        first.setdefault(command_id, index)
    return [(cid, result, digest, first.get(cid)) for cid, result, digest in commands]



def _not_erased(record: R, what: str) -> R:
    """Nothing more is recorded about an erased child (DOMAIN.md, "Keeping records")."""
    if record.erased:
        raise RuleBroken(f"the record of {what} was erased at the end of its retention period", rule="erasure")
    return record
