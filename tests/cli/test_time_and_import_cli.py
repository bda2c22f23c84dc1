"""Both clocks of `show`, and `import`, through the command line."""

from __future__ import annotations

import json
import time

from tests.support import Shell, staffed


def test_show_as_it_was_and_as_the_record_stood(sh: Shell) -> None:
    staffed(sh)
    sh.ok("child", "add", "K1", "--name", "Karen Hawthorne", "--born", "2023-02-01", actor="sw1")
    plan = sh.ok("plan", "open", "K1", "--kind", "child-in-need", "--aim", "Safe and well", "--on", "2026-03-02",
                 actor="sw1").out.strip()
    sh.ok("action", "add", plan, "--area", "health", "--need", "n", "--response", "r", "--frequency", "weekly",
          "--responsible", "HV", "--starts", "2026-03-09", "--outcome", "o", "--on", "2026-03-02", actor="sw1")
    # --as-at counts by the server's clock where the store keeps one (PostgreSQL: stored_at).
    last = sh.ok("history", plan, "--json").json()[-1]
    before_amendment = last["stored_at"] or last["recorded_at"]
    time.sleep(0.01)
    sh.ok("action", "amend", plan, "A1", "--frequency", "daily", "--on", "2026-05-01", actor="sw1")
    assert sh.ok("show", plan, "--json").json()["actions"][0]["frequency"] == "daily"
    effective = sh.ok("show", plan, "--effective-on", "2026-04-01", "--json").json()
    assert effective["actions"][0]["frequency"] == "weekly"
    stood = sh.ok("show", plan, "--as-at", before_amendment, "--json").json()
    assert stood["actions"][0]["frequency"] == "weekly"
    sh.refused(2, "show", plan, "--as-at", "yesterday")


def test_import_a_file_and_refuse_a_bad_line(sh: Shell, tmp_path) -> None:  # type: ignore[no-untyped-def]
    lines = [
        {"command": "staff add", "args": {"staff_id": "tm1", "name": "Tina Moss", "initials": "TM",
                                          "roles": ["team-manager"]}},
        {"command": "staff add", "as": "tm1", "args": {"staff_id": "sw1", "name": "Mary Grant", "initials": "MG",
                                                       "roles": ["social-worker"]}},
        {"command": "child add", "as": "sw1", "args": {"child_ref": "K1", "name": "Karen", "born": "2023-02-01"}},
        {"command": "plan open", "as": "sw1", "args": {"child_ref": "K1", "kind": "child-in-need", "aim": "Safe"}},
    ]
    good = tmp_path / "good.jsonl"
    good.write_text("".join(json.dumps(line) + "\n" for line in lines))
    counts = sh.ok("import", str(good), "--json").json()
    assert counts["lines"] == 4 and counts["events"] == sh.events()
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps({"command": "child add", "as": "sw1",
                               "args": {"child_ref": "K2", "name": "Sam", "born": "2023-02-01"}}) + "\n"
                   + json.dumps({"command": "plan open", "as": "sw1",
                                 "args": {"child_ref": "K2", "kind": "child-protection", "aim": "Safe"}}) + "\n")
    refused = sh.refused(2, "import", str(bad))
    assert "line 2" in refused.err
