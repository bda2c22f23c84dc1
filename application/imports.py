"""Many commands from JSON lines, saved in large transactions (docs/import.md).

One JSON object a line: ``{"command": "plan open", "as": "sw1", "args": {...}, "command_id": "..."}``.
``command`` names a command (``application.commands``) and ``args`` are its fields,
validated by its model exactly as the CLI's options are; each line then runs through
the application exactly as the same CLI command would (same rules, same errors).
``batch_size`` lines at a time share one unit of work, so their events are saved in one
transaction, or, if any line is refused, none of them. A later line names an earlier
line's result (a plan_id, action_id, review_id) as ``"$N"``.
"""

from __future__ import annotations

import gc
import re
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from typing import Any

import orjson
from pydantic import ValidationError

from plantrail.application.commands import BY_NAME, Command
from plantrail.domain.errors import BadInput, DomainError

DEFAULT_BATCH = 2000
# Lines decided between runs of the cyclic garbage collector while an import runs (see
# import_lines): often enough that cycles made by anything else cannot pile up over a
# long import, rarely enough that its walks of everything alive cost nothing measurable.
COLLECT_EVERY = 100_000
LINE_KEYS = frozenset({"command", "as", "args", "command_id"})
_REF = re.compile(r"\$(\d+)(/.*)?")


def numbered_lines(path: str) -> Iterator[tuple[int, bytes]]:
    """A file's lines with their numbers, from 1."""
    with open(path, "rb") as f:
        yield from enumerate(f, start=1)


def _resolve(value: Any, lineno: int, results: dict[int, Any]) -> Any:
    """``"$N"`` (or ``"$N/rest"``): what line N printed; ``"$$..."`` is the text ``"$..."``."""
    if not isinstance(value, str) or not value.startswith("$"):
        return value
    if value.startswith("$$"):
        return value[1:]
    m = _REF.fullmatch(value)
    if not m:
        return value
    ref = int(m.group(1))
    if ref >= lineno or ref not in results:
        raise BadInput(f"{value} names line {ref}, which is not an earlier line of this import",
                       fix="name the line of an earlier command, as $N")
    if results[ref] is None:
        raise BadInput(f"{value} names line {ref}, which printed no id")
    return f"{results[ref]}{m.group(2) or ''}"


def parse_line(line: Any, lineno: int, results: dict[int, Any]) -> tuple[Command, str | None, str | None]:
    """A line as (command, actor, command_id), or BadInput naming what is wrong with it."""
    if not isinstance(line, dict):
        raise BadInput("a line is one JSON object", fix='e.g. {"command": "plan open", "as": "sw1", "args": {...}}')
    if not line.keys() <= LINE_KEYS:
        raise BadInput(f"unknown key {sorted(line.keys() - LINE_KEYS)[0]!r}",
                       fix="a line has command, as, args and command_id")
    name = line.get("command")
    command_class = BY_NAME.get(name) if isinstance(name, str) else None
    if command_class is None:
        raise BadInput(f"unknown command {name!r}", fix="commands: " + ", ".join(BY_NAME))
    actor = line.get("as")
    if actor is not None and not isinstance(actor, str):
        raise BadInput("'as' is a staff id")
    command_id = line.get("command_id")
    if command_id is not None and not isinstance(command_id, str):
        raise BadInput("'command_id' is text")
    raw = line.get("args", {})
    if not isinstance(raw, dict):
        raise BadInput("'args' is a JSON object")
    args = {key: [_resolve(v, lineno, results) for v in value] if isinstance(value, list)
            else _resolve(value, lineno, results) for key, value in raw.items()}
    try:
        command = command_class.model_validate(args)
    except ValidationError as error:
        raise BadInput(f"{name}: {describe(error)}", fix=_fields(command_class)) from None
    return command, actor, command_id


def describe(error: ValidationError) -> str:
    """The first problem pydantic found, in words: the argument and what is wrong."""
    first = error.errors()[0]
    where = ".".join(str(p) for p in first["loc"] if not isinstance(p, int)) or "value"
    kind, message = first["type"], first["msg"]
    if kind == "extra_forbidden":
        return f"unknown argument {where!r}"
    if kind == "missing":
        return f"missing argument {where!r}"
    return f"{where}: {message.removeprefix('Value error, ')}"


def _fields(command_class: type[Command]) -> str:
    return "arguments: " + ", ".join(sorted(command_class.model_fields))


def call_line(app: Any, line: Any, lineno: int, results: dict[int, Any]) -> Any:
    """Run one line on the application; record its result for ``$N``; return it."""
    command, actor, command_id = parse_line(line, lineno, results)
    result = app.run(command, actor=actor, command_id=command_id)
    results[lineno] = str(result) if result is not None else None
    return result


class LineError(Exception):
    """A refused line: its number, and the error the command raised."""

    def __init__(self, lineno: int, error: BaseException, first_of_batch: int) -> None:
        super().__init__(f"line {lineno}: {error}")
        self.lineno, self.error, self.first_of_batch = lineno, error, first_of_batch


def import_lines(app: Any, lines: Iterable[tuple[int, bytes]], *, batch_size: int = DEFAULT_BATCH,
                 progress: Callable[[int, int, int], None] | None = None) -> dict[str, int]:
    """Run (lineno, text) pairs ``batch_size`` at a time, each batch in one transaction.

    Raises LineError for the first refused line: nothing of its batch is recorded,
    earlier batches stay. Returns {"lines", "events", "batches"} recorded. A batch is
    saved while the next is decided (``app.batches()``); a refused save is still the
    first error reported, and nothing after it is recorded.
    """
    results: dict[int, Any] = {}
    seen_ids: dict[str, int] = {}
    counts = {"lines": 0, "events": 0, "batches": 0}
    handed: list[tuple[Any, int, int]] = []  # (batch, lines, bytes) handed to the store, not yet confirmed
    running = None  # the batch whose lines are running
    decided = 0  # lines since the collector last ran
    collecting = gc.isenabled()
    try:
        # Without the cyclic collector, but every COLLECT_EVERY lines: each of its runs
        # walked every record a batch builds (the saver thread's too), and re-enabling it
        # between batches made a walk of the whole batch just decided. Commands make no
        # reference cycles (checked in tests/bulk/test_bulk_import.py); refcounting frees a
        # batch once it is saved.
        gc.disable()
        with app.batches() as batch:
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
    finally:
        if collecting:
            gc.enable()
    _count_saved(handed, counts, progress)
    return counts


def _line_error(error: Exception, handed: list[Any], running: Any) -> LineError | None:
    """The error, naming its line and the first line of its batch. A save refused after
    its batch was handed over (``failed``) is reported first, with that batch's lines."""
    failed = next((saved for saved in handed if saved.failed is not None), None)
    if failed is None:
        return LineError(running.label, error, running.first) if running is not None else None
    label = getattr(error, "label", None) if isinstance(error, DomainError) else None
    return LineError(label if label is not None else failed.first, error, failed.first)


def _chunks(lines: Iterable[tuple[int, bytes]], size: int) -> Iterator[list[tuple[int, bytes]]]:
    it = iter(lines)
    while chunk := list(islice(it, size)):
        yield chunk


def _run_chunk(app: Any, chunk: list[tuple[int, bytes]], saved: Any, results: dict[int, Any],
               seen_ids: dict[str, int]) -> int:
    """Run a batch's lines on the application; the bytes read."""
    size = 0
    for lineno, text in chunk:
        size += len(text)
        if not text.strip():
            continue
        saved.label = lineno
        try:
            line = orjson.loads(text)
        except orjson.JSONDecodeError as e:
            raise BadInput(f"not JSON ({e})") from None
        cid = line.get("command_id") if isinstance(line, dict) else None
        if isinstance(cid, str) and cid in seen_ids:
            # The same command id again in this file: answered with the first result.
            results[lineno] = results.get(seen_ids[cid])
            continue
        call_line(app, line, lineno, results)
        if isinstance(cid, str):
            seen_ids[cid] = lineno
    return size


def _count_saved(handed: list[tuple[Any, int, int]], counts: dict[str, int],
                 progress: Callable[[int, int, int], None] | None) -> None:
    """Count (and show) the batches the store has confirmed, in order."""
    while handed and handed[0][0].saved:
        saved, lines, size = handed.pop(0)
        counts["lines"] += lines
        counts["events"] += saved.events
        counts["batches"] += 1
        if progress is not None:
            progress(lines, size, counts["events"])
