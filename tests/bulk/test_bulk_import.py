"""`plantrail import FILE.jsonl` (docs/import.md), on both stores.

A good file imports; a bad line N is reported as "line N: ..." with the contract's exit
code and nothing of its batch is recorded; earlier batches stay recorded.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from plantrail.cli.main import cli
from tests.support import open_app, stored_event_count

STAFF = [
    {"command": "staff add", "args": {"staff_id": "tm1", "name": "Tina Moss", "initials": "TM",
                                      "roles": ["team-manager"]}},
    {"command": "staff add", "as": "tm1", "args": {"staff_id": "sw1", "name": "Mary Grant", "initials": "MG",
                                                   "roles": ["social-worker"]}},
    {"command": "staff add", "as": "tm1", "args": {"staff_id": "rc1", "name": "Ruth Cole", "initials": "RC",
                                                   "roles": ["review-chair"]}},
]


def case(ref: str, first: int) -> list[dict[str, Any]]:
    """A child, a plan (line ``first + 1``), an action on it and an amendment of that action."""
    plan, action = f"${first + 1}", f"${first + 2}"
    return [
        {"command": "child add", "as": "sw1",
         "args": {"child_ref": ref, "name": f"Child {ref}", "born": "2021-11-02", "on": "2026-01-05"}},
        {"command": "plan open", "as": "sw1",
         "args": {"child_ref": ref, "kind": "child-in-need", "aim": "To be safe and well at home.",
                  "on": "2026-01-05"}},
        {"command": "action add", "as": "sw1",
         "args": {"plan_id": plan, "area": "health", "need": "Weight below the 2nd centile.",
                  "response": "Fortnightly weighing.", "frequency": "fortnightly", "responsible": "Health visitor",
                  "starts": "2026-01-12", "outcomes": ["Weight on the 9th centile."], "on": "2026-01-05"}},
        {"command": "action amend", "as": "sw1",
         "args": {"plan_id": plan, "action_id": action, "frequency": "weekly", "on": "2026-01-20",
                  "reason": "weight still falling", "discussed_with": "Ms Hawthorne"}},
    ]


def write(path: Path, lines: list[Any]) -> Path:
    path.write_text("".join((line if isinstance(line, str) else json.dumps(line)) + "\n" for line in lines))
    return path


class Ran:
    def __init__(self, code: int, out: str, err: str) -> None:
        self.code, self.out, self.err = code, out, err


def run_import(url: str, path: Path, *args: str) -> Ran:
    result = CliRunner().invoke(cli, ["--db", url, "import", str(path), *args])
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return Ran(result.exit_code, result.stdout, result.stderr)


def events(url: str) -> int:
    app = open_app(url)
    try:
        return stored_event_count(app)
    finally:
        app.close()


def test_a_good_file_imports(store_url: str, tmp_path: Path) -> None:
    lines = STAFF + case("K1", 4) + case("K2", 8)
    ran = run_import(store_url, write(tmp_path / "good.jsonl", lines), "--json", "--batch", "5")
    assert ran.code == 0, ran.err
    counts = json.loads(ran.out)
    # 11 lines; opening a plan also records on the child: 3 staff + 2 x 5 events.
    analysed = counts.pop("analyzed")  # the tables the import ended by vacuuming and analysing (PostgreSQL)
    assert counts.pop("vacuumed") == analysed
    assert counts == {"lines": 11, "events": 13, "batches": 3}
    assert ("stored_events" in analysed) is store_url.startswith("postgresql")
    assert events(store_url) == 13
    app = open_app(store_url)
    try:
        plans = [p for p in app.plan_ids()]
        assert len(plans) == 2
        action = app.plan(plans[0]).state.actions["A1"]
        assert action.frequency == "weekly"
    finally:
        app.close()


def test_without_json_prints_a_summary(store_url: str, tmp_path: Path) -> None:
    ran = run_import(store_url, write(tmp_path / "good.jsonl", STAFF + case("K1", 4)))
    assert ran.code == 0, ran.err
    assert "imported 7 lines" in ran.out


NESTED: Any = "X"
for _ in range(300):
    NESTED = [NESTED]


def child(ref: str, name: str = "X") -> dict[str, Any]:
    return {"command": "child add", "as": "sw1", "args": {"child_ref": ref, "name": name, "born": "2020-01-01"}}


@pytest.mark.parametrize(("bad", "code", "says"), [
    # bad input: a date that is not one (exit 2)
    ({"command": "child add", "as": "sw1", "args": {"child_ref": "K9", "name": "X", "born": "2021-02-30"}},
     2, "not a date"),
    # refused by a rule: a social worker may not record a statutory review (exit 1); CIN meetings
    # and core groups they may (issue 27)
    ({"command": "review hold", "as": "sw1", "args": {"plan_id": "$8", "kind": "statutory",
                                                      "on": "2026-01-20", "chair": "rc1"}}, 1, ""),
    # an unknown id (exit 2)
    ({"command": "visit record", "as": "sw1", "args": {"plan_id": "0badc0de-0000-4000-8000-000000000000",
                                                       "on": "2026-01-20"}}, 2, "no plan"),
    # an unknown command (exit 2)
    ({"command": "plan teleport", "as": "sw1", "args": {}}, 2, "unknown command"),
    # a reference to a later line (exit 2)
    ({"command": "visit record", "as": "sw1", "args": {"plan_id": "$12", "on": "2026-01-20"}}, 2, "$12"),
    # not JSON at all (exit 2)
    ("{not json", 2, "not JSON"),
    # JSON nested deeper than any command's arguments (exit 2; was an unexpected error, exit 70)
    ({"command": "child add", "as": "sw1", "args": {"child_ref": "K9", "name": NESTED, "born": "2020-01-01"}},
     2, "nested deeper"),
    # and a line giving its own id, nested as deep as JSON may be read (exit 2; was exit 70), or
    # deep enough for a correction's fields to fail only in its digest (exit 2; was exit 70)
    ('{"command": "child add", "as": "sw1", "command_id": "deep", "args": {"child_ref": "K9", "name": '
     + "[" * 1000 + '"X"' + "]" * 1000 + ', "born": "2020-01-01"}}', 2, "nested deeper"),
    ({"command": "correct", "as": "sw1", "command_id": "deeper", "args": {
        "event_id": "$8/1", "set": {"aim": NESTED}, "reason": "typo"}}, 2, "nested deeper"),
    # a reference to a line no file has (exit 2; 5,000 digits were exit 70)
    ({"command": "visit record", "as": "sw1", "args": {"plan_id": "$" + "9" * 5000, "on": "2026-01-20"}},
     2, "not an earlier line"),
    ({"command": "visit record", "as": "sw1", "args": {"plan_id": "$12345678901", "on": "2026-01-20"}},
     2, "names line 12345678901, which is not an earlier line"),  # (a reference still, not text)
])
def test_a_bad_line_is_named_and_nothing_of_its_batch_is_recorded(
        store_url: str, tmp_path: Path, bad: Any, code: int, says: str) -> None:
    assert run_import(store_url, write(tmp_path / "staff.jsonl", STAFF)).code == 0
    recorded = events(store_url)
    # Batches of 4: lines 1-4 and 5-8 are recorded; line 10 is bad, so nothing of 9-12 is.
    opened = {"command": "plan open", "as": "sw1", "args": {"child_ref": "X0", "kind": "child-in-need",
                                                           "aim": "To be safe and well at home."}}
    lines = [child(f"X{i}") for i in range(7)] + [opened, child("X7"), bad, child("X8"), child("X9")]
    ran = run_import(store_url, write(tmp_path / "bad.jsonl", lines), "--json", "--batch", "4")
    assert ran.code == code, ran.err
    assert ran.err.startswith("line 10: "), ran.err
    assert says in ran.err
    assert "lines 1-8 were recorded" in ran.err
    assert ran.out == ""  # with --json, stdout holds a result or nothing
    # lines 1-8 stay (7 children, and a plan opened: 2 events); nothing of lines 9-12.
    assert events(store_url) == recorded + 9


def test_a_bad_first_batch_records_nothing(store_url: str, tmp_path: Path) -> None:
    lines = STAFF + [{"command": "child add", "as": "nobody", "args": {"child_ref": "K1", "name": "X",
                                                                     "born": "2020-01-01"}}]
    ran = run_import(store_url, write(tmp_path / "bad.jsonl", lines))
    assert ran.code == 2, ran.err
    assert ran.err.startswith("line 4: ")
    assert "nothing was recorded" in ran.err
    assert events(store_url) == 0


def test_command_ids_make_a_file_safe_to_import_again(store_url: str, tmp_path: Path) -> None:
    lines = [dict(line, command_id=f"mig-{n}") for n, line in enumerate(STAFF + case("K1", 4), start=1)]
    path = write(tmp_path / "ids.jsonl", lines)
    first = run_import(store_url, path, "--json", "--batch", "3")
    assert first.code == 0, first.err
    recorded = events(store_url)
    again = run_import(store_url, path, "--json", "--batch", "3")
    assert again.code == 0, again.err  # the $N references resolve to the first results
    assert events(store_url) == recorded


def test_a_repeated_command_id_in_one_batch_records_once(store_url: str, tmp_path: Path) -> None:
    child = {"command": "child add", "as": "sw1", "command_id": "same",
             "args": {"child_ref": "K1", "name": "X", "born": "2020-01-01"}}
    ran = run_import(store_url, write(tmp_path / "twice.jsonl", STAFF + [child, child]), "--json")
    assert ran.code == 0, ran.err
    assert events(store_url) == 4


def test_blank_lines_are_skipped(store_url: str, tmp_path: Path) -> None:
    ran = run_import(store_url, write(tmp_path / "gaps.jsonl", [STAFF[0], "", STAFF[1]]), "--json")
    assert ran.code == 0, ran.err
    assert json.loads(ran.out)["events"] == 2


def test_a_child_already_in_the_store_is_named_by_its_line(store_url: str, tmp_path: Path) -> None:
    # The store's unique key finds the repeat when the batch is saved; the error still
    # names the line whose command made it, and nothing of that batch is recorded. (The
    # same line as before would be recognised as the command recorded then: this one
    # registers K1 again under another name.)
    assert run_import(store_url, write(tmp_path / "first.jsonl", STAFF + [child("K1")])).code == 0
    recorded = events(store_url)
    ran = run_import(store_url, write(tmp_path / "again.jsonl",
                                      [child("K2"), child("K3"), child("K1", "Y"), child("K4")]))
    assert ran.code == 1, ran.err
    assert ran.err.startswith("line 3: "), ran.err
    assert "K1 is already registered" in ran.err
    assert events(store_url) == recorded


def test_a_save_refused_behind_the_next_batch_is_reported_first(store_url: str, tmp_path: Path) -> None:
    # A batch is saved while the next one runs. Batch 2 (lines 3-4) repeats a child the
    # store has: its save is refused after batch 3 has started. The refusal names line 4,
    # batch 1 stays, and nothing from line 3 on is recorded, batch 3's lines included
    # (line 6 of batch 3 is bad too, but the earlier refusal is the one reported).
    assert run_import(store_url, write(tmp_path / "first.jsonl", STAFF + [child("K1")])).code == 0
    recorded = events(store_url)
    nobody = {"command": "child add", "as": "nobody", "args": {"child_ref": "K9", "name": "X", "born": "2020-01-01"}}
    lines = [child("K2"), child("K3"), child("K4"), child("K1", "Y"), child("K5"), nobody, child("K6")]
    ran = run_import(store_url, write(tmp_path / "again.jsonl", lines), "--batch", "2")
    assert ran.code == 1, ran.err
    assert ran.err.startswith("line 4: "), ran.err
    assert "K1 is already registered" in ran.err
    assert "lines 1-2 were recorded; nothing from line 3 on was" in ran.err
    assert events(store_url) == recorded + 2


def test_a_batch_builds_on_records_the_batch_before_is_still_saving(store_url: str, tmp_path: Path) -> None:
    # One line a batch: every line changes what the line before made, while its save may
    # still be under way; the staff added first act in the lines after.
    lines = STAFF + case("K1", 4) + case("K2", 8)
    ran = run_import(store_url, write(tmp_path / "chain.jsonl", lines), "--json", "--batch", "1")
    assert ran.code == 0, ran.err
    counts = {k: v for k, v in json.loads(ran.out).items() if k not in ("analyzed", "vacuumed")}
    assert counts == {"lines": 11, "events": 13, "batches": 11}
    assert events(store_url) == 13
    app = open_app(store_url)
    try:
        plan = app.plan(app.child("K2").state.periods[-1].plan_id)
        assert plan.state.actions["A1"].frequency == "weekly"  # amended on the last line
    finally:
        app.close()


def test_an_import_makes_no_garbage_cycles_and_gives_the_collector_back(
        store_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The import runs without the cyclic garbage collector (application.imports.import_lines), so
    # what it builds must be freed by reference counting alone: a cycle per line would
    # pile up between the collector's runs. Here it runs every 40 lines, and what each
    # run finds is counted.
    import gc

    from plantrail.application import imports as bulk

    lines = STAFF + [line for i in range(30) for line in case(f"K{i}", 4 + 4 * i)]
    path = write(tmp_path / "many.jsonl", lines)
    app = open_app(store_url)
    found: list[int] = []
    monkeypatch.setattr(bulk, "COLLECT_EVERY", 40)
    monkeypatch.setattr(gc, "collect", lambda *a, collect=gc.collect: found.append(collect(*a)) or found[-1])
    try:
        gc.collect()
        found.clear()
        counts = bulk.import_lines(app, bulk.numbered_lines(str(path)), batch_size=20)
        assert gc.isenabled()
    finally:
        app.close()
    assert counts["lines"] == len(lines)
    assert found == [0, 0, 0]  # 123 lines: runs at 40, 80 and 120, none finding anything


def test_the_same_file_imported_again_records_nothing_twice(store_url: str, tmp_path: Path) -> None:
    # Lines without command ids get ids made from the lines themselves: a second import
    # recognises every line, answers it from the command log (its $N results included),
    # and records nothing; a file that stopped half-way can simply be imported again.
    path = write(tmp_path / "twice.jsonl", STAFF + case("K1", 4) + case("K2", 8) + [child("K3"), child("K3", "Z")])
    first = run_import(store_url, path, "--batch", "5")
    # K3 twice: line 13 is refused, and its batch (lines 11-15) is not recorded
    assert first.code == 1 and "line 13" in first.err and "lines 1-10 were recorded" in first.err
    after_first = events(store_url)
    lines = STAFF + case("K1", 4) + case("K2", 8) + [child("K3")]
    write(path, lines)
    second = run_import(store_url, path, "--batch", "5", "--json")
    assert second.code == 0, second.err
    assert events(store_url) == after_first + 2  # lines 11 (an amendment) and 12 (K3): 1-10 were recognised
    third = run_import(store_url, path, "--batch", "3", "--json")
    assert third.code == 0, third.err
    assert events(store_url) == after_first + 2


def test_what_lines_printed_is_kept_as_a_mapping_of_line_numbers() -> None:
    """``$N`` reads what line N printed (``LineResults``: a list by line number, not a dict)."""
    from plantrail.application.imports import LineResults

    printed = LineResults()
    printed[3], printed[5] = "A1", None
    printed.update({7: "0badc0de-0000-4000-8000-000000000000"})
    assert [n for n in range(-1, 10) if n in printed] == [3, 5, 7]
    assert (printed[3], printed[5], printed.get(4, "none"), printed.get(99)) == ("A1", None, "none", None)
    with pytest.raises(KeyError):
        printed[4]
    with pytest.raises(KeyError):
        printed[0] = "A2"  # (not the last line, as a list's index would have it)
