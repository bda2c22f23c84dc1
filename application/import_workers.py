"""An import's lines decided on several processes, saved in the file's order (``--workers N``).

The import is bound by the Python that decides each line (docs/performance.md). Lines about
different children are independent: each line is routed by the child it is about (its
``child_ref``, the child of the plan it names, or the line its ``$N`` names) to one of N worker
processes, always the same one for the same child. A worker decides its share of a batch's
lines in file order against the store (and the records it left in the batch before, which
may still be saving), seals the events and sends them back; the parent puts the batch's
events in the order one process would have made them (each record by the first line that
changed it) and saves the batch in one transaction, while the workers decide the next.

Anything out of the ordinary is decided again by the parent, one line after another, as the
import without workers does: a batch with a line no child can be routed by (staff commands,
corrections), a refused line (so the error is the one a single process reports, naming the
same line), two workers touching one record, a save the store refused. The store's own checks
(each record's version, the unchanged reads) stand behind the routing: a batch decided on a
stale record is refused at its save and decided again.
"""

from __future__ import annotations

import gc
from bisect import bisect_right
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass, field
from multiprocessing import get_context
from typing import Any
from uuid import UUID

from eventsourcing.persistence import IntegrityError, StoredEvent

from plantrail.application.imports import (
    COLLECT_EVERY,
    LineError,
    LineIds,
    LineResults,
    _chunks,
    _parsed,
    _recorded_to,
    _refs,
    _run_chunk,
    call_line,
)
from plantrail.application.results import decode_result
from plantrail.application.saver import Batch
from plantrail.application.unit_of_work import UnitOfWork, with_first_events
from plantrail.domain.base import change_mark
from plantrail.domain.child import child_id
from plantrail.domain.errors import BadInput, DomainError

Line = tuple[int, dict[str, Any], str | None]  # (line number, its JSON, its made command id)
PLAN_ARGS = ("plan_id", "replaces")  # arguments naming a plan (whose child routes the line)


@dataclass
class Part:
    """One worker's lines of a batch, with the results of earlier lines they name."""

    lines: list[Line]
    results: dict[int, str | None]
    fresh: bool  # the store changed beyond this worker's records: forget what it carries


@dataclass
class Decided:
    """What a worker decided: each changed record's events, sealed, by the first line that
    changed it; the commands with their results; what it read and did not change."""

    refused: bool = False
    results: dict[int, str | None] = field(default_factory=dict)
    records: list[tuple[int, int, list[StoredEvent], list[str | None]]] = field(default_factory=list)
    commands: list[tuple[int, tuple[str, str, str]]] = field(default_factory=list)
    unchanged: list[tuple[UUID, int]] = field(default_factory=list)
    changed: set[UUID] = field(default_factory=set)


# ---------------------------------------------------------------------------- in the worker
_WORKER: dict[str, Any] = {}


def start_worker(open_app: Callable[[], Any]) -> None:
    """A worker process's start: its own application on the store (reading; the parent saves)."""
    gc.disable()  # as the import does (application/imports.py), collected every COLLECT_EVERY lines
    _WORKER.update(app=open_app(), carried={}, results={}, decided=0)


def decide(part: Part) -> Decided:
    """Decide a part's lines in one unit of work; refused (nothing more) if any line is."""
    app, carried, results = _WORKER["app"], _WORKER["carried"], _WORKER["results"]
    if part.fresh:
        carried.clear()
        keyring = getattr(app.recorder, "keyring", None)
        if keyring is not None:
            keyring.reread()
    results.update(part.results)
    unit = app._unit = UnitOfWork(app, saving=carried, batch=Batch())
    marks: list[int] = []  # the change mark at each line's start (domain.base.change_mark)
    commands: list[tuple[int, tuple[str, str, str]]] = []
    try:
        for lineno, line, made_id in part.lines:
            unit.batch.label = lineno  # type: ignore[union-attr]
            marks.append(change_mark())
            ran = len(unit.commands)
            call_line(app, line, lineno, results, made_id)
            commands.extend((lineno, command) for command in unit.commands[ran:])
        decided = _sealed(app, unit, lambda record: part.lines[bisect_right(marks, record.changed) - 1][0])
    except Exception:  # noqa: BLE001 - the parent decides the batch again and reports what it finds
        carried.clear()
        keyring = getattr(app.recorder, "keyring", None)
        if keyring is not None:
            keyring.forget_pending()  # keys for children the parent may now make itself
        return Decided(refused=True)
    finally:
        app._unit = None
    decided.results = {lineno: results[lineno] for lineno, _, _ in part.lines}
    decided.commands = commands
    carried.clear()
    carried.update(unit.records)
    _WORKER["decided"] += len(part.lines)
    if _WORKER["decided"] >= COLLECT_EVERY:
        gc.collect()
        _WORKER["decided"] = 0
    return decided


def _sealed(app: Any, unit: UnitOfWork, first_line: Callable[[Any], int]) -> Decided:
    """The unit's changes as the parent saves them: events mapped (sealed) here, the new
    children's keys saved here, in a transaction of their own before the parent saves the
    events they seal (a batch decided again by the parent finds them)."""
    unchanged = unit.unchanged()
    collected = [(record, record.collect_events()) for record in unit.pending()]
    # (all the part's events mapped at once: their new children's keys asked for together)
    stored = iter(app.mapper.to_stored_events([event for _, events in collected for event in events]))
    records = [(first_line(record), order, [next(stored) for _ in events], [e.command_id for e in events])
               for order, (record, events) in enumerate(collected)]
    keyring = getattr(app.recorder, "keyring", None)
    if keyring is not None:
        keyring.flush()
    read = {record_id for record_id, _ in unchanged}
    return Decided(records=records, unchanged=unchanged, changed=set(unit.records) - read)


# ---------------------------------------------------------------------------- in the parent
@dataclass
class _Import:
    """One import's state in the parent: what the lines printed, each line's routing key
    (None: decided by the parent), the made command ids, the counts."""

    app: Any
    progress: Callable[[int, int, int], None] | None
    results: LineResults = field(default_factory=LineResults)
    keys: dict[int, Any] = field(default_factory=dict)
    plans: dict[UUID, Any] = field(default_factory=dict)  # a plan named by its id -> its child's key
    seen_ids: dict[str, int] = field(default_factory=dict)
    last_ids: dict[int, str] = field(default_factory=dict)
    # (``by_workers``: the batches the workers decided; the rest the parent decided itself)
    counts: dict[str, int] = field(default_factory=lambda: {"lines": 0, "events": 0, "batches": 0, "by_workers": 0})
    workers_lost: str | None = None  # why the workers stopped, if they did (the parent went on alone)

    def count(self, lines: int, size: int, events: int) -> None:
        self.counts["lines"] += lines
        self.counts["events"] += events
        self.counts["batches"] += 1
        if self.progress is not None:
            self.progress(lines, size, self.counts["events"])


@dataclass
class _Chunk:
    first: int
    lines: int
    size: int
    parsed: list[tuple[int, bytes, Any, str | None]]
    known: dict[str, Any]


def import_with_workers(app: Any, lines: Iterable[tuple[int, bytes]], *, batch_size: int, workers: int,
                        open_worker: Callable[[], Any],
                        progress: Callable[[int, int, int], None] | None = None) -> dict[str, int]:
    """``import_lines`` with the deciding spread over ``workers`` processes, each opened by
    ``open_worker`` (a picklable callable giving an application on the same store)."""
    run = _Import(app, progress)
    ids = LineIds()
    context = get_context("spawn")  # never fork a process holding connections and threads
    pools = [ProcessPoolExecutor(1, mp_context=context, initializer=start_worker, initargs=(open_worker,))
             for _ in range(workers)]
    fresh = [False] * workers
    saver = ThreadPoolExecutor(1, thread_name_prefix="plantrail-save")
    in_flight: tuple[_Chunk, Future[int]] | None = None
    collecting = gc.isenabled()
    gc.disable()
    try:
        for lines_of_chunk in _chunks(lines, batch_size):
            parsed = _parsed(lines_of_chunk, ids)
            chunk = _Chunk(lines_of_chunk[0][0], len(lines_of_chunk), sum(len(t) for _, t in lines_of_chunk),
                           parsed, app.recorder.command_records([cid for *_, cid in parsed if cid]))
            run.last_ids[chunk.first] = ids.id_of(lines_of_chunk[-1][0]) or ""
            shares = _route(run, chunk, workers)
            decided = _decide_all(pools, shares, run, fresh) if shares is not None else None
            if in_flight is not None:
                if not _confirmed(run, *in_flight):
                    decided = None  # built on a batch that is decided again now
                    fresh = [True] * workers
                in_flight = None
            if decided is None:
                run.count(chunk.lines, chunk.size, _one_by_one(run, chunk))
                fresh = [True] * workers
                continue
            in_flight = (chunk, saver.submit(_save, app, *_merged(run, chunk, decided)))
        if in_flight is not None:
            _confirmed(run, *in_flight)  # (the last batch: decided again by the parent if refused)
            in_flight = None
    finally:
        if in_flight is not None:
            in_flight[1].exception()  # leaving on an error: let the save under way end
        saver.shutdown()
        for pool in pools:
            pool.shutdown(cancel_futures=True)
        app.kept.clear()  # records the workers changed may be kept from before
        if collecting:
            gc.enable()
    if run.workers_lost is not None:
        run.counts["workers_lost"] = run.workers_lost  # type: ignore[assignment]
    return run.counts


def _route(run: _Import, chunk: _Chunk, workers: int) -> list[list[tuple[int, Any, Any, list[int]]]] | None:
    """Each line's share (by its routing key), or None where the parent must decide the batch:
    a line it cannot route, a bad line (reported as one process reports it), a command id
    given twice."""
    keys = []
    for lineno, _, line, made_id in chunk.parsed:
        if line is not None:
            refs = [int(m.group(1)) for m in _refs(line.get("args"))] if isinstance(line, dict) else []
            run.keys[lineno] = key = _key(run, line, refs)  # (a later line's $N names this one)
            keys.append((lineno, line, made_id, key, refs))
    shares: list[list[tuple[int, Any, Any, list[int]]]] = [[] for _ in range(workers)]
    named: set[str] = set()
    for lineno, line, made_id, key, refs in keys:
        if not isinstance(line, dict):
            return None
        given = line.get("command_id")
        if isinstance(given, str):
            if given in run.seen_ids or given in named:
                return None
            named.add(given)
        if made_id in chunk.known:
            continue  # recorded by an earlier import: answered from the command log
        if key is None:
            return None
        shares[key.int % workers].append((lineno, line, made_id, refs))
    return shares


def _key(run: _Import, line: Any, refs: list[int]) -> UUID | None:
    """The child a line is about (its record id), if exactly one: by ``child_ref``, by a plan
    it names (looked up once: the plan's first event names its child), by the lines its
    ``$N`` name."""
    args = line.get("args") if isinstance(line, dict) else None
    if not isinstance(args, dict):
        return None
    found: set[Any] = {run.keys.get(ref) for ref in refs}
    ref = args.get("child_ref")
    if isinstance(ref, str) and not ref.startswith("$"):
        found.add(_child_key(ref))
    for name in PLAN_ARGS:
        plan = args.get(name)
        if isinstance(plan, str) and not plan.startswith("$"):
            found.add(_plan_child(run, plan))
    return found.pop() if len(found) == 1 else None


def _child_key(ref: str) -> UUID | None:
    try:
        return child_id(ref)
    except (BadInput, ValueError):
        return None


def _plan_child(run: _Import, plan: str) -> UUID | None:
    try:
        plan_id = UUID(plan.strip())
    except ValueError:
        return None  # a prefix: the parent looks it up as the command would
    if plan_id not in run.plans:
        first = run.app.recorder.select_events(plan_id, lte=1)
        ref = getattr(run.app.mapper.to_domain_event(first[0]), "child_ref", None) if first else None
        run.plans[plan_id] = _child_key(ref) if isinstance(ref, str) else None
    return run.plans[plan_id]


def _decide_all(pools: list[ProcessPoolExecutor], shares: list[list[tuple[int, Any, Any, list[int]]]], run: _Import,
                fresh: list[bool]) -> list[Decided] | None:
    """Each worker's share decided; None if any was refused or two touched one record. A worker
    that stopped (it could not open the store, it was killed) leaves the rest of the import to
    the parent: it goes on line by line, as without workers."""
    if run.workers_lost is not None:
        return None
    futures = []
    try:
        for i, (pool, share) in enumerate(zip(pools, shares)):
            if share:
                named = {ref: run.results[ref] for *_, refs in share for ref in refs if ref in run.results}
                futures.append(pool.submit(decide, Part([line[:3] for line in share], named, fresh[i])))
                fresh[i] = False
        decided = [future.result() for future in futures]
    except Exception as lost:  # noqa: BLE001 - nothing a lost worker decided is saved
        run.workers_lost = f"{type(lost).__name__}: {lost}".strip()
        return None
    if any(d.refused for d in decided) or not _apart(decided):
        return None
    return decided


def _apart(decided: list[Decided]) -> bool:
    """No record changed by two workers, none read by one and changed by another."""
    for i, one in enumerate(decided):
        for other in decided[i + 1:]:
            if one.changed & other.changed or one.changed & {r for r, _ in other.unchanged} or \
                    other.changed & {r for r, _ in one.unchanged}:
                return False
    return True


def _merged(run: _Import, chunk: _Chunk, decided: list[Decided]) -> tuple[list[StoredEvent], list[Any], list[Any]]:
    """The batch as one process would save it: records in the order lines first changed them,
    each record's events together; the commands in file order, each with its first event."""
    for d in decided:
        run.results.update(d.results)
    for lineno, _, line, made_id in chunk.parsed:
        if made_id in chunk.known:
            value = decode_result(chunk.known[made_id].result).value
            run.results[lineno] = str(value) if value is not None else None
        elif isinstance(line, dict) and isinstance(line.get("command_id"), str):
            run.seen_ids[line["command_id"]] = lineno
    records = sorted((first, w, order, events, cids) for w, d in enumerate(decided)
                     for first, order, events, cids in d.records)
    stored = [event for *_, events, _ in records for event in events]
    commands = with_first_events([command for _, command in sorted(c for d in decided for c in d.commands)],
                                 [cid for *_, cids in records for cid in cids])
    unchanged = sorted({read for d in decided for read in d.unchanged})
    return stored, commands, unchanged


def _save(app: Any, stored: list[StoredEvent], commands: list[Any], unchanged: list[Any]) -> int:
    """On the saving thread: the batch in one transaction. One the store already holds (sent
    again after a lost reply) counts as saved."""
    try:
        app.recorder.insert_events(stored, tracking=None, commands=commands, unchanged=unchanged)
    except IntegrityError:
        if app.landed([command[:3] for command in commands]):
            return len(stored)
        raise
    return len(stored)


def _confirmed(run: _Import, chunk: _Chunk, saving: Future[int]) -> bool:
    """Whether the batch under way was saved; if the store refused it, it is decided again
    one line after another (which reports the refusal as one process would)."""
    try:
        events = saving.result()
    except Exception:  # noqa: BLE001 - decided again: the error found then is the one reported
        run.count(chunk.lines, chunk.size, _one_by_one(run, chunk))
        return False
    run.count(chunk.lines, chunk.size, events)
    run.counts["by_workers"] += 1
    return True


def _one_by_one(run: _Import, chunk: _Chunk) -> int:
    """A batch decided by the parent, as the import without workers decides it; its events."""
    app = run.app
    keyring = getattr(app.recorder, "keyring", None)
    if keyring is not None:
        keyring.reread()  # keys the workers saved since this process last read them
    for command_id, lineno in list(run.seen_ids.items()):
        if lineno >= chunk.first:  # (noted when the workers' batch was merged: decided again now)
            del run.seen_ids[command_id]
    outcome = Batch()
    try:
        with app.batch() as outcome:
            outcome.first = outcome.label = chunk.first
            _run_chunk(app, chunk.parsed, outcome, run.results, run.seen_ids, chunk.known)
    except Exception as error:
        label = getattr(error, "label", None) if isinstance(error, DomainError) else None
        refused = isinstance(error, DomainError)
        recorded_to = chunk.first - 1 if refused else _recorded_to(app, [], outcome, run.last_ids)
        raise LineError(label if label is not None else outcome.label, error, chunk.first, recorded_to) from error
    return outcome.events
