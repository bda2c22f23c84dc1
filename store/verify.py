"""Walk the log and its hash chain, and say whether (and where) the record was altered."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Literal
from urllib.parse import quote

from pydantic import BaseModel

from store.chain import CHAIN_TABLE, EVENTS_TABLE, GENESIS, next_link
from store.errors import StoreUnavailable
from store.settings import PostgresURL, SQLiteURL, parse_url, pg_connect

BATCH = 10000  # rows a query; keyset pagination keeps memory to one batch

Problem = Literal["edited", "missing", "inserted", "reordered", "truncated", "rewritten"]
Event = tuple  # (position, originator_id, originator_version, topic, state)
Link = tuple  # (position, prev_position, link)


class VerifyReport(BaseModel):
    events_checked: int = 0
    intact: bool = True
    first_bad_position: int | None = None
    problem: Problem | None = None
    detail: str = ""
    head_position: int = 0  # last position that verified (0: empty log)
    head_link: str = GENESIS.hex()
    checkpoints_checked: int = 0


class _Found(Exception):
    def __init__(self, problem: Problem, position: int, detail: str):
        self.problem, self.position, self.detail = problem, position, detail


class _Source:
    """Reads one consistent snapshot of the log: events and links by position."""

    events: Callable[[int, int], list[Event]]
    links: Callable[[int, int], list[Link]]

    def highest_issued(self) -> int | None:
        return None


class _Peek:
    def __init__(self, rows: Iterator[tuple]):
        self._rows, self._head = rows, next(rows, None)

    def peek(self) -> tuple | None:
        return self._head

    def take(self) -> tuple | None:
        head, self._head = self._head, next(self._rows, None)
        return head


def _stream(fetch: Callable[[int, int], list[tuple]], after: int = 0) -> Iterator[tuple]:
    # Keyset pagination: never holds more than one batch in memory.
    while True:
        rows = fetch(after, BATCH)
        yield from rows
        if len(rows) < BATCH:
            return
        after = rows[-1][0]


def _link_of(prev: bytes, e: Event) -> bytes | None:
    try:
        return next_link(prev, *e)
    except (ValueError, TypeError):  # e.g. an originator id that is no longer a uuid
        return None


def verify(url: str, checkpoints: Sequence[Any] = (), trusted_keys: Sequence[str] | None = None) -> VerifyReport:
    """Verify the whole log; each checkpoint (dict or file path) must still hold.

    Raises StoreUnavailable if the store can't be opened, BadCheckpoint for a bad checkpoint.
    """
    from store.checkpoint import load_checkpoint

    cps = sorted((load_checkpoint(c, trusted_keys) for c in checkpoints), key=lambda c: c["position"])
    with _open(url) as src:
        return _walk(src, cps)


def _walk(src: _Source, cps: list[dict]) -> VerifyReport:
    events, links = _Peek(_stream(src.events)), _Peek(_stream(src.links))
    last_pos, last_link, checked, ci = 0, GENESIS, 0, 0
    try:
        while True:
            e, c = events.peek(), links.peek()
            if e is not None and c is not None and e[0] == c[0] and c[1] == last_pos:
                # The usual case, checked first: the next event and its link, in order.
                link = _link_of(last_link, e)
                if link == c[2]:
                    events.take(), links.take()
                    last_pos, last_link, checked = e[0], link, checked + 1
                    while ci < len(cps) and cps[ci]["position"] <= last_pos:
                        _check_point(cps[ci], last_pos, link)
                        ci += 1
                    continue
            if e is None and c is None:
                break
            pos = min(r[0] for r in (e, c) if r)
            if not c or c[0] != pos:
                if c and c[1] == pos:
                    raise _Found("missing", pos, f"the link of the event at position {pos} has been deleted")
                raise _Found("inserted", pos, f"the event at position {pos} was never chained: it was put in by hand")
            if not e or e[0] != pos:
                raise _Found("missing", pos, f"the event at position {pos} has been deleted (its link remains)")
            if c[1] > last_pos:
                raise _Found("missing", c[1], f"the event at position {c[1]} and its link have been deleted")
            if c[1] < last_pos:
                raise _Found("inserted", pos, f"the link at position {pos} does not follow on from position "
                             f"{last_pos}: the event was put in by hand")
            link = _link_of(last_link, e)
            if link != bytes(c[2]):
                events.take(), links.take()
                raise _classify(src, e, c, links.peek())
            events.take(), links.take()
            last_pos, last_link, checked = pos, link, checked + 1
            while ci < len(cps) and cps[ci]["position"] <= pos:
                _check_point(cps[ci], pos, link)
                ci += 1
        issued = src.highest_issued()
        if issued and issued > last_pos:
            raise _Found("truncated", last_pos + 1,
                         f"positions {last_pos + 1} to {issued} were recorded but the events and links are gone")
        if ci < len(cps):
            cp = cps[ci]
            raise _Found("truncated", last_pos + 1,
                         f"the log ends at position {last_pos} but the checkpoint made {cp['made_at']} "
                         f"vouches for position {cp['position']}")
    except _Found as f:
        return VerifyReport(events_checked=checked, intact=False, first_bad_position=f.position,
                            problem=f.problem, detail=f.detail, head_position=last_pos,
                            head_link=last_link.hex(), checkpoints_checked=ci)
    return VerifyReport(events_checked=checked, head_position=last_pos, head_link=last_link.hex(),
                        checkpoints_checked=ci,
                        detail=f"{checked} events checked; the chain is unbroken"
                        + (f" and matches {ci} checkpoint(s)" if ci else ""))


def _check_point(cp: dict, pos: int, link: bytes) -> None:
    if cp["position"] != pos:
        raise _Found("rewritten", cp["position"],
                     f"position {cp['position']}, vouched for by the checkpoint made {cp['made_at']}, is no longer in the log")
    if cp["link"] != link.hex():
        raise _Found("rewritten", pos,
                     f"the log up to position {pos} no longer matches the checkpoint made {cp['made_at']}: it has been rewritten")


def _classify(src: _Source, e: Event, c: Link, nxt: Link | None) -> _Found:
    pos = e[0]
    if nxt and nxt[1] != pos:
        return _Found("inserted", pos, f"the event at position {pos} is not part of the chain: it was put in by hand")
    home = _find_home(src, e, c)
    if home:
        return _Found("reordered", pos, f"the events at positions {pos} and {home} have been swapped")
    return _Found("edited", pos, f"the event at position {pos} (or its link) has been edited")


def _find_home(src: _Source, e: Event, c: Link) -> int | None:
    """The later position whose link the content now at e's position fits, if any."""
    later = _Peek(_stream(src.events, e[0]))
    prev_link = bytes(c[2])
    for q, _, link in _stream(src.links, e[0]):
        while later.peek() and later.peek()[0] < q:
            later.take()
        here = later.peek()
        candidates = [(q, *e[1:])]
        if here and here[0] == q:  # only topic and state moved
            candidates.append((q, here[1], here[2], e[3], e[4]))
        if any(_link_of(prev_link, cand) == bytes(link) for cand in candidates):
            return q
        prev_link = bytes(link)
    return None


@contextmanager
def _open(url: str) -> Iterator[_Source]:
    parsed = parse_url(url)
    if isinstance(parsed, SQLiteURL):
        with _sqlite_source(parsed.path) as src:
            yield src
    else:
        with _pg_source(parsed) as src:
            yield src


@contextmanager
def _sqlite_source(path: Path) -> Iterator[_Source]:
    if not path.is_file():
        raise StoreUnavailable(f"there is no store at {path}; run 'plantrail init' or check --db")
    try:
        conn = sqlite3.connect(f"file:{quote(str(path))}?mode=ro", uri=True, timeout=5, isolation_level=None)
    except sqlite3.Error as e:
        raise StoreUnavailable(f"cannot open SQLite store {path}: {e}") from None
    try:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if EVENTS_TABLE not in tables:
            raise StoreUnavailable(f"{path} holds no plantrail store; run 'plantrail init' or check --db")
        conn.execute("BEGIN")  # one read snapshot for the whole walk, even while others append
        src = _Source()
        src.events = lambda after, n: conn.execute(
            f"SELECT rowid, originator_id, originator_version, topic, state FROM {EVENTS_TABLE} "
            "WHERE rowid > ? ORDER BY rowid LIMIT ?", (after, n)).fetchall()
        src.links = (lambda after, n: conn.execute(
            f"SELECT position, prev_position, link FROM {CHAIN_TABLE} "
            "WHERE position > ? ORDER BY position LIMIT ?", (after, n)).fetchall()
        ) if CHAIN_TABLE in tables else (lambda after, n: [])
        if "sqlite_sequence" in tables:
            row = conn.execute("SELECT seq FROM sqlite_sequence WHERE name = ?", (EVENTS_TABLE,)).fetchone()
            src.highest_issued = lambda: row[0] if row else None
        yield src
    except sqlite3.Error as e:
        raise StoreUnavailable(f"cannot read SQLite store {path}: {e}") from None
    finally:
        conn.close()


@contextmanager
def _pg_source(u: PostgresURL) -> Iterator[_Source]:
    import psycopg
    from psycopg import sql

    schema = u.schema or "public"
    conn = pg_connect(u)
    try:
        # REPEATABLE READ: one snapshot across all batches, so a concurrent append
        # can't show an event whose link we have already read past.
        conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        conn.read_only = True
        row = conn.execute("SELECT to_regclass(%s), to_regclass(%s)", (
            sql.Identifier(schema, EVENTS_TABLE).as_string(conn),
            sql.Identifier(schema, CHAIN_TABLE).as_string(conn))).fetchone()
        if row[0] is None:
            raise StoreUnavailable(f"no plantrail store in schema {schema!r} at {u.where}/{u.dbname}; "
                                   "run 'plantrail init' or check --db")
        fmt = {"s": sql.Identifier(schema), "e": sql.Identifier(EVENTS_TABLE), "c": sql.Identifier(CHAIN_TABLE)}
        q_events = sql.SQL("SELECT notification_id, originator_id, originator_version, topic, state FROM {s}.{e} "
                           "WHERE notification_id > %s ORDER BY notification_id LIMIT %s").format(**fmt)
        q_links = sql.SQL("SELECT position, prev_position, link FROM {s}.{c} "
                          "WHERE position > %s ORDER BY position LIMIT %s").format(**fmt)
        src = _Source()
        # Binary results: bytea arrives as bytes, with no hex to decode.
        curs = conn.cursor(binary=True)
        src.events = lambda after, n: curs.execute(q_events, (after, n)).fetchall()
        src.links = (lambda after, n: curs.execute(q_links, (after, n)).fetchall()) if row[1] else (lambda a, n: [])
        yield src
    except psycopg.Error as e:
        raise StoreUnavailable(f"cannot read the store at {u.where}: {' '.join(str(e).split())}") from None
    finally:
        conn.close()
