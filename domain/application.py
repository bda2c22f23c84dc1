"""The plantrail application: one eventsourcing Application holding every record.

Its methods are what users do. Each loads the records it needs, checks the acting
staff member's role, calls the aggregates (which enforce the rules) and saves every
changed record in one transaction, so a refused command records nothing.
Persistence is wired in by settings (``env``), never imported: see ``store.settings``.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import Any, TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application, ProcessingEvent
from eventsourcing.persistence import IntegrityError
from eventsourcing.utils import get_topic

from domain.acting import Acting
from domain.base import PERSISTENCE_TOPICS, Event, Record, fold_events
from domain.child import Child, child_id
from domain.errors import BadInput, Conflict, NotFound, RuleBroken
from domain.events import PlanClosed, PlanOpened
from domain.plan import Plan
from domain.staff import StaffMember, staff_id_key
from domain.unit_of_work import CommandResult, command, decode_result, encode_result
from domain.vocabulary import PLAN_FAMILY

Clock = Callable[[], datetime]
R = TypeVar("R", bound=Record)
PLAN_ID_MIN_PREFIX = 8
KEPT_RECORDS = 10_000  # records a long-running process keeps between commands (see _get)


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


@dataclass
class Batch:
    events: int = 0
    # The caller's name for the command under way (an import's line number): a refusal
    # found only when the batch is saved carries it back as ``error.label``.
    label: Any = None
    # The caller's name for the batch's first command: a save refused for no one
    # command's sake (a record changed meanwhile) carries it back (``batches()``).
    first: Any = None
    # ``saved`` once the store confirmed the batch; batches() saves behind, and ``failed``
    # holds the error that refused it (raised as well, where the caller waits for the save).
    saved: bool = False
    failed: BaseException | None = None


class PlanRecords(Application):
    """Children's plans, the children they belong to, and the staff who keep them."""

    name = "plantrail"
    env = PERSISTENCE_TOPICS
    snapshotting_intervals = {Plan: 50, Child: 50, StaffMember: 50}
    snapshotting_projectors = {Plan: fold_events, Child: fold_events, StaffMember: fold_events}

    def __init__(self, env: dict[str, str] | None = None, *, clock: Clock = utc_now) -> None:
        super().__init__(env)
        self.clock = clock
        # The unit of work of the command (or batch) under way: the records it changed,
        # and the command ids to record with them.
        self._batch: dict[UUID, Record] | None = None
        self._commands: list[tuple[str, str]] = []
        # Records read in the unit of work under way: a bulk import reads its staff and
        # plans once per batch, not once per line. Dropped with the unit.
        self._reads: dict[UUID, Record] = {}
        self._command_id: str | None = None
        # Records as the last successful command left them, most recently used last.
        # A command takes what it needs out of here (no read from the store) and puts it
        # back only if it succeeds, so a refused or failed command can leave nothing
        # half-changed behind. A kept record may be stale (another process wrote since):
        # the save then fails on the record's next version, or on the check that what
        # was only read is unchanged, and the command is decided again on fresh reads.
        self._kept: OrderedDict[UUID, Record] = OrderedDict()
        self._took_kept = False
        # New records of the unit: the refusal to give if one already exists, and the
        # label of the command that made it (a bulk import names that command's line).
        self._new: dict[UUID, tuple[str, Any]] = {}
        self._outcome: Batch | None = None  # the batch() under way, if any
        # batches(): the last batch's save, under way on the saver thread, and the records
        # it leaves, which the next batch reads (the store does not have them yet).
        self._saver: ThreadPoolExecutor | None = None
        self._in_flight: tuple[Batch, Future[int]] | None = None
        self._saving: dict[UUID, Record] = {}

    @contextmanager
    def batch(self) -> Iterator[Batch]:
        """Run many commands as one unit: all their records are saved in one transaction
        at the end, or, if any command is refused, none of them (the bulk import path).
        The ``Batch`` it gives says, once saved, how many events were recorded."""
        outcome = Batch()
        self._open_unit()
        self._outcome = outcome
        try:
            yield outcome
            outcome.events = self._commit()
            outcome.saved = True
            self._keep()
        finally:
            self._close_unit()

    @contextmanager
    def batches(self) -> Iterator[Callable[[], AbstractContextManager[Batch]]]:
        """Batch after batch (the bulk import): each batch is saved on a thread while the
        next is decided, so the store's work on one overlaps the Python of the next.

        It gives ``batch``, used like ``batch()``; a batch's ``saved`` turns true once the
        store confirms it. A batch's save is waited for before the next one is saved and
        before any error of the next is raised: a failed save is reported first, and
        nothing after it is recorded. Its records are kept by nobody afterwards (the next
        batch may have changed them): later commands read the store."""
        with ThreadPoolExecutor(1, thread_name_prefix="plantrail-save") as saver:
            self._saver = saver
            try:
                yield self._batch_saved_behind
                self._wait_for_save()
            finally:
                if self._in_flight is not None:  # leaving on an error: let the save end
                    self._in_flight[1].exception()
                self._saver, self._in_flight, self._saving = None, None, {}

    @contextmanager
    def _batch_saved_behind(self) -> Iterator[Batch]:
        outcome = Batch()
        self._open_unit()
        self._outcome = outcome
        try:
            try:
                yield outcome
            finally:
                self._wait_for_save()  # an earlier batch's failure is the one to report
            records = self._unit_records()
            for record_id in records:
                self._kept.pop(record_id, None)
            pending = self._pending()
            if not pending:  # nothing to save (as _commit)
                outcome.saved = True
                return
            processing = self._processing(pending, commands=self._commands, unchanged=self._unchanged())
            assert self._saver is not None, "a batch saved behind runs inside batches()"
            self._in_flight = (outcome, self._saver.submit(self._save_behind, processing, self._new, outcome))
            self._saving = records
        finally:
            self._close_unit()

    def _wait_for_save(self) -> None:
        if self._in_flight is None:
            return
        outcome, saving = self._in_flight
        self._in_flight, self._saving = None, {}
        try:
            outcome.events = saving.result()
        except BaseException as error:
            outcome.failed = error
            raise
        outcome.saved = True

    def _save_behind(self, processing: ProcessingEvent[UUID], new: dict[UUID, tuple[str, Any]],
                     outcome: Batch) -> int:
        """On the saver thread. It touches only the collected events and the store,
        never the records, which the next batch is changing meanwhile."""
        try:
            self._store(processing)
        except IntegrityError:
            raise self._refusal(new, label=outcome.first) from None
        return len(processing.events)

    def _open_unit(self) -> None:
        self._batch, self._commands, self._reads, self._new = {}, [], {}, {}
        self._took_kept = False

    def _close_unit(self) -> None:
        self._batch, self._commands, self._reads, self._new = None, [], {}, {}
        self._outcome = None

    def _unit_records(self) -> dict[UUID, Record]:
        """Every record the unit of work read or changed."""
        return {**self._reads, **(self._batch or {})}

    def _keep(self) -> None:
        """After a successful unit: keep its records for the next command (bounded, LRU)."""
        for record_id, record in self._unit_records().items():
            self._kept[record_id] = record
            self._kept.move_to_end(record_id)
        while len(self._kept) > KEPT_RECORDS:
            self._kept.popitem(last=False)

    def _run(self, method: Callable[..., Any], args: Any, kwargs: Any, command_id: str | None) -> Any:
        self._command_id = command_id
        try:
            result = method(self, *args, **kwargs)
        finally:
            self._command_id = None
        if command_id is not None:
            self._commands.append((command_id, encode_result(result)))
        return result

    def command_result(self, command_id: str) -> CommandResult | None:
        """What a recorded command id answered, or None if it was never recorded."""
        lookup = getattr(self.recorder, "command_result", None)
        text = lookup(command_id) if lookup else None
        return decode_result(text) if text is not None else None

    def _commit(self) -> int:
        """Save the unit of work's records in one transaction; how many events it recorded."""
        pending = self._pending()
        if not pending:
            return 0
        processing = self._processing(pending, commands=self._commands, unchanged=self._unchanged())
        try:
            self._store(processing)
        except IntegrityError:
            raise self._refusal(self._new) from None
        return len(processing.events)

    def _pending(self) -> list[Record]:
        return [record for record in (self._batch or {}).values() if record.pending_events]

    def _unchanged(self) -> list[tuple[UUID, int]]:
        """What the unit decided on but does not change: it must still be as it was read."""
        return [(r.id, r.version) for r in self._unit_records().values() if not r.pending_events]

    def _refusal(self, new: dict[UUID, tuple[str, Any]], label: Any = None) -> RuleBroken | Conflict:
        """Why the store refused a unit: a new record that already exists, else a record
        that another process changed meanwhile."""
        for record_id, (already, new_label) in new.items():
            if self.recorder.select_events(record_id, limit=1):
                return RuleBroken(already, rule="unique ids", label=new_label)
        return Conflict("the record changed meanwhile; run the command again", rule="concurrency", label=label)

    @staticmethod
    def _processing(records: list[Record], **kwargs: Any) -> ProcessingEvent[UUID]:
        """The records' new events, collected for one save."""
        processing = ProcessingEvent[UUID]()
        for record in records:
            processing.events.extend(record.collect_events())
            processing.aggregates[record.id] = record
        processing.saved_kwargs.update(kwargs)
        return processing

    def _store(self, processing: ProcessingEvent[UUID]) -> None:
        """Application.save for records known to be ours: the library's save checks every
        object against runtime Protocols first, which costs more than the rest of a command.
        Snapshots are taken from what the store then holds, not from the records."""
        # The library's _record, without the Recording it makes of every event for
        # _notify, which does nothing here.
        stored = [self.mapper.to_stored_event(event) for event in processing.events]
        self.recorder.insert_events(stored, tracking=processing.tracking, **processing.saved_kwargs)
        self._take_snapshots(processing)

    # ================================================================== staff
    @command
    def add_staff(self, actor: str | None, staff_id: str, *, name: str, initials: str,
                  roles: list[str]) -> None:
        first = self.is_empty()
        if first:
            acting = Acting(staff_id=staff_id, initials=initials, on=self.today(),
                            at=self.clock(), command_id=self._command_id)
        else:
            acting = self._acting(actor, "add_staff")
        member = StaffMember.register(acting, staff_id=staff_id, name=name, initials=initials,
                                      roles=roles, first=first)
        self._save_new(member, f"staff member {staff_id} is already registered")

    @command
    def grant_role(self, actor: str | None, staff_id: str, role: str) -> None:
        acting = self._acting(actor, "grant_role")
        member = self.staff_member(staff_id)
        member.grant(acting, role)
        self._save(member)

    def staff_member(self, staff_id: str) -> StaffMember:
        return self._get(staff_id_key(staff_id), StaffMember, f"no staff member {staff_id}",
                         fix="see `plantrail staff add`")

    # ================================================================== children
    @command
    def register_child(self, actor: str | None, child_ref: str, *, name: str, born: date,
                       sex: str = "U", upn: str | None = None, nation: str = "england",
                       on: date | None = None) -> None:
        acting = self._acting(actor, "register_child", on=on)
        child = Child.register(acting, child_ref=child_ref, name=name, born=born, sex=sex, upn=upn,
                               nation=nation)
        self._save_new(child, f"child {child_ref} is already registered")

    def child(self, child_ref: str) -> Child:
        return self._get(child_id(child_ref), Child, f"no child {child_ref}", fix="see `plantrail child add`")

    # ================================================================== plans
    @command
    def open_plan(self, actor: str | None, child_ref: str, *, kind: str, aim: str,
                  aim_option: int | None = None, aim_months: int | None = None,
                  category: str | None = None, replaces: str | UUID | None = None,
                  referred: date | None = None, review_by: date | None = None,
                  referral_source: str | None = None, primary_need: str | None = None,
                  on: date | None = None, initials: str | None = None) -> UUID:
        acting = self._acting(actor, "open_plan", on=on, initials=initials)
        child = self.child(child_ref)
        old = self.plan(replaces) if replaces else None
        plan = Plan.open(acting, child_ref=child_ref, kind=kind, aim=aim, aim_option=aim_option,
                         aim_months=aim_months, category=category, replaces=old, referred=referred,
                         review_by=review_by, referral_source=referral_source, primary_need=primary_need)
        changed: list[Record] = [plan, child]
        if old is not None:
            old.close(acting, reason=f"replaced by {kind} plan {plan.id}", replaced_by=plan.id)
            child.end_plan(acting, plan_id=old.id)
            changed.append(old)
        child.start_plan(acting, plan_id=plan.id, family=PLAN_FAMILY[kind], kind=kind,
                         replacing=old.id if old else None)
        self._save(*changed)
        return plan.id

    @command
    def approve_plan(self, actor: str | None, plan_id: str | UUID, *, on: date | None = None) -> None:
        self._on_plan(actor, "approve_plan", plan_id, "approve", on=on)

    @command
    def change_kind(self, actor: str | None, plan_id: str | UUID, *, kind: str, review_id: str,
                    category: str | None = None) -> None:
        self._on_plan(actor, "change_kind", plan_id, "change_kind", kind=kind, review_id=review_id,
                      category=category)

    @command
    def change_aim(self, actor: str | None, plan_id: str | UUID, *, review_id: str, aim: str,
                   aim_option: int | None = None, aim_months: int | None = None) -> None:
        self._on_plan(actor, "change_aim", plan_id, "change_aim", review_id=review_id, aim=aim,
                      aim_option=aim_option, aim_months=aim_months)

    @command
    def record_details(self, actor: str | None, plan_id: str | UUID, *, on: date | None = None, **details: str | None) -> None:
        if details.get("lead"):
            self.staff_member(details["lead"])  # the lead professional is a known staff member
        self._on_plan(actor, "record_details", plan_id, "record_details", on=on,
                      **details)

    @command
    def extend_initial_plan(self, actor: str | None, plan_id: str | UUID, *, review_id: str, until: date) -> None:
        self._on_plan(actor, "extend_initial_plan", plan_id, "extend", review_id=review_id, until=until)

    @command
    def distribute_plan(self, actor: str | None, plan_id: str | UUID, *, to: list[str],
                        on: date | None = None) -> None:
        self._on_plan(actor, "distribute_plan", plan_id, "distribute", to=to, on=on)

    @command
    def close_plan(self, actor: str | None, plan_id: str | UUID, *, reason: str, on: date | None = None,
                   closure_reason: str | None = None) -> None:
        acting = self._acting(actor, "close_plan", on=on)
        plan = self.plan(plan_id)
        child = self.child(plan.state.child)
        plan.close(acting, reason=reason, closure_reason=closure_reason)
        child.end_plan(acting, plan_id=plan.id)
        self._save(plan, child)

    # ================================================================== Part Two
    @command
    def add_action(self, actor: str | None, plan_id: str | UUID, *, area: str, need: str, response: str,
                   frequency: str, responsible: str, starts: date, outcomes: list[str],
                   discussed_with: str | None = None, initials: str | None = None,
                   on: date | None = None) -> str:
        return self._on_plan(actor, "add_action", plan_id, "add_action", area=area, need=need,
                             response=response, frequency=frequency, responsible=responsible,
                             starts=starts, outcomes=outcomes, discussed_with=discussed_with,
                             initials=initials, on=on)

    @command
    def amend_action(self, actor: str | None, plan_id: str | UUID, action_id: str, *,
                     initials: str | None = None, on: date | None = None,
                     **changes: Any) -> None:
        self._on_plan(actor, "amend_action", plan_id, "amend_action", action_id, initials=initials, on=on, **changes)

    @command
    def end_action(self, actor: str | None, plan_id: str | UUID, action_id: str, *, reason: str,
                   discussed_with: str | None = None, initials: str | None = None,
                   on: date | None = None) -> None:
        self._on_plan(actor, "end_action", plan_id, "end_action", action_id, reason=reason,
                      discussed_with=discussed_with, initials=initials, on=on)

    # ================================================================== views, reviews, visits
    @command
    def record_view(self, actor: str | None, plan_id: str | UUID, *, party: str, name: str, text: str,
                    on: date | None = None) -> None:
        self._on_plan(actor, "record_view", plan_id, "record_view", party=party, name=name, text=text,
                      on=on)

    @command
    def record_signature(self, actor: str | None, plan_id: str | UUID, *, party: str, name: str,
                         agrees: str = "unstated", on: date | None = None) -> None:
        self._on_plan(actor, "record_signature", plan_id, "record_signature", party=party, name=name,
                      agrees=agrees, on=on)

    @command
    def record_contact(self, actor: str | None, plan_id: str | UUID, *, person: str, relationship: str,
                       arrangement: str, on: date | None = None) -> None:
        self._on_plan(actor, "record_contact", plan_id, "record_contact", person=person,
                      relationship=relationship, arrangement=arrangement, on=on)

    @command
    def hold_review(self, actor: str | None, plan_id: str | UUID, *, kind: str, on: date, chair: str,
                    next_review: date | None = None, ratings: dict[str, str] | None = None) -> str:
        chairing = self.staff_member(chair)
        if "review-chair" not in chairing.state.roles:
            raise RuleBroken(f"{chair} is not a review chair", rule="roles",
                             fix="name a staff member with the review-chair role as --chair")
        return self._on_plan(actor, "hold_review", plan_id, "hold_review", kind=kind, chair=chair,
                             next_review=next_review, ratings=ratings, on=on)

    @command
    def record_visit(self, actor: str | None, plan_id: str | UUID, *, on: date, seen_alone: bool | None = None) -> None:
        self._on_plan(actor, "record_visit", plan_id, "record_visit", seen_alone=seen_alone, on=on)

    @command
    def record_placement(self, actor: str | None, plan_id: str | UUID, *, on: date, emergency: bool = False,
                         long_term: bool = False, placement: str | None = None) -> None:
        """The looked-after child is placed (or moves) on ``on`` (seed 003)."""
        self._on_plan(actor, "record_placement", plan_id, "record_placement", emergency=emergency,
                      long_term=long_term, placement=placement, on=on)

    @command
    def record_supervision(self, actor: str | None, plan_id: str | UUID, *, on: date,
                           note: str | None = None) -> None:
        self._on_plan(actor, "record_supervision", plan_id, "record_supervision", note=note, on=on)

    # ================================================================== corrections
    @command
    def correct(self, actor: str | None, event_ref: str, *, fields: dict[str, Any], reason: str) -> str:
        acting = self._acting(actor, "correct")
        record, version = self._event_target(event_ref)
        record.correct(acting, version, fields, reason)
        corrected = f"{record.id}/{record.version}"
        if isinstance(record, Plan) and "effective_on" in fields:
            self._follow_period(acting, record, version, reason)
        self._save(record)
        return corrected

    @command
    def void(self, actor: str | None, event_ref: str, *, reason: str) -> str:
        acting = self._acting(actor, "void")
        record, version = self._event_target(event_ref)
        record.void(acting, version, reason)
        self._save(record)
        return f"{record.id}/{record.version}"

    def _follow_period(self, acting: Acting, plan: Plan, version: int, reason: str) -> None:
        """A corrected opening or closing date moves the child's plan period with it."""
        target = plan.entry(version)
        if not isinstance(target, (PlanOpened, PlanClosed)):
            return
        child = self.child(plan.state.child)
        child.move_period(acting, plan_id=plan.id, started_on=plan.state.opened_on,
                          ended_on=plan.state.closed_on, reason=reason)
        self._save(child)

    # ================================================================== reads
    def plan(self, plan_ref: str | UUID) -> Plan:
        return self._get(self.plan_id(plan_ref), Plan, f"no plan {plan_ref}", fix="see `plantrail plans`")

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
        return not self.recorder.max_notification_id() and not self._batch and not self._saving

    def today(self) -> date:
        return self.clock().date()

    # ================================================================== helpers
    def _on_plan(self, actor: str | None, command: str, plan_ref: str | UUID, method: str, *args: Any,
                 on: date | None = None, initials: str | None = None,
                 **kwargs: Any) -> Any:
        acting = self._acting(actor, command, on=on, initials=initials)
        plan = self.plan(plan_ref)
        result = getattr(plan, method)(acting, *args, **kwargs)
        self._save(plan)
        return result

    def _acting(self, actor: str | None, command: str, *, on: date | None = None,
                initials: str | None = None) -> Acting:
        if not actor:
            raise BadInput("every write needs the staff member doing the work",
                           fix="give --as STAFF_ID or set PLANTRAIL_AS")
        member = self._get(staff_id_key(actor), StaffMember, f"no staff member {actor}",
                           fix="give --as the id of a registered staff member")
        member.authorise(command)
        return Acting(staff_id=actor, initials=initials if initials is not None else member.state.initials,
                      on=on or self.today(), at=self.clock(), command_id=self._command_id)

    def _event_target(self, event_ref: str) -> tuple[Record, int]:
        record_ref, _, version = event_ref.strip().rpartition("/")
        if not record_ref or not version.isdigit():
            raise BadInput(f"'{event_ref}' is not an event id", fix="event ids look like PLAN_ID/7; see `plantrail history`")
        try:
            record_id = UUID(record_ref)
        except ValueError:
            record_id = self.plan_id(record_ref)
        return self._get(record_id, Record, f"no record {record_ref}", fix="see `plantrail history`"), int(version)

    def _get(self, record_id: UUID, kind: type[R], missing: str, *, fix: str = "") -> R:
        record = None
        if self._batch is not None:
            record = self._batch.get(record_id) or self._reads.get(record_id)
            if record is None and self._outcome is None:  # a batch() reads from the store
                record = self._kept.pop(record_id, None)
                self._took_kept = self._took_kept or record is not None
            elif record is None:  # ... or what the batch before left, while the store saves it
                record = self._saving.get(record_id)
        if record is None:
            try:
                record = self.repository.get(record_id, projector_func=fold_events)
            except AggregateNotFoundError:
                raise NotFound(missing, fix=fix) from None
        if self._batch is not None:
            self._reads[record_id] = record
        if not isinstance(record, kind):
            raise NotFound(missing, fix=fix)
        return record

    def _save(self, *records: Record) -> None:
        """Add changed records to the unit of work under way (see ``command``)."""
        assert self._batch is not None, "records are saved by a command's unit of work"
        self._batch.update((record.id, record) for record in records)

    def _save_new(self, record: Record, already: str) -> None:
        assert self._batch is not None, "records are saved by a command's unit of work"
        # The store's unique key is the check (see _commit): no read before every new record.
        if record.id in self._batch or record.id in self._kept or record.id in self._saving:
            raise RuleBroken(already, rule="unique ids")
        self._new[record.id] = (already, self._outcome.label if self._outcome else None)
        self._batch[record.id] = record
