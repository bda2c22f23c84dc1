"""Which fields of an event are the child's personal content, and sealing them with the child's key.

An event about a child is stored as JSON holding the fields that are *not* personal (who
recorded it, when, what kind of thing happened, ids and the dates a timescale runs from),
then ``_key`` (the child's record id: whose key sealed it) and ``_box``: the rest of the
event, encrypted with the child's data key (AES-256-GCM, a fresh 96-bit nonce each time, the
event's id as associated data so a box cannot be moved to another event). Fields are listed
as *plain*, so a field added later is sealed unless someone decides otherwise here.
Staff records hold no child's content and stay plain (docs/records-management.md).

The hash chain is over these stored bytes: ``verify`` needs no key.
"""

from __future__ import annotations

import base64
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import Any
from uuid import UUID

import orjson
from cryptography.exceptions import InvalidTag

from plantrail.domain.child import child_id
from plantrail.store.keys import NONCE, KekProblem, Keyring

# Every event's envelope: who recorded it, when, and the date it took effect. ``reason`` and
# ``authority`` are free text and sealed.
ENVELOPE = frozenset({"originator_id", "originator_version", "timestamp", "originator_topic", "actor", "initials",
                      "effective_on", "command_id"})

# Beyond the envelope, what stays plain, by event class name (the rest is sealed).
PLAIN: dict[str, frozenset[str]] = {name: frozenset(fields) for name, fields in {
    "ChildRegistered": ("child_ref", "nation"),  # the authority's reference names what was erased
    "ChildPlanStarted": ("plan_id", "family", "kind"),
    "ChildPlanEnded": ("plan_id",),
    "ChildPlanWithdrawn": ("plan_id",),
    "PlanOpened": ("child_ref", "kind", "replaces", "referred", "review_by"),
    "PlanApproved": ("approved_version",),
    "PlanKindChanged": ("kind", "review_id"),
    "AimChanged": ("review_id",),
    "PlanDetailsRecorded": (),
    "PlanDistributed": (),
    "InitialPlanExtended": ("review_id", "until"),
    "PlanClosed": ("replaced_by", "closure_reason"),
    "PlanWithdrawn": (),
    "ActionAdded": ("action_id", "starts"),
    "ActionAmended": ("action_id",),
    "ActionEnded": ("action_id",),
    "ViewRecorded": ("party",),
    "SignatureRecorded": ("party",),
    "ContactArrangementRecorded": (),
    "ReviewHeld": ("review_id", "kind", "chair", "next_review"),
    "SupervisionDiscussed": (),
    "VisitRecorded": (),
    "PlacementRecorded": (),
    "Corrected": ("target_version",),
    "Voided": ("target_version",),
}.items()}

# Events stored plain whole: staff records (no child's content), and the evidence of an
# erasure, which must outlive the child's key (its reason and authority say why, never what).
PLAIN_EVENTS = frozenset({"StaffMemberRegistered", "ErasureRequested", "ChildErased"})

SEALED_PREFIX = b'{"_key":'  # how a sealed state starts (a plain one starts {"originator_id":)


def plain_fields(cls_name: str) -> frozenset[str]:
    return ENVELOPE | PLAIN.get(cls_name, frozenset())


def seal(data: dict[str, Any], cls_name: str, subject: UUID, keyring: Keyring) -> bytes:
    """An event's fields (JSON mode) as stored: plain fields, then the sealed box."""
    plain = plain_fields(cls_name)
    kept: dict[str, Any] = {"_key": subject.hex}
    personal: dict[str, Any] = {}
    for name, value in data.items():
        (kept if name in plain else personal)[name] = value
    nonce = secrets.token_bytes(NONCE)
    box = keyring.key_for_new(subject.hex).encrypt(nonce, orjson.dumps(personal), _aad(data))
    kept["_box"] = base64.b64encode(nonce + box).decode()
    return orjson.dumps(kept)


class Unreadable(Exception):
    """A sealed event whose child's key is gone (erased): ``fields`` are its plain fields."""

    def __init__(self, fields: dict[str, Any]) -> None:
        super().__init__("sealed with a destroyed key")
        self.fields = fields


def unseal(state: bytes, keyring: Keyring) -> dict[str, Any]:
    """A sealed state's fields, opened with the child's key; Unreadable if the key is gone."""
    data = orjson.loads(state)
    subject = data.pop("_key")
    box = base64.b64decode(data.pop("_box"))
    key = keyring.key(subject)
    if key is None:
        raise Unreadable(data)
    try:
        personal = orjson.loads(key.decrypt(box[:NONCE], box[NONCE:], _aad(data)))
    except InvalidTag:
        raise KekProblem(f"event {data.get('originator_id')}/{data.get('originator_version')} does not open with "
                         "its child's key: the key row or the event was altered (run `plantrail verify`)") from None
    data.update(personal)
    return data


def subject_of_state(state: bytes) -> UUID | None:
    """Whose key sealed a stored state (None: a plain one)."""
    if not state.startswith(SEALED_PREFIX):
        return None
    return UUID(orjson.loads(state)["_key"])


class Sealer:
    """The mapper's sealing: whose key seals each event, and the keyring. A record's events
    are all sealed with the key its first event was (a plan's: its child's), remembered as
    records are read or made, else looked up from the record's first stored event."""

    def __init__(self, keyring: Keyring, first_state: Callable[[UUID], bytes | None], *,
                 sealing_new: bool = True) -> None:
        self.keyring = keyring
        self.sealing_new = sealing_new  # off only for the benchmark's comparison; reads still open
        self._first_state = first_state
        self._subjects: dict[UUID, UUID | None] = {}

    def subject(self, event: Any) -> UUID | None:
        if not self.sealing_new:
            return None
        name = type(event).__name__
        if name == "ChildRegistered":
            found: UUID | None = event.originator_id
        elif name == "PlanOpened":
            found = child_id(event.child_ref)
        elif name in PLAIN_EVENTS:
            return None  # (not remembered: the record's other events are the child's)
        elif event.originator_id in self._subjects:
            return self._subjects[event.originator_id]
        else:
            state = self._first_state(event.originator_id)
            found = subject_of_state(state) if state else None
        self._subjects[event.originator_id] = found
        return found

    def noted(self, originator_id: UUID, subject: UUID | None) -> None:
        self._subjects[originator_id] = subject


def _aad(data: dict[str, Any]) -> bytes:
    return f"{data['originator_id']}/{data['originator_version']}".encode()


def attach_sealer(recorder: Any, mapper: Any, env: Any) -> Keyring:
    """Give a mapper its sealer, with the store's keyring. ``PLANTRAIL_SEALING=off`` stores new
    events plain (only the benchmark's comparison asks for it); what is sealed still opens."""
    kek = env.get("KEK")
    if not kek:
        raise KekProblem("no key-encryption key named: set PLANTRAIL_KEK to its file")
    writing = (env.get("CREATE_TABLE") or "y").lower() not in ("n", "no", "f", "false", "0", "off")
    keyring = Keyring(recorder, Path(kek), writing=writing)
    mapper.sealer = Sealer(keyring, lambda record_id: _first_state(recorder, record_id),
                           sealing_new=(env.get("SEALING") or "on").lower() != "off")
    return keyring


def _first_state(recorder: Any, record_id: UUID) -> bytes | None:
    events = recorder.select_events(record_id, lte=1)
    return events[0].state if events else None
