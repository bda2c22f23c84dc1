"""Issue 25, items 3, 4, 5 and 7, through the command line on SQLite and PostgreSQL:
text laid out for an 80- and a 200-column terminal (ids whole, nothing cut, nothing wider
than the terminal), `changes` read like the review pack, the Care Plan aims in words, and
every write saying what it recorded."""

from __future__ import annotations

import re

import pytest

from tests.support import Shell, staffed

WIDTHS = ("80", "200")
HOSTILE = "For Susan [bold]to return home[/] :smile: within six months, with her mother's support at every step"
NEED = ("Ms Simpson would like to develop her play skills, so that contact with Susan can move from the family "
        "centre to her own home as soon as she is well enough")


@pytest.fixture
def care(sh: Shell) -> tuple[Shell, str]:
    """Susan's Care Plan: an aim decided at its review, then changes made since it, one
    recorded after another but effective before it."""
    staffed(sh)
    sh.ok("child", "add", "S1", "--name", "Susan Simpson", "--born", "2019-04-22", "--sex", "F", actor="sw1")
    plan = sh.ok("plan", "open", "S1", "--kind", "care-plan", "--aim", HOSTILE, "--aim-option", "3",
                 "--on", "2026-01-05", actor="sw1").out.strip()
    sh.ok("action", "add", plan, "--area", "birth-family-parenting-capacity", "--need", NEED, "--response",
          "Sessions with a play worker at Forth Street Family Centre", "--frequency", "1 hour per week",
          "--responsible", "Jenny Page, play worker", "--starts", "2026-01-12", "--outcome",
          "Ms Simpson will feel more confident in playing with Susan", "--on", "2026-01-05", actor="sw1")
    sh.ok("plan", "approve", plan, "--on", "2026-01-06", actor="tm2")
    sh.ok("review", "hold", plan, "--kind", "statutory", "--on", "2026-03-01", "--chair", "rc1", actor="rc1")
    sh.ok("aim", "change", plan, "--review", "R1", "--aim", "Long-term fostering with Mr and Mrs Irvine",
          "--aim-option", "6", actor="rc1")
    sh.ok("action", "amend", plan, "A1", "--frequency", "2 hours per week", "--discussed-with", "Ms Simpson",
          "--reason", "progress at the review was partial", "--on", "2026-03-20", actor="sw1")
    sh.ok("action", "amend", plan, "A1", "--responsible", "Jenny Page and Tim Moore", "--on", "2026-03-10",
          "--discussed-with", "Ms Simpson", actor="sw1")  # an agreed Care Plan's Part Two (seed 003)
    sh.ok("action", "add", plan, "--area", "education", "--need", "Nursery place", "--response", "Apply",
          "--frequency", "Once", "--responsible", "Foster carers", "--starts", "2026-04-01", "--outcome",
          "Susan starts nursery", "--on", "2026-03-15", "--discussed-with", "Ms Simpson", actor="sw1")
    return sh, plan


def _lines_fit(text: str, width: int) -> None:
    assert "…" not in text, "something was cut short"
    for line in text.splitlines():
        assert len(line) <= width, f"{len(line)} > {width}: {line!r}"
        assert line == line.rstrip(), f"trailing spaces: {line!r}"


def test_text_is_laid_out_for_the_terminal_it_has(care: tuple[Shell, str]) -> None:
    sh, plan = care
    event_ids = [h["event_id"] for h in sh.ok("history", plan, "--json").json()]
    for width in WIDTHS:
        env = {"COLUMNS": width}
        outputs = {args: sh(*args, env=env) for args in (
            ("show", plan), ("history", plan), ("changes", plan), ("plans",), ("due", "--on", "2026-12-01"),
            ("child", "show", "S1"), ("child", "list"), ("projections", "status"))}
        for args, done in outputs.items():
            assert done.code == 0, (args, done.err)
            _lines_fit(done.out, int(width))
        history = outputs[("history", plan)].out
        assert all(event_id in history for event_id in event_ids)  # what correct and void take, whole
        assert plan in outputs[("plans",)].out and plan in outputs[("due", "--on", "2026-12-01")].out
        shown = outputs[("show", plan)].out
        assert "2026-01-12" in shown and "1 hour per week" not in shown  # amended since
        # What a user typed prints as typed: never read as markup or emoji codes.
        assert "[bold]to return home[/] :smile:" in sh("show", plan, "--as-at", "2026-12-31T00:00:00Z",
                                                        "--effective-on", "2026-02-01", env=env).out
    narrow, wide = sh("plans", env={"COLUMNS": "80"}).out, sh("plans", env={"COLUMNS": "200"}).out
    assert "┃" not in narrow and "┃" in wide  # blocks where a table would not fit, a table where it does


def test_changes_read_like_the_review_pack(care: tuple[Shell, str]) -> None:
    sh, plan = care
    document = sh.ok("changes", plan, "--json").json()
    assert document["since"]["review_id"] == "R1"
    assert "aim-changed" not in {c["type"] for c in document["changes"]}  # decided at the review, not since
    for width in WIDTHS:
        text = sh("changes", plan, env={"COLUMNS": width}).out
        first = text.splitlines()[0]
        assert first.startswith("Susan Simpson (S1) · Care Plan") and plan in text
        assert "Changes since review R1 (statutory) held 2026-03-01: 3 changes" in " ".join(text.split())
        dates = re.findall(r"^\d+\. (\d{4}-\d\d-\d\d)  MG", text, re.M)
        assert dates == ["2026-03-10", "2026-03-15", "2026-03-20"]  # the order they took effect
        flat = " ".join(text.split())
        assert "Action A1 · Birth family: parenting capacity: amended" in flat
        assert "Frequency and length 1 hour per week → 2 hours per week" in flat
        assert "Discussed with Ms Simpson" in flat and "Reason progress at the review was partial" in flat
        assert "Action A2 · Education: added" in flat and "Identified needs and strengths: Nursery place" in flat
        for internal in ("aim_set_on", "aim_review_id", "None", "{'", "['", "action-amended", "actions/"):
            assert internal not in text, internal


def test_aim_options_are_explained(care: tuple[Shell, str]) -> None:
    sh, plan = care
    from plantrail.domain.vocabulary import AIM_OPTIONS

    for command in (("plan", "open"), ("aim", "change")):
        text = " ".join(sh.ok(*command, "--help").out.split())
        for number, words in AIM_OPTIONS.items():
            assert f"{number} {words}" in text, (command, number)
    shown = " ".join(sh.ok("show", plan).out.split())
    assert "Part One option 6 — long-term foster placement (until 18)" in shown


def test_every_write_says_what_it_recorded(care: tuple[Shell, str]) -> None:
    sh, plan = care
    added = sh.ok("staff", "add", "sw2", "--name", "Sam Otter", "--initials", "SO", "--role", "social-worker",
                  actor="tm1")
    assert added.out == "registered staff member sw2: Sam Otter (SO), social-worker\n"
    assert sh.ok("child", "add", "K1", "--name", "Karen", "--born", "2023-02-01", actor="sw1").out.startswith(
        "registered child K1: Karen, born 2023-02-01")
    opened = sh.ok("plan", "open", "K1", "--kind", "child-in-need", "--aim", "Safe", "--on", "2026-02-02",
                   actor="sw1")
    other = opened.out.strip()
    assert opened.out == f"{other}\n" and len(other) == 36  # PLAN=$(plantrail ... plan open ...) still works
    assert f"opened child-in-need plan {other} for K1 Karen" in opened.err
    approved = sh.ok("plan", "approve", plan, "--on", "2026-03-21", actor="tm1").out
    assert approved.startswith(f"approved version 8 of plan {plan}")
    amended = sh.ok("action", "amend", plan, "A1", "--need", "Play skills", "--on", "2026-03-22",
                    "--discussed-with", "Ms Simpson", actor="sw1").out
    assert amended.startswith(f"amended need of action A1 of plan {plan}; margin MG 2026-03-22")
    visit = sh.ok("visit", "record", plan, "--on", "2026-03-23", "--seen-alone", "yes", actor="sw1").out
    assert visit.startswith("recorded a visit on 2026-03-23") and "seen alone" in visit
    as_json = sh.ok("supervision", "record", plan, "--on", "2026-03-24", "--json", actor="sw1").json()
    assert as_json["ok"] is True and as_json["recorded"].startswith("recorded supervision of plan")
    assert [e["type"] for e in as_json["events"]] == ["supervision-discussed"]
    first = sh.ok("visit", "record", plan, "--on", "2026-03-25", "--command-id", "v-25", "--json", actor="sw1")
    again = sh.ok("visit", "record", plan, "--on", "2026-03-25", "--command-id", "v-25", "--json", actor="sw1")
    assert first.json()["events"] and again.json()["events"] == []
    assert "nothing new recorded" in again.json()["recorded"]
    review = sh.ok("review", "hold", plan, "--kind", "statutory", "--on", "2026-03-26", "--chair", "rc1",
                   actor="rc1")
    assert review.out == "R2\n" and "recorded statutory review R2" in review.err
