"""The statements that read one record's events on PostgreSQL, and several records' at once.

A read of a child's plan waits on the server twice when its child's key is not yet open in
the process (every command-line read): once for the events, once for the key. The keyed
statement brings the key's row with the record's first event, in the same round trip: the key
id stands first in a sealed state (store/sealing.py), so the server reads it from there.
The column is only an offer to the keyring; the key is still the one the keyring would have
read, and a row whose key is gone (erased) or not sent is opened as before.
"""

from __future__ import annotations

from psycopg import sql

from plantrail.store.chain import EVENTS_TABLE
from plantrail.store.keys import KEYS_TABLE
from plantrail.store.sealing import SEALED, SEALED_PREFIX

_COLUMNS = "originator_id, originator_version, topic, state"
_E_COLUMNS = ", ".join(f"e.{column}" for column in _COLUMNS.split(", "))  # (the log as "e")
_KEY_ID_AT = len(SEALED_PREFIX) + 2  # after {"_key":" (1-based), in a state sealed before the binary box

Shape = tuple[bool, bool, bool, bool]  # gt, lte, desc, limit


def one_record(schema: str, shape: Shape, *, with_key: bool) -> str:
    """The events of one record, in version order (as the library's select). ``with_key``
    (only for a read from the first event on, ascending): each row also with the wrapped key
    and its KEK id, NULLs but on the first event, if that is sealed."""
    gt, lte, desc, limit = shape
    assert not (with_key and (gt or desc)), "the key comes with the first event: a read from it, ascending"
    e = "e." if with_key else ""
    where = (f"WHERE {e}originator_id = %s" + (f" AND {e}originator_version > %s" if gt else "")
             + (f" AND {e}originator_version <= %s" if lte else ""))
    tail = f" ORDER BY {e}originator_version " + ("DESC" if desc else "ASC") + (" LIMIT %s" if limit else "")
    names = {"s": sql.Identifier(schema), "t": sql.Identifier(EVENTS_TABLE), "k": sql.Identifier(KEYS_TABLE)}
    if not with_key:
        return sql.SQL(f"SELECT {_COLUMNS} FROM {{s}}.{{t}} {where}{tail}").format(**names).as_string()
    return sql.SQL(f"SELECT {_E_COLUMNS}, {_key_columns()} FROM {{s}}.{{t}} AS e {where}{tail}").format(
        **names).as_string()


# A state's first bytes say whether (and how) it is sealed.
_BINARY, _JSON = (f"pg_catalog.substr(e.state, 1, {len(prefix)}) = pg_catalog.decode('{prefix.hex()}', 'hex')"
                  for prefix in (SEALED, SEALED_PREFIX))
# The id of the key that sealed a state, as hex text (it stands first: store/sealing.py).
_KEY_ID = (f"CASE WHEN {_BINARY} THEN pg_catalog.encode(pg_catalog.substr(e.state, {len(SEALED) + 1}, 16), 'hex')"
           f" ELSE pg_catalog.encode(pg_catalog.substr(e.state, {_KEY_ID_AT}, 32), 'escape') END")


def _key_columns() -> str:
    """The wrapped key and its KEK id, beside a record's first event if it is sealed (NULLs on
    every other row). Only the first event asks (a record's events are all sealed with one
    key); CASE evaluates the subqueries for that row alone: one probe of the keys' primary key."""
    first_sealed = f"e.originator_version = 1 AND ({_BINARY} OR {_JSON})"
    return ", ".join(f"CASE WHEN {first_sealed} THEN (SELECT k.{column} FROM {{s}}.{{k}} AS k"
                     f" WHERE k.subject_id = {_KEY_ID}) END" for column in ("wrapped", "kek_id"))


def plan_with_reader(schema: str) -> str:
    """A plan's events (``%s``, the plan's id) with, in the same round trip, the events of its
    reader's staff record (``%s``) and of its child's record, whose id is the key id the plan's
    first event was sealed with: what the read's access log entry is decided on
    (application/read_ahead.py). Each record's events in version order, with the key columns
    (as ``one_record`` with its key). A key id that is not a well-formed id (an altered state)
    brings no child: the entry's decision then reads the child apart, and verify reports the state."""
    child = (f"SELECT ({_KEY_ID})::uuid FROM {{s}}.{{t}} AS e WHERE e.originator_id = %s AND e.originator_version = 1"
             f" AND (({_BINARY} AND pg_catalog.length(e.state) >= {len(SEALED) + 16})"
             f" OR ({_JSON} AND ({_KEY_ID}) ~ '^[0-9a-f]{{{{32}}}}$'))")
    return sql.SQL(f"SELECT {_E_COLUMNS}, {_key_columns()} FROM {{s}}.{{t}} AS e"
                   f" WHERE e.originator_id = ANY(ARRAY[%s::uuid, %s::uuid] || ARRAY({child}))"
                   " ORDER BY e.originator_id, e.originator_version").format(
        s=sql.Identifier(schema), t=sql.Identifier(EVENTS_TABLE), k=sql.Identifier(KEYS_TABLE)).as_string()


def several_records(schema: str) -> str:
    """The events of several records (``= ANY(%s)``), each record's in version order."""
    return sql.SQL(f"SELECT {_COLUMNS} FROM {{s}}.{{t}} WHERE originator_id = ANY(%s)"
                   " ORDER BY originator_id, originator_version").format(
        s=sql.Identifier(schema), t=sql.Identifier(EVENTS_TABLE)).as_string()
