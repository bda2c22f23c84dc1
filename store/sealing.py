"""Which fields of an event are the child's personal content, and sealing them with the child's key.

An event about a child is stored as its fields that are *not* personal (who recorded it, when,
what kind of thing happened, ids and the dates a timescale runs from), as JSON, beside the
rest of the event, encrypted with the child's data key (AES-256-GCM, a fresh 96-bit nonce each
time, the event's id as associated data so a box cannot be moved to another event), and the
child's record id (whose key sealed it). Fields are listed as *plain*, so a field added later
is sealed unless someone decides otherwise here. Staff records hold no child's content and
stay plain (docs/records-management.md).

The stored bytes (``seal``), the binary box: ``SEALED`` (2 bytes), the key's id (16 bytes),
the plain JSON's length (4 bytes, big-endian), the plain JSON, the nonce (12 bytes) and the
ciphertext with its tag. Events sealed before it (2026-12-07) are JSON, ``{"_key": "<hex>",
the plain fields, "_box": "<base64 of nonce and ciphertext>"}``, and open as ever: the log is
never rewritten. The binary box is a fifth shorter and opens without base64 or a search.

The hash chain is over these stored bytes: ``verify`` needs no key.
"""

from __future__ import annotations

import binascii
import os
import struct
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any
from uuid import UUID

import orjson
from cryptography.exceptions import InvalidTag

from plantrail.domain.child import child_id
from plantrail.store.kek import NONCE, KekProblem
from plantrail.store.keys import Keyring

# Every event's envelope: who recorded it, when, and the date it took effect. ``reason`` and
# ``authority`` are free text and sealed.
ENVELOPE = frozenset({"originator_id", "originator_version", "timestamp", "originator_topic", "actor", "initials",
                      "effective_on", "command_id", "login"})

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

# Events stored plain whole: staff records (no child's content); the evidence of an erasure,
# which must outlive the child's key (its reason and authority say why, never what); and the
# access log's entries, the audit trail of who read what, which an investigation may need
# after the child's erasure (each is a record of its own, so it was never sealed: naming it
# here saves a lookup of its record's first event on every read).
PLAIN_EVENTS = frozenset({"StaffMemberRegistered", "LoginBound", "ErasureRequested", "ChildErased", "RecordRead"})

SEALED = b"\x00S"  # how a sealed state starts (no JSON does: a plain state starts {"originator_id":)
SEALED_PREFIX = b'{"_key":'  # how one sealed before the binary box starts
_LENGTH = struct.Struct(">I")
_PLAIN_AT = len(SEALED) + 16 + _LENGTH.size


def is_sealed(state: bytes) -> bool:
    return state.startswith(SEALED) or state.startswith(SEALED_PREFIX)


def plain_fields(cls_name: str) -> frozenset[str]:
    return ENVELOPE | PLAIN.get(cls_name, frozenset())


def seal(event: Any, subject: UUID, keyring: Keyring) -> bytes:
    """An event as stored, in the binary box (above). pydantic writes both parts' JSON itself
    (no dict between: the hot path of every write)."""
    plain, whole = _plain_of(type(event))
    kept = event.model_dump_json(include=plain).encode()
    personal = b"{}" if whole else event.model_dump_json(exclude=plain).encode()
    nonce = _NONCES.take()
    box = keyring.key_for_new(subject.hex).encrypt(nonce, personal, _aad(event.originator_id,
                                                                          event.originator_version))
    return b"".join((SEALED, subject.bytes, _LENGTH.pack(len(kept)), kept, nonce, box))


_PLAIN_OF: dict[type, tuple[set[str], bool]] = {}


def _plain_of(cls: type) -> tuple[set[str], bool]:
    """A class's plain fields, and whether that is all of them (pydantic's ``model_fields``
    is a slow property: read once a class)."""
    found = _PLAIN_OF.get(cls)
    if found is None:
        fields = set(cls.model_fields)  # type: ignore[attr-defined]
        plain = set(plain_fields(cls.__name__)) & fields
        found = _PLAIN_OF[cls] = (plain, plain == fields)
    return found


class _Nonces:
    """Fresh random nonces, drawn from the OS a few thousand bytes at a time (a system call
    an event cost as much as the encryption): each is 12 bytes of the OS's random stream,
    used once."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pool, self._at = b"", 0

    def take(self) -> bytes:
        with self._lock:
            if self._at >= len(self._pool):
                self._pool, self._at = os.urandom(NONCE * 512), 0
            at = self._at
            self._at = at + NONCE
            return self._pool[at:at + NONCE]  # within the lock: a refill never hands out a nonce twice


_NONCES = _Nonces()


class Unreadable(Exception):
    """A sealed event whose child's key is gone (erased): ``fields`` are its plain fields."""

    def __init__(self, fields: dict[str, Any]) -> None:
        super().__init__("sealed with a destroyed key")
        self.fields = fields


_KEY_AT = len(b'{"_key":"')
_KEY_END = _KEY_AT + 32 + len(b'",')  # the key's hex id is 32 characters
_BOX = b',"_box":"'  # cannot occur unescaped inside a JSON string: the last one is the box


class Opener:
    """Opens the sealed events of one read, in order: ``open`` gives a sealed state as the
    event's JSON (bytes in, bytes out: pydantic parses the joined JSON itself), or raises
    Unreadable if the child's key is gone. The events of a read come a record at a time, all
    sealed with one key: the key is looked up and the record's id made into bytes once a run,
    not once an event (every event of every read passes here; an event sealed before the binary
    box still looks its key up itself, as it always did). Made for one read and let go
    with it, so it holds a child's key no longer than the read does: an erasure's forgetting of
    the key (``Keyring.forget``) reaches every later read."""

    __slots__ = ("keyring", "_key_id", "_key", "_record", "_record_bytes")

    def __init__(self, keyring: Keyring) -> None:
        self.keyring = keyring
        self._key_id: bytes | None = None
        self._key: Any = None
        self._record = -1  # the record's id as an int (UUID's own == is a call of its own)
        self._record_bytes = b""

    def open(self, state: bytes, originator_id: UUID, version: int) -> bytes:
        if not state.startswith(SEALED):
            return _unseal_json(state, originator_id, version, self.keyring)
        key_id = state[2:18]
        if key_id != self._key_id:
            self._key_id, self._key = key_id, self.keyring.key(key_id.hex())
        try:
            end = _PLAIN_AT + _LENGTH.unpack_from(state, 18)[0]
        except struct.error:  # cut short before the plain part's length
            end = len(state) + 1
        if self._key is None:
            raise Unreadable(orjson.loads(state[_PLAIN_AT:end]))
        if originator_id.int != self._record:
            self._record, self._record_bytes = originator_id.int, originator_id.bytes
        try:  # (``_opened`` and ``_aad`` written out: as calls they cost ~10 % of opening an event)
            personal = self._key.decrypt(state[end:end + NONCE], state[end + NONCE:],
                                         self._record_bytes + _VERSION.pack(version))
        except (InvalidTag, ValueError):  # (ValueError: no nonce where the box should be: cut short)
            raise _not_opening(originator_id, version) from None
        if personal == b"{}":
            return state[_PLAIN_AT:end]
        return b"".join((state[_PLAIN_AT:end - 1], b",", personal[1:]))


def _unseal_json(state: bytes, originator_id: UUID, version: int, keyring: Keyring) -> bytes:
    """``Opener.open`` of a state sealed before the binary box."""
    at = state.rfind(_BOX)
    key = keyring.key(key_hex(state))
    if key is None:
        fields = orjson.loads(state)
        fields.pop("_key", None), fields.pop("_box", None)
        raise Unreadable(fields)
    box = binascii.a2b_base64(state[at + len(_BOX):-2])
    personal = _opened(key, box[:NONCE], box[NONCE:], originator_id, version)
    plain = state[_KEY_END:at]
    if personal == b"{}":
        return b"{" + plain + b"}"
    return b"".join((b"{", plain, b",", personal[1:]))


def _opened(key: Any, nonce: bytes, box: bytes, originator_id: UUID, version: int) -> bytes:
    try:
        return key.decrypt(nonce, box, _aad(originator_id, version))
    except (InvalidTag, ValueError):  # (ValueError: no nonce where the box should be: cut short)
        raise _not_opening(originator_id, version) from None


def _not_opening(originator_id: UUID, version: int) -> KekProblem:
    return KekProblem(f"event {originator_id}/{version} does not open with its child's key: the key row "
                      "or the event was altered (run `plantrail verify`)")


def plain_part(state: bytes) -> bytes:
    """The JSON of a stored state's plain fields (the whole state, where it is plain or sealed
    before the binary box: JSON either way): what a reader of the envelope (a command id)
    parses without a key."""
    if not state.startswith(SEALED):
        return state
    return state[_PLAIN_AT:_PLAIN_AT + _LENGTH.unpack_from(state, 18)[0]]


def envelope_at(recorder: Any, position: int) -> bytes | None:
    """The JSON of the plain fields of the event at a position (a recorder's ``event_envelope``)."""
    state = recorder.event_state(position)
    return plain_part(state) if state else None


def subject_of_state(state: bytes) -> UUID | None:
    """Whose key sealed a stored state (None: a plain one)."""
    if state.startswith(SEALED):
        return UUID(bytes=state[2:18])
    return UUID(key_hex(state)) if state.startswith(SEALED_PREFIX) else None


def subjects_of(states: Iterable[bytes]) -> set[str]:
    """The keys (hex ids) these stored states were sealed with: what ``Keyring.prefetch`` opens."""
    return {key_hex(state) for state in states if is_sealed(state)}


def key_hex(state: bytes) -> str:
    """A sealed state's key id: it stands first, as ``seal`` wrote it (read without a parse)."""
    if state.startswith(SEALED):
        return state[2:18].hex()
    return state[_KEY_AT:_KEY_AT + 32].decode()


# Records whose key a process remembers from reading them (a fold of the whole log reads every
# record: at 10M events a million of them). Those it writes are kept apart and never let go: a
# record made in a batch not yet saved has no stored first event to look its key up in.
SUBJECTS_READ_KEPT = 100_000
_UNKNOWN: Any = object()


class Sealer:
    """The mapper's sealing: whose key seals each event, and the keyring. A record's events
    are all sealed with the key its first event was (a plan's: its child's), remembered as
    records are read or made, else looked up from the record's first stored event."""

    def __init__(self, keyring: Keyring, first_state: Callable[[UUID], bytes | None], *,
                 sealing_new: bool = True) -> None:
        self.keyring = keyring
        self.sealing_new = sealing_new  # off only for the benchmark's comparison; reads still open
        self._first_state = first_state
        self._made: dict[UUID, UUID | None] = {}  # records this process sealed events of
        self._read: dict[UUID, UUID | None] = {}  # records it read (at most SUBJECTS_READ_KEPT)

    def registers(self, event: Any) -> bool:
        """Whether the event registers its subject (a child's first event: no key of theirs yet,
        but where an earlier try or another process left one)."""
        return self.sealing_new and type(event).__name__ == "ChildRegistered"

    def subject(self, event: Any) -> UUID | None:
        if not self.sealing_new:
            return None
        name = type(event).__name__
        record = event.originator_id
        if name == "ChildRegistered":
            found: UUID | None = record
        elif name == "PlanOpened":
            found = child_id(event.child_ref)
        elif name in PLAIN_EVENTS:
            return None  # (not remembered: the record's other events are the child's)
        elif record in self._made:
            return self._made[record]
        elif record in self._read:
            found = self._read[record]
        else:
            state = self._first_state(record)
            found = subject_of_state(state) if state else None
        self._made[record] = found
        return found

    def key_open(self, record_id: UUID) -> bool:
        """Whether a read of this record needs no key from the store: the process knows whose
        key seals it (it read or made the record) and holds that key open, or it is plain."""
        subject = self._made.get(record_id, _UNKNOWN)
        if subject is _UNKNOWN:
            subject = self._read.get(record_id, _UNKNOWN)
        return subject is None or (subject is not _UNKNOWN and self.keyring.holds(subject.hex))

    def noted(self, originator_id: UUID, subject: UUID | None) -> None:
        """A record's first event was read: whose key seals it (forgotten, a whole batch at a
        time, once SUBJECTS_READ_KEPT are held; looked up again if needed)."""
        if len(self._read) >= SUBJECTS_READ_KEPT:
            self._read.clear()
        self._read[originator_id] = subject


def _aad(originator_id: UUID, version: int) -> bytes:
    """The event's id (the record's 16 bytes, the version's 8), bound to its box: a box moved
    to another event does not open. (``Opener.open`` writes it out for speed; were the two to
    differ, no sealed event would open, in any test.)"""
    return originator_id.bytes + _VERSION.pack(version)


_VERSION = struct.Struct(">q")


def attach_sealer(recorder: Any, mapper: Any, env: Any) -> Keyring:
    """Give a mapper its sealer, with the store's keyring. ``PLANTRAIL_SEALING=off`` given by the
    caller (never taken from the environment: ``PlanRecords.construct_env``) stores new events
    plain (only the benchmark's comparison asks for it); what is sealed still opens."""
    kek = env.get("PLANTRAIL_KEK")  # (whatever the application is named)
    if not kek:
        raise KekProblem("no key-encryption key named: set PLANTRAIL_KEK to its file")
    writing = (env.get("CREATE_TABLE") or "y").lower() not in ("n", "no", "f", "false", "0", "off")
    keyring = Keyring(recorder, Path(kek), writing=writing)
    mapper.sealer = Sealer(keyring, lambda record_id: _first_state(recorder, record_id),
                           sealing_new=(env.get("PLANTRAIL_SEALING") or "on").lower() != "off")
    recorder.sealer = mapper.sealer
    return keyring


def _first_state(recorder: Any, record_id: UUID) -> bytes | None:
    events = recorder.select_events(record_id, lte=1)
    return events[0].state if events else None
