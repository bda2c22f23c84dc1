"""A plan read for a reader brings the reader's and the child's records with it, for the read's
access log entry (application/read_ahead.py): on PostgreSQL a logged read of a plan reads the
log once, then saves its entry. What is read ahead is only a first look: a record that moves on
before the entry's save is read again and the read decided again."""

from __future__ import annotations

from datetime import date
from uuid import UUID

import pytest

from plantrail.application.access import Read, logged_read
from plantrail.application.records import PlanRecords
from plantrail.domain.errors import NotPermitted
from plantrail.projections.current import current_plan
from plantrail.store.settings import env_for_url
from tests.support import Shell, open_app, staffed


@pytest.fixture
def plan(sh: Shell) -> str:
    return _plan(sh)


def _plan(sh: Shell) -> str:
    staffed(sh)
    sh.ok("child", "add", "K1", "--name", "Karen Hawthorne", "--born", "2020-01-01", actor="sw1")
    return sh.ok("plan", "open", "K1", "--kind", "child-in-need", "--on", "2026-03-02", "--aim", "Karen is safe",
                 actor="sw1").out.strip()


def _opened(url: str):  # type: ignore[no-untyped-def]
    app = open_app(url)
    keyring = getattr(app.recorder, "keyring", None)
    if keyring is not None:
        keyring.check()  # as the command line opens a store to read: the keys' table then known
    return app


def _read(app, plan: str, reader: str) -> None:  # type: ignore[no-untyped-def]
    """``plantrail --as READER show PLAN``'s work, less the printing."""
    _log(app, current_plan(app, plan, reader=reader), reader)


def _log(app, document, reader: str) -> None:  # type: ignore[no-untyped-def]
    logged_read(app, Read(command="show", actor=reader, login="test", child=document["child"],
                          plan_id=UUID(document["plan_id"])))


def _read_with_a_change_between(sh: Shell, plan: str, change) -> None:  # type: ignore[no-untyped-def]
    """rc1 reads the plan (its records read ahead); ``change(other_app, app)`` is recorded by
    another application; then rc1's read is decided and logged (its refusal raised)."""
    app, other = _opened(sh.url), open_app(sh.url)
    try:
        document = current_plan(app, plan, reader="rc1")
        assert (app.read_ahead is not None) == sh.url.startswith("postgresql")
        change(other, app)
        _log(app, document, "rc1")
    finally:
        app.close()
        other.close()


def _entries(sh: Shell) -> list[dict]:  # type: ignore[type-arg]
    return sh.ok("access", "K1", "--json", actor="au1").json()["entries"]


@pytest.fixture
def pg_sh(pg_schema_url: str, tmp_path) -> Shell:  # type: ignore[no-untyped-def]
    return Shell(pg_schema_url, tmp_path)


def test_a_logged_plan_read_needs_no_read_of_its_own_on_postgres(pg_sh: Shell) -> None:
    """(SQLite reads the reader's records apart: a read there waits on no server.)"""
    sh = pg_sh
    plan = _plan(sh)
    app = _opened(sh.url)

    def no_second_read(ids):  # type: ignore[no-untyped-def]
        raise AssertionError(f"the reader's and the child's records were read again: {ids}")

    try:
        app.recorder.select_records = no_second_read
        _read(app, plan, "sw1")
        assert app.read_ahead is None  # kept for one read only
    finally:
        app.close()
    assert [(e["actor"], e["refused"]) for e in _entries(sh) if e["command"] == "show"] == [("sw1", False)]


@pytest.mark.parametrize("change", ["restrict", "leave"])
def test_records_read_ahead_that_move_on_before_the_entry_refuse_the_read(sh: Shell, plan: str,
                                                                          change: str) -> None:
    """rc1's records and K1's are read with the plan; then, before the entry is decided and
    saved, K1 is restricted to sw1 (or rc1 leaves): the read is refused and logged as refused."""
    with pytest.raises(NotPermitted):
        _read_with_a_change_between(sh, plan, lambda other, app: (
            other.restrict_child("tm1", "K1", allow=["sw1"], reason="staff relative") if change == "restrict"
            else other.record_leaving("tm1", "rc1", on=app.today(), reason="left")))
    assert [e["refused"] for e in _entries(sh) if e["actor"] == "rc1"] == [True]


def test_records_read_ahead_for_one_reader_are_not_taken_for_another(sh: Shell, plan: str) -> None:
    """Read ahead for sw1, logged for rc1, whom K1's restriction leaves out: refused."""
    sh.ok("child", "restrict", "K1", "--allow", "sw1", "--reason", "staff relative", actor="tm1")
    app = _opened(sh.url)
    try:
        document = current_plan(app, plan, reader="sw1")
        with pytest.raises(NotPermitted):
            _log(app, document, "rc1")
        _read(app, plan, "sw1")
    finally:
        app.close()
    assert [(e["actor"], e["refused"]) for e in _entries(sh) if e["command"] == "show"] == [
        ("rc1", True), ("sw1", False)]


def test_no_such_plan_for_a_reader_is_the_plain_read_s_answer(sh: Shell, plan: str) -> None:
    app = _opened(sh.url)
    try:
        for reader in (None, "sw1"):
            with pytest.raises(Exception, match="no plan") as refused:
                current_plan(app, "0" * 8 + plan[8:], reader=reader)
            assert type(refused.value).__name__ == "NotFound"
    finally:
        app.close()


def test_a_refusal_decided_on_records_since_changed_is_decided_again(sh: Shell, plan: str) -> None:
    """rc1's read is decided on records read with the plan while K1 is restricted to sw1; the
    restriction is lifted before the entry is saved: the refusal's save finds K1 moved on, and
    the read is decided again on K1 as it is — let through."""
    sh.ok("child", "restrict", "K1", "--allow", "sw1", "--reason", "staff relative", actor="tm1")
    _read_with_a_change_between(sh, plan, lambda other, app: other.unrestrict_child("tm1", "K1", reason="lifted"))
    assert [e["refused"] for e in _entries(sh) if e["actor"] == "rc1"] == [False]


def test_a_purpose_with_a_control_character_is_bad_input_and_nothing_is_recorded(sh: Shell, plan: str) -> None:
    result = sh.refused(2, "--purpose", "court order\x1b[2J", "show", plan, actor="sw1")
    assert "purpose holds a control character" in result.err and "access log cannot be written" not in result.err


def test_a_plan_stored_unsealed_reads_its_reader_and_child_apart(pg_sh: Shell) -> None:
    """A plan whose events are plain (stored with sealing off, the benchmark's comparison)
    names no child's key: the reader comes with the plan, the child is read apart."""
    sh = pg_sh
    staffed(sh)
    plain = PlanRecords(env={**env_for_url(sh.url), "PLANTRAIL_SEALING": "off"})  # (a caller's choice alone)
    try:
        plain.register_child("sw1", "K2", name="Kit Plain", born=date(2020, 1, 1))
        plan = str(plain.open_plan("sw1", "K2", kind="child-in-need", on=date(2026, 3, 2), aim="Kit is safe"))
    finally:
        plain.close()
    app = _opened(sh.url)
    asked: list[object] = []
    real = app.recorder.select_records
    app.recorder.select_records = lambda ids: asked.append(ids) or real(ids)
    try:
        assert app.recorder.select_events(UUID(plan))[0].state.startswith(b'{"originator_id"')
        _read(app, plan, "sw1")
        assert app.read_ahead is None
    finally:
        app.close()
    assert len(asked) == 1 and len(asked[0]) == 2  # the reader's and the child's records, apart
    assert [(e["actor"], e["refused"]) for e in sh.ok("access", "K2", "--json", actor="au1").json()["entries"]
            if e["command"] == "show"] == [("sw1", False)]
