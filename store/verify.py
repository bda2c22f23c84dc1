"""Walk the log and its hash chain, and say whether (and where) the record was altered.

Two walks: a fast one over whole batches while all is as it should be (the usual
case), and from the first batch that is not, the careful one, event by event, that
finds and names the fault. Both hash every event here, in the verifier, from the
rows as stored; the server is never asked whether the chain holds.
"""

from __future__ import annotations

import gc
import hashlib
import sqlite3
from bisect import bisect_left
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any, Literal, NamedTuple
from urllib.parse import quote

from pydantic import BaseModel

from store.chain import CHAIN_TABLE, EVENTS_TABLE, GENESIS, canonical, canonical_sql, next_link
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
    # For the fast path: a batch of events as (positions, hashables), and the links a
    # run of hashables makes from a link (None if one can't be hashed). By default the
    # hashables are the event rows, hashed by store.chain.next_link.
    hashables: Callable[[int, int], tuple[tuple[int, ...], Sequence[Any]]]
    chain: Callable[[bytes, Sequence[Any]], list[bytes] | None]
    # Whether the next batch may be fetched on another thread (sqlite3 connections refuse).
    threaded = False

    # For the fast path: a batch of links as three columns (positions, prevs, links).
    link_columns: Callable[[int, int], tuple[tuple[int, ...], tuple[int, ...], tuple[bytes, ...]]]

    def __init__(self) -> None:
        self.hashables = lambda after, n: _positions_and_rows(self.events(after, n))
        self.chain = _chain_rows
        self.link_columns = lambda after, n: _columns(self.links(after, n), 3)

    def highest_issued(self) -> int | None:
        return None


def _positions_and_rows(rows: list[Event]) -> tuple[tuple[int, ...], Sequence[Event]]:
    return tuple(r[0] for r in rows), rows


def _columns(rows: Sequence[tuple], width: int) -> tuple[tuple, ...]:
    return tuple(zip(*rows)) if rows else ((),) * width


def _chain_rows(prev: bytes, rows: Sequence[Event]) -> list[bytes] | None:
    try:
        return [prev := next_link(prev, *e) for e in rows]
    except (ValueError, TypeError):  # e.g. an originator id that is no longer a uuid
        return None


def _chain_canonicals(prev: bytes, canonicals: Sequence[bytes]) -> list[bytes]:
    # The inner loop of the whole walk, so as bare as it can be: one hash per event.
    sha256 = hashlib.sha256
    return [prev := sha256(prev + c).digest() for c in canonicals]


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
    # Without the cyclic garbage collector: the walk makes a few objects an event and
    # no cycles, so each collection would only walk whatever else the process holds
    # (in a process holding an application's records, a fifth of the walk's time).
    collecting = gc.isenabled()
    gc.disable()
    try:
        with _open(url) as src:
            return _walk(src, cps)
    finally:
        if collecting:
            gc.enable()


class _Progress:
    """How far the walk has verified, and the checkpoints passed: the head it reports."""

    def __init__(self, cps: list[dict]):
        self.pos, self.link, self.checked = 0, GENESIS, 0
        self.cps, self.ci = cps, 0

    def reach(self, pos: int, link: bytes, checked: int) -> None:
        """The log verifies up to pos; every checkpoint that falls due by then must hold."""
        self.pos, self.link, self.checked = pos, link, checked
        while self.ci < len(self.cps) and self.cps[self.ci]["position"] <= pos:
            _check_point(self.cps[self.ci], pos, link)
            self.ci += 1

    def step(self, pos: int, link: bytes) -> None:
        self.reach(pos, link, self.checked + 1)

    def steps(self, positions: Sequence[int], links: Sequence[bytes]) -> None:
        """As step() for each, in one go: stop only where a checkpoint falls due, so a
        checkpoint that fails leaves the head where step() would have left it."""
        base = self.checked
        while self.ci < len(self.cps) and self.cps[self.ci]["position"] <= positions[-1]:
            i = bisect_left(positions, self.cps[self.ci]["position"])
            self.reach(positions[i], links[i], base + i + 1)
        self.reach(positions[-1], links[-1], base + len(positions))


def _walk(src: _Source, cps: list[dict]) -> VerifyReport:
    at = _Progress(cps)
    try:
        _walk_fast(src, at)
        _walk_careful(src, at)  # from where the fast walk stopped (at the end, if all was well)
        issued = src.highest_issued()
        if issued and issued > at.pos:
            raise _Found("truncated", at.pos + 1,
                         f"positions {at.pos + 1} to {issued} were recorded but the events and links are gone")
        if at.ci < len(cps):
            cp = cps[at.ci]
            raise _Found("truncated", at.pos + 1,
                         f"the log ends at position {at.pos} but the checkpoint made {cp['made_at']} "
                         f"vouches for position {cp['position']}")
    except _Found as f:
        return VerifyReport(events_checked=at.checked, intact=False, first_bad_position=f.position,
                            problem=f.problem, detail=f.detail, head_position=at.pos,
                            head_link=at.link.hex(), checkpoints_checked=at.ci)
    return VerifyReport(events_checked=at.checked, head_position=at.pos, head_link=at.link.hex(),
                        checkpoints_checked=at.ci,
                        detail=f"{at.checked} events checked; the chain is unbroken"
                        + (f" and matches {at.ci} checkpoint(s)" if at.ci else ""))


class _Batch(NamedTuple):
    positions: tuple[int, ...]  # of the events
    hashables: Sequence[Any]  # what src.chain hashes, one per event
    link_positions: tuple[int, ...]
    prevs: tuple[int, ...]
    links: tuple[bytes, ...]
    full: bool  # a query filled the batch: there may be more after it
    last: int  # the position to read on from


def _fetch_batch(src: _Source, after: int, n: int) -> _Batch:
    positions, hashables = src.hashables(after, n)
    link_positions, prevs, links = src.link_columns(after, n)
    last = max(positions[-1:] + link_positions[-1:], default=after)
    return _Batch(positions, hashables, link_positions, prevs, links,
                  len(positions) == n or len(link_positions) == n, last)


def _batches(src: _Source, after: int) -> Iterator[_Batch]:
    """Batches of BATCH events and links from `after` on, to the end of the log."""
    fetch = _prefetched if src.threaded else _fetched_in_turn
    return fetch(src, after)


def _fetched_in_turn(src: _Source, after: int) -> Iterator[_Batch]:
    while True:
        batch = _fetch_batch(src, after, BATCH)
        yield batch
        if not batch.full:
            return
        after = batch.last


def _prefetched(src: _Source, after: int) -> Iterator[_Batch]:
    """As _fetched_in_turn, but each next batch is fetched on a worker thread while the
    caller hashes this one: psycopg lets go of the GIL while the server works."""
    # Leaving the with-block (the walk done, or stopped early) waits for a fetch still
    # under way, so the careful walk never shares the connection with it.
    with ThreadPoolExecutor(max_workers=1) as pool:
        pending = pool.submit(_fetch_batch, src, after, BATCH)
        while True:
            batch = pending.result()
            if batch.full:
                pending = pool.submit(_fetch_batch, src, batch.last, BATCH)
            yield batch
            if not batch.full:
                return


def _walk_fast(src: _Source, at: _Progress) -> None:
    """Verify whole batches while each is the usual case: the next events, each with its
    link, in order, each link the hash of the one before and the event.

    Returns at the end of the log, or at the start of the first batch that is anything
    else, for the careful walk to find and name the fault (and the rest of the log).
    """
    with closing(_batches(src, at.pos)) as batches:
        for b in batches:
            if not _in_step(b, at.pos):
                return
            links = src.chain(at.link, b.hashables)
            if links is None or tuple(links) != b.links:
                return
            if links:
                at.steps(b.positions, links)
            if not b.full:
                return


def _in_step(b: _Batch, last_pos: int) -> bool:
    """Every event has a link at its position, and each link follows on from the one before."""
    return b.positions == b.link_positions and (
        not b.prevs or (b.prevs[0] == last_pos and b.prevs[1:] == b.positions[:-1]))


def _walk_careful(src: _Source, at: _Progress) -> None:
    """Event by event from at.pos to the end, naming the first fault found (as _Found)."""
    events, links = _Peek(_stream(src.events, at.pos)), _Peek(_stream(src.links, at.pos))
    while True:
        e, c = events.peek(), links.peek()
        if e is None and c is None:
            return
        pos = min(r[0] for r in (e, c) if r)
        if not c or c[0] != pos:
            if c and c[1] == pos:
                raise _Found("missing", pos, f"the link of the event at position {pos} has been deleted")
            raise _Found("inserted", pos, f"the event at position {pos} was never chained: it was put in by hand")
        if not e or e[0] != pos:
            raise _Found("missing", pos, f"the event at position {pos} has been deleted (its link remains)")
        if c[1] > at.pos:
            raise _Found("missing", c[1], f"the event at position {c[1]} and its link have been deleted")
        if c[1] < at.pos:
            raise _Found("inserted", pos, f"the link at position {pos} does not follow on from position "
                         f"{at.pos}: the event was put in by hand")
        link = _link_of(at.link, e)
        events.take(), links.take()
        if link != bytes(c[2]):
            raise _classify(src, e, c, links.peek())
        at.step(pos, link)


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
        if row[1]:
            # The fast path's links as three arrays, one row: half the client's time for them.
            # They come in the subquery's order; were that ever not so, the batch would not
            # be in step, and the careful walk would check it link by link.
            q_link_columns = sql.SQL("SELECT array_agg(position), array_agg(prev_position), array_agg(link) FROM"
                                     " (SELECT position, prev_position, link FROM {s}.{c}"
                                     " WHERE position > %s ORDER BY position LIMIT %s) AS batch").format(**fmt)
            columns = conn.cursor(binary=True)
            src.link_columns = lambda after, n: tuple(
                tuple(column or ()) for column in columns.execute(q_link_columns, (after, n)).fetchone())
        if _pg_canonical_agrees(conn):
            _hash_canonicals_from_server(src, conn, sql.SQL(
                "SELECT notification_id, " + _PG_CANONICAL + " FROM {s}.{e} "
                "WHERE notification_id > %s ORDER BY notification_id LIMIT %s").format(**fmt))
        yield src
    except psycopg.Error as e:
        raise StoreUnavailable(f"cannot read the store at {u.where}: {' '.join(str(e).split())}") from None
    finally:
        conn.close()


# store.chain.canonical() in SQL (store.chain.canonical_sql, as the save function has it),
# so the server sends each event as the one byte string the verifier hashes: the client
# still does all the hashing, of exactly what is stored, with no Python per column. The
# careful walk, which names a fault, does not use it.
_PG_CANONICAL = canonical_sql()

_CANONICAL_SAMPLES = (  # a multi-byte topic, binary state, and the empty and NULL cases
    (1, "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0", 7, "tópic:Événement", b"\x00\xff{\"a\":1}\n"),
    (2**40 + 3, "00000000-0000-0000-0000-000000000000", 0, "", b""),
    (9, "ffffffff-ffff-ffff-ffff-ffffffffffff", 2**62, None, None),
)


def _pg_canonical_agrees(conn: Any) -> bool:
    """Whether this server builds _PG_CANONICAL byte for byte as canonical() does.

    If not (the SQL or the Python changed alone, or an odd server encoding), the fast
    path is not used and the careful walk, which hashes canonical() itself, checks the
    whole log. So the verdict always rests on store.chain's definition of the bytes:
    were the SQL and the save function to drift from it together, a fast path trusting the SQL
    would pass a log that canonical() says is broken.
    """
    import psycopg

    query = ("SELECT " + _PG_CANONICAL + " FROM (VALUES (%s::bigint, %s::uuid, %s::bigint, %s::text, %s::bytea))"
             " AS v(notification_id, originator_id, originator_version, topic, state)")
    try:
        with conn.transaction():  # a savepoint: should the check fail, the snapshot lives on
            got = [bytes(conn.execute(query, sample).fetchone()[0]) for sample in _CANONICAL_SAMPLES]
    except (psycopg.Error, UnicodeError):  # e.g. a server encoding that can't hold the sample topic
        return False
    return got == [canonical(*sample) for sample in _CANONICAL_SAMPLES]


def _hash_canonicals_from_server(src: _Source, conn: Any, q_canonicals: Any) -> None:
    # Its own cursor: the fast path fetches on a worker thread, and cursors are not shared.
    curs = conn.cursor(binary=True)

    def hashables(after: int, n: int) -> tuple[tuple[int, ...], tuple[bytes, ...]]:
        rows = curs.execute(q_canonicals, (after, n)).fetchall()
        return tuple(zip(*rows)) if rows else ((), ())  # (positions, canonicals)

    src.hashables, src.chain, src.threaded = hashables, _chain_canonicals, True
