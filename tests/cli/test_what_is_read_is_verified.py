"""What people read is what verify verifies (issue 18): each forgery the security review
made, made again with raw SQL on both stores, and what the command line now does."""

from __future__ import annotations

import json

from tests.store.plantrail_store_testkit import Raw
from tests.support import Shell, staffed


def _plan(sh: Shell) -> str:
    staffed(sh)
    sh.ok("child", "add", "K1", "--name", "Karen Hawthorne", "--born", "2023-02-01", actor="sw1")
    plan = sh.ok("plan", "open", "K1", "--kind", "child-in-need", "--aim", "Safe and well", "--on", "2026-03-02",
                  actor="sw1").out.strip()
    sh.ok("action", "add", plan, "--area", "health", "--need", "Weight", "--response", "Weigh weekly",
          "--frequency", "weekly", "--responsible", "Health visitor", "--starts", "2026-03-09", "--outcome", "Gains",
          "--on", "2026-03-02", actor="sw1")
    return plan


def _unstamped(text: str) -> str:
    """A read's output without the time it was produced at (the subject access export's)."""
    return "\n".join(line for line in text.splitlines() if '"produced_at"' not in line)


def test_a_forged_view_row_changes_no_read_of_the_plan_and_verify_names_it(sh: Shell) -> None:
    plan = _plan(sh)
    reads = [("show", plan, "--json"), ("changes", plan, "--json"), ("history", plan, "--json"),
             ("export", "child", "K1")]
    before = [_unstamped(sh.ok(*r, actor="rc1").out) for r in reads]
    with Raw(sh.url) as raw:
        doc = json.loads(raw.run("SELECT document FROM view_plans")[0][0])
        forged = json.dumps({**doc, "status": "closed", "aim": "Forged", "actions": []})
        raw.run("UPDATE view_plans SET status = 'closed', aim = 'Forged', document = ?, position = 999999",
                (forged,))
    assert [_unstamped(sh.ok(*r, actor="rc1").out) for r in reads] == before  # one plan's reads show the log's
    report = sh("verify", "--json")
    assert report.code == 3
    found = report.json()
    assert found["problem"] == "derived" and found["derived"][0]["table"] == "view_plans"
    assert found["derived"][0]["record"] == plan
    # The next write that touches the plan writes the row the log gives: not kept for its position.
    sh.ok("visit", "record", plan, "--on", "2026-03-20", actor="sw1")
    assert sh.ok("verify").out.startswith("intact")


def test_a_view_row_deleted_or_made_up_is_found(sh: Shell) -> None:
    _plan(sh)
    with Raw(sh.url) as raw:
        raw.run("DELETE FROM view_children")
        raw.run("INSERT INTO view_plans (plan_id, child, kind, status, changed_since_approval, version, position,"
                " document) VALUES ('00000000-0000-4000-8000-000000000001', 'K9', 'child-in-need', 'open', 0, 1, 1,"
                " '{}')")
    found = {(d["table"], d["detail"].split(" ")[0]) for d in sh("verify", "--json").json()["derived"]}
    assert ("view_children", "the") in found and ("view_plans", "a") in found
    assert any(r["child"] == "K9" for r in sh.ok("plans", "--json").json())  # a list read believes the view...
    assert sh("verify").code == 3  # ...and verify says which rows it may not


def test_a_forged_command_log_row_makes_no_command_record_nothing(sh: Shell) -> None:
    plan = _plan(sh)
    with Raw(sh.url) as raw:
        # A row naming an event that is not that command's, and one from before positions were kept.
        raw.run("INSERT INTO command_log (command_id, result, digest, position) VALUES ('visit-1', ?, NULL, 1)",
                (json.dumps({"value": None}),))
        raw.run("INSERT INTO command_log (command_id, result) VALUES ('visit-2', ?)", (json.dumps({"value": None}),))
    visit = sh("visit", "record", plan, "--on", "2026-03-20", "--command-id", "visit-1", actor="sw1")
    assert visit.code == 3 and "altered" in visit.err
    found = {d["record"] for d in sh("verify", "--json").json()["derived"]}
    assert found == {"visit-1", "visit-2"}


def test_verify_checks_the_views_a_page_at_a_time_and_finds_the_same(sh: Shell, monkeypatch) -> None:
    """verify's check of the views and the command log holds a page of rows at a time (its
    memory does not grow with the store): with pages of two rows and windows of three positions
    of the log it finds exactly what it finds with the usual pages."""
    from plantrail.projections import audit
    from tests.support import open_app

    plans = [_plan(sh)]
    for child in ("K2", "K3", "K4"):
        sh.ok("child", "add", child, "--name", f"Child {child}", "--born", "2021-02-01", actor="sw1")
        plans.append(sh.ok("plan", "open", child, "--kind", "child-in-need", "--aim", "Safe", "--on", "2026-03-02",
                           actor="sw1").out.strip())
    with Raw(sh.url) as raw:
        raw.run("DELETE FROM view_plans WHERE plan_id = ?", (sorted(plans)[1],))
        raw.run("INSERT INTO view_plans (plan_id, child, kind, status, changed_since_approval, version, position,"
                " document) VALUES ('ffffffff-0000-4000-8000-000000000001', 'K9', 'child-in-need', 'open', 0, 1, 1,"
                " '{}')")
        raw.run("INSERT INTO command_log (command_id, result, digest, position) VALUES ('forged', ?, NULL, 1)",
                (json.dumps({"value": None}),))
    app = open_app(sh.url)
    try:
        usual = sorted(audit.check_derived(app))
        monkeypatch.setattr(audit, "CHUNK", 2)
        monkeypatch.setattr(audit, "LOG_WINDOW", 3)
        assert sorted(audit.check_derived(app)) == usual
    finally:
        app.close()
    assert {(f.table, f.record) for f in usual} == {("view_plans", sorted(plans)[1]), ("command_log", "forged"),
                                                   ("view_plans", "ffffffff-0000-4000-8000-000000000001")}


def test_a_forged_row_without_a_key_is_found_and_the_check_ends(tmp_path) -> None:
    """SQLite lets NULL into a text primary key: such a view or command log row is a finding,
    and the paging past it still ends (PostgreSQL's primary keys refuse the row: SQLite only)."""
    sh = Shell(f"sqlite:///{tmp_path / 'plantrail.sqlite'}", tmp_path)
    _plan(sh)
    with Raw(sh.url) as raw:
        for _ in range(2):
            raw.run("INSERT INTO view_plans (plan_id, child, kind, status, changed_since_approval, version, position,"
                    " document) VALUES (NULL, 'K9', 'child-in-need', 'open', 0, 1, 1, '{}')")
            raw.run("INSERT INTO command_log (command_id, result) VALUES (NULL, ?)", (json.dumps({"value": None}),))
    found = sh("verify", "--json")
    assert found.code == 3
    assert sorted((d["table"], d["record"]) for d in found.json()["derived"]) == [
        ("command_log", ""), ("command_log", ""), ("view_plans", ""), ("view_plans", "")]
    assert "the first: view_plans: a row with no record id" in sh("verify").out


def test_a_command_id_given_to_another_command_is_bad_input(sh: Shell) -> None:
    plan = _plan(sh)
    sh.ok("visit", "record", plan, "--on", "2026-03-20", "--command-id", "v1", actor="sw1")
    assert sh.ok("visit", "record", plan, "--on", "2026-03-20", "--command-id", "v1", actor="sw1").code == 0
    sh.refused(2, "visit", "record", plan, "--on", "2026-03-21", "--command-id", "v1", actor="sw1")


def test_hostile_text_is_refused_on_every_path_in(sh: Shell, tmp_path) -> None:
    plan = _plan(sh)
    # (A NUL cannot be passed as a command-line argument at all: it comes in through import.)
    for bad in ("Karen\x01", "Karen\x1b]0;owned\x07", "x" * 100_001):
        sh.refused(2, "child", "add", "K2", "--name", bad, "--born", "2020-01-01", actor="sw1")
    line = {"command": "view add", "as": "sw1", "args": {"plan_id": plan, "party": "child", "name": "K",
                                                          "text": "hello\x00"}}
    (tmp_path / "nul.jsonl").write_text(json.dumps(line) + "\n")
    sh.refused(2, "import", str(tmp_path / "nul.jsonl"))
    event = sh.ok("history", plan, "--json", actor="rc1").json()[-1]["event_id"]
    sh.refused(2, "correct", event, "--set", "need=Weight\x1b[2J", "--reason", "typo", actor="ro1")


def test_bytes_that_are_not_utf8_are_bad_input_on_every_path_in(sh: Shell, tmp_path) -> None:
    """Bytes that are not UTF-8 in text given on a command line (Python reads them as lone
    surrogates, which no record, lookup or access log entry can hold) are exit 2, one plain line
    naming the option, nothing recorded or logged: a write's text and its id, a read's reference,
    a NAME=VALUE pair, the acting staff member and the review pack's marking from the environment.
    They were exit 70 (an unexpected error) or 4 (the access log said to be out of reach). A file's
    name is the system's, whatever its bytes: an import from one is taken."""
    plan = _plan(sh)
    bad = "Karen \udcff\udcfe"  # the bytes 0xff 0xfe, as Python reads them from argv
    refused = sh.refused(2, "child", "add", "K2", "--name", bad, "--born", "2020-01-01", actor="sw1")
    assert refused.err.startswith("error: Invalid value for '--name': is not UTF-8 text (0xff 0xfe)\n")
    sh.refused(2, "visit", "record", "\udcff" + plan, "--on", "2026-03-20", actor="sw1")
    sh.refused(2, "child", "show", "K\udcff", actor="rc1")
    event = sh.ok("history", plan, "--json", actor="rc1").json()[-1]["event_id"]
    refused = sh.refused(2, "correct", event, "--set", "need=Weight\udcff", "--reason", "typo", actor="ro1")
    assert refused.err.startswith("error: Invalid value for '--set': is not UTF-8 text (0xff)")
    many = sh.refused(2, "child", "add", "K2", "--name", "\udce9" * 40, "--born", "2020-01-01", actor="sw1")
    first = many.err.splitlines()[0]
    assert first.endswith("is not UTF-8 text (0xe9 0xe9 ...)") and len(first) <= 80, first  # (a line that fits)
    for variable, args in (("PLANTRAIL_AS", ("plans",)), ("PLANTRAIL_MARKING", ("report", "review-pack", plan))):
        before = sh.events()
        refused = sh(*args, env={variable: "x\udcff"}, actor="rc1" if variable != "PLANTRAIL_AS" else None)
        assert refused.code == 2, refused.err
        assert refused.err.splitlines()[0].endswith(f"is not UTF-8 text (0xff) in {variable}")
        assert sh.events() == before
    line = {"command": "visit record", "as": "sw1", "args": {"plan_id": plan, "on": "2026-03-25"}}
    named = tmp_path / "visits\udcff.jsonl"  # (a file name from another system)
    named.write_text(json.dumps(line) + "\n")
    assert sh("import", str(named)).code == 0


def test_hostile_text_is_bad_input_before_any_rule_is_asked(sh: Shell) -> None:
    """A command breaking a rule with hostile text in it is refused for the text (exit 2), not
    for the rule (exit 1), so a script mending that meets no second refusal behind it."""
    plan = _plan(sh)
    sh.refused(1, "action", "amend", plan, "A1", "--frequency", "daily", "--on", "2020-01-01", actor="sw1")
    refused = sh.refused(2, "action", "amend", plan, "A1", "--frequency", "daily\x1b[2J", "--on", "2020-01-01",
                         actor="sw1")
    assert "frequency holds a control character (U+001B)" in refused.err
    sh.refused(2, "child", "add", "K1", "--name", "Karen\x01", "--born", "2020-01-01", actor="sw1")  # (K1 exists)
    event = sh.ok("history", plan, "--json", actor="rc1").json()[-1]["event_id"]
    refused = sh.refused(2, "correct", event, "--set", "need=Weight\x1b[2J", "--reason", "typo", actor="ro1")
    assert "error: need holds a control character" in refused.err  # (the field's own name)
    sh.ok("visit", "record", plan + "\r", "--on", "2026-03-20", actor="sw1")  # an id read from a CRLF file


def test_escape_sequences_already_stored_are_shown_harmlessly(sh: Shell) -> None:
    plan = _plan(sh)
    with Raw(sh.url) as raw:  # text from before the rule, or put in by hand
        raw.run("UPDATE view_plans SET aim = ?", ("\x1b]0;owned\x07[red]x",))
    shown = sh.ok("plans", actor="rc1").out
    assert "\x1b" not in shown and "\\x1b" in shown
    del plan


def test_impossible_dates_are_bad_input_or_a_rule(sh: Shell) -> None:
    plan = _plan(sh)
    assert sh("due", "--on", "9999-12-31").code == 2
    sh.refused(2, "child", "add", "K3", "--name", "Year One", "--born", "0001-01-01", actor="sw1")
    sh.refused(1, "visit", "record", plan, "--on", "2026-02-01", actor="sw1")  # before the plan opened
    sh.refused(1, "action", "amend", plan, "A1", "--frequency", "daily", "--on", "2020-01-01", actor="sw1")
    sh.ok("child", "add", "K4", "--name", "An Adult", "--born", "1998-01-01", actor="sw1")
    sh.refused(1, "plan", "open", "K4", "--kind", "care-plan", "--aim", "Home", "--aim-option", "2", actor="sw1")


def test_output_files_are_never_overwritten_or_followed(sh: Shell, tmp_path) -> None:
    _plan(sh)
    target = tmp_path / "k1.json"
    sh.ok("export", "child", "K1", "-o", str(target), actor="rc1")
    assert target.stat().st_mode & 0o777 == 0o600  # a child's records: the owner's alone
    before = target.read_text()
    assert sh("export", "child", "K1", "-o", str(target)).code == 2 and target.read_text() == before
    link = tmp_path / "link.json"
    link.symlink_to(tmp_path / "elsewhere.json")
    assert sh("export", "child", "K1", "-o", str(link), "--force").code == 2
    assert not (tmp_path / "elsewhere.json").exists()
    assert sh("export", "child", "K1", "-o", str(target), "--force").code == 0


def test_a_read_or_verify_never_makes_a_store(tmp_path) -> None:
    missing = tmp_path / "nowhere" / "x.sqlite"
    for args in (("plans",), ("verify",), ("show", "0123456789abcdef")):
        result = Shell(f"sqlite:///{missing}", tmp_path)(*args)
        assert result.code == 4 and str(missing) in result.err, result.err
    assert not missing.parent.exists()


def test_history_shows_the_servers_provenance(sh: Shell) -> None:
    plan = _plan(sh)
    entries = sh.ok("history", plan, "--json", actor="rc1").json()
    if sh.url.startswith("postgresql"):
        assert all(e["stored_by"] and e["stored_at"] for e in entries)
    else:
        assert all(e["stored_by"] is None for e in entries)  # SQLite has no server to ask


def test_an_output_is_a_path_the_user_need_not_be_able_to_read() -> None:
    """Every -o names a file (or folder) to write, taken as the system names it: click's path type,
    told not to ask that it be readable (it would refuse a write-only file --force may replace;
    as root, which modes do not bind, this is seen only in the options themselves)."""
    import click

    from plantrail.cli.help_text import walk
    from plantrail.cli.main import whole

    outputs = [param for _, command in walk(whole()) for param in command.params if "--output" in param.opts]
    assert len(outputs) >= 5
    assert all(isinstance(param.type, click.Path) and not param.type.readable for param in outputs)
