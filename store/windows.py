"""Reading the log in position order, a window of positions bounded at both ends at a time.

A query for "the next N events after position P" (``WHERE position > P ORDER BY position
LIMIT N``) reads N rows only if the server walks the position index; how it runs is the
planner's guess of how much of the log lies past P. With no statistics, or old ones, or as a
prepared statement's generic plan (which does not know N), that guess led it to fetch the
whole rest of the log, sort it and keep N: a scan of the log per batch. Asked for the rows in
(P, P + span] instead, every plan it can choose reads that window and no more
(tests/store/test_store_plans.py checks the plans). Positions have gaps (a save that failed
used its numbers), so a window may hold fewer rows than asked for without being the end.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

Chunk = TypeVar("Chunk")


def in_windows(read: Callable[[int, int, int], Chunk], after: int, limit: int, end: Callable[[], int], *,
               size: Callable[[Chunk], int] = len, join: Callable[[list[Chunk]], Chunk] | None = None) -> Chunk:
    """Up to ``limit`` rows after position ``after``, in position order, fewer only at the
    log's end (position ``end()``, asked only when a window comes back short).

    ``read(low, high, k)`` gives at most ``k`` rows in positions (low, high], in order, as
    one chunk of ``size(chunk)`` rows; the chunks are ``join``-ed (concatenated by default).
    A window spans twice ``limit`` positions: one window a call but for gaps and the end.
    """
    chunks: list[Chunk] = []
    got, low, last = 0, after, None
    while True:
        high = low + 2 * limit
        chunk = read(low, high, limit - got)
        chunks.append(chunk)
        got += size(chunk)
        if got >= limit:
            break
        last = end() if last is None else last
        if high >= last:  # fewer than asked for: the window is read to its end
            break
        low = high
    if len(chunks) == 1:
        return chunks[0]
    return join(chunks) if join is not None else _concatenated(chunks)  # type: ignore[arg-type]


def _concatenated(chunks: Sequence[list]) -> list:  # type: ignore[type-arg]
    return [row for chunk in chunks for row in chunk]
