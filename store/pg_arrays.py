"""Column arrays for the one-statement save, sent in PostgreSQL's binary array format.

psycopg works out the element type of every list parameter on every execute (a scan
of the list and an adapter lookup per array): for a save of one event that cost more
client time than the whole rest of the command. These lists say what they hold, and
their dumpers write ``array_send``'s format directly: ndim, has-nulls, element type,
then (size, lower bound) and length-prefixed elements. Texts and Int8s may hold None
(NULL: a view's empty column); the others never do. The same formats are written
for the save, which passes them to libpq itself (store.postgres_recorder).
"""

from __future__ import annotations

import struct
from typing import Any

import psycopg
from psycopg.adapt import Dumper
from psycopg.pq import Format

_HEAD = struct.Struct(">iiIii")  # ndim, has nulls, element oid, size, lower bound
_EMPTY = struct.Struct(">iiI")  # ndim 0, has nulls, element oid
_LENGTH = struct.Struct(">i")
_LENGTH_16 = _LENGTH.pack(16)  # every uuid is 16 bytes
_NULL = _LENGTH.pack(-1)
_INT8 = struct.Struct(">iq")  # length 8, value


def _array(element_oid: int, count: int, elements: bytes, has_nulls: bool = False) -> bytes:
    """``array_send``'s format of ``count`` elements, each already length-prefixed."""
    if not count:
        return _EMPTY.pack(0, 0, element_oid)
    return _HEAD.pack(1, int(has_nulls), element_oid, count, 1) + elements


def _prefixed(values: list[bytes]) -> bytes:
    return b"".join([_LENGTH.pack(len(v)) + v for v in values])


def uuid_array(values: list[Any]) -> bytes:
    return _array(2950, len(values), b"".join([_LENGTH_16 + u.bytes for u in values]))


def int8_array(values: list[Any]) -> bytes:
    if None in values:
        return _array(20, len(values), b"".join([_NULL if v is None else _INT8.pack(8, v) for v in values]), True)
    return _array(20, len(values), b"".join([_INT8.pack(8, v) for v in values]))


def text_array(values: list[Any]) -> bytes:
    if None in values:
        elements = [_NULL if t is None else _LENGTH.pack(len(b := t.encode())) + b for t in values]
        return _array(25, len(values), b"".join(elements), True)
    return _array(25, len(values), _prefixed([t.encode() for t in values]))


def bytea_array(values: list[bytes]) -> bytes:
    return _array(17, len(values), _prefixed(values))


def int8s_of(data: bytes | None) -> list[int]:
    """The values of a one-dimensional bigint[] without NULLs, in ``array_send``'s format
    (the save's positions); ValueError for anything else, never a misread."""
    if not data:
        return []
    if len(data) == _EMPTY.size and _EMPTY.unpack(data) == (0, 0, 20):
        return []
    ndim, has_nulls, oid, count, _ = _HEAD.unpack_from(data)
    if (ndim, has_nulls, oid) != (1, 0, 20) or len(data) != _HEAD.size + 12 * count:
        raise ValueError(f"not a one-dimensional bigint[] without NULLs: {data[:20].hex()}")
    return [_INT8.unpack_from(data, _HEAD.size + 12 * i)[1] for i in range(count)]


class UUIDs(list):
    """uuid[]"""


class Int8s(list):
    """bigint[]"""


class Texts(list):
    """text[]"""


class Blobs(list):
    """bytea[]"""


class _ArrayDumper(Dumper):
    format = Format.BINARY


class _UUIDsDumper(_ArrayDumper):
    oid = 2951

    def dump(self, obj: Any) -> bytes:
        return uuid_array(obj)


class _Int8sDumper(_ArrayDumper):
    oid = 1016

    def dump(self, obj: Any) -> bytes:
        return int8_array(obj)


class _TextsDumper(_ArrayDumper):
    oid = 1009

    def dump(self, obj: Any) -> bytes:
        return text_array(obj)


class _BlobsDumper(_ArrayDumper):
    oid = 1001

    def dump(self, obj: Any) -> bytes:
        return bytea_array(obj)


_DUMPERS = ((UUIDs, _UUIDsDumper), (Int8s, _Int8sDumper), (Texts, _TextsDumper), (Blobs, _BlobsDumper))


def register(adapters: Any) -> None:
    """Teach an adapters map (a connection's or cursor's) these arrays."""
    for cls, dumper in _DUMPERS:
        adapters.register_dumper(cls, dumper)


# Registered on psycopg's global adapters, which every connection opened from now on
# copies; the classes are plantrail's own, so nothing else's adaptation changes.
register(psycopg.adapters)
