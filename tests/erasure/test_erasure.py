"""Erasure by two people (CLI.md, "Retention and erasure"): refusals, and afterwards the chain
intact, reads showing erased, no trace in the files or rows, the other children untouched,
and a restored backup that does not bring the child back."""

from __future__ import annotations

import shutil
import sqlite3
from contextlib import closing
from pathlib import Path

import psycopg

from plantrail.store.settings import PostgresURL, SQLiteURL, parse_url
from tests.support import Shell, staffed

NAME, AIM, NEED = "Peregrina Vantablack", "Quillwort aim for Peregrina", "Needs Brachistochrone help"
SECRETS = (NAME, "Peregrina", AIM, "Quillwort", NEED, "Brachistochrone")
OTHER_NAME, OTHER_AIM = "Otto Keepmeister", "Kept aim for Otto"


def two_children(sh: Shell) -> tuple[str, str]:
    staffed(sh)
    sh.ok("staff", "add", "rt1", "--name", "Rae Twin", "--initials", "RT", "--role", "team-manager",
          "--role", "records-officer", actor="tm1")
    sh.ok("child", "add", "K900", "--name", NAME, "--born", "1990-01-10", actor="sw1")
    plan = sh.ok("plan", "open", "K900", "--kind", "child-in-need", "--on", "2005-01-03", "--aim", AIM,
                 actor="sw1").out.strip()
    sh.ok("action", "add", plan, "--area", "health", "--need", NEED, "--response", "visits", "--frequency", "weekly",
          "--responsible", "health visitor", "--starts", "2005-01-10", "--outcome", "thrives", actor="sw1")
    sh.ok("plan", "close", plan, "--on", "2006-01-03", "--reason", "needs met", actor="tm1")
    sh.ok("child", "add", "K901", "--name", OTHER_NAME, "--born", "2019-01-10", actor="sw1")
    other = sh.ok("plan", "open", "K901", "--kind", "child-in-need", "--on", "2026-01-05", "--aim", OTHER_AIM,
                  actor="sw1").out.strip()
    return plan, other


def everything_stored(url: str) -> bytes:
    """SQLite: the database file and its WAL, byte for byte. PostgreSQL: every row of every table."""
    parsed = parse_url(url)
    if isinstance(parsed, SQLiteURL):
        return b"".join(p.read_bytes() for p in parsed.path.parent.glob(parsed.path.name + "*")
                        if not p.name.endswith((".kek", ".erased")))
    assert isinstance(parsed, PostgresURL)
    out = []
    with psycopg.connect(**parsed.connect_kwargs()) as conn:
        tables = [r[0] for r in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = %s",
                                             (parsed.schema,))]
        for table in tables:
            for row in conn.execute(f'SELECT * FROM "{parsed.schema}"."{table}"'):
                out += [bytes(v) if isinstance(v, (bytes, memoryview)) else str(v).encode() for v in row]
    return b"\n".join(out)


def test_erasure_is_refused_before_its_time_to_the_wrong_role_and_to_the_requester(sh: Shell) -> None:
    two_children(sh)
    early = sh.refused(1, "erase", "request", "K901", "--reason", "asked", actor="ro1")
    assert "only on an authority" in early.err
    sh.refused(1, "erase", "request", "K900", "--reason", "asked", actor="sw1")  # not a records officer
    sh.refused(1, "erase", "approve", "K900", actor="tm1")  # nothing asked for yet
    request = sh.ok("erase", "request", "K900", "--reason", "retention period ended", "--json", actor="rt1").json()
    assert request["request_id"].endswith("/4")  # the request event: registration, plan started, ended
    sh.refused(1, "erase", "approve", "K900", actor="rt1")  # the requester, though a team manager
    sh.refused(1, "erase", "approve", "K900", actor="ro1")  # not a team manager
    sh.refused(1, "erase", "request", "K900", "--reason", "again", actor="ro1")  # asked already
    court = sh.ok("erase", "request", "K901", "--reason", "court order", "--authority", "Order 2026/17", actor="ro1")
    assert court.out.strip()


def test_after_erasure_the_chain_holds_reads_show_erased_and_nothing_is_left(sh: Shell) -> None:
    plan, other = two_children(sh)
    assert b"Peregrina" in everything_stored(sh.url)  # (the views hold it, before)
    sh.ok("erase", "request", "K900", "--reason", "retention period ended", actor="ro1")
    sh.ok("erase", "approve", "K900", actor="tm2")
    assert sh.ok("verify").code == 0
    shown = sh.ok("show", plan, "--json").json()
    assert shown["erased"] is True and shown["kind"] == "child-in-need" and shown["child"] == "K900"
    assert {e["event"] for e in shown["events"]} >= {"plan-opened", "action-added", "plan-closed"}
    assert {e["actor"] for e in shown["events"]} == {"sw1", "tm1"}
    child = sh.ok("child", "show", "K900", "--json").json()
    assert child["erased"] is True and child["erasure"]["approved_by"] == "tm2"
    assert child["erasure"]["requested_by"] == "ro1"
    assert sh.ok("history", plan, "--json").code == 0
    text = "".join(sh.ok(*args).out for args in (("show", plan), ("child", "show", "K900"), ("history", plan),
                                                 ("plans", "--json"), ("child", "list", "--json")))
    for secret in SECRETS:
        assert secret not in text
    assert "K900" not in sh.ok("plans", "--json").out
    assert sh("export", "child", "K900").code == 2
    # the other child is untouched
    assert OTHER_AIM in sh.ok("show", other, "--json").out
    assert OTHER_NAME in sh.ok("child", "show", "K901", "--json").out
    sh.ok("action", "add", other, "--area", "health", "--need", "more", "--response", "visits", "--frequency",
          "weekly", "--responsible", "hv", "--starts", "2026-01-12", "--outcome", "thrives", actor="sw1")
    # nothing more is recorded about the erased child
    sh.refused(1, "plan", "open", "K900", "--kind", "child-in-need", "--on", "2006-06-01", "--aim", "x", actor="sw1")
    # no trace in the database's files (SQLite) or any row (PostgreSQL), and a rebuild brings none back
    sh.ok("projections", "rebuild")
    assert sh.ok("verify").code == 0
    stored = everything_stored(sh.url)
    for secret in SECRETS:
        assert secret.encode() not in stored, secret
    assert OTHER_NAME.encode() in stored


RESTORED = ("data_keys", "view_plans", "view_children")


def test_a_restored_backup_does_not_bring_an_erased_child_back(sh: Shell, tmp_path: Path) -> None:
    plan, _ = two_children(sh)
    parsed = parse_url(sh.url)
    if isinstance(parsed, SQLiteURL):
        backup = tmp_path / "backup.sqlite"
        # (closed, not only committed: a connection this process kept open on the file replaced
        # below would share SQLite's per-process lock state with the commands run in process)
        with closing(sqlite3.connect(parsed.path)) as live, closing(sqlite3.connect(backup)) as copy:
            live.backup(copy)
    else:  # what a restore of last night's dump puts back: the key and the views' rows of the child
        with psycopg.connect(**parsed.connect_kwargs()) as conn:
            saved = {t: conn.execute(f'SELECT * FROM "{parsed.schema}"."{t}"').fetchall() for t in RESTORED}
    sh.ok("erase", "request", "K900", "--reason", "retention period ended", actor="ro1")
    sh.ok("erase", "approve", "K900", actor="tm2")
    if isinstance(parsed, SQLiteURL):
        for leftover in parsed.path.parent.glob(parsed.path.name + "-*"):
            leftover.unlink()
        shutil.copy(backup, parsed.path)  # the database restored from last night's backup
    else:
        with psycopg.connect(**parsed.connect_kwargs()) as conn:
            for table, rows in saved.items():
                marks = ", ".join(["%s"] * len(rows[0]))
                conn.cursor().executemany(f'INSERT INTO "{parsed.schema}"."{table}" VALUES ({marks})'
                                          " ON CONFLICT DO NOTHING", rows)
    refused = sh("child", "show", "K900")
    assert refused.code == 4 and "restored" in refused.err and NAME not in refused.out
    init = sh("init")
    assert init.code == 0 and "erased again 1" in init.err
    assert sh.ok("child", "show", "K900", "--json").json()["erased"] is True
    assert sh.ok("show", plan, "--json").json()["erased"] is True
    assert OTHER_NAME in sh.ok("child", "show", "K901", "--json").out
    stored = everything_stored(sh.url)
    for secret in SECRETS:
        assert secret.encode() not in stored, secret


def test_an_approval_interrupted_before_the_key_was_destroyed_is_finished(sh: Shell) -> None:
    """The approval's event is saved, then the process dies before the key is destroyed (here:
    the command run in process without the command line's destruction after it)."""
    from plantrail.application.commands import BY_NAME
    from tests.support import open_app

    plan, other = two_children(sh)
    sh.ok("erase", "request", "K900", "--reason", "retention period ended", actor="ro1")
    app = open_app(sh.url)
    try:
        app.run(BY_NAME["erase approve"].model_validate({"child_ref": "K900"}), actor="tm2")
    finally:
        app.close()
    refused = sh("show", plan)
    assert refused.code == 4 and "interrupted" in refused.err and AIM not in refused.out
    done = sh("init")
    assert done.code == 0 and "finished the erasure of 1" in done.err
    assert sh.ok("show", plan, "--json").json()["erased"] is True
    assert sh.ok("child", "show", "K900", "--json").json()["erased"] is True
    assert OTHER_AIM in sh.ok("show", other, "--json").out
    assert sh.ok("verify").code == 0
    stored = everything_stored(sh.url)
    for secret in SECRETS:
        assert secret.encode() not in stored, secret


def test_an_erasure_list_that_cannot_be_read_is_a_problem_with_the_keys(sh: Shell) -> None:
    """The erasure list kept beside the KEK holding bytes that are not text: exit 4 naming it,
    nothing shown or logged (it was exit 70); put right, the record reads as before."""
    from plantrail.store.erased_list import erased_list
    from tests.support import open_app

    two_children(sh)
    app = open_app(sh.url)
    try:
        listed = erased_list(app.recorder.keyring.kek().path)
    finally:
        app.close()
    before = sh.events()
    listed.write_bytes(b"0123 erased \xff\n")
    refused = sh("child", "show", "K901")
    assert refused.code == 4 and "cannot read the erasure list" in refused.err and OTHER_NAME not in refused.out
    listed.unlink()
    assert sh.events() == before
    assert OTHER_NAME in sh.ok("child", "show", "K901", "--json").out
