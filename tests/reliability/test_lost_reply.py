"""Exactly once when the server's reply is lost: a real TCP proxy on loopback between the
real `plantrail` executable and PostgreSQL lets the save commit, then drops its reply and
the connection. The store's retry sends the save again; the command log (every write has
a command id, given or made) recognises it: the write lands once, and the CLI reports what
really happened, exit 0."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from plantrail.store.postgres_recorder import RECORD_FUNCTION
from tests.servers.lossy_proxy import LossyProxy
from tests.support import Shell, open_app, staffed

SAVE = RECORD_FUNCTION.encode()  # in the save's SQL text only


@pytest.fixture
def through(pg_schema_url: str, tmp_path: Path) -> Iterator[tuple[Shell, Shell, LossyProxy]]:
    """The CLI straight to the server, the CLI through the proxy, and the proxy."""
    direct = Shell(pg_schema_url, tmp_path)
    staffed(direct)
    parts = urlsplit(pg_schema_url)
    with LossyProxy(parts.hostname or "127.0.0.1", parts.port or 5432) as proxy:
        proxied = parts._replace(netloc=f"{parts.username}@127.0.0.1:{proxy.port}")
        yield direct, Shell(urlunsplit(proxied), tmp_path), proxy


def _plan(sh: Shell) -> str:
    sh.ok("child", "add", "K1", "--name", "Karen Hawthorne", "--born", "2023-02-01", actor="sw1")
    return sh.ok("plan", "open", "K1", "--kind", "child-in-need", "--aim", "Safe and well", "--on", "2026-03-02",
                 actor="sw1").out.strip()


def _events(sh: Shell, topic: str) -> int:
    app = open_app(sh.url)
    try:
        return sum(1 for n in app.notifications() if n.topic.endswith(topic))
    finally:
        app.close()


def test_an_action_whose_reply_was_lost_is_recorded_once(through) -> None:
    direct, proxied, proxy = through
    plan = _plan(direct)
    proxy.drop_reply_once(SAVE)
    added = proxied("--as", "sw1", "action", "add", plan, "--area", "health", "--need", "Weight",
                    "--response", "Weigh", "--frequency", "weekly", "--responsible", "HV", "--starts", "2026-03-09",
                    "--outcome", "Gains weight", "--on", "2026-03-02")
    assert proxy.fired.is_set(), "the proxy never dropped the save's reply"
    assert (added.code, added.out.strip()) == (0, "A1"), added.err
    assert _events(direct, ":ActionAdded") == 1


def test_a_visit_whose_reply_was_lost_is_recorded_once(through) -> None:
    direct, proxied, proxy = through
    plan = _plan(direct)
    proxy.drop_reply_once(SAVE)
    visit = proxied("--as", "sw1", "visit", "record", plan, "--on", "2026-03-20", "--seen-alone", "yes")
    assert proxy.fired.is_set()
    assert visit.code == 0, visit.err
    assert _events(direct, ":VisitRecorded") == 1


def test_a_close_whose_reply_was_lost_says_it_closed(through) -> None:
    direct, proxied, proxy = through
    plan = _plan(direct)
    proxy.drop_reply_once(SAVE)
    closed = proxied("--as", "tm1", "plan", "close", plan, "--reason", "needs met", "--json")
    assert proxy.fired.is_set()
    assert closed.code == 0, closed.err  # exit 1 would say nothing was recorded: it was
    assert "refused" not in closed.err
    assert _events(direct, ":PlanClosed") == 1


def test_an_import_whose_reply_was_lost_counts_what_was_recorded_and_runs_again_safely(through, tmp_path) -> None:
    direct, proxied, proxy = through
    lines = [{"command": "child add", "as": "sw1",
              "args": {"child_ref": f"C{n}", "name": f"Child {n}", "born": "2020-01-01"}} for n in range(30)]
    path = tmp_path / "children.jsonl"
    path.write_text("".join(json.dumps(line) + "\n" for line in lines))
    proxy.drop_reply_once(SAVE)
    ran = proxied("import", str(path), "--batch", "10", "--json")
    assert proxy.fired.is_set()
    assert ran.code == 0, ran.err
    assert json.loads(ran.out)["lines"] == 30
    assert _events(direct, ":ChildRegistered") == 30
    again = direct("import", str(path), "--batch", "7", "--json")
    assert again.code == 0, again.err
    assert _events(direct, ":ChildRegistered") == 30
