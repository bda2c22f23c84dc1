"""`plantrail import FILE.jsonl`: many commands, saved in large transactions (docs/import.md).

One JSON object a line: ``{"command": "plan open", "as": "sw1", "args": {...}, "command_id": "..."}``.
Each line runs through the application exactly as the same CLI command would (same rules,
same errors); ``--batch`` lines at a time share one unit of work (``app.batch()``), so
their events are saved in one transaction, or, if any line is refused, none of them.
A later line names an earlier line's result (a plan_id, action_id, review_id) as ``"$N"``.
"""

from __future__ import annotations

import gc
import re
import sys
from collections.abc import Iterator
from datetime import date
from functools import lru_cache
from itertools import islice
from typing import Any

import click

from cli.context import emit, invocation

DEFAULT_BATCH = 2000
# Lines decided between runs of the cyclic garbage collector while an import runs (see
# import_lines): often enough that cycles made by anything else cannot pile up over a
# long import, rarely enough that its walks of everything alive cost nothing measurable.
COLLECT_EVERY = 100_000

# command -> (application method, positional argument names after the actor)
COMMAND_METHODS: dict[str, tuple[str, tuple[str, ...]]] = {
    "staff add": ("add_staff", ("staff_id",)),
    "staff grant": ("grant_role", ("staff_id", "role")),
    "child add": ("register_child", ("child_ref",)),
    "plan open": ("open_plan", ("child_ref",)),
    "plan approve": ("approve_plan", ("plan_id",)),
    "plan kind": ("change_kind", ("plan_id",)),
    "plan close": ("close_plan", ("plan_id",)),
    "plan details": ("record_details", ("plan_id",)),
    "plan extend": ("extend_initial_plan", ("plan_id",)),
    "plan distribute": ("distribute_plan", ("plan_id",)),
    "action add": ("add_action", ("plan_id",)),
    "action amend": ("amend_action", ("plan_id", "action_id")),
    "action end": ("end_action", ("plan_id", "action_id")),
    "view add": ("record_view", ("plan_id",)),
    "sign": ("record_signature", ("plan_id",)),
    "contact add": ("record_contact", ("plan_id",)),
    "review hold": ("hold_review", ("plan_id",)),
    "aim change": ("change_aim", ("plan_id",)),
    "visit record": ("record_visit", ("plan_id",)),
    "placement record": ("record_placement", ("plan_id",)),
    "supervision record": ("record_supervision", ("plan_id",)),
    "correct": ("correct", ("event_id",)),
    "void": ("void", ("event_id",)),
}
# The CLI's option names, where they differ from the application's argument names.
ALIASES = {"review": "review_id", "rate": "ratings", "outcome": "outcomes", "role_": "role",
           "set": "fields", "aim_text": "aim"}
DATE_FIELDS = frozenset({"on", "born", "starts", "referred", "review_by", "next_review", "until"})
LIST_FIELDS = frozenset({"outcomes", "to", "roles"})
LINE_KEYS = frozenset({"command", "as", "args", "command_id"})
DETAILS = frozenset({"legal_status", "court", "why_care", "prevention", "parallel_plan", "preferred_placement",
                     "contingency", "compulsory_measures", "lead"})
_REF = re.compile(r"\$(\d+)(/.*)?")


def _bad(message: str, fix: str = "") -> Exception:
    from domain.errors import BadInput

    return BadInput(message, fix=fix)


@lru_cache(maxsize=None)
def _accepts(app_type: type, method: str) -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """(the keywords a method names, those it also takes through ``**``, the required
    ones), read once from the method itself."""
    import inspect

    from domain.plan_state import AMENDABLE

    params = [p for n, p in inspect.signature(getattr(app_type, method)).parameters.items()
              if n not in ("self", "actor") and p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)]
    names = frozenset(p.name for p in params)
    through = {"record_details": DETAILS,
               "amend_action": frozenset(AMENDABLE) | {"outcomes", "discussed_with", "reason"}}
    required = frozenset(p.name for p in params if p.default is p.empty)
    return names, through.get(method, frozenset()), required


@lru_cache(maxsize=None)  # a file uses a few dozen names, on every line
def _argument_name(key: str) -> str:
    """An argument's name as the application spells it (``review-id`` -> ``review_id``)."""
    name = key.replace("-", "_")
    return ALIASES.get(name, name)


def _resolve(value: Any, lineno: int, results: dict[int, Any]) -> Any:
    if isinstance(value, str) and value.startswith("$"):
        if value.startswith("$$"):
            return value[1:]  # "$$3" is the text "$3"
        m = _REF.fullmatch(value)
        if m:
            ref = int(m.group(1))
            if ref >= lineno or ref not in results:
                raise _bad(f"{value} names line {ref}, which is not an earlier line of this import",
                           fix="name the line of an earlier command, as $N")
            if results[ref] is None:
                raise _bad(f"{value} names line {ref}, which printed no id")
            return f"{results[ref]}{m.group(2) or ''}"
    return value


def parse_line(app: Any, line: Any, lineno: int, results: dict[int, Any]) -> tuple[str, str | None, list[Any],
                                                                                  dict[str, Any], str | None]:
    """A line as (method, actor, positional args, keyword args, command_id), or BadInput."""
    if not isinstance(line, dict):
        raise _bad("a line is one JSON object", fix='e.g. {"command": "plan open", "as": "sw1", "args": {...}}')
    if not line.keys() <= LINE_KEYS:
        raise _bad(f"unknown key {sorted(line.keys() - LINE_KEYS)[0]!r}",
                   fix="a line has command, as, args and command_id")
    name = line.get("command")
    if name not in COMMAND_METHODS:
        raise _bad(f"unknown command {name!r}", fix="commands: " + ", ".join(COMMAND_METHODS))
    method, positional = COMMAND_METHODS[name]
    actor = line.get("as")
    if actor is not None and not isinstance(actor, str):
        raise _bad("'as' is a staff id")
    command_id = line.get("command_id")
    if command_id is not None and not isinstance(command_id, str):
        raise _bad("'command_id' is text")
    raw = line.get("args", {})
    if not isinstance(raw, dict):
        raise _bad("'args' is a JSON object")
    args: dict[str, Any] = {}
    for key, value in raw.items():
        key = _argument_name(key)
        if isinstance(value, str) and value.startswith("$"):
            value = _resolve(value, lineno, results)
        if key in DATE_FIELDS and value is not None:
            if not isinstance(value, str):
                raise _bad(f"{key}: write a date as YYYY-MM-DD")
            try:
                value = date.fromisoformat(value)
            except ValueError:
                raise _bad(f"{key}: '{value}' is not a date; write it YYYY-MM-DD") from None
        elif key in LIST_FIELDS and isinstance(value, str):
            value = [value]
        elif key == "outcomes" and isinstance(value, list):
            value = [_resolve(v, lineno, results) for v in value]
        args[key] = value
    if "event_id" in args:
        args["event_ref"] = args.pop("event_id")
        positional = tuple("event_ref" if p == "event_id" else p for p in positional)
    names, through, required = _accepts(type(app), method)
    extra = args.keys() - names - through
    if extra:
        raise _bad(f"{name}: unknown argument {sorted(extra)[0]!r}", fix="arguments: " + ", ".join(sorted(names)))
    if not required <= args.keys():
        raise _bad(f"{name}: missing argument {sorted(required - args.keys())[0]!r}")
    pos = [args.pop(p) for p in positional]
    return method, actor, pos, args, command_id


def call_line(app: Any, line: Any, lineno: int, results: dict[int, Any]) -> Any:
    """Run one line on the application; record its result for ``$N``; return it."""
    method, actor, pos, kwargs, command_id = parse_line(app, line, lineno, results)
    result = getattr(app, method)(actor, *pos, command_id=command_id, **kwargs)
    results[lineno] = str(result) if result is not None else None
    return result


class LineError(Exception):
    """A refused line: its number, and the error the command raised."""

    def __init__(self, lineno: int, error: BaseException, first_of_batch: int) -> None:
        super().__init__(f"line {lineno}: {error}")
        self.lineno, self.error, self.first_of_batch = lineno, error, first_of_batch


def import_lines(app: Any, lines: Any, *, batch_size: int = DEFAULT_BATCH,
                 progress: Any = None) -> dict[str, int]:
    """Run (lineno, text) pairs ``batch_size`` at a time, each batch in one transaction.

    Raises LineError for the first refused line: nothing of its batch is recorded,
    earlier batches stay. Returns {"lines", "events", "batches"} recorded. A batch is
    saved while the next is decided (``app.batches()``); a refused save is still the
    first error reported, and nothing after it is recorded.
    """
    from projections.fold import gc_paused

    results: dict[int, Any] = {}
    seen_ids: dict[str, int] = {}
    counts = {"lines": 0, "events": 0, "batches": 0}
    handed: list[tuple[Any, int, int]] = []  # (batch, lines, bytes) handed to the store, not yet confirmed
    running = None  # the batch whose lines are running
    decided = 0  # lines since the collector last ran
    try:
        # Without the cyclic collector, but every COLLECT_EVERY lines: each of its runs
        # walked every record a batch builds (the saver thread's too), and re-enabling it
        # between batches made a walk of the whole batch just decided. Commands make no
        # reference cycles (checked in tests/bulk/test_bulk_import.py); refcounting frees a
        # batch once it is saved.
        with gc_paused(), app.batches() as batch:
            for chunk in _chunks(lines, batch_size):
                with batch() as running:
                    running.first = running.label = chunk[0][0]
                    size = _run_chunk(app, chunk, running, results, seen_ids)
                handed.append((running, len(chunk), size))
                running = None
                _count_saved(handed, counts, progress)
                decided += len(chunk)
                if decided >= COLLECT_EVERY:
                    gc.collect()
                    decided = 0
    except Exception as error:
        refused = _line_error(error, [saved for saved, _, _ in handed], running)
        if refused is None:
            raise  # not a line's (reading the file failed): an unexpected fault
        raise refused from error
    _count_saved(handed, counts, progress)
    return counts


def _line_error(error: Exception, handed: list[Any], running: Any) -> LineError | None:
    """The error, naming its line and the first line of its batch. A save refused after
    its batch was handed over (``failed``) is reported first, with that batch's lines."""
    from domain.errors import DomainError

    failed = next((saved for saved in handed if saved.failed is not None), None)
    if failed is None:
        return LineError(running.label, error, running.first) if running is not None else None
    label = getattr(error, "label", None) if isinstance(error, DomainError) else None
    return LineError(label if label is not None else failed.first, error, failed.first)


def _chunks(lines: Any, size: int) -> Iterator[list[tuple[int, bytes]]]:
    it = iter(lines)
    while chunk := list(islice(it, size)):
        yield chunk


def _run_chunk(app: Any, chunk: list[tuple[int, bytes]], saved: Any, results: dict[int, Any],
               seen_ids: dict[str, int]) -> int:
    """Run a batch's lines on the application; the bytes read."""
    import orjson

    size = 0
    for lineno, text in chunk:
        size += len(text)
        if not text.strip():
            continue
        saved.label = lineno
        try:
            line = orjson.loads(text)
        except orjson.JSONDecodeError as e:
            raise _bad(f"not JSON ({e})") from None
        cid = line.get("command_id") if isinstance(line, dict) else None
        if isinstance(cid, str) and cid in seen_ids:
            # The same command id again in this file: answered with the first result.
            results[lineno] = results.get(seen_ids[cid])
            continue
        call_line(app, line, lineno, results)
        if isinstance(cid, str):
            seen_ids[cid] = lineno
    return size


def _count_saved(handed: list[tuple[Any, int, int]], counts: dict[str, int], progress: Any) -> None:
    """Count (and show) the batches the store has confirmed, in order."""
    while handed and handed[0][0].saved:
        saved, lines, size = handed.pop(0)
        counts["lines"] += lines
        counts["events"] += saved.events
        counts["batches"] += 1
        if progress is not None:
            progress(lines, size, counts["events"])


def _numbered(path: str) -> Any:
    with open(path, "rb") as f:
        for lineno, text in enumerate(f, start=1):
            yield lineno, text


@click.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, allow_dash=True))
@click.option("--batch", "batch_size", type=click.IntRange(1, 1_000_000), default=DEFAULT_BATCH,
              show_default=True, help="Lines saved per transaction.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document and nothing else.")
def import_command(file: str, batch_size: int, as_json: bool) -> None:
    """Run one command a line from a JSON Lines file, many lines per transaction.

    A bad line is named by its number and nothing of its batch is recorded; earlier
    batches stay. A later line names an earlier line's plan_id/action_id/review_id as "$N".
    Line format: docs/import.md. A line:

        {"command": "plan open", "as": "sw1", "args": {"child_ref": "K1", "kind": "child-in-need", "aim": "..."}}

    Example: plantrail --db postgresql://postgres@127.0.0.1/test import legacy.jsonl --batch 5000
    """
    import os

    inv = invocation()
    app = inv.app()
    lines = enumerate(sys.stdin.buffer, start=1) if file == "-" else _numbered(file)
    total = None if file == "-" else os.path.getsize(file)
    progress, finish = _progress_bar(total, enabled=not as_json)
    try:
        counts = import_lines(app, lines, batch_size=batch_size, progress=progress)
    except LineError as bad:
        finish()
        from cli.errors import exit_code_for

        code, message = exit_code_for(bad.error)
        head, _, rest = message.partition(": ")
        what, _, fix = (rest or head).partition("\n")
        click.echo(f"line {bad.lineno}: {what}" + (f" ({fix})" if fix else ""), err=True)
        if bad.first_of_batch > 1:
            click.echo(f"lines 1-{bad.first_of_batch - 1} were recorded; nothing from line "
                       f"{bad.first_of_batch} on was. Fix line {bad.lineno} and import from line "
                       f"{bad.first_of_batch} on.", err=True)
        else:
            click.echo("nothing was recorded.", err=True)
        click.get_current_context().exit(code)
    finish()
    from projections.runner import catch_up

    catch_up(app)
    emit(counts, as_json, human=lambda: click.echo(
        f"imported {counts['lines']} lines: {counts['events']} events in {counts['batches']} transactions"))


def _progress_bar(total: int | None, *, enabled: bool) -> tuple[Any, Any]:
    """A rich progress bar on stderr (bytes read, lines, events); none with --json, and
    none when stderr is not a terminal (a log file gets the result and errors only)."""
    if not enabled:
        return None, lambda: None
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    console = Console(stderr=True)
    if not console.is_terminal:
        return None, lambda: None
    bar = Progress(TextColumn("importing"), BarColumn(), TextColumn("{task.percentage:>3.0f}%"),
                   TextColumn("{task.fields[lines]} lines, {task.fields[events]} events"),
                   TimeElapsedColumn(), TimeRemainingColumn(), console=console, transient=False)
    task = bar.add_task("import", total=total, lines=0, events=0)
    bar.start()
    count = {"lines": 0}

    def advance(lines: int, size: int, events: int) -> None:
        count["lines"] += lines
        bar.update(task, advance=size, lines=count["lines"], events=events)

    return advance, bar.stop


COMMANDS = [import_command]
