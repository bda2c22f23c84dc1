"""The hash chain that binds every stored event to all before it.

link_n = sha256(link_{n-1} || canonical(event_n)), starting from 32 zero bytes.
PostgreSQL's save function (postgres_recorder.py) computes the same bytes in SQL, from
``canonical_sql`` here, so this module is the single definition of the encoding.
"""

from __future__ import annotations

import hashlib
import struct
from uuid import UUID

GENESIS = bytes(32)

# Table names are fixed (not derived from the application name as the library
# does on PostgreSQL) so verify, guards and checkpoints can find the log from a
# URL alone.
EVENTS_TABLE = "stored_events"
CHAIN_TABLE = "event_chain"


def _uuid_bytes(originator_id: UUID | str) -> bytes:
    if isinstance(originator_id, UUID):
        return originator_id.bytes
    return UUID(originator_id).bytes  # SQLite keeps the id as 32 hex digits


def canonical(
    position: int, originator_id: UUID | str, originator_version: int,
    topic: str | None, state: bytes | None,
) -> bytes:
    """8-byte big-endian ints, the uuid's 16 bytes, 4-byte length-prefixed topic and state.

    Length prefixes stop a byte moving between topic and state unnoticed.
    """
    topic_b = (topic or "").encode("utf-8")
    state_b = bytes(state or b"")
    return b"".join((
        struct.pack(">q", position),
        _uuid_bytes(originator_id),
        struct.pack(">q", originator_version),
        struct.pack(">i", len(topic_b)), topic_b,
        struct.pack(">i", len(state_b)), state_b,
    ))


def canonical_sql(row: str = "") -> str:
    """``canonical()`` as a PostgreSQL expression over a stored event's columns, each named
    ``row`` + column: ``"w."`` for a plpgsql record, ``""`` in a query. The save function and
    verify build their SQL from it.

    Every function and operator is pg_catalog's, named so: nothing anyone defines in another
    schema (a ``public.||`` over bytea, a search_path put first) can stand in for them, so
    neither the links the save makes nor the bytes verify hashes can be steered that way."""
    cat = "OPERATOR(pg_catalog.||)"
    topic = f"pg_catalog.convert_to(coalesce({row}topic, ''), 'UTF8')"
    state = f"coalesce({row}state, ''::pg_catalog.bytea)"
    return (f"pg_catalog.int8send({row}notification_id) {cat} pg_catalog.uuid_send({row}originator_id)"
            f" {cat} pg_catalog.int8send({row}originator_version)"
            f" {cat} pg_catalog.int4send(pg_catalog.octet_length({topic})) {cat} {topic}"
            f" {cat} pg_catalog.int4send(pg_catalog.octet_length({state})) {cat} {state}")


_HEAD = struct.Struct(">q16sqi")  # position, uuid, version, topic length
_LEN = struct.Struct(">i")


def next_link(
    prev_link: bytes, position: int, originator_id: UUID | str,
    originator_version: int, topic: str | None, state: bytes | None,
) -> bytes:
    """sha256(prev_link || canonical(...)), fed to the hash piece by piece (no joined copy:
    verify computes one of these for every event in the log)."""
    topic_b = (topic or "").encode("utf-8")
    state_b = state or b""
    h = hashlib.sha256(prev_link)
    h.update(_HEAD.pack(position, _uuid_bytes(originator_id), originator_version, len(topic_b)))
    h.update(topic_b)
    h.update(_LEN.pack(len(state_b)))
    h.update(state_b)
    return h.digest()
