"""Self-tests of pg_pair: a real primary + hot standby, started and torn down here."""

from __future__ import annotations

import os
import pwd
import socket
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest

from tests.servers.pg_pair import PgPair, pair_fixture, pg_pair, servers_available, sweep_stale

# One pair for the tests that leave it as they found it; fail-over and teardown get their own.
shared_pair = pair_fixture(scope="module")


def _skip_without_servers() -> None:
    reason = servers_available()
    if reason and not os.environ.get("PLANTRAIL_TEST_POSTGRES"):
        pytest.skip(reason)


def test_standby_streams_what_the_primary_commits_and_refuses_writes(shared_pair: PgPair) -> None:
    shared_pair.primary.execute("CREATE TABLE streamed (x int)")
    shared_pair.primary.execute("INSERT INTO streamed VALUES (1), (2)")
    shared_pair.wait_replayed()
    assert shared_pair.standby.execute("SELECT x FROM streamed ORDER BY x") == [(1,), (2,)]
    assert shared_pair.is_in_recovery() and not shared_pair.is_in_recovery(shared_pair.primary)
    with pytest.raises(psycopg.errors.ReadOnlySqlTransaction):
        shared_pair.standby.execute("INSERT INTO streamed VALUES (3)")
    assert shared_pair.replay_lag_s() == 0 and shared_pair.lag_bytes() == 0


def test_servers_run_as_the_postgres_user_on_loopback(shared_pair: PgPair) -> None:
    expected = pwd.getpwnam("postgres").pw_uid if os.geteuid() == 0 else os.geteuid()
    for server in (shared_pair.primary, shared_pair.standby):
        assert server.data_dir.stat().st_uid == expected
        assert server.value("SHOW listen_addresses") == "127.0.0.1"
        assert server.port != 5432
    assert shared_pair.primary_url.startswith("postgresql://postgres@127.0.0.1:")


def test_paused_replay_leaves_the_standby_stale_and_lagging(shared_pair: PgPair) -> None:
    shared_pair.primary.execute("CREATE TABLE paused (x int)")
    shared_pair.wait_replayed()
    shared_pair.pause_replay()
    try:
        assert shared_pair.replay_paused()
        shared_pair.primary.execute("INSERT INTO paused VALUES (1)")
        time.sleep(0.3)  # the standby receives the insert but does not apply it
        assert shared_pair.standby.execute("SELECT count(*) FROM paused") == [(0,)]
        assert shared_pair.lag_bytes() > 0
        assert shared_pair.replay_lag_s() > 0.2
        replayed_at = shared_pair.replay_timestamp()  # the last commit it applied, not the insert
        assert replayed_at is not None and replayed_at < shared_pair.primary.value("SELECT now()")
        with pytest.raises(TimeoutError):
            shared_pair.wait_replayed(timeout=0.5)
    finally:
        shared_pair.resume_replay()
    shared_pair.wait_replayed()
    assert shared_pair.standby.execute("SELECT count(*) FROM paused") == [(1,)]
    assert shared_pair.replay_lag_s() == 0


def test_standby_can_be_made_synchronous_and_asynchronous_again(shared_pair: PgPair) -> None:
    assert shared_pair.sync_state() == "async"
    shared_pair.set_synchronous(True)
    try:
        assert shared_pair.sync_state() == "sync"
        # A synchronous commit waits for the standby's flush, not its replay: it returns
        # even while replay is paused.
        shared_pair.pause_replay()
        shared_pair.primary.execute("CREATE TABLE synced (x int)")
        shared_pair.resume_replay()
    finally:
        shared_pair.set_synchronous(False)
    assert shared_pair.sync_state() == "async"


def test_fail_over_promotes_the_standby_to_take_writes() -> None:
    _skip_without_servers()
    with pg_pair(db="records") as pair:
        assert pair.primary_url.endswith("/records") and pair.standby_url.endswith("/records")
        pair.primary.execute("CREATE TABLE kept (x int)", db="records")
        pair.primary.execute("INSERT INTO kept VALUES (1)", db="records")
        pair.wait_replayed()
        pair.pause_replay()  # promote() resumes it first
        pair.stop_primary()
        assert not pair.primary.running
        pair.promote()
        assert not pair.is_in_recovery()
        pair.standby.execute("INSERT INTO kept VALUES (2)", db="records")
        assert pair.standby.execute("SELECT x FROM kept ORDER BY x", db="records") == [(1,), (2,)]


def test_teardown_stops_both_servers_and_removes_their_files_even_on_failure() -> None:
    _skip_without_servers()
    with pytest.raises(RuntimeError, match="the test failed"), pg_pair(synchronous=True) as pair:
        assert pair.sync_state() == "sync"
        ports = (pair.primary.port, pair.standby.port)
        raise RuntimeError("the test failed")
    assert not pair.base.exists()
    for port in ports:
        with socket.socket() as s:
            assert s.connect_ex(("127.0.0.1", port)) != 0, f"something still listens on {port}"


def test_servers_left_by_a_killed_test_process_are_swept_by_the_next_one() -> None:
    _skip_without_servers()
    script = ("import sys, time; from pg_pair import pg_pair\n"
              "with pg_pair() as pair:\n"
              "    print(pair.base, pair.primary.port, pair.standby.port, flush=True); time.sleep(120)\n")
    child = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True,
                             cwd=Path(__file__).parent)
    try:
        base, *ports = child.stdout.readline().split()
    finally:
        child.kill()  # SIGKILL: no finally, no atexit in the child
        child.wait()
    assert Path(base).exists()
    sweep_stale()
    assert not Path(base).exists()
    for port in ports:
        with socket.socket() as s:
            assert s.connect_ex(("127.0.0.1", int(port))) != 0, f"something still listens on {port}"
