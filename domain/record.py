"""Corrections and voids, the same for every kind of record (DOMAIN.md, "Corrections")."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from plantrail.domain.acting import Acting
from plantrail.domain.base import ENVELOPE_FIELDS, STORED, Event, Record, check_text
from plantrail.domain.errors import BadInput, DomainError, NotFound, RuleBroken
from plantrail.domain.events import (
    CORRECTABLE,
    Corrected,
    PlanApproved,
    PlanClosed,
    PlanKindChanged,
    PlanOpened,
    ReviewHeld,
    StaffMemberRegistered,
    Unrecognised,
    Voided,
    type_name,
)

# Fields that say which entry an event is about: correcting them would move the
# entry to another record, so a wrong one is voided and recorded again instead.
IDENTITY_FIELDS = frozenset(
    {"action_id", "review_id", "child_ref", "staff_id", "replaces", "replaced_by", "plan_id", "referral_id",
     "assessment_id", "s47_id"}
)


# Fields that carry authority: who may do what, and what a decision rests on. A correction
# never changes them (that would route around the rules of who may act): roles change only
# through staff grant and revoke; a review's chair and kind (what it could decide), an
# approval's version and a decided change of kind are what they were; a wrong one is
# voided, and recorded again by someone allowed to.
AUTHORITY_FIELDS: dict[type[Event], frozenset[str]] = {
    StaffMemberRegistered: frozenset({"roles"}),
    PlanApproved: frozenset({"approved_version"}),
    ReviewHeld: frozenset({"chair", "kind"}),
    PlanKindChanged: frozenset({"kind"}),
}

# The plan periods of a child's record follow these; voiding them would leave it wrong.
UNVOIDABLE = (PlanOpened, PlanClosed)


class CorrectableRecord(Record):
    """A record a records officer can correct and void without erasing anything."""

    def check(self, state: Any) -> None:
        """Raise RuleBroken if a folded state breaks a rule of the record."""

    def redecide(self, acting: Acting, entry: Event) -> None:
        """Decide ``entry`` again on this record with the command method that recorded it
        (each record says how: ``domain.redecide``); the rules raise as they did."""
        raise NotImplementedError  # pragma: no cover - each correctable record's own

    def correct(self, acting: Acting, target_version: int, fields: dict[str, Any], reason: str) -> None:
        target = self._correctable(target_version)
        _require_reason(reason)
        authority = AUTHORITY_FIELDS.get(type(target), frozenset())
        for name in fields:
            if name in authority:
                raise RuleBroken(
                    f"the {name.replace('_', ' ')} of a {type_name(target)} event carries authority and is not "
                    "corrected", rule="corrections",
                    fix="void the entry and have it recorded again by someone allowed to"
                    + (" (roles change through `staff grant` and `staff revoke`)" if name == "roles" else ""),
                )
        allowed = set(type(target).model_fields) - ENVELOPE_FIELDS - IDENTITY_FIELDS - authority
        for name in fields:
            if name not in allowed:
                raise BadInput(
                    f"a {type_name(target)} event has no field '{name}' that can be corrected",
                    fix="fields: " + ", ".join(sorted(allowed)),
                )
        try:
            check_text(fields)  # the new values; the rest was checked when it was recorded
            corrected = self.as_corrected(target).model_validate(
                {**self.as_corrected(target).model_dump(), **fields}, context=STORED
            )
        except ValueError as e:
            if not isinstance(e, ValidationError):
                raise BadInput(str(e), fix="give a value of the right form") from None
            err = e.errors()[0]
            where = ".".join(str(p) for p in err["loc"])
            raise BadInput(f"{where}: {err['msg']}", fix="give a value of the right form") from None
        if "effective_on" in fields and corrected.effective_on > acting.at.date():
            raise BadInput(
                f"the date {corrected.effective_on.isoformat()} is in the future",
                fix="a record says what has happened: give today or an earlier date",
            )
        if corrected == self.as_corrected(target):
            raise BadInput("the correction changes nothing", fix="give the value the record should hold")
        new_fields = corrected.model_dump(mode="json", include=set(fields))
        self.check(self.trial({target_version: new_fields}, set()))
        self.rerun({target_version: new_fields}, set())
        self.trigger_event(
            Corrected,
            **acting.envelope(reason=reason, authority="records correction"),
            target_version=target_version,
            fields=new_fields,
        )

    def void(self, acting: Acting, target_version: int, reason: str) -> None:
        self._correctable(target_version)
        _require_reason(reason)
        if isinstance(self.entry(target_version), UNVOIDABLE):
            raise RuleBroken(
                "an opening or a closing cannot be voided: the child's plan periods rest on it",
                rule="corrections",
                fix="correct its date or reason instead; to carry on with the work, open a new plan",
            )
        if target_version == 1:
            raise RuleBroken(
                "the event that opened this record cannot be voided: the record would have no start",
                rule="corrections",
                fix="correct its fields, or close the plan with a reason",
            )
        self.check(self.trial({}, {target_version}))
        self.rerun({}, {target_version})
        self.trigger_event(
            Voided,
            **acting.envelope(reason=reason, authority="records correction"),
            target_version=target_version,
        )

    def trial(self, corrections: dict[int, dict[str, Any]], voids: set[int]) -> Any:
        """The state the record would have with these further corrections and voids."""
        saved = (self.corrections, self.voided, self.state)
        merged = {v: dict(f) for v, f in self.corrections.items()}
        for version, fields in corrections.items():
            merged.setdefault(version, {}).update(fields)
        self.corrections, self.voided = merged, self.voided | voids
        try:
            self.refold()
            return self.state
        finally:
            self.corrections, self.voided, self.state = saved

    def rerun(self, corrections: dict[int, dict[str, Any]], voids: set[int]) -> None:
        """Every entry decided again, in order, as it would stand with these further
        corrections and voids, by the record's own command methods: a correction must leave
        the record as the rules would have accepted it (a review's date moved before the
        plan opened, an extension past six weeks, an approval by the plan's own author). A
        rule that refuses now is the correction's refusal."""
        merged = {v: dict(f) for v, f in self.corrections.items()}
        for version, fields in corrections.items():
            merged.setdefault(version, {}).update(fields)
        voided = self.voided | voids
        again = bare(type(self), self.id)
        for entry in self.entries:
            again.version = entry.originator_version - 1  # corrections between entries keep their places
            if entry.originator_version in voided or isinstance(entry, Unrecognised):
                again.entries.append(entry)  # counted (action and review numbers), not in force
                again.voided.add(entry.originator_version)
                continue
            fields = merged.get(entry.originator_version)
            entry = entry.model_validate({**entry.model_dump(), **fields}, context=STORED) if fields else entry
            try:
                again.redecide(Acting(staff_id=entry.actor, initials=entry.initials, on=entry.effective_on,
                                      at=entry.timestamp, command_id=entry.command_id), entry)
            except DomainError as refused:
                raise RuleBroken(f"with that, the {type_name(entry)} entry (event {entry.originator_version}) "
                                 f"would break a rule it passed: {refused.message}", rule="corrections",
                                 fix=refused.fix or "correct it as the rules allow, or void it") from None
            again.collect_events()

    def _correctable(self, version: int) -> Event:
        target = self.entry(version)
        if target is None and 1 <= version <= self.version:
            raise RuleBroken(
                f"event {version} is itself a correction or a void, and cannot be corrected or voided",
                rule="corrections", fix="correct the original entry again",
            )
        if target is None:
            raise NotFound(f"no event {version} in this record", fix="see `plantrail history` for event ids")
        if not isinstance(target, CORRECTABLE):
            raise RuleBroken(
                f"a {type_name(target)} event follows from others and cannot be corrected by itself",
                rule="corrections",
                fix="correct or void the event it follows from",
            )
        if version in self.voided:
            raise RuleBroken("that event is already voided", rule="corrections")
        return target


def _require_reason(reason: str) -> None:
    if not reason or not reason.strip():
        raise BadInput("a correction needs a reason", fix="give --reason TEXT")


def bare(cls: type[Record], record_id: Any = None) -> Any:
    """A record of ``cls`` holding nothing yet (version 0), ready to take or decide events."""
    record = object.__new__(cls)
    Record.__init__(record)
    if record_id is not None:
        record.__base_init__(originator_id=record_id, originator_version=0, timestamp=None)  # type: ignore[arg-type]
    return record
