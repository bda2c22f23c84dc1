"""`plantrail import FILE.jsonl`: many commands, saved in large transactions (docs/import.md).

The lines are read and run by ``plantrail.application.imports``; this prints progress,
the counts, and a refused line by its number.
"""

from __future__ import annotations

import sys
from typing import Any

import click

from plantrail.cli.context import emit, invocation
from plantrail.cli.output import say


@click.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, allow_dash=True))
@click.option("--batch", "batch_size", type=click.IntRange(1, 1_000_000), default=2000,
              show_default=True, help="Lines saved per transaction.")
@click.option("--workers", type=click.IntRange(1, 64), default=1, show_default=True,
              help="Processes deciding lines (lines of different children in parallel; saved in file order).")
@click.option("--vacuum/--no-vacuum", default=True, show_default=True,
              help="End with VACUUM (ANALYZE) of the tables filled, or with --no-vacuum only ANALYZE (PostgreSQL): "
                   "after a large load the views catch up faster on a vacuumed log. No one's saves wait for either.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document and nothing else.")
def import_command(file: str, batch_size: int, workers: int, vacuum: bool, as_json: bool) -> None:
    """Run one command a line from a JSON Lines file, many lines per transaction.

    A bad line is named by its number and nothing of its batch is recorded; earlier
    batches stay. A later line names an earlier line's plan_id/action_id/review_id as "$N".
    Line format: docs/import.md. A line:

    \b
      {"command": "plan open", "as": "sw1",
       "args": {"child_ref": "K1", "kind": "child-in-need", "aim": "..."}}

    Example: plantrail --db postgresql://postgres@127.0.0.1/test import legacy.jsonl --batch 5000
    """
    import os
    from functools import partial

    from plantrail.application.imports import LineError, import_lines, numbered_lines

    inv = invocation()
    app = inv.writer()
    inv.identify()  # in a store in login mode, every line acts as the login's staff member
    lines = enumerate(sys.stdin.buffer, start=1) if file == "-" else numbered_lines(file)
    total = None if file == "-" else os.path.getsize(file)
    progress, finish = _progress_bar(total, enabled=not as_json)
    try:
        counts = import_lines(app, lines, batch_size=batch_size, progress=progress, workers=workers,
                              open_worker=partial(open_worker, inv.url, app.identity_mode, app.login))
    except LineError as bad:
        finish()
        from plantrail.cli.errors import exit_code_for

        code, message = exit_code_for(bad.error)
        head, _, rest = message.partition(": ")
        what, _, fix = (rest or head).partition("\n")
        click.echo(f"line {bad.lineno}: {what}" + (f" ({fix})" if fix else ""), err=True)
        click.echo(_what_was_recorded(bad), err=True)
        click.get_current_context().exit(code)
    finish()
    from plantrail.projections.runner import catch_up
    from plantrail.store.maintenance import ANALYZE, LOG_TABLES, VACUUM_ANALYZE, analyse
    from plantrail.store.view_tables import VIEW_TABLES

    # The tables it filled are vacuumed and get their statistics now, as after any bulk load:
    # autovacuum, where it runs at all, would come to them only after a tenth more of the log
    # (docs/database.md). The log first, so that the catch-up finds it analysed and the new
    # rows' visibility set in one pass, not by every read that meets them.
    statement = VACUUM_ANALYZE if vacuum else ANALYZE
    done, skipped = analyse(app, LOG_TABLES, statement=statement) if counts["events"] else ([], [])
    catch_up(app)
    if counts["events"]:
        views = analyse(app, VIEW_TABLES, statement=statement)
        done, skipped = done + views[0], skipped + views[1]
    emit({**counts, "analyzed": done, **({"vacuumed": done} if vacuum else {})}, as_json,
         human=lambda: _report(counts, done, vacuum))
    if skipped:
        done = "vacuumed or analysed" if vacuum else "analysed"
        click.echo(f"warning: not {done} (only their owner may): {', '.join(skipped)}; "
                   f"have the store's owner run {statement} on them (docs/database.md)", err=True)


def open_worker(url: str, identity_mode: str, login: str) -> Any:
    """An import worker's application (in its own process): the store as this command opened
    it, acting as the same login."""
    from plantrail.cli.context import Invocation

    app = Invocation(db=url, claimed=None).writer()
    app.identity_mode, app.login = identity_mode, login
    return app


def _report(counts: dict[str, Any], maintained: list[str], vacuumed: bool) -> None:
    click.echo(f"imported {counts['lines']} lines: {counts['events']} events in {counts['batches']} transactions")
    if "workers_lost" in counts:
        click.echo(f"the workers stopped ({counts['workers_lost']}); the rest was decided line by line", err=True)
    if "by_workers" in counts:
        click.echo(f"{counts['by_workers']} of them decided by the workers, the rest line by line")
    if maintained:
        done = "vacuumed, statistics gathered (VACUUM ANALYZE)" if vacuumed else "statistics gathered (ANALYZE)"
        say(f"{done}: {', '.join(maintained)}")


def _what_was_recorded(bad: Any) -> str:
    """What the store holds of the file, in one line, and how to carry on: the same file
    may be imported again (lines already recorded are recognised, not recorded twice)."""
    again = "import the same file again: lines already recorded are recognised, not recorded twice"
    if bad.recorded_to is None:
        return (f"lines before {bad.first_of_batch} were recorded; whether later ones were could not be read "
                f"(the store stopped answering). When it answers, {again}.")
    if bad.recorded_to < 1:
        return f"nothing was recorded. Fix line {bad.lineno} and {again}."
    if bad.recorded_to >= bad.lineno:
        return f"lines 1-{bad.recorded_to} were recorded (the store confirmed them late). To go on, {again}."
    return (f"lines 1-{bad.recorded_to} were recorded; nothing from line {bad.recorded_to + 1} on was. "
            f"Fix line {bad.lineno} and {again}.")


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
