"""The materialised views: what each keeps, and how a batch of the log updates it.

Each view is rebuildable from the log at any time. Per batch it finds the records
the batch touched, folds each one up to the batch's last event of it (with the
domain's fold, corrections applied), and upserts one row per record. Rows are a
function of the events alone, so catching up in any batch sizes, or rebuilding,
gives the same tables.

- ``plans`` → ``view_plans``: one row a plan, its ``show`` document and the columns
  ``plans`` filters on; ``due`` reads the open ones. Also answers plan-id prefixes.
- ``children`` → ``view_children``: each child's reference, name and nation (the
  nation's bank holidays count for working-day timescales).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any
from uuid import UUID

import orjson
from eventsourcing.utils import get_topic

from plantrail.domain import events as ev
from plantrail.domain.child import Child
from plantrail.domain.plan import Plan
from plantrail.projections.current import plan_document
from plantrail.projections.fold import Folding
from plantrail.store import view_tables
from plantrail.store.view_tables import Table, Tx

CORRECTION_TOPICS = frozenset({get_topic(ev.Corrected), get_topic(ev.Voided)})
CHILD_TOPICS = frozenset(get_topic(c) for c in (ev.ChildRegistered, ev.ChildPlanStarted, ev.ChildPlanEnded,
                                                ev.ChildPlanWithdrawn, ev.MissingPeriodRecorded,
                                                ev.ReferralRecorded, ev.AssessmentRecorded, ev.Section47Recorded,
                                                ev.ChildRestricted, ev.ChildUnrestricted, ev.ErasureRequested, ev.ChildErased))
NOT_PLAN_TOPICS = CHILD_TOPICS | CORRECTION_TOPICS | {
    get_topic(ev.StaffMemberRegistered), get_topic(ev.RoleGranted), get_topic(ev.RoleRevoked),
    get_topic(ev.StaffLeft), get_topic(ev.LoginBound), get_topic(ev.RecordRead)}
PLAN_TOPICS = frozenset(get_topic(c) for c in ev.CATALOGUE) - NOT_PLAN_TOPICS
CACHE_LIMIT = 5000  # folded records kept between batches of one catch-up


class Session:
    """One catch-up: decoded events and folded records kept between its batches."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.folds: dict[UUID, Folding] = {}

    def fold(self, cls: type, record_id: UUID, events: list[ev.Event]) -> Folding:
        """The record folded through ``events`` (its next ones, in order)."""
        first = events[0].originator_version
        folding = self.folds.get(record_id)
        if folding is None or folding.version != first - 1:
            earlier = self.app.events.get(record_id, lte=first - 1) if first > 1 else []
            folding = Folding(cls, earlier)
        for event in events:
            folding.take(event)
        if len(self.folds) >= CACHE_LIMIT:
            self.folds.clear()
        self.folds[record_id] = folding
        return folding

    def forget(self) -> None:
        self.folds.clear()


class View:
    name: str
    version: int  # bump when rows change shape: a view stored by another version is rebuilt
    table: Table  # its rows' table (plantrail.store.view_tables): row() returns its columns, in order
    record_class: type
    own_topics: frozenset[str]
    first_topics: frozenset[str]  # the topics of the event that makes a record of this view

    def touched(self, tx: Tx, notifications: list[Any], session: Session) -> dict[UUID, list[Any]]:
        """The records of this view a batch touches, with their notifications."""
        touched: dict[UUID, list[Any]] = defaultdict(list)
        unsure = []
        for n in notifications:
            if n.topic in self.own_topics:
                touched[n.originator_id].append(n)
            elif n.topic in CORRECTION_TOPICS:
                unsure.append(n)
        if unsure:
            known = self.known_ids(tx, {n.originator_id for n in unsure})
            known |= set(touched) | set(session.folds)
            for n in unsure:
                if n.originator_id in known:
                    touched[n.originator_id].append(n)
        return touched

    def rows(self, session: Session, touched: dict[UUID, list[Any]]) -> list[tuple[Any, ...]]:
        rows = []
        for record_id, notes in touched.items():
            # Corrections were gathered after the record's own events: back into log order.
            notes = sorted(notes, key=lambda n: n.id)
            events = session.app.mapper.to_domain_events(notes)
            folding = session.fold(self.record_class, record_id, events)
            rows.append(self.row(record_id, folding, notes[-1].id))
        return rows

    def known_ids(self, tx: Tx, ids: set[UUID]) -> set[UUID]:
        return view_tables.known_ids(tx, self.table, ids)

    def row(self, record_id: UUID, folding: Folding, position: int) -> tuple[Any, ...]:  # pragma: no cover
        raise NotImplementedError

    def upsert(self, tx: Tx, rows: list[tuple[Any, ...]]) -> None:
        view_tables.upsert(tx, self.table, rows)


class PlansView(View):
    name = "plans"
    version = 4  # 2: placements and census codes in the document; 3: withdrawal; 4: SSDA903 episode codes
    table = view_tables.PLANS
    record_class = Plan
    own_topics = PLAN_TOPICS
    first_topics = frozenset({get_topic(ev.PlanOpened)})

    def row(self, record_id: UUID, folding: Folding, position: int) -> tuple[Any, ...]:
        if folding.record.erased:
            return view_tables.Gone((str(record_id),))
        d = plan_document(folding.state, version=folding.version)
        return (str(record_id), d["child"], d["kind"], d["status"], d["aim"], d["opened_on"], d["closed_on"],
                d["next_review"], d["approved_version"], int(bool(d["changed_since_approval"])),
                folding.version, position, orjson.dumps(d).decode())


class ChildrenView(View):
    name = "children"
    version = 1
    table = view_tables.CHILDREN
    record_class = Child
    own_topics = CHILD_TOPICS
    first_topics = frozenset({get_topic(ev.ChildRegistered)})

    def row(self, record_id: UUID, folding: Folding, position: int) -> tuple[Any, ...]:
        if folding.record.erased:
            return view_tables.Gone((str(record_id),))
        s = folding.state
        return (str(record_id), s.child_ref, s.name, s.born.isoformat() if s.born else None, s.nation, position)


PLANS, CHILDREN = PlansView(), ChildrenView()
VIEWS: tuple[View, ...] = (PLANS, CHILDREN)
