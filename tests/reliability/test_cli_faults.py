"""Faults seen from the command line: repeats, an unreachable store, and fuzzed options."""

from __future__ import annotations

import time

from tests.support import Shell, staffed


def test_a_repeated_command_id_prints_the_first_result(sh: Shell) -> None:
    staffed(sh)
    sh.ok("child", "add", "K1", "--name", "Karen Hawthorne", "--born", "2023-02-01", actor="sw1")
    args = ("plan", "open", "K1", "--kind", "child-in-need", "--aim", "Safe and well", "--command-id", "case-42")
    first = sh.ok(*args, actor="sw1").out
    before = sh.events()
    assert sh.ok(*args, actor="sw1").out == first
    assert sh.ok(*args, "--json", actor="sw1").json()["plan_id"] == first.strip()  # the first result, again
    assert sh.events() == before


def test_store_unavailable_is_exit_4_within_ten_seconds(tmp_path) -> None:  # type: ignore[no-untyped-def]
    for url in ("postgresql://postgres@127.0.0.1:1/test",            # nothing listening
                "postgresql://postgres@127.0.0.1:5432/no_such_db",   # wrong database
                "postgresql://postgres@no-such-host.invalid/test",   # no such host
                f"sqlite:///{tmp_path}/missing-dir/../../../../../../proc/nope/x.sqlite"):
        started = time.monotonic()
        result = Shell(url, tmp_path)("child", "add", "K1", "--name", "K", "--born", "2020-01-01", actor="sw1")
        assert result.code == 4, (url, result.err)
        assert time.monotonic() - started < 10
        assert "Traceback" not in result.err and len(result.err.strip().splitlines()) <= 2
