"""The plantrail application: one eventsourcing Application holding every record.

``run`` is the whole story of a command: a unit of work is opened, the command's handler
loads what it needs and decides (the aggregates keep the rules), and everything the
unit changed is saved in one transaction, so a refused command records nothing. A
conflicting concurrent change makes the command run again on what is now recorded.
Persistence is wired in by settings (``env``), never imported: the store's
``env_for_url`` names its recorder, mapper and transcoder.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, date, datetime
from functools import cached_property
from typing import TYPE_CHECKING, Any
from uuid import UUID

import orjson
from eventsourcing.application import AggregateNotFoundError, Application, ProcessingEvent
from eventsourcing.persistence import IntegrityError
from eventsourcing.utils import Environment, get_topic

from plantrail.application.identity import CLAIMED, acting_staff
from plantrail.application.kept import KeptRecords
from plantrail.application.read_ahead import plan_for_reader, reader_and_child
from plantrail.application.results import CommandResult, command_digest, decode_result, new_command_id
from plantrail.domain.base import Event, fold_events
from plantrail.domain.child import Child, child_id
from plantrail.domain.errors import Altered, BadInput, Conflict, DomainError, NotFound, RuleBroken
from plantrail.domain.events import PlanOpened
from plantrail.domain.plan import Plan
from plantrail.domain.retention import Schedule
from plantrail.domain.staff import LoginBinding, StaffMember, login_key, staff_id_key

if TYPE_CHECKING:  # (imported where a command runs: a read never needs the command models)
    from plantrail.application.commands import Command
    from plantrail.application.saver import Batch, SavedBehind
    from plantrail.application.unit_of_work import UnitOfWork

Clock = Callable[[], datetime]
PLAN_ID_MIN_PREFIX = 8
CONFLICT_RETRIES = 10


def utc_now() -> datetime:
    return datetime.now(UTC)


# Off whatever the environment says: the library's cipher, compressor, snapshots and cache of records
# (plantrail seals, and loads records from their events), and new events stored plain (a caller's choice).
LIBRARY_OFF = {"CIPHER_TOPIC": "", "CIPHER_KEY": "", "COMPRESSOR_TOPIC": "", "IS_SNAPSHOTTING_ENABLED": "no",
               "AGGREGATE_CACHE_MAXSIZE": "", "PLANTRAIL_SEALING": "on"}


class PlanRecords(Application):
    """Children's plans, the children they belong to, and the staff who keep them.

    Python callers (tests, the worked examples, the bench) may call each command as a
    method named by its ``method``: ``app.approve_plan(actor, plan_id, on=...)`` runs
    ``ApprovePlan(plan_id=..., on=...)`` (application/command_methods.py).
    """

    name = "plantrail"
    # Records are loaded from their events, never from snapshots: a snapshot is a row
    # the chain does not cover, and a forged one could give a staff member roles or a
    # plan an approval (docs/integrity.md).
    is_snapshotting_enabled = False

    def __init__(self, env: dict[str, str] | None = None, *, clock: Clock = utc_now) -> None:
        super().__init__(env)
        # The store seals each child's personal content with the child's key (the store's
        # recorder gives the mapper its keys; a store that does not seal has no seal_with).
        seal_with = getattr(self.recorder, "seal_with", None)
        if seal_with is not None:
            seal_with(self.mapper, self.env)
        self.clock = clock
        self.kept = KeptRecords()
        # The account commands come from (the database login, or the operating-system user
        # on SQLite): recorded beside the acting staff member on every event. Set by the caller.
        self.login = ""
        # How the store knows who acts (application/identity.py): the caller sets "login"
        # where the store says so, and every command's actor is then the login's.
        self.identity_mode = CLAIMED
        self._bound: dict[str, str] = {}  # login -> staff id: a binding never changes
        self._unit: UnitOfWork | None = None  # the unit of work under way, if any
        self._behind: SavedBehind | None = None  # batches(): the save under way on its thread
        # The events the last command or batch saved (none when its command id was already
        # recorded): what the command line says it recorded.
        self.saved_events: tuple[Event, ...] = ()
        # Records read with a plan for the logged read that follows (application/read_ahead.py).
        self.read_ahead: dict[UUID, list[Any]] | None = None

    @cached_property
    def retention_schedule(self) -> Schedule:
        """The authority's retention schedule (domain/retention.py): the command line sets the one
        it is given (PLANTRAIL_RETENTION), else DOMAIN.md's defaults hold (made when first asked for)."""
        return Schedule()

    def construct_env(self, name: str, env: dict[str, str] | None = None) -> Environment:
        """The settings given (the store URL's) and LIBRARY_OFF win over the environment in both
        the library's spellings (``KEY``, and ``PLANTRAIL_KEY``, read first). Else a compressor or
        cipher of the library's would wrap sealed events (unreadable; ``verify`` ALTERED), and
        ``PLANTRAIL_SQLITE_DBNAME`` would send writes to another store than ``--db`` names."""
        built = super().construct_env(name, env)
        given = {**LIBRARY_OFF, **(env or {})}
        for key, value in given.items():
            built[key] = value
            for spelling in built.create_keys(key)[:-1]:  # (the name's spelling, read first)
                if spelling not in given:
                    built.pop(spelling, None)
        return built

    # ================================================================== commands
    _commands_made = False

    def __getattr__(self, name: str) -> Any:
        """Each command as a method named by its ``method`` (``app.open_plan(actor, ...)``),
        made the first time one is asked for: a process that only reads never imports the
        command models."""
        if name.startswith("_") or PlanRecords._commands_made:
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
        from plantrail.application.command_methods import make_command_methods

        make_command_methods()
        return getattr(self, name)

    def run(self, command: Command, *, actor: str | None = None, command_id: str | None = None,
            looked_up: bool = False) -> Any:
        """Run one command as a unit of work: saved in one transaction, or, if refused,
        not at all. Every command is saved with an id (the caller's, or a new one) and a
        digest of itself: the same id again records nothing new and answers with the first
        result; the same id with another command is bad input (the store's command log keeps
        each id once). So a save whose reply was lost, sent again, is recognised as saved.
        ``looked_up``: the caller has looked the id up already (an import does, a batch at a time)."""
        self.saved_events = ()
        if self.identity_mode != CLAIMED:
            actor = acting_staff(self, actor, self.identity_mode, self.login)
        digest = command_digest(command, actor)
        if command_id is None:
            command_id = new_command_id()  # new: nothing to look up
        elif not looked_up:
            done = self.recorded(command_id, digest)
            if done is not None:
                return done.value
        from plantrail.application.handlers import handler_for
        from plantrail.application.unit_of_work import UnitOfWork

        handler = handler_for(type(command))
        if self._unit is not None:  # part of a larger unit of work (a batch, a bulk import)
            return self._unit.run(handler, command, actor, command_id, digest)
        rechecked = False
        for attempt in range(1, CONFLICT_RETRIES + 1):
            unit = self._unit = UnitOfWork(self, kept=self.kept)
            try:
                result = unit.run(handler, command, actor, command_id, digest)
                self.commit(unit, decided_again=True)
                self.kept.keep(unit.records.values())
                return result
            except Landed:
                return self.recorded(command_id, digest).value  # type: ignore[union-attr]
            except Conflict:
                done = self.recorded(command_id, digest)
                if done is not None:
                    return done.value
                if attempt == CONFLICT_RETRIES:
                    raise
                # Someone changed the same records meanwhile: decide again on what is now
                # recorded. The rules run again, so a retry is as safe as a first try.
                time.sleep(random.uniform(0.0, 0.01 * 2 ** min(attempt, 5)))
            except DomainError:
                # Refused on records kept from earlier commands: they may be stale (another
                # process wrote since), so decide once more on what is recorded now. The
                # refused unit's records were not put back, so this reads them afresh.
                if not unit.took_kept or rechecked:
                    raise
                rechecked = True
            finally:
                self._unit = None
        raise AssertionError("unreachable")  # pragma: no cover

    @contextmanager
    def batch(self) -> Iterator[Batch]:
        """Run many commands as one unit: all their records are saved in one transaction
        at the end, or, if any command is refused, none of them (the bulk import path).
        The ``Batch`` it gives says, once saved, how many events were recorded."""
        from plantrail.application.saver import Batch
        from plantrail.application.unit_of_work import UnitOfWork

        outcome = Batch()
        unit = self._unit = UnitOfWork(self, batch=outcome)
        try:
            yield outcome
            try:
                outcome.events = self.commit(unit)
            except Landed as landed:
                outcome.events = landed.events
            outcome.saved = True
            self.kept.keep(unit.records.values())
        finally:
            self._unit = None

    @contextmanager
    def batches(self) -> Iterator[Callable[[], AbstractContextManager[Batch]]]:
        """Batch after batch (the bulk import): each batch is saved on a thread while the
        next is decided (``application.saver``). It gives ``batch``, used like ``batch()``."""
        from plantrail.application.saver import SavedBehind

        with SavedBehind(self) as behind:
            self._behind = behind
            try:
                yield self._batch_saved_behind
            finally:
                self._behind = None

    @contextmanager
    def _batch_saved_behind(self) -> Iterator[Batch]:
        from plantrail.application.saver import Batch
        from plantrail.application.unit_of_work import UnitOfWork

        assert self._behind is not None, "a batch saved behind runs inside batches()"
        outcome = Batch()
        unit = self._unit = UnitOfWork(self, saving=self._behind.saving, batch=outcome)
        try:
            try:
                yield outcome
            finally:
                self._behind.wait()  # an earlier batch's failure is the one to report
            self.kept.forget(unit.records)
            self._behind.submit(unit, outcome)
        finally:
            self._unit = None

    def commit(self, unit: UnitOfWork, *, decided_again: bool = False) -> int:
        """Save the unit's records in one transaction; how many events it recorded. Landed
        if the store refused the save because it already holds it (a reply lost, the save
        sent again: the command log has the unit's command ids, with its digests).
        ``decided_again`` (a command): new children's keys made without looking for one."""
        if not unit.pending():
            return 0
        processing = unit.processing()
        try:
            self.save_processed(processing, ask_registered=not decided_again)
        except IntegrityError:
            if self.landed(unit.commands):
                self.saved_events = tuple(processing.events)  # saved, though its reply was lost
                raise Landed(len(processing.events)) from None
            raise self.refusal(unit.new) from None
        self.saved_events = tuple(processing.events)
        return len(processing.events)

    def landed(self, commands: list[tuple[str, str, str]]) -> bool:
        """Whether the store already holds these commands (each id, with this digest)."""
        rows = self.recorder.command_records([cid for cid, _, _ in commands])
        return bool(commands) and all(cid in rows and rows[cid].digest in (None, digest)
                                      for cid, _, digest in commands)

    def save_processed(self, processing: ProcessingEvent[UUID], *, ask_registered: bool = True) -> None:
        """Application.save for records known to be ours: the library's save checks every
        object against runtime Protocols first, and makes a Recording of every event for
        notifying, which does nothing here."""
        stored = self.mapper.to_stored_events(processing.events, ask_registered=ask_registered)
        self.recorder.insert_events(stored, tracking=processing.tracking, **processing.saved_kwargs)

    def refusal(self, new: dict[UUID, tuple[str, Any]], label: Any = None) -> RuleBroken | Conflict:
        """Why the store refused a unit: a new record that already exists, else a record
        that another process changed meanwhile."""
        for record_id, (already, new_label) in new.items():
            if self.recorder.select_events(record_id, limit=1):
                return RuleBroken(already, rule="unique ids", label=new_label)
        return Conflict("the record changed meanwhile; run the command again", rule="concurrency", label=label)

    def recorded(self, command_id: str, digest: str | None = None) -> CommandResult | None:
        """What a recorded command id answered, or None if it was never recorded.

        BadInput if it was recorded for another command (another digest); Altered if the
        command log's row is not backed by the log (its first event does not carry the id):
        a row put in by hand must not make a command record nothing."""
        row = self.recorder.command_records([command_id]).get(command_id)
        if row is None:
            return None
        if digest is not None and row.digest is not None and row.digest != digest:
            raise BadInput(f"the command id {command_id!r} was given to another command",
                           fix="give each command its own --command-id")
        if row.position is not None and _command_id_of(self.recorder.event_envelope(row.position)) != command_id:
            raise Altered(f"the command log holds {command_id!r} at position {row.position}, but the event "
                          "there is not that command's")
        return decode_result(row.result)

    # ================================================================== reads
    def plan(self, plan_ref: str | UUID, *, reader: str | None = None) -> Plan:
        """A plan; for a ``reader`` (a read to be logged), read with the reader's and the
        child's records where the store can (application/read_ahead.py)."""
        plan_id = self.plan_id(plan_ref)
        if reader is not None and (plan := plan_for_reader(self, plan_id, reader)) is not None:
            return plan
        return self._get(plan_id, Plan, f"no plan {plan_ref}", fix="see `plantrail plans`")

    def child(self, child_ref: str) -> Child:
        return self._get(child_id(child_ref), Child, f"no child {child_ref}", fix="see `plantrail child add`")

    def staff_member(self, staff_id: str) -> StaffMember:
        return self._get(staff_id_key(staff_id), StaffMember, f"no staff member {staff_id}",
                         fix="see `plantrail staff add`")

    def reader_and_child(self, staff_id: str, child_ref: str | None
                         ) -> tuple[StaffMember | None, Callable[[], Child | None]]:
        """What a logged read is decided on (application/read_ahead.py)."""
        return reader_and_child(self, staff_id, child_ref)

    @property
    def in_command(self) -> bool:
        """Whether a command is under way (its reads go through its unit of work)."""
        return self._unit is not None

    def bound_staff(self, login: str) -> str | None:
        """The staff member a database login is bound to (``staff bind``), if any."""
        if login not in self._bound:
            try:
                self._bound[login] = self._get(login_key(login), LoginBinding, "").state.staff_id
            except NotFound:
                return None
        return self._bound[login]

    def _get(self, record_id: UUID, kind: type, missing: str, *, fix: str = "") -> Any:
        if self._unit is not None:  # inside a command: through its unit of work
            return self._unit.get(record_id, kind, missing, fix=fix)
        try:
            record = self.repository.get(record_id, projector_func=fold_events)
        except AggregateNotFoundError:
            raise NotFound(missing, fix=fix) from None
        if not isinstance(record, kind):
            raise NotFound(missing, fix=fix)
        return record

    def plan_id(self, plan_ref: str | UUID) -> UUID:
        """A plan's id from the id or any unique prefix of at least 8 characters (CLI.md)."""
        if isinstance(plan_ref, UUID):
            return plan_ref
        text = plan_ref.strip().lower()
        try:
            return UUID(text)
        except ValueError:
            pass
        if len(text) < PLAN_ID_MIN_PREFIX:
            raise BadInput(f"plan id '{plan_ref}' is too short",
                           fix=f"give the plan id or a unique prefix of at least {PLAN_ID_MIN_PREFIX} characters")
        matches = self.find_plans_by_prefix(text)
        if len(matches) != 1:
            what = "no plan" if not matches else f"{len(matches)} plans"
            raise NotFound(f"{what} with an id starting '{plan_ref}'", fix="see `plantrail plans` for ids")
        return matches[0]

    def find_plans_by_prefix(self, text: str) -> list[UUID]:
        """Plans whose id starts with ``text``. This reads the whole log; a projection
        with an index replaces it where one is kept (projections.plans)."""
        return [pid for pid in self.plan_ids() if str(pid).startswith(text) or pid.hex.startswith(text)]

    def plan_ids(self) -> Iterator[UUID]:
        yield from (n.originator_id for n in self.notifications(topics=[get_topic(PlanOpened)]))

    def events_of(self, record_id: UUID) -> list[Event]:
        return list(self.events.get(record_id))  # type: ignore[arg-type]

    def notifications(self, start: int = 1, topics: list[str] | None = None, batch: int = 1000) -> Iterator[Any]:
        """Every stored event in the order it was recorded, read in batches."""
        while True:
            page = self.recorder.select_notifications(start, batch, topics=topics or ())
            yield from page
            if len(page) < batch:
                return
            start = page[-1].id + 1

    def is_empty(self) -> bool:
        if self._unit is not None:
            return self._unit.store_is_empty()
        return not self.recorder.max_notification_id()

    def today(self) -> date:
        return self.clock().date()


class Landed(Exception):
    """The store already holds the unit's save (sent again after its reply was lost)."""

    def __init__(self, events: int) -> None:
        super().__init__(f"{events} events already recorded")
        self.events = events


def _command_id_of(state: bytes | None) -> str | None:
    """The command id an event's envelope (the JSON of its plain fields) carries."""
    if not state:
        return None
    try:
        value = orjson.loads(state).get("command_id")
    except (orjson.JSONDecodeError, AttributeError):
        return None
    return value if isinstance(value, str) else None
