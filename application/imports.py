"""Many commands from JSON lines, saved in large transactions (docs/import.md).

One JSON object a line: ``{"command": "plan open", "as": "sw1", "args": {...}, "command_id": "..."}``.
``command`` names a command (``application.commands``) and ``args`` are its fields,
validated by its model exactly as the CLI's options are; each line then runs through
the application exactly as the same CLI command would (same rules, same errors).
``batch_size`` lines at a time share one unit of work, so their events are saved in one
transaction, or, if any line is refused, none of them. A later line names an earlier
line's result (a plan_id, action_id, review_id) as ``"$N"``.

Every line is saved with a command id: its own ``command_id``, or one made from the line
itself (``line_ids``), so importing the same file again records nothing twice: a line
already recorded is recognised and answered from the command log, its result feeding
later lines' ``$N`` as before.
"""

from __future__ import annotations

import gc
import hashlib
import re
import sys
from collections.abc import Callable, Iterable, Iterator, MutableMapping
from itertools import islice
from typing import Any

import orjson
from pydantic import ValidationError

from plantrail.application.commands import BY_NAME, Command
from plantrail.application.results import decode_result
from plantrail.domain.errors import BadInput, DomainError

DEFAULT_BATCH = 2000
# Lines decided between runs of the cyclic garbage collector while an import runs (see
# import_lines): often enough that cycles made by anything else cannot pile up over a
# long import, rarely enough that its walks of everything alive cost nothing measurable.
COLLECT_EVERY = 100_000
LINE_KEYS = frozenset({"command", "as", "args", "command_id"})
_REF = re.compile(r"\$([0-9]+)(/.*)?")  # (a line number: ASCII digits)
LINE_DIGITS = 9  # no file has more lines than nine digits count (a longer number is no earlier line)
NESTED_AT_MOST = 32  # (no command's arguments nest deeper than a mapping of lists: a correction's)
TOO_DEEP = "nested deeper than any command's arguments are"


def numbered_lines(path: str) -> Iterator[tuple[int, bytes]]:
    """A file's lines with their numbers, from 1."""
    with open(path, "rb") as f:
        yield from enumerate(f, start=1)


def _resolve(value: Any, lineno: int, results: MutableMapping[int, Any]) -> Any:
    """``"$N"`` (or ``"$N/rest"``): what line N printed; ``"$$..."`` is the text ``"$..."``."""
    if not isinstance(value, str) or not value.startswith("$"):
        return value
    if value.startswith("$$"):
        return value[1:]
    m = _REF.fullmatch(value)
    if not m:
        return value
    ref = _line_number(m.group(1))
    if ref is None or ref >= lineno or ref not in results:
        raise BadInput(f"{value} names line {m.group(1)}, which is not an earlier line of this import",
                       fix="name the line of an earlier command, as $N")
    if results[ref] is None:
        raise BadInput(f"{value} names line {ref}, which printed no id")
    return f"{results[ref]}{m.group(2) or ''}"


def parse_line(line: Any, lineno: int, results: MutableMapping[int, Any]) -> tuple[Command, str | None, str | None]:
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


def call_line(app: Any, line: Any, lineno: int, results: MutableMapping[int, Any],
              command_id: str | None = None) -> Any:
    """Run one line on the application; record its result for ``$N``; return it."""
    command, actor, given_id = parse_line(line, lineno, results)
    # A made id was looked up with its batch; a line's own id is looked up here, its digest checked.
    result = app.run(command, actor=actor, command_id=given_id or command_id, looked_up=given_id is None)
    results[lineno] = str(result) if result is not None else None
    return result


class LineIds:
    """The command id of each line of one file that gives none: a digest of the line as
    written (who, which command, its arguments), of the ids of the lines its ``$N`` name,
    and of how many identical lines came before it in the file. The same file gives the
    same ids every time it is read, so a second import of it is recognised line by line;
    ``$3`` in two files means the same only if their line 3 is the same command too.

    Kept for every line of the file (a later line may name any earlier one), so kept small:
    a made id as its digest's 16 bytes and its count, in one array indexed by line number,
    not as text (an import of 9M lines held 2.2 GB of ids and digests as text)."""

    _SLOT = 20  # a line's digest (16 bytes), then its count + 1 (4 bytes; 0: the line has no made id)

    def __init__(self) -> None:
        self._made = bytearray()
        self._given: dict[int, str] = {}  # lines that give their own command_id
        self._seen: dict[bytes, int] = {}  # digest -> how many lines of it so far

    def of(self, lineno: int, line: Any) -> str | None:
        """The id made for a line (None: the line gives its own, or is no object)."""
        if not isinstance(line, dict):
            return None
        if isinstance(line.get("command_id"), str):
            self._given[lineno] = line["command_id"]
            return None  # the line's own id, run as given
        refs = [self.id_of(_line_number(m.group(1)) or 0) or "?" for m in _refs(line.get("args"))]
        written = orjson.dumps([line.get("as"), line.get("command"), line.get("args"), refs],
                               option=orjson.OPT_SORT_KEYS)
        digest = hashlib.sha256(written).digest()[:16]
        count = self._seen.get(digest, 0)
        self._seen[digest] = count + 1
        at = (lineno - 1) * self._SLOT
        if len(self._made) < at + self._SLOT:
            self._made.extend(bytes(at + self._SLOT - len(self._made)))
        self._made[at:at + self._SLOT] = digest + (count + 1).to_bytes(4, "big")
        return _made_id(digest, count)

    def id_of(self, lineno: int) -> str | None:
        """The command id a line of the file was run with: its own or the one made for it
        (None: no such line, or one that was not a command)."""
        if lineno in self._given:
            return self._given[lineno]
        at = (lineno - 1) * self._SLOT
        slot = self._made[at:at + self._SLOT] if lineno >= 1 else b""
        count = int.from_bytes(slot[16:], "big") if len(slot) == self._SLOT else 0
        return _made_id(bytes(slot[:16]), count - 1) if count else None


class LineResults(MutableMapping[int, Any]):
    """What each line of an import printed, by line number, for the later lines that name it
    as ``$N``: kept for every line of the file, so in a list by line number, the short ids
    (``A1``, ``R2``) shared, not in a dict."""

    def __init__(self) -> None:
        self._printed: list[Any] = []  # [lineno - 1]: what the line printed; _NONE: no such line ran

    def __setitem__(self, lineno: int, value: str | None) -> None:
        if lineno < 1:
            raise KeyError(lineno)  # (lines are numbered from 1)
        if len(self._printed) < lineno:
            self._printed.extend([_NONE] * (lineno - len(self._printed)))
        self._printed[lineno - 1] = sys.intern(value) if isinstance(value, str) and len(value) < 8 else value

    def get(self, lineno: int, default: Any = None) -> Any:  # (the mixin's goes through KeyError)
        found = self._printed[lineno - 1] if isinstance(lineno, int) and 1 <= lineno <= len(self._printed) else _NONE
        return default if found is _NONE else found

    def __getitem__(self, lineno: int) -> Any:
        found = self.get(lineno, _NONE)
        if found is _NONE:
            raise KeyError(lineno)
        return found

    def __contains__(self, lineno: object) -> bool:
        return self.get(lineno, _NONE) is not _NONE  # type: ignore[arg-type]

    def __delitem__(self, lineno: int) -> None:
        self[lineno]  # (KeyError if no such line)
        self._printed[lineno - 1] = _NONE

    def __iter__(self) -> Iterator[int]:
        return (n for n, value in enumerate(self._printed, start=1) if value is not _NONE)

    def __len__(self) -> int:
        return sum(1 for _ in self)


_NONE: Any = object()


def _made_id(digest: bytes, count: int) -> str:
    return f"import:{digest.hex()}:{count}"


def _line_number(digits: str) -> int | None:
    """The line a ``$N`` names; None past any file's length (Python refuses thousands of digits)."""
    return int(digits) if len(digits) <= LINE_DIGITS else None


def _refs(args: Any) -> Iterator[re.Match[str]]:
    """Every ``$N`` among a line's arguments (``$$...`` is text, not a reference)."""
    values = args.values() if isinstance(args, dict) else ()
    for value in values:
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, str) and item[:1] == "$" and item[1:2] != "$" and (m := _REF.fullmatch(item)):
                yield m


class LineError(Exception):
    """A refused line: its number, the error the command raised, the first line of its
    batch, and the last line the store holds (None where the store could not say)."""

    def __init__(self, lineno: int, error: BaseException, first_of_batch: int, recorded_to: int | None) -> None:
        super().__init__(f"line {lineno}: {error}")
        self.lineno, self.error, self.first_of_batch = lineno, error, first_of_batch
        self.recorded_to = recorded_to


def import_lines(app: Any, lines: Iterable[tuple[int, bytes]], *, batch_size: int = DEFAULT_BATCH,
                 progress: Callable[[int, int, int], None] | None = None, workers: int = 1,
                 open_worker: Callable[[], Any] | None = None) -> dict[str, int]:
    """Run (lineno, text) pairs ``batch_size`` at a time, each batch in one transaction.

    Raises LineError for the first refused line: nothing of its batch is recorded,
    earlier batches stay. Returns {"lines", "events", "batches"} recorded. A batch is
    saved while the next is decided (``app.batches()``); a refused save is still the
    first error reported, and nothing after it is recorded. ``workers`` above 1 decides
    lines on that many processes, each opening its application with ``open_worker``
    (application/import_workers.py); what is recorded and reported is the same.
    """
    if workers > 1:
        from plantrail.application.import_workers import import_with_workers

        assert open_worker is not None, "workers open their own application on the store"
        return import_with_workers(app, lines, batch_size=batch_size, workers=workers, open_worker=open_worker,
                                   progress=progress)
    results = LineResults()
    seen_ids: dict[str, int] = {}
    ids = LineIds()
    counts = {"lines": 0, "events": 0, "batches": 0}
    handed: list[tuple[Any, int, int]] = []  # (batch, lines, bytes) handed to the store, not yet confirmed
    running = None  # the batch whose lines are running
    decided = 0  # lines since the collector last ran
    last_ids: dict[int, str] = {}  # each batch's first line -> its last line's command id
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
                parsed = _parsed(chunk, ids)
                known = app.recorder.command_records([cid for _, _, _, cid in parsed if cid])
                with batch() as running:
                    running.first = running.label = chunk[0][0]
                    size = _run_chunk(app, parsed, running, results, seen_ids, known)
                last_ids[chunk[0][0]] = ids.id_of(chunk[-1][0]) or ""
                handed.append((running, len(chunk), size))
                running = None
                _count_saved(handed, counts, progress)
                decided += len(chunk)
                if decided >= COLLECT_EVERY:
                    gc.collect()
                    decided = 0
    except Exception as error:
        refused = _line_error(app, error, [saved for saved, _, _ in handed], running, last_ids)
        if refused is None:
            raise  # not a line's (reading the file failed): an unexpected fault
        raise refused from error
    finally:
        if collecting:
            gc.enable()
    _count_saved(handed, counts, progress)
    return counts


def _line_error(app: Any, error: Exception, handed: list[Any], running: Any,
                last_ids: dict[int, str]) -> LineError | None:
    """The error, naming its line, the first line of its batch, and the last line the store
    holds. A save refused after its batch was handed over (``failed``) is reported first,
    with that batch's lines. Where the store stopped answering, a batch handed over may
    have been saved all the same: the command log says (if it can be read)."""
    failed = next((saved for saved in handed if saved.failed is not None), None)
    if failed is None:
        if running is None:
            return None
        lineno, batch = running.label, running
    else:
        label = getattr(error, "label", None) if isinstance(error, DomainError) else None
        lineno, batch = (label if label is not None else failed.first), failed
    refused = isinstance(error, DomainError)  # refused for sure: nothing of its batch was saved
    recorded_to = batch.first - 1 if refused else _recorded_to(app, handed, batch, last_ids)
    return LineError(lineno, error, batch.first, recorded_to)


def _recorded_to(app: Any, handed: list[Any], batch: Any, last_ids: dict[int, str]) -> int | None:
    """The last line of the last batch the store holds, up to and with ``batch`` (whose
    save is in doubt); None where the store cannot be asked."""
    doubtful = [saved for saved in [*handed, batch] if not saved.saved and saved.first in last_ids]
    if not doubtful:
        return batch.first - 1
    try:
        held = app.recorder.command_records([last_ids.get(saved.first, "") for saved in doubtful])
    except Exception:  # noqa: BLE001 - the store is gone: what it holds is unknown
        return None
    last = doubtful[0].first - 1
    for saved in doubtful:
        if last_ids.get(saved.first) not in held:
            break
        last = _batch_end(saved, handed, batch)
    return last


def _batch_end(saved: Any, handed: list[Any], batch: Any) -> int:
    """The last line of a handed-over batch: the line before the next batch's first."""
    later = [other.first for other in [*handed, batch] if other.first > saved.first]
    return min(later) - 1 if later else saved.first


def _chunks(lines: Iterable[tuple[int, bytes]], size: int) -> Iterator[list[tuple[int, bytes]]]:
    it = iter(lines)
    while chunk := list(islice(it, size)):
        yield chunk


def _parsed(chunk: list[tuple[int, bytes]], ids: LineIds) -> list[tuple[int, bytes, Any, str | None]]:
    """Each line of a chunk as (lineno, text, its JSON or the error reading it, its made id)."""
    out: list[tuple[int, bytes, Any, str | None]] = []
    for lineno, text in chunk:
        if not text.strip():
            out.append((lineno, text, None, None))
            continue
        try:
            line = orjson.loads(text)
        except orjson.JSONDecodeError as e:
            out.append((lineno, text, BadInput(f"not JSON ({e})"), None))
            continue
        if text.count(b"[") + text.count(b"{") > NESTED_AT_MOST and _nested_deeper(line, NESTED_AT_MOST):
            out.append((lineno, text, BadInput(TOO_DEEP), None))
            continue
        out.append((lineno, text, line, ids.of(lineno, line)))
    return out


def _nested_deeper(value: Any, levels: int) -> bool:
    """Whether lists and objects nest in ``value`` more than ``levels`` deep: walked a level at a time, not
    by recursion, which a hostile line could exhaust (``_parsed`` walks only a line opening more brackets)."""
    level = [value] if isinstance(value, (dict, list)) else []
    for _ in range(levels):
        if not level:
            return False
        level = [item for holder in level for item in (holder.values() if isinstance(holder, dict) else holder)
                 if isinstance(item, (dict, list))]
    return bool(level)


def _run_chunk(app: Any, parsed: list[tuple[int, bytes, Any, str | None]], saved: Any,
               results: MutableMapping[int, Any], seen_ids: dict[str, int], known: dict[str, Any]) -> int:
    """Run a batch's lines on the application; the bytes read. A line the store already
    holds (an earlier import of the same file) is answered from the command log."""
    size = 0
    for lineno, text, line, made_id in parsed:
        size += len(text)
        if line is None:
            continue
        saved.label = lineno
        if isinstance(line, BadInput):
            raise line
        cid = line.get("command_id") if isinstance(line, dict) else None
        if isinstance(cid, str) and cid in seen_ids:
            # The same command id again in this file: answered with the first result.
            results[lineno] = results.get(seen_ids[cid])
            continue
        if made_id in known:
            value = decode_result(known[made_id].result).value
            results[lineno] = str(value) if value is not None else None
            continue
        call_line(app, line, lineno, results, made_id)
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
