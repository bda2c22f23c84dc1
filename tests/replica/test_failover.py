"""Fail-over on a real primary + asynchronous hot standby: the standby stops receiving, the
primary records more and a checkpoint vouches for it, the primary dies, the standby is
promoted. Writes then work with no change of configuration; verify against a checkpoint
the promoted server had is intact; against the checkpoint of the lost commits it says
"lost in fail-over" (exit 3), with what to do, rather than calling it tampering."""

from __future__ import annotations

import time
from pathlib import Path

from tests.servers.pg_pair import PgPair, pair_fixture
from tests.support import Shell, staffed

pair = pair_fixture(scope="function", db="plantrail")


def _stop_receiving(pair: PgPair) -> None:
    """The standby stops streaming (as when the network between them fails): what the
    primary commits from now on never reaches it."""
    pair.standby.execute("ALTER SYSTEM SET primary_conninfo = ''")
    pair.standby.execute("SELECT pg_reload_conf()")
    deadline = time.monotonic() + 30
    while pair.standby.execute("SELECT 1 FROM pg_stat_wal_receiver"):
        assert time.monotonic() < deadline, "the standby's WAL receiver did not stop"
        time.sleep(0.05)


def _action(sh: Shell, plan: str, need: str) -> str:
    return sh.ok("action", "add", plan, "--area", "health", "--need", need, "--response", "Weigh",
                 "--frequency", "weekly", "--responsible", "HV", "--starts", "2026-03-09",
                 "--outcome", "Gains weight", "--on", "2026-03-09", actor="sw1").out.strip()


def test_commits_lost_in_an_asynchronous_fail_over_are_named_as_such(pair: PgPair, tmp_path: Path) -> None:
    primary, standby = Shell(pair.primary_url, tmp_path), Shell(pair.standby_url, tmp_path)
    primary.ok("init")
    staffed(primary)
    primary.ok("child", "add", "K1", "--name", "Karen Hawthorne", "--born", "2023-02-01", actor="sw1")
    plan = primary.ok("plan", "open", "K1", "--kind", "child-in-need", "--aim", "Safe and well",
                      "--on", "2026-03-02", actor="sw1").out.strip()
    key = tmp_path / "key.pem"
    primary.ok("key", "create", str(key))
    primary.ok("checkpoint", "--key", str(key), "-o", str(tmp_path / "shared.json"))
    pair.wait_replayed()

    _stop_receiving(pair)
    _action(primary, plan, "Lost one")
    _action(primary, plan, "Lost two")
    primary.ok("checkpoint", "--key", str(key), "-o", str(tmp_path / "lost.json"))
    pair.stop_primary()
    pair.promote()

    # The promoted server takes writes, as it is, and its own record verifies.
    assert _action(standby, plan, "After fail-over") == "A1"
    kept = standby("verify", "--against", str(tmp_path / "shared.json"), "--json")
    assert kept.code == 0, kept.err
    assert kept.json()["intact"] is True

    lost = standby("verify", "--against", str(tmp_path / "lost.json"), "--json")
    assert lost.code == 3, lost.err
    report = lost.json()
    assert report["problem"] == "lost-in-failover", report
    assert "promoted" in report["detail"] and "checkpoint" in report["detail"]
    said = standby("verify", "--against", str(tmp_path / "lost.json"))
    assert said.code == 3 and "fail-over" in said.out + said.err


def test_a_promoted_standby_with_nothing_lost_verifies(pair: PgPair, tmp_path: Path) -> None:
    primary, standby = Shell(pair.primary_url, tmp_path), Shell(pair.standby_url, tmp_path)
    primary.ok("init")
    staffed(primary)
    primary.ok("child", "add", "K1", "--name", "Karen Hawthorne", "--born", "2023-02-01", actor="sw1")
    key = tmp_path / "key.pem"
    primary.ok("key", "create", str(key))
    primary.ok("checkpoint", "--key", str(key), "-o", str(tmp_path / "last.json"))
    pair.wait_replayed()
    pair.stop_primary()
    pair.promote()
    standby.ok("child", "add", "K2", "--name", "Kim Two", "--born", "2022-05-05", actor="sw1")
    verified = standby("verify", "--against", str(tmp_path / "last.json"), "--json")
    assert verified.code == 0 and verified.json()["intact"] is True, verified.out + verified.err
