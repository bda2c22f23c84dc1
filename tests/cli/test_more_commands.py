"""The rest of the contract through the command line: init, demo, integrity, exports."""

from __future__ import annotations

import json

from tests.support import Shell, staffed


def test_demo_records_the_examples_and_prints_a_review_pack(sh: Shell) -> None:
    first = sh.ok("demo")
    plans = [line for line in first.out.splitlines() if line.startswith("recorded:")]
    assert [line.split()[-2:] for line in plans] == [["Karen", "Hawthorne"], ["Ibriham", "Hussain"],
                                                     ["Susan", "Simpson"]]
    assert "Changes since review R1" in first.out and "2 hours per week" in first.out
    assert max(len(line) for line in first.out.splitlines()[:5]) <= 80
    records, reads = sh.records(), sh.reads_logged()
    again = sh.ok("demo", "--json").json()
    assert again["note"] == "already recorded" and len(again["plans"]) == 3
    assert sh.records() == records and sh.reads_logged() == reads + 1  # the demo's read of what it shows
    assert sh.ok("verify", "--json").json()["intact"] is True


def test_demo_on_an_empty_store_runs_with_a_reader_named_ahead(sh: Shell) -> None:
    """A newcomer told to read as the demo's team manager may set PLANTRAIL_AS first: on an
    empty store the demo's staff are registered by its own, and the reader reads."""
    assert sh.ok("demo", "--json", actor="demo-chair").json()["note"] == "recorded"
    assert sh.ok("verify", "--json").json()["intact"] is True


def test_init_is_idempotent_and_guards_the_log(sh: Shell) -> None:
    sh.ok("init")
    sh.ok("init")
    staffed(sh)
    assert sh.ok("verify", "--json").json()["events_checked"] == sh.events()


def test_checkpoints_signed_and_checked(sh: Shell, tmp_path) -> None:  # type: ignore[no-untyped-def]
    staffed(sh)
    key = tmp_path / "signing.pem"
    public = sh.ok("key", "create", str(key), "--json").json()["public_key"]
    checkpoint = tmp_path / "cp.json"
    sh.ok("checkpoint", "--key", str(key), "-o", str(checkpoint))
    assert json.loads(checkpoint.read_text())["public_key"] == public
    sh.ok("child", "add", "K1", "--name", "Karen", "--born", "2023-02-01", actor="sw1")
    report = sh.ok("verify", "--against", str(checkpoint), "--json").json()
    assert report["intact"] is True and report["checkpoints_checked"] == 1
    sh.refused(2, "checkpoint", "-o", str(tmp_path / "no-key.json"))  # no key given
    for name, content in (("garbled.json", b"{not json"), ("binary.json", b"\xff\xfe"),
                          ("deep.json", b"[" * 100_000 + b"]" * 100_000)):  # (the last was exit 70)
        (tmp_path / name).write_bytes(content)
        assert f"{name} is not a checkpoint (" in sh.refused(2, "verify", "--against", str(tmp_path / name)).err


def test_exports_and_reports(sh: Shell, tmp_path) -> None:  # type: ignore[no-untyped-def]
    sh.ok("demo")
    sh.reader = "demo-manager"
    susan = sh.ok("plans", "--child", "DEMOSS", "--json").json()[0]["plan_id"]
    pack = tmp_path / "pack.html"
    sh.ok("report", "review-pack", susan, "-o", str(pack))
    html = pack.read_text()
    assert "2 hours per week" in html and "MG" in html and "2002-08-20" in html
    child = sh.ok("export", "child", "DEMOSS", "--json")
    assert "DEMOSS" in child.out
    census = tmp_path / "census.xml"
    sh.ok("export", "cin-census", "--year", "2026", "-o", str(census))
    assert census.read_text().startswith("<?xml")
    sh.refused(2, "report", "review-pack", susan, "-o", str(tmp_path / "pack.docx"))
    sh.refused(2, "export", "child", "NOBODY")


def test_staff_grant_and_projection_rebuild(sh: Shell) -> None:
    staffed(sh)
    sh.ok("staff", "grant", "sw1", "--role", "review-chair", actor="tm1")
    sh.refused(1, "staff", "grant", "sw1", "--role", "review-chair", actor="tm1")
    sh.refused(1, "staff", "grant", "sw1", "--role", "auditor", actor="sw1")
    rows = sh.ok("projections", "rebuild", "--json").json()
    assert all(row["behind"] == 0 for row in rows)


def test_projections_status_counts_read_entries_apart(sh: Shell) -> None:
    # A read logs an entry and never writes to the views, so the views stand behind the log
    # by the reads since the last write: counted apart, as entries no view shows.
    staffed(sh)
    sh.ok("child", "add", "K1", "--name", "Ada Ray", "--born", "2020-01-01", actor="sw1")
    assert [r["behind"] for r in sh.ok("projections", "status", "--json").json()] == [0, 0]
    sh.ok("child", "show", "K1", actor="sw1")
    sh.ok("child", "show", "K1", actor="tm1")
    rows = sh.ok("projections", "status", "--json").json()
    assert [(r["behind"], r["behind_read_entries"]) for r in rows] == [(2, 2), (2, 2)]
    assert "Behind read entries" in sh.ok("projections", "status").out
    sh.ok("child", "add", "K2", "--name", "Bo Ray", "--born", "2020-01-01", actor="sw1")  # a write catches up
    assert [(r["behind"], r["behind_read_entries"]) for r in sh.ok("projections", "status", "--json").json()] == [
        (0, 0), (0, 0)]
