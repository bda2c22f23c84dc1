"""``subscribe()`` on either store: a subscription that polls the log.

The library's PostgreSQL subscription LISTENs for the NOTIFY its own save sends; the save
here sends none (a NOTIFY costs every save a share of the server's notify queue and its
lock, and every listener a query per save: docs/performance.md), and SQLite has no NOTIFY
at all. This one looks for new events on a timer instead, and needs nothing from the
writers: events saved by any process, any version, any role are delivered. Saves take turns
and hold their lock until they commit (on SQLite, the write lock), so positions become visible in
order and a poll from the last position seen never skips one.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

from eventsourcing.persistence import ApplicationRecorder, ListenNotifySubscription

# How often an idle subscription looks for new events, in seconds: an event is delivered
# within about this of its save. An idle poll is one indexed query (what it costs:
# docs/performance.md, "Subscribers").
POLL_INTERVAL = 0.1


class PollingSubscription(ListenNotifySubscription[ApplicationRecorder]):
    """The library's pull loop (``ListenNotifySubscription``: a thread pulls pages of the
    log into a queue whenever ``_has_been_notified`` is set), woken by a timer instead of
    by LISTEN. A connection the server closed is replaced by the recorder's retried reads,
    and the subscription carries on from the last position it delivered.

    Enter it (``with``) or iterate it: leaving joins its threads. One made and stopped
    without being entered leaves its pull thread to end on its own.
    """

    def __init__(self, recorder: ApplicationRecorder, gt: int | None = None, topics: Sequence[str] = (),
                 interval: float = POLL_INTERVAL) -> None:
        self._interval = interval
        self._stopping = threading.Event()  # before super() starts the pull thread (it may stop())
        super().__init__(recorder=recorder, gt=gt, topics=topics)
        self._tick_thread = threading.Thread(target=self._tick, daemon=True, name="plantrail-subscription-tick")
        self._tick_thread.start()

    def _tick(self) -> None:
        while not self._stopping.wait(self._interval):
            self._has_been_notified.set()

    def stop(self) -> None:
        self._stopping.set()
        super().stop()

    def __exit__(self, *args: Any, **kwargs: Any) -> None:
        try:
            super().__exit__(*args, **kwargs)
        finally:
            self._tick_thread.join()
