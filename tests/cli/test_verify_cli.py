"""`plantrail verify` as an auditor runs it: exit 3, and where, when the log was altered."""

from __future__ import annotations

from tests.store.plantrail_store_testkit import Raw
from tests.support import Shell, staffed


def test_an_edited_event_is_exit_3_with_its_position(sh: Shell) -> None:
    staffed(sh)
    sh.ok("child", "add", "K1", "--name", "Karen Hawthorne", "--born", "2023-02-01", actor="sw1")
    assert sh.ok("verify").out.startswith("intact")
    with Raw(sh.url) as raw:
        raw.disable_guards()  # whoever did it had full database access
        position = raw.run("SELECT max({pos}) FROM stored_events")[0][0]
        state = bytes(raw.event(position)[4])
        raw.run("UPDATE stored_events SET state = ? WHERE {pos} = ?", (state.replace(b"\"K1\"", b"\"K2\""), position))
    result = sh("verify", "--json")
    assert result.code == 3
    report = result.json()
    assert report["intact"] is False and report["first_bad_position"] == position
    assert report["problem"] == "edited"
    human = sh("verify")
    assert human.code == 3 and "ALTERED" in human.out


def test_the_database_itself_refuses_edits(sh: Shell) -> None:
    staffed(sh)
    with Raw(sh.url) as raw:
        for statement in ("UPDATE stored_events SET topic = 'x'", "DELETE FROM stored_events"):
            try:
                raw.run(statement)
            except Exception as refused:  # noqa: BLE001 - either driver's error
                assert "append-only" in str(refused)
            else:
                raise AssertionError(f"{statement} was not refused")
    assert sh.ok("verify", "--json").json()["intact"] is True
