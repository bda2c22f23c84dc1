"""A real TCP proxy on loopback in front of a PostgreSQL server that can lose one exchange.

    with LossyProxy("127.0.0.1", 5432) as proxy:
        url = proxy.url("postgresql://postgres@127.0.0.1:5432/test")
        proxy.drop_reply_once(b"plantrail_record_v4")   # the server commits, the client never hears
        ... run the client against url: it sees the connection lost ...
        assert proxy.fired.wait(5)

It reads the PostgreSQL wire protocol message by message (it does not change any), so it
can tell which statement a message runs and when the server has answered it:

- a *statement* is a simple Query ('Q'), or a Bind ('B') of the extended protocol, whose SQL
  text is that of the Parse ('P') that prepared the statement it names (so a statement
  prepared once and run many times, as psycopg and plantrail's save do, is still
  recognised). It matches when its SQL text contains the pattern (bytes, or a compiled
  bytes regex), or, with in_parameters=True, when its Bind's parameter bytes do. (Only the
  text by default: plantrail also passes its save function's name as a *parameter* of a
  schema check, which must not be taken for the save);
- drop_reply_once: the matching statement is forwarded, and so is everything after it, until
  the server ends the transaction it ran in (a ReadyForQuery saying "idle" after a cycle
  with no error: that statement's own reply in autocommit, or the COMMIT's). That reply is
  held back and thrown away and both connections are closed: the server has committed, the
  client sees the connection lost. A transaction that fails instead is passed through and
  the trigger stays armed;
- drop_request_once: the matching message is not forwarded; both connections are closed at
  once, so the server never runs the statement (for comparison).

Each trigger fires once; the proxy passes everything through otherwise. It answers an
SSLRequest/GSSENCRequest itself with "no" (it could not read an encrypted stream), so
clients must allow a plain connection (sslmode=prefer, libpq's default, does).
"""

from __future__ import annotations

import asyncio
import re
import struct
import threading
from dataclasses import dataclass, field
from typing import Self
from urllib.parse import urlsplit, urlunsplit

SSL_REQUEST, GSSENC_REQUEST, CANCEL_REQUEST = 80877103, 80877104, 80877102


@dataclass
class Trigger:
    pattern: bytes | re.Pattern[bytes]
    mode: str            # "reply" or "request"
    in_parameters: bool = False
    fired: threading.Event = field(default_factory=threading.Event)
    statement: bytes = b""  # the SQL text of the statement that matched last (for messages)


def _contains(pattern: bytes | re.Pattern[bytes], data: bytes) -> bool:
    return pattern.search(data) is not None if isinstance(pattern, re.Pattern) else pattern in data


class _Conversation:
    """What one client connection is doing, seen from the proxy."""

    def __init__(self) -> None:
        self.statements: dict[bytes, bytes] = {}  # prepared statement name -> SQL text
        # One per Query/Sync sent, oldest first: the trigger a statement in it matched, if any.
        self.cycles: list[Trigger | None] = []
        self.matched: Trigger | None = None   # matched in the cycle the client is sending now
        self.watching: Trigger | None = None  # a match ran; waiting for its transaction to end
        self.held: list[bytes] = []    # server messages held back while watching
        self.error = False             # an ErrorResponse in the held messages


class LossyProxy:
    """Listens on 127.0.0.1 (a free port, ``self.port``) and forwards to upstream host:port."""

    def __init__(self, upstream_host: str = "127.0.0.1", upstream_port: int = 5432):
        self.upstream = (upstream_host, upstream_port)
        self.port = 0
        self.trigger: Trigger | None = None
        self.connections = 0                    # client connections accepted so far
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="lossy-proxy", daemon=True)
        self._server: asyncio.base_events.Server | None = None
        self._tasks: set[asyncio.Task] = set()

    # --- control (from the test's thread) --------------------------------------------------
    def start(self) -> LossyProxy:
        self._thread.start()
        self._server = asyncio.run_coroutine_threadsafe(
            asyncio.start_server(self._serve, "127.0.0.1", 0), self._loop).result(10)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    def stop(self) -> None:
        if not self._thread.is_alive():
            return

        async def shutdown() -> None:
            self._server.close()
            for task in list(self._tasks):
                task.cancel()
            await asyncio.gather(*self._tasks, return_exceptions=True)

        asyncio.run_coroutine_threadsafe(shutdown(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        self._loop.close()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def url(self, upstream_url: str) -> str:
        """``upstream_url`` with its host and port replaced by the proxy's."""
        parts = urlsplit(upstream_url)
        netloc = parts.netloc.rsplit("@", 1)
        host = f"127.0.0.1:{self.port}"
        return urlunsplit(parts._replace(netloc=f"{netloc[0]}@{host}" if len(netloc) == 2 else host))

    def drop_reply_once(self, pattern: bytes | re.Pattern[bytes], in_parameters: bool = False) -> Trigger:
        """Lose the server's reply to the end of the transaction that runs a statement
        containing ``pattern`` (the server commits; the client sees the connection lost)."""
        self.trigger = Trigger(pattern, "reply", in_parameters)
        return self.trigger

    def drop_request_once(self, pattern: bytes | re.Pattern[bytes], in_parameters: bool = False) -> Trigger:
        """Lose the client's statement containing ``pattern`` before the server sees it."""
        self.trigger = Trigger(pattern, "request", in_parameters)
        return self.trigger

    @property
    def fired(self) -> threading.Event:
        assert self.trigger, "no trigger set"
        return self.trigger.fired

    # --- the proxy (in its own thread's event loop) ----------------------------------------
    async def _serve(self, client_r: asyncio.StreamReader, client_w: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        self._tasks.add(task)
        self.connections += 1
        server_w = None
        try:
            server_r, server_w = await asyncio.open_connection(*self.upstream)
            if not await self._startup(client_r, client_w, server_w):
                return
            talk = _Conversation()
            pumps = [asyncio.ensure_future(self._client_to_server(client_r, server_w, talk)),
                     asyncio.ensure_future(self._server_to_client(server_r, client_w, talk))]
            # Whichever side ends (EOF, or a drop), the other goes too.
            _, pending = await asyncio.wait(pumps, return_when=asyncio.FIRST_COMPLETED)
            for pump in pending:
                pump.cancel()
            await asyncio.gather(*pumps, return_exceptions=True)
        except (OSError, asyncio.IncompleteReadError):
            pass
        finally:
            for writer in (client_w, server_w):
                if writer is not None:
                    writer.transport.abort()  # at once, not after flushing: a lost connection
            self._tasks.discard(task)

    async def _startup(self, client_r, client_w, server_w) -> bool:
        """Pass the startup packet on, answering SSL/GSS encryption requests with "no"
        ourselves. False for a cancel request (forwarded; nothing follows it)."""
        while True:
            length = struct.unpack("!i", await client_r.readexactly(4))[0]
            body = await client_r.readexactly(length - 4)
            code = struct.unpack("!i", body[:4])[0]
            if code in (SSL_REQUEST, GSSENC_REQUEST):
                client_w.write(b"N")
                await client_w.drain()
                continue
            server_w.write(struct.pack("!i", length) + body)
            await server_w.drain()
            return code != CANCEL_REQUEST

    @staticmethod
    async def _read_message(reader: asyncio.StreamReader) -> tuple[bytes, bytes]:
        """One typed message: its type byte and its whole bytes (type, length, body)."""
        head = await reader.readexactly(5)
        body = await reader.readexactly(struct.unpack("!i", head[1:])[0] - 4)
        return head[:1], head + body

    def _statement_matches(self, kind: bytes, message: bytes, talk: _Conversation) -> bool:
        """Does this Query/Bind run a statement whose text (or parameters) hold the pattern?"""
        trigger = self.trigger
        if kind == b"Q":
            text = message[5:-1]  # the query text, NUL-terminated
        else:  # Bind: portal name\0, statement name\0, then formats and parameter values
            text = talk.statements.get(message[5:].split(b"\0", 2)[1], b"")
        if _contains(trigger.pattern, text) or (
                kind == b"B" and trigger.in_parameters and _contains(trigger.pattern, message)):
            trigger.statement = text
            return True
        return False

    async def _client_to_server(self, client_r, server_w, talk: _Conversation) -> None:
        while True:
            kind, message = await self._read_message(client_r)
            if kind == b"P":  # Parse: statement name\0 query text\0 ...
                name, text = message[5:].split(b"\0", 2)[:2]
                talk.statements[name] = text
            elif kind == b"C" and message[5:6] == b"S":  # Close of a prepared statement
                talk.statements.pop(message[6:].split(b"\0", 1)[0], None)
            trigger = self.trigger
            if (trigger and not trigger.fired.is_set() and kind in (b"Q", b"B")
                    and self._statement_matches(kind, message, talk)):
                if trigger.mode == "request":
                    trigger.fired.set()
                    return  # not forwarded; _serve closes both sides
                talk.matched = trigger
            if kind in (b"Q", b"S"):  # each ends a cycle the server answers with ReadyForQuery
                talk.cycles.append(talk.matched)
                talk.matched = None
            server_w.write(message)
            await server_w.drain()

    async def _server_to_client(self, server_r, client_w, talk: _Conversation) -> None:
        while True:
            kind, message = await self._read_message(server_r)
            # The oldest cycle not yet answered is the one this message answers (or, before
            # its Sync is sent, the one the client is sending now).
            current = talk.cycles[0] if talk.cycles else talk.matched
            if current:
                talk.watching = current
            if kind == b"Z" and talk.cycles:
                talk.cycles.pop(0)
            if not talk.watching:
                client_w.write(message)
                await client_w.drain()
                continue
            # Watching: hold the server's messages until the cycle ends, then decide.
            talk.held.append(message)
            talk.error |= kind == b"E"
            if kind in (b"G", b"W"):  # COPY IN/BOTH: the client must answer before any Z
                await self._release(client_w, talk)
            if kind != b"Z":
                continue
            status = message[5:6]  # I: idle (transaction ended), T: in one, E: in a failed one
            if status == b"I" and not talk.error and not talk.watching.fired.is_set():
                talk.watching.fired.set()  # committed; the client never hears of it
                return
            if status != b"T" or talk.error:
                talk.watching = None  # ended without committing (or fired elsewhere): pass on
            await self._release(client_w, talk)

    @staticmethod
    async def _release(client_w, talk: _Conversation) -> None:
        client_w.write(b"".join(talk.held))
        talk.held.clear()
        talk.error = False
        await client_w.drain()


def proxy_fixture(upstream_url: str | None = None):
    """A pytest fixture giving a started LossyProxy in front of ``upstream_url`` (default:
    $PLANTRAIL_TEST_POSTGRES's host and port), stopped after the test."""
    import os

    import pytest

    @pytest.fixture
    def _proxy():
        url = upstream_url or os.environ.get("PLANTRAIL_TEST_POSTGRES")
        if not url:
            pytest.skip("the lossy proxy needs PLANTRAIL_TEST_POSTGRES")
        parts = urlsplit(url)
        with LossyProxy(parts.hostname or "127.0.0.1", parts.port or 5432) as proxy:
            yield proxy

    return _proxy

