"""Hypothesis over every write command's options: no traceback, only the contract's exit
codes, and nothing recorded when a command is refused."""

from __future__ import annotations

import contextlib
import io
from datetime import date

import click
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from plantrail.cli.main import run, whole
from tests.support import open_app, stored_event_count

WRITE_GROUPS = ("staff", "child", "plan", "action", "view", "contact", "review", "aim", "visit", "supervision")
WRITE_COMMANDS = ("sign", "correct", "void")
ACTORS = ("tm1", "sw1", "rc1", "ro1", "nobody", "")


def write_commands() -> list[tuple[tuple[str, ...], click.Command]]:
    cli = whole()
    found = [((name,), cli.commands[name]) for name in WRITE_COMMANDS]
    for group in WRITE_GROUPS:
        found += [((group, name), command) for name, command in cli.commands[group].commands.items()]
    return found


COMMANDS = write_commands()


def values(kind: str):  # type: ignore[no-untyped-def]
    text = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=12)
    return st.one_of(
        text,
        st.dates(min_value=date(1990, 1, 1), max_value=date(2030, 12, 31)).map(date.isoformat),
        st.integers(-3, 14).map(str),
        st.sampled_from(["child-in-need", "child-protection", "care-plan", "health", "safe", "statutory",
                         "neglect", "A1", "R1", "yes", "partly", "A1=achieved", "aim=x", "starts=2026-01-01",
                         "{plan}", "{plan}/2", "{event}", "K1", "tm1", "team-manager", "2026-02-30"]),
    )


def command_lines():  # type: ignore[no-untyped-def]
    @st.composite
    def build(draw):  # type: ignore[no-untyped-def]
        path, command = draw(st.sampled_from(COMMANDS))
        args: list[str] = list(path)
        for param in command.params:
            if param.name in ("as_json", "help"):
                continue
            if isinstance(param, click.Argument):
                args.append(draw(values("arg")))
            elif draw(st.booleans()):
                option = param.opts[-1]
                if getattr(param, "is_flag", False):
                    args.append(option)
                else:
                    args += [option, draw(values(param.name or ""))]
        actor = draw(st.sampled_from(ACTORS))
        return (["--as", actor] if actor else []) + args

    return build()


@pytest.fixture
def fuzz_store(store_url: str):  # type: ignore[no-untyped-def]
    app = open_app(store_url)
    app.add_staff(None, "tm1", name="Tina Moss", initials="TM", roles=["team-manager"])
    for staff_id, role in (("sw1", "social-worker"), ("rc1", "review-chair"), ("ro1", "records-officer")):
        app.add_staff("tm1", staff_id, name=staff_id, initials=staff_id[:2].upper(), roles=[role])
    app.register_child("sw1", "K1", name="Karen", born=date(2023, 2, 1))
    plan = app.open_plan("sw1", "K1", kind="child-in-need", aim="Safe and well", on=date(2026, 3, 2))
    app.close()
    return store_url, str(plan)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(line=command_lines())
def test_fuzzed_writes_keep_the_contract(fuzz_store, line) -> None:  # type: ignore[no-untyped-def]
    url, plan = fuzz_store
    line = [arg.replace("{plan}", plan).replace("{event}", f"{plan}/1") for arg in line]
    app = open_app(url)
    before = stored_event_count(app)
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = run(["--db", url, *line])
    assert code in (0, 1, 2), (line, code, err.getvalue())
    assert "Traceback" not in err.getvalue()
    if code != 0:
        assert stored_event_count(app) == before, line
        assert 1 <= len(err.getvalue().strip().splitlines()) <= 2, (line, err.getvalue())
    app.close()
