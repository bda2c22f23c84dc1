"""What the tests share: a fixed clock, an application on a URL, the command line (in process, or the executable)."""

from __future__ import annotations

import io
import json
import logging
import os
import subprocess
import sys
import threading
import warnings
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import pytest

from plantrail.application.records import PlanRecords
from plantrail.store.settings import env_for_url, prepare

PG_ENV = "PLANTRAIL_TEST_POSTGRES"


def postgres_base_url() -> str:
    """The PostgreSQL server of the tests, or a skip that says how to name one."""
    url = os.environ.get(PG_ENV)
    if not url:
        pytest.skip(f"PostgreSQL tests need {PG_ENV} (e.g. postgresql://postgres@127.0.0.1:5432/test)")
    return url


class FixedClock:
    """A clock that tests can set and move on; the store still stamps real UTC times."""

    def __init__(self, now: datetime | None = None) -> None:
        self.now = now or datetime(2026, 11, 25, 12, 0, tzinfo=timezone.utc)

    def __call__(self) -> datetime:
        return self.now


def open_app(url: str, clock=None) -> PlanRecords:
    prepare(url)
    if clock is None:
        return PlanRecords(env=env_for_url(url))
    return PlanRecords(env=env_for_url(url), clock=clock)


def stored_event_count(application: PlanRecords) -> int:
    """How many events the store holds: what a test counts before and after a refusal."""
    return application.recorder.max_notification_id() or 0


PLANTRAIL = str(Path(sys.executable).parent / "plantrail")


@dataclass
class Result:
    code: int
    out: str
    err: str

    def json(self):  # type: ignore[no-untyped-def]
        return json.loads(self.out)


# The reads that are logged and need a reader (CLI.md, "Who reads"), by their first words.
LOGGED_READS = {("show",), ("changes",), ("history",), ("plans",), ("due",), ("access",), ("child", "show"),
                ("child", "list"), ("export", "child"), ("export", "cin-census"), ("export", "ssda903"),
                ("report", "review-pack")}


def is_logged_read(args: tuple[str, ...]) -> bool:
    words = tuple(a for a in args if not a.startswith("-"))
    return words[:1] in LOGGED_READS or words[:2] in LOGGED_READS


def first_staff(url: str) -> str | None:
    """The first staff member registered in a store (a reader for tests that read as anyone)."""
    from eventsourcing.utils import get_topic

    from plantrail.domain.events import StaffMemberRegistered

    app = open_app(url)
    try:
        for notification in app.notifications(topics=[get_topic(StaffMemberRegistered)]):
            return app.mapper.to_domain_event(notification).staff_id
        return None
    finally:
        app.close()


# Commands run in the test's own process unless this is set to 1: the same parsing, exit codes
# and output as the installed executable (run_in_process), without an interpreter's start for
# each of the suite's thousands of commands. Tests of what only a whole process shows (start-up
# imports, pipes, signals, stdin) run the executable themselves.
WHOLE_PROCESS = os.environ.get("TESTS_WHOLE_PROCESS") == "1"


def run_in_process(args: tuple[str, ...], env: dict[str, str], cwd: Path) -> Result:
    """One command line as ``plantrail`` runs it (cli.main.run), in this process: its own
    argv, environment and working directory, empty stdin, and stdout/stderr captured as text
    (log records and warnings included, as the executable would print them)."""
    from plantrail.cli.main import run

    assert threading.current_thread() is threading.main_thread(), "commands run in process one at a time"
    saved_env, saved_cwd, saved_argv = dict(os.environ), os.getcwd(), sys.argv
    saved_streams = sys.stdin, sys.stdout, sys.stderr
    out, err = _captured(), _captured()
    printed = logging.StreamHandler(err)
    logging.getLogger().addHandler(printed)
    try:
        with warnings.catch_warnings():
            warnings.showwarning = lambda message, category, filename, lineno, file=None, line=None: err.write(
                warnings.formatwarning(message, category, filename, lineno, line))
            os.environ.clear()
            os.environ.update(env)
            os.chdir(cwd)
            sys.argv = [PLANTRAIL, *args]
            sys.stdin, sys.stdout, sys.stderr = io.TextIOWrapper(io.BytesIO(b""), encoding="utf-8"), out, err
            code = run(list(args))
    finally:
        sys.stdin, sys.stdout, sys.stderr = saved_streams
        sys.argv = saved_argv
        logging.getLogger().removeHandler(printed)
        os.chdir(saved_cwd)
        os.environ.clear()
        os.environ.update(saved_env)
    return Result(code, _text(out), _text(err))


def _captured() -> io.TextIOWrapper:
    return io.TextIOWrapper(io.BytesIO(), encoding="utf-8", newline="", write_through=True)


def _text(stream: io.TextIOWrapper) -> str:
    stream.flush()
    raw = stream.buffer.getvalue()  # type: ignore[attr-defined]
    return raw.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")  # as text=True reads


class Shell:
    """The plantrail command line on one store. A logged read given no actor is made as
    ``reader`` (the first team manager of ``staffed``), unless ``reader`` is None. Commands
    run in this process (see WHOLE_PROCESS) unless ``process`` is true."""

    def __init__(self, url: str, cwd: Path, reader: str | None = "tm1", *, process: bool = False) -> None:
        self.url = url
        self.cwd = cwd
        self.reader = reader
        self.process = process or WHOLE_PROCESS

    def __call__(self, *args: str, actor: str | None = None, env: dict[str, str] | None = None) -> Result:
        full_env = {k: v for k, v in os.environ.items() if not k.startswith("PLANTRAIL_")}
        full_env.update({"PLANTRAIL_DB": self.url, "COLUMNS": "160", **(env or {})})
        if actor is None and self.reader and is_logged_read(args) and "PLANTRAIL_AS" not in (env or {}):
            actor = self.reader
        if actor:
            full_env["PLANTRAIL_AS"] = actor
        if not self.process:
            return run_in_process(args, full_env, self.cwd)
        done = subprocess.run([PLANTRAIL, *args], capture_output=True, text=True, env=full_env,
                              cwd=self.cwd, timeout=60)
        return Result(done.returncode, done.stdout, done.stderr)

    def ok(self, *args: str, actor: str | None = None) -> Result:
        result = self(*args, actor=actor)
        assert result.code == 0, f"{args}: exit {result.code}\n{result.err}"
        return result

    def events(self) -> int:
        app = open_app(self.url)
        try:
            return stored_event_count(app)
        finally:
            app.close()

    def reads_logged(self) -> int:
        """How many access log entries the store holds."""
        from eventsourcing.utils import get_topic

        from plantrail.domain.events import RecordRead

        app = open_app(self.url)
        try:
            return sum(1 for _ in app.notifications(topics=[get_topic(RecordRead)]))
        finally:
            app.close()

    def records(self) -> int:
        """How many events the store holds besides its access log entries."""
        return self.events() - self.reads_logged()

    def refused(self, code: int, *args: str, actor: str | None = None) -> Result:
        """Run a command that must be refused: its exit code, one or two plain lines, nothing recorded."""
        before = self.events()
        result = self(*args, actor=actor)
        assert result.code == code, f"{args}: exit {result.code}, wanted {code}\n{result.err}"
        lines = [line for line in result.err.splitlines() if line.strip()]
        assert 1 <= len(lines) <= 2, result.err
        assert "Traceback" not in result.err
        assert self.events() == before, "a refused command recorded something"
        return result


STAFF = (
    ("tm1", "Tina Moss", "TM", "team-manager"),
    ("tm2", "Tom Hale", "TH", "team-manager"),
    ("sw1", "Mary Grant", "MG", "social-worker"),
    ("rc1", "Rita Chow", "RC", "review-chair"),
    ("ro1", "Rob Orme", "RO", "records-officer"),
    ("au1", "Ann Udall", "AU", "auditor"),
)


def staffed(sh: Shell) -> None:
    """The first staff member with no --as; the rest added by that team manager."""
    first, *others = STAFF
    sh.ok("staff", "add", first[0], "--name", first[1], "--initials", first[2], "--role", first[3])
    for staff_id, name, initials, role in others:
        sh.ok("staff", "add", staff_id, "--name", name, "--initials", initials, "--role", role, actor="tm1")
