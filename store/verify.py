"""Walk the log and its hash chain, and say whether (and where) the record was altered.

Two walks: a fast one over whole batches while all is as it should be (the usual
case), and from the first batch that is not, the careful one, event by event, that
finds and names the fault. Both hash every event here, in the verifier, from the
rows as stored; the server is never asked whether the chain holds.
"""

from __future__ import annotations

import gc
from bisect import bisect_left
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from typing import Any, Literal, NamedTuple

from pydantic import BaseModel

from plantrail.store.chain import GENESIS, next_link
from plantrail.store.verify_sources import Event, Link, LogSource, open_source

BATCH = 10000  # rows a query; keyset pagination keeps memory to one batch

Problem = Literal["edited", "missing", "inserted", "reordered", "truncated", "rewritten", "untrusted-key",
                  "derived", "lost-in-failover"]
# What became of a checkpoint: the log still extends it (held); a standby has not yet
# replayed up to it (pending: ask the primary); or the log no longer extends it (broken).
CheckpointStatus = Literal["held", "pending", "broken"]


class CheckpointSeen(BaseModel):
    """A checkpoint verify was given: which file, what it vouches for, and the key that
    signed it (``key``: its fingerprint; ``trusted``: among the trusted keys, or None where
    none were given)."""

    source: str
    position: int
    made_at: str
    key: str
    trusted: bool | None
    status: CheckpointStatus = "held"


class VerifyReport(BaseModel):
    events_checked: int = 0
    intact: bool = True
    first_bad_position: int | None = None
    problem: Problem | None = None
    detail: str = ""
    head_position: int = 0  # last position that verified (0: empty log)
    head_link: str = GENESIS.hex()
    checkpoints_checked: int = 0
    checkpoints: list[CheckpointSeen] = []
    replica: bool = False  # read on a hot standby (answers as of what it has replayed)
    timeline: int = 1  # the server's timeline: above 1 once a standby has been promoted
    # Rows derived from the log (views, command log, snapshots) that the log does not give:
    # each {table, record, detail}; filled by the caller that checks them (cli verify).
    derived: list[dict[str, str]] = []


class _Found(Exception):
    def __init__(self, problem: Problem, position: int, detail: str, checkpoint: bool = False):
        self.problem, self.position, self.detail = problem, position, detail
        self.checkpoint = checkpoint  # found by a checkpoint, not by the chain itself


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


def verify(url: str, checkpoints: Sequence[Any] = (), trusted_keys: set[str] | None = None) -> VerifyReport:
    """Verify the whole log; each checkpoint (dict or file path) must still hold, and, where
    ``trusted_keys`` (public keys, hex) are given, be signed by one of them.

    Raises StoreUnavailable if the store can't be opened, BadCheckpoint for a bad checkpoint.
    """
    from plantrail.store.checkpoint import load_checkpoint

    cps = sorted((load_checkpoint(c) for c in checkpoints), key=lambda c: c["position"])
    report = _verified(url, cps)
    return _trusted(report, cps, trusted_keys)


def _trusted(report: VerifyReport, cps: list[dict], trusted_keys: set[str] | None) -> VerifyReport:
    """Each checkpoint's key named in the report; the first one signed by a key the auditor
    does not trust is ``untrusted-key`` (where nothing before it was found)."""
    from plantrail.store.checkpoint import fingerprint

    report.checkpoints = [
        CheckpointSeen(source=cp["source"], position=cp["position"], made_at=cp["made_at"],
                       key=fingerprint(cp["public_key"]),
                       trusted=None if trusted_keys is None else cp["public_key"] in trusted_keys,
                       status=_status(report, i))
        for i, cp in enumerate(cps)]
    stranger = next((seen for seen in report.checkpoints if seen.trusted is False), None)
    if report.intact and stranger is not None:
        report.intact, report.problem, report.first_bad_position = False, "untrusted-key", stranger.position
        report.detail = (f"the checkpoint {stranger.source} (made {stranger.made_at}) was signed by {stranger.key}, "
                         "which is not one of the trusted keys")
    return report


def _status(report: VerifyReport, index: int) -> CheckpointStatus:
    if index < report.checkpoints_checked:
        return "held"
    return "pending" if report.intact else "broken"


def _verified(url: str, cps: list[dict]) -> VerifyReport:
    # Without the cyclic garbage collector: the walk makes a few objects an event and
    # no cycles, so each collection would only walk whatever else the process holds
    # (in a process holding an application's records, a fifth of the walk's time).
    collecting = gc.isenabled()
    gc.disable()
    try:
        with open_source(url) as src:
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


def _walk(src: LogSource, cps: list[dict]) -> VerifyReport:
    at = _Progress(cps)
    where = {"replica": src.standby, "timeline": src.timeline}
    try:
        _walk_fast(src, at)
        _walk_careful(src, at)  # from where the fast walk stopped (at the end, if all was well)
        issued = src.highest_issued()
        if issued and issued > at.pos:
            raise _Found("truncated", at.pos + 1,
                         f"positions {at.pos + 1} to {issued} were recorded but the events and links are gone")
        if at.ci < len(cps) and not src.standby:
            cp = cps[at.ci]
            raise _Found("truncated", at.pos + 1,
                         f"the log ends at position {at.pos} but the checkpoint made {cp['made_at']} "
                         f"vouches for position {cp['position']}", checkpoint=True)
    except _Found as f:
        if f.checkpoint and src.timeline > 1:
            f = _lost_in_failover(f, src.timeline, at.pos)
        return VerifyReport(events_checked=at.checked, intact=False, first_bad_position=f.position,
                            problem=f.problem, detail=f.detail, head_position=at.pos,
                            head_link=at.link.hex(), checkpoints_checked=at.ci, **where)
    pending = len(cps) - at.ci  # only on a standby: a primary's log must reach every checkpoint
    return VerifyReport(events_checked=at.checked, head_position=at.pos, head_link=at.link.hex(),
                        checkpoints_checked=at.ci, **where,
                        detail=f"{at.checked} events checked; the chain is unbroken"
                        + (f" and matches {at.ci} checkpoint(s)" if at.ci else "")
                        + (f"; {pending} checkpoint(s) pending: this standby has replayed up to position {at.pos} "
                           "only (verify them on the primary, or again once it has caught up)" if pending else ""))


def _lost_in_failover(f: _Found, timeline: int, head: int) -> _Found:
    """A checkpoint the log no longer reaches, on a server that was promoted: the likeliest
    cause is transactions committed on the old primary that never reached this one."""
    return _Found("lost-in-failover", f.position, (
        f"{f.detail}. This server was promoted from a standby (timeline {timeline}): the events after position "
        f"{head} that the checkpoint vouches for were most likely committed on the old primary and lost in the "
        "fail-over. Keep the old primary's data directory, compare its log with this one, re-enter the lost "
        "commands, then make a new checkpoint (docs/operations.md). A log cut short by tampering looks the same: "
        "the old primary's copy or a backup rules it out."), checkpoint=True)


class _Batch(NamedTuple):
    positions: tuple[int, ...]  # of the events
    hashables: Sequence[Any]  # what src.chain hashes, one per event
    link_positions: tuple[int, ...]
    prevs: tuple[int, ...]
    links: tuple[bytes, ...]
    full: bool  # a query filled the batch: there may be more after it
    last: int  # the position to read on from


def _fetch_batch(src: LogSource, after: int, n: int) -> _Batch:
    positions, hashables = src.hashables(after, n)
    link_positions, prevs, links = src.link_columns(after, n)
    last = max(positions[-1:] + link_positions[-1:], default=after)
    return _Batch(positions, hashables, link_positions, prevs, links,
                  len(positions) == n or len(link_positions) == n, last)


def _batches(src: LogSource, after: int) -> Iterator[_Batch]:
    """Batches of BATCH events and links from `after` on, to the end of the log."""
    fetch = _prefetched if src.threaded else _fetched_in_turn
    return fetch(src, after)


def _fetched_in_turn(src: LogSource, after: int) -> Iterator[_Batch]:
    while True:
        batch = _fetch_batch(src, after, BATCH)
        yield batch
        if not batch.full:
            return
        after = batch.last


def _prefetched(src: LogSource, after: int) -> Iterator[_Batch]:
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


def _walk_fast(src: LogSource, at: _Progress) -> None:
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


def _walk_careful(src: LogSource, at: _Progress) -> None:
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
        raise _Found("rewritten", cp["position"], f"position {cp['position']}, vouched for by the checkpoint made "
                     f"{cp['made_at']}, is no longer in the log", checkpoint=True)
    if cp["link"] != link.hex():
        raise _Found("rewritten", pos, f"the log up to position {pos} no longer matches the checkpoint made "
                     f"{cp['made_at']}: it has been rewritten", checkpoint=True)


def _classify(src: LogSource, e: Event, c: Link, nxt: Link | None) -> _Found:
    pos = e[0]
    if nxt and nxt[1] != pos:
        return _Found("inserted", pos, f"the event at position {pos} is not part of the chain: it was put in by hand")
    home = _find_home(src, e, c)
    if home:
        return _Found("reordered", pos, f"the events at positions {pos} and {home} have been swapped")
    return _Found("edited", pos, f"the event at position {pos} (or its link) has been edited")


def _find_home(src: LogSource, e: Event, c: Link) -> int | None:
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
