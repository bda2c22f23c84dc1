"""Issue 25, item 9: help that reads as written and errors as the README says, through the
command line (the pipe test runs the executable; the sweep of every help at 80 columns)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import click
from click.testing import CliRunner

from plantrail.cli.help_text import walk
from plantrail.cli.main import cli, whole
from tests.support import PLANTRAIL, Shell, staffed

README = Path(__file__).resolve().parents[2] / "README.md"
BROKEN = re.compile(r"[A-Za-z0-9]-$")  # a line ending inside a hyphenated word


def test_no_help_breaks_a_word_and_every_example_is_a_line_of_its_own() -> None:
    runner = CliRunner()
    for path, command in walk(whole()):
        done = runner.invoke(cli, [*path, "--help"], terminal_width=80, env={"COLUMNS": "80"})
        assert done.exit_code == 0, path
        lines = done.output.splitlines()
        assert not [line for line in lines if BROKEN.search(line.rstrip())], (path, done.output)
        assert max(map(len, lines)) <= 80, (path, done.output)  # (long choices listed in words)
        if not isinstance(command, click.Group) or not path:
            examples = done.output.split("Example:\n", 1)
            assert len(examples) == 2, path
            first = examples[1].splitlines()[0]
            assert first.startswith("    plantrail"), (path, first)  # a command, as typed


def test_the_root_help_gives_its_examples_a_line_each(sh: Shell) -> None:
    text = sh.ok("--help").out
    examples = text.split("Example:\n", 1)[1].splitlines()
    assert examples[:3] == ["    plantrail demo", "    plantrail plans", "    plantrail show PLAN_ID"]
    visit = sh("visit", "record", "--help", env={"COLUMNS": "80"}).out
    assert "--seen-alone yes" in visit


def test_the_census_help_says_what_the_store_holds(sh: Shell) -> None:
    text = " ".join(sh.ok("export", "cin-census", "--help").out.split())
    assert "the referral (`referral record`, with no further action too), its assessments and Section 47 enquiries" \
        in text
    assert "it says on stderr, a line each. Nothing is invented." in text
    assert "not hold (referral source" not in text


def test_a_mistyped_choice_gets_the_closest_one(sh: Shell) -> None:
    staffed(sh)
    done = sh.refused(2, "action", "add", "deadbeef", "--area", "helth", "--need", "n", "--response", "r",
                      "--frequency", "f", "--responsible", "p", "--starts", "2026-03-01", "--outcome", "o",
                      actor="sw1")
    assert "did you mean 'health'?" in done.err and "education" not in done.err
    assert "did you mean 'team-manager'?" in sh.refused(2, "staff", "add", "x", "--name", "X", "--initials", "X",
                                                        "--role", "team-manger", actor="tm1").err


def test_a_mistyped_command_gets_the_closest_one(sh: Shell) -> None:
    # (at the top, where each command is made only when asked for: cli/main.py MODULES)
    assert "No such command 'vist'. Did you mean 'visit'?" in sh.refused(2, "vist", "record", "deadbeef").err
    assert "No such command 'recrd'. Did you mean 'record'?" in sh.refused(2, "visit", "recrd", "deadbeef").err


def test_errors_are_what_the_readme_promises(sh: Shell) -> None:
    promise = " ".join(README.read_text(encoding="utf-8").split())
    assert "A refused command prints what was wrong on one line, and how to put it right on a second" in promise
    staffed(sh)
    refused = sh.refused(1, "staff", "grant", "sw1", "--role", "auditor", actor="sw1")
    what, fix = refused.err.strip().splitlines()
    assert what.startswith("refused: ") and "--as" in fix


def test_a_closed_pipe_is_not_an_error(sh: Shell, tmp_path) -> None:  # type: ignore[no-untyped-def]
    env = {"PLANTRAIL_DB": sh.url, "PATH": str(Path(PLANTRAIL).parent) + ":/usr/bin:/bin"}
    for _ in range(3):  # the reader may go before or after plantrail's first write
        done = subprocess.run(["bash", "-o", "pipefail", "-c", "plantrail demo | head -1"], env=env,
                              capture_output=True, text=True, timeout=120, cwd=tmp_path)
        assert done.returncode == 0, done.stderr
        assert done.stdout.startswith(("recorded: ", "already recorded: ")) and done.stderr == ""


def test_demo_on_a_store_with_staff_of_its_own_says_what_to_do(sh: Shell) -> None:
    sh.ok("staff", "add", "tm1", "--name", "Tina Moss", "--initials", "TM", "--role", "team-manager")
    done = sh.refused(2, "demo")
    assert "--as" in done.err and "store of its own" in done.err and "demo-manager" not in done.err
    assert sh.ok("demo", actor="tm1").out.startswith("recorded: ")


def test_an_error_never_echoes_a_control_character_or_a_huge_value(sh: Shell) -> None:
    """Hostile input echoed in an error ("no staff member ...", a bad option's value) is shown
    with its control characters as escapes and a huge value cut: the terminal stays the user's."""
    staffed(sh)
    for args, actor in ((("plans",), "a\x1b]0;owned\x07"), (("show", "x" * 5000), "tm1"),
                        (("plan", "open", "K1", "--kind", "child-in-need", "--aim", "x", "--on", "9" * 5000), "sw1")):
        ran = sh.refused(2, *args, actor=actor)
        assert not re.search(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]", ran.err), ran.err
        assert max(len(line) for line in ran.err.splitlines()) < 300 and "(5,0" in ran.err or "\\x1b" in ran.err


def test_a_value_the_record_refuses_is_named_in_plain_words(sh: Shell) -> None:
    # A control character reaches the event's own check (not an option's): the message names
    # the field and the character, without a made-up option or pydantic's "Value error, ".
    staffed(sh)
    ran = sh.refused(2, "child", "add", "K\x1b[31m", "--name", "X", "--born", "2020-01-01", actor="sw1")
    assert ran.err.startswith("error: child_ref holds a control character (U+001B)"), ran.err
    assert "--value" not in ran.err and "Value error" not in ran.err
    assert sh.ok("child", "list", "--json", actor="sw1").json() in ([], {"children": []})


def test_the_commonest_refusals_of_a_mistyped_value_fit_an_80_column_terminal(sh: Shell) -> None:
    """A control character in a field, an impossible date, one outside the years a record can hold,
    a read with no reader: one line each, within 80 columns."""
    staffed(sh)
    for args in (("child", "add", "K1", "--name", "A\x07B", "--born", "2020-01-01"),
                 ("child", "add", "K1", "--name", "A B", "--born", "2020-02-30"),
                 ("child", "add", "K1", "--name", "A B", "--born", "1066-10-14")):
        ran = sh.refused(2, *args, actor="sw1")
        assert max(len(line) for line in ran.err.splitlines()) <= 80, ran.err
    unnamed = sh("plans", env={"PLANTRAIL_AS": ""})  # a read with no reader (the shell names none)
    assert unnamed.code == 2 and "needs a reader" in unnamed.err, unnamed.err
    assert max(len(line) for line in unnamed.err.splitlines()) <= 80, unnamed.err
    assert sh.ok("child", "list", "--json", actor="sw1").json() in ([], {"children": []})


def test_max_lag_is_a_number_of_seconds(sh: Shell) -> None:
    """--max-lag NaN would let every standby answer, however far behind (every comparison with
    NaN is false): bad input, as a negative or a word is; ``inf`` says any lag will do."""
    staffed(sh)
    for bad in ("nan", "NaN", "-1", "soon"):
        assert "--max-lag" in sh.refused(2, "--max-lag", bad, "plans", actor="tm1").err
    assert sh("--max-lag", "inf", "plans", "--json", actor="tm1").code == 0
