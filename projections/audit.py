"""Everything a read may show that is derived from the log, checked against the log: the
views' rows and positions, the command log, and any snapshots an earlier version left.

A derived row is a cache, never an authority: each is made again here from the events it
rests on, with the same fold and row functions that made it, and compared. Whatever does
not match is a finding (``verify``'s problem ``derived``), naming the table and the record.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, NamedTuple
from uuid import UUID

import orjson
from eventsourcing.utils import resolve_topic

from plantrail.projections.fold import Folding
from plantrail.projections.views import VIEWS, View
from plantrail.store import derived, view_tables
from plantrail.store.log import Logged, prefetch_keys
from plantrail.store.sealing import plain_part

CHUNK = 1000
LOG_WINDOW = 50_000  # positions of the log read at a time for its records' first events


class Finding(NamedTuple):
    table: str
    record: str
    detail: str


def check_derived(app: Any) -> list[Finding]:
    """Every derived row that the log does not give, in the order found."""
    positions, log = view_tables.tracking(app)
    findings: list[Finding] = []
    for view in VIEWS:
        findings += check_view(app, view, positions.get(view.name), log)
    findings += check_command_log(app)
    findings += check_snapshots(app)
    return findings


def check_view(app: Any, view: View, tracked: dict[str, Any] | None, log: int) -> list[Finding]:
    """Each row of the view equals the row its record's events make at the row's version, no
    row is behind the view's position, and no record the view has passed lacks a row. A view
    kept by another version of its code is read by nobody (reads fold it afresh): not checked.
    Both walks hold a page at a time: the check's memory does not grow with the store."""
    if tracked is None or tracked["version"] != view.version:
        return []
    findings = []
    passed = tracked["position"]
    if passed > log:
        findings.append(Finding("view_tracking", view.name, f"the view claims position {passed}, beyond the "
                                f"log's last position {log}"))
    return findings + _rows_against_log(app, view, passed) + _records_without_rows(app, view, min(passed, log))


def _rows_against_log(app: Any, view: View, passed: int) -> list[Finding]:
    """The view's rows, a page at a time in key order, each against its record's events."""
    findings = [Finding(view.table.name, "", "a row with no record id, for no record the log holds")
                for _ in range(derived.keyless_rows(app, view.table.name, view.table.key))]
    key, topics, after = view.table.key, set(view.first_topics), None
    while rows := derived.view_rows_after(app, view.table, after, CHUNK):
        after = rows[-1][key]
        ids = {row[key]: _record_id(row[key]) for row in rows}
        events = _records(app, sorted({i for i in ids.values() if i is not None}))
        for row in rows:
            record = ids[row[key]]
            logged = events.get(record, []) if record is not None else []
            if not any(n.topic in topics for n in logged):
                findings.append(Finding(view.table.name, row[key], "a row for a record the log does not hold"))
            elif problem := _row_problem(app, view, logged, row, passed):
                findings.append(Finding(view.table.name, row[key], problem))
        if len(rows) < CHUNK:
            break
    return findings


def _records_without_rows(app: Any, view: View, passed: int) -> list[Finding]:
    """The records the view has passed (their first event at or before its position) that
    hold no row: the log read a window of positions at a time."""
    findings: list[Finding] = []
    seen: set[UUID] = set()  # (only records found without a row: a record named once)
    topics = sorted(view.first_topics)
    for low in range(0, passed, LOG_WINDOW):
        found = derived.first_events_between(app, topics, low, min(low + LOG_WINDOW, passed))
        held = derived.keys_held(app, view.table, sorted({str(record) for record, _ in found}))
        missing = sorted({record for record, _ in found if str(record) not in held} - seen)
        if not missing:
            continue
        seen.update(missing)
        events = _records(app, missing)
        findings += [Finding(view.table.name, str(record), problem) for record in missing
                     if (problem := _row_problem(app, view, events[record], None, passed))]
    return findings


def _records(app: Any, ids: list[UUID]) -> dict[UUID, list[Logged]]:
    """These records' events, with their children's keys opened in one query, not one a child."""
    events = derived.record_events(app, ids)
    prefetch_keys(app, [n for logged in events.values() for n in logged])
    return events


def _record_id(key: Any) -> UUID | None:
    """A row's key as the record id it names (None: it names none, so no record of the log)."""
    try:
        record = UUID(str(key))
    except ValueError:
        return None
    return record if str(record) == key else None


def _row_problem(app: Any, view: View, logged: list[Logged], row: dict[str, Any] | None, passed: int) -> str:
    reached = [n for n in logged if n.id <= passed]  # what the view has read of the record
    if row is None:
        if not reached:
            return ""
        folded = Folding(view.record_class, app.mapper.to_domain_events(logged))
        # An erased child's rows are deleted with the child's key (store/erasure.py).
        return "" if folded.record.erased else "the view has passed this record's events but holds no row for it"
    at = {n.originator_version: n for n in logged}
    claimed = _claimed_version(view, row, logged)
    if claimed is None or claimed not in at or at[claimed].id != row["position"]:
        return f"the row claims position {row['position']}, which is no event of this record"
    if reached and claimed < reached[-1].originator_version:
        return f"the row is of version {claimed}, behind the view's position (version {reached[-1].originator_version})"
    events = app.mapper.to_domain_events([n for n in logged if n.originator_version <= claimed])
    expected = dict(zip(view.table.columns, view.row(logged[0].originator_id, Folding(view.record_class, events),
                                                     at[claimed].id)))
    differs = [c for c in view.table.columns if _value(row.get(c)) != _value(expected[c])]
    return f"the row's {', '.join(differs)} differ from what the log gives" if differs else ""


def _claimed_version(view: View, row: dict[str, Any], logged: list[Logged]) -> int | None:
    """The version a row says it folds to: its ``version`` column, or the version of the event
    at its position (views that keep no version)."""
    if "version" in view.table.columns:
        return row["version"]
    return next((n.originator_version for n in logged if n.id == row["position"]), None)


def _value(value: Any) -> Any:
    return str(value) if value is not None and not isinstance(value, (int, str)) else value


def check_command_log(app: Any) -> list[Finding]:
    """Each command log row names the position of an event that carries its id (rows from
    before positions were kept: an event somewhere carries it). A row the log does not back
    would make a later command with that id record nothing. Read a page of rows at a time."""
    findings = [Finding("command_log", "", "a row with no command id, which no event carries")
                for _ in range(derived.keyless_rows(app, "commands", "command_id"))]
    unplaced: set[str] = set()
    after = None
    while rows := derived.command_log_after(app, after, CHUNK):
        after = rows[-1].command_id
        placed = [r for r in rows if r.position is not None]
        states = derived.states_at(app, [r.position for r in placed])
        findings += [Finding("command_log", r.command_id, f"the event at position {r.position} is not this command's")
                     for r in placed if _command_id(states.get(r.position)) != r.command_id]
        unplaced.update(r.command_id for r in rows if r.position is None)
        if len(rows) < CHUNK:
            break
    if unplaced:
        for carried in _all_command_ids(app):  # (not kept: the log's ids would grow with it)
            unplaced.discard(carried)
            if not unplaced:
                break
        findings += [Finding("command_log", cid, "no event of the log carries this command id")
                     for cid in sorted(unplaced)]
    return findings


def _all_command_ids(app: Any) -> Iterable[str]:
    from plantrail.store.log import read_log

    after = 0
    while notes := read_log(app, after, 10_000):
        for n in notes:
            if (cid := _command_id(n.state)) is not None:
                yield cid
        after = notes[-1].id


def _command_id(state: bytes | None) -> str | None:
    try:
        value = orjson.loads(plain_part(state)).get("command_id") if state else None
    except (orjson.JSONDecodeError, AttributeError):
        return None
    return value if isinstance(value, str) else None


def check_snapshots(app: Any) -> list[Finding]:
    """A snapshot an earlier version took holds the record's entries, corrections and voids as
    its events give them at its version (plantrail reads no snapshot now; a forged one is still
    a sign of tampering)."""
    rows = derived.snapshots(app)
    events = derived.record_events(app, sorted({r.originator_id for r in rows}))
    findings = []
    for row in rows:
        logged = [n for n in events.get(row.originator_id, []) if n.originator_version <= row.version]
        held = _held(row)
        if not logged or logged[-1].originator_version != row.version or held is None \
                or _snapshot_of(app, held[0], logged) != held[1:]:
            findings.append(Finding("snapshots", f"{row.originator_id}/{row.version}",
                                    "the snapshot does not hold what the log gives at its version"))
    return findings


def _snapshot_of(app: Any, topic: str, logged: list[Logged]) -> Any:
    """What a snapshot of the record at the last of these events holds."""
    record = Folding(resolve_topic(topic), app.mapper.to_domain_events(logged)).record
    return ([orjson.loads(e.model_dump_json()) for e in record.entries],
            {str(v): f for v, f in record.corrections.items()}, sorted(record.voided))


def _held(row: derived.SnapshotRow) -> tuple[str, Any, Any, Any] | None:
    """A snapshot's record class topic, entries, corrections and voids (None if unreadable)."""
    try:
        state = orjson.loads(row.state)["state"]
        return state["topic"], [e["data"] for e in state["entries"]], state["corrections"], state["voided"]
    except (orjson.JSONDecodeError, KeyError, TypeError):
        return None
