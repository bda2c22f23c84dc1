"""A read decided on records that change before its access log entry is saved (CLI.md, "Who
reads"): the entry's save checks the reader's and the child's records are as they were read, so
a restriction or a leave recorded in between refuses the read (logged), never lets it through.
On both stores; the change is made by another application between the checks and the save."""

from __future__ import annotations

import pytest

from plantrail.application.access import Read, logged_read
from plantrail.domain.errors import Conflict, NotPermitted
from tests.support import Shell, open_app, staffed


@pytest.fixture
def scene(sh: Shell) -> Shell:
    staffed(sh)
    sh.ok("child", "add", "K1", "--name", "Karen Hawthorne", "--born", "2020-01-01", actor="sw1")
    return sh


def _with_change_between_check_and_save(app, change):  # type: ignore[no-untyped-def]
    """``app.reader_and_child``, with ``change`` (once) recorded by another application right
    after the records are read: what a second user's command between the two would do."""
    read = app.reader_and_child
    pending = change if isinstance(change, list) else [change]

    def reader_and_child(staff_id, child_ref):  # type: ignore[no-untyped-def]
        found = read(staff_id, child_ref)
        if pending:
            pending.pop(0)()
        return found

    app.reader_and_child = reader_and_child


def _entries(sh: Shell) -> list[dict]:  # type: ignore[type-arg]
    return sh.ok("access", "K1", "--json", actor="au1").json()["entries"]


@pytest.mark.parametrize("change", ["restrict", "leave"])
def test_a_change_between_the_checks_and_the_entry_refuses_the_read(scene: Shell, change: str) -> None:
    sh = scene
    before = len(_entries(sh))
    other = open_app(sh.url)
    app = open_app(sh.url)
    try:
        if change == "restrict":
            record = lambda: other.restrict_child("tm1", "K1", allow=["sw1"], reason="staff relative")  # noqa: E731
        else:
            record = lambda: other.record_leaving("tm1", "rc1", on=app.today(), reason="left")  # noqa: E731
        _with_change_between_check_and_save(app, record)
        with pytest.raises(NotPermitted):
            logged_read(app, Read(command="child show", actor="rc1", login="test", child="K1"))
    finally:
        app.close()
        other.close()
    assert [e["refused"] for e in _entries(sh)[before:] if e["actor"] == "rc1"] == [True]


def test_an_unchanged_record_lets_the_read_through_at_once(scene: Shell) -> None:
    sh = scene
    before = len(_entries(sh))
    app = open_app(sh.url)
    try:
        logged_read(app, Read(command="child show", actor="rc1", login="test", child="K1"))
    finally:
        app.close()
    assert [e["refused"] for e in _entries(sh)[before:] if e["actor"] == "rc1"] == [False]


def _read_while_restricted_and_lifted(sh: Shell, changes: int) -> list[bool]:
    """rc1 reads K1 while another application restricts the record to rc1 and lifts it again,
    ``changes`` times in all, each between the read's checks and its entry's save; what rc1's
    entries say (refused or not). Conflict propagates."""
    before = len(_entries(sh))
    other, app = open_app(sh.url), open_app(sh.url)
    try:
        restrict = lambda: other.restrict_child("tm1", "K1", allow=["rc1"], reason="staff relative")  # noqa: E731
        lift = lambda: other.unrestrict_child("tm1", "K1", reason="lifted")  # noqa: E731
        _with_change_between_check_and_save(app, [restrict, lift, restrict][:changes])
        logged_read(app, Read(command="child show", actor="rc1", login="test", child="K1"))
    finally:
        app.close()
        other.close()
    return [e["refused"] for e in _entries(sh)[before:] if e["actor"] == "rc1"]


def test_records_that_keep_changing_refuse_the_read_as_a_conflict(scene: Shell) -> None:
    with pytest.raises(Conflict):
        _read_while_restricted_and_lifted(scene, 3)
    assert [e["refused"] for e in _entries(scene) if e["actor"] == "rc1"] == [True]  # refused, and logged


def test_a_record_that_changes_twice_is_read_at_the_third_try(scene: Shell) -> None:
    assert _read_while_restricted_and_lifted(scene, 2) == [False]
