"""Text laid out for the terminal it is printed on (issue 25, item 3).

The width is rich's: the terminal's, or ``COLUMNS``, or 80 for a pipe, a file or a
printout. Rows print as a table only where every column fits that width whole: ids
and dates never wrapped or cut, text given room to wrap. Where a table would not fit,
each row prints as a block: its id on a line of its own, then one line a field, the
values wrapped under themselves. Nothing is ever cut short with "…".

Everything a user typed is printed as text, never read as markup, so an aim holding
``[bold]`` or ``:smile:`` prints as typed.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from rich.cells import cell_len
from rich.console import Console
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from plantrail.cli.output import visible

TEXT_MIN = 20  # the narrowest a wrapped text column may be in a table
BLOCK_INDENT = 2
PAIRS_GAP = 2  # spaces between a label and its value


_TRAILING = re.compile(r" +((?:\x1b\[[0-9;]*m)*)$")


class _Trimmed:
    """stdout without the spaces a table pads its lines with: a line ends where its text does."""

    def __init__(self, out: Any) -> None:
        self._out = out
        self._partial = ""

    def write(self, text: str) -> int:
        *lines, self._partial = (self._partial + text).split("\n")
        for line in lines:
            self._out.write(_TRAILING.sub(r"\1", line) + "\n")
        return len(text)

    def flush(self) -> None:
        if self._partial:
            self._out.write(self._partial)
            self._partial = ""
        self._out.flush()

    def __getattr__(self, name: str) -> Any:  # isatty, fileno, encoding: the real stdout's
        return getattr(self._out, name)


class _Console(Console):
    def on_broken_pipe(self) -> None:
        """The reader went away (``plantrail show ... | head``): not an error (rich exits 1)."""
        raise BrokenPipeError


_made: list[tuple[Any, Console]] = []


def console() -> Console:
    """The console of this invocation: no markup, emoji or highlighting of what is printed.
    One a stdout (a test that captures stdout gets a console of its own)."""
    if not _made or _made[0][0] is not sys.stdout:
        made = _Console(file=_Trimmed(sys.stdout), soft_wrap=False, markup=False, emoji=False, highlight=False)
        # Its size found once: rich otherwise asks the terminal and the environment at every line.
        # (rich's size is a column short of the width set on a legacy Windows console.)
        made.size = (made.width + made.legacy_windows, made.height)
        _made[:] = [(sys.stdout, made)]
    return _made[0][1]


def width() -> int:
    return console().width


@dataclass(frozen=True)
class Field:
    """A column of a table, a line of a block. ``kind``: ``id`` (never wrapped: ids,
    dates, codes), ``short`` (a word or two, not wrapped), ``text`` (wrapped).
    ``in_block``: False for a field a block's own title line already shows."""

    key: str
    label: str
    kind: str = "text"
    in_block: bool = True


def label(key: str) -> str:
    """A field's name as a label: 'next_review' -> 'Next review'."""
    words = str(key).replace("_", " ").replace("-", " ").strip()
    return words[:1].upper() + words[1:]


def fields_of(rows: Sequence[dict[str, Any]]) -> list[Field]:
    """Fields for rows nobody described: every key, in the rows' order."""
    keys = list(dict.fromkeys(k for r in rows for k in r))
    return [Field(k, label(k), "text" if any(len(cell(r.get(k))) > TEXT_MIN for r in rows) else "short")
            for k in keys]


def cell(value: Any) -> str:
    """A value as text: lists a bullet a line, mappings 'key: value' a line."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return "\n".join(f"• {cell(v)}" for v in value)
    if isinstance(value, dict):
        return "\n".join(f"{label(k)}: {cell(v)}" for k, v in value.items() if v not in (None, "", [], {}))
    return visible(str(value))


def say(*parts: Any, style: str = "") -> None:
    """Print a line (wrapped at the width, never cut)."""
    console().print(Text(visible(" ".join(str(p) for p in parts if p not in (None, ""))), style=style))


def heading(text: str) -> None:
    console().print(Text(visible(text), style="bold"))


def rule(title: str) -> None:
    console().rule(Text(visible(title)))


def pairs(items: Iterable[tuple[str, Any]], *, indent: int = 0) -> None:
    """Label and value a line, the values wrapped under themselves; empty values left out."""
    shown = [(name, text) for name, value in items if (text := cell(value)) != ""]
    if not shown:
        return
    # The columns' widths are given, as rich would find them (the labels' longest; the rest of
    # the line for the values, whose lines end where their text does: _Trimmed), so rich need
    # not measure every cell: that was most of the time a plan took to print.
    labels = max(cell_len(name) for name, _ in shown)
    room = width() - indent - labels - PAIRS_GAP
    # Narrower, rich shares out what room there is; a tab (which rich measures as nothing) or a
    # value of blank lines is laid out by its measuring too, as it always was.
    fixed = room >= TEXT_MIN and all("\t" not in text and text.strip() for _, text in shown)
    grid = Table.grid(padding=(0, PAIRS_GAP))
    grid.add_column(no_wrap=True, style="bold", width=labels if fixed else None)
    grid.add_column(overflow="fold", width=room if fixed else None)
    for name, text in shown:
        grid.add_row(Text(name), Text(text))
    console().print(Padding(grid, (0, 0, 0, indent), expand=False) if indent else grid)


def records(title: str | None, rows: Sequence[dict[str, Any]], fields: Sequence[Field] | None = None, *,
            block_title: Any = None, empty: str | None = None) -> None:
    """Rows as a table when it fits the width whole, else one block a row.

    ``block_title(row)`` gives a block's first line (default: its first field's value);
    ``empty`` is said when there are no rows (default "TITLE: none").
    """
    if not rows:
        if empty is not None or title:
            say(empty if empty is not None else f"{title}: none")
        return
    fields = list(fields) if fields else fields_of(rows)
    if fits(rows, fields):
        table(title, rows, fields)
    else:
        blocks(title, rows, fields, block_title=block_title)


def _longest_line(text: str) -> int:
    return max((len(line) for line in text.split("\n")), default=0)


def _longest_word(text: str) -> int:
    return max((len(word) for word in text.split()), default=0)


def _needs(field: Field, rows: Sequence[dict[str, Any]]) -> int:
    """The narrowest the column can be with nothing cut: ids and short values whole."""
    texts = [cell(r.get(field.key)) for r in rows]
    if field.kind in ("id", "short"):  # not wrapped: the heading whole too
        return max(len(field.label), *(_longest_line(t) for t in texts))
    header = _longest_word(field.label)
    longest = max((_longest_line(t) for t in texts), default=0)
    return max(header, min(longest, TEXT_MIN), *(_longest_word(t) for t in texts))


def fits(rows: Sequence[dict[str, Any]], fields: Sequence[Field]) -> bool:
    # Each column has a space either side and a rule after it; one more rule at the left.
    return sum(_needs(f, rows) + 3 for f in fields) + 1 <= width()


def widths(rows: Sequence[dict[str, Any]], fields: Sequence[Field]) -> list[int]:
    """Each column's width: what it needs whole, then the room left shared out among the
    text columns, none given more than its longest line."""
    given = [_needs(f, rows) for f in fields]
    wants = [max(given[i], max(_longest_line(cell(r.get(f.key))) for r in rows)) if f.kind == "text" else given[i]
             for i, f in enumerate(fields)]
    room = width() - (sum(given) + 3 * len(fields) + 1)
    while room > 0:
        short = [i for i in range(len(fields)) if given[i] < wants[i]]
        if not short:
            break
        share = max(1, room // len(short))
        for i in short:
            more = min(share, wants[i] - given[i], room)
            given[i] += more
            room -= more
    return given


def table(title: str | None, rows: Sequence[dict[str, Any]], fields: Sequence[Field]) -> None:
    # Widths are set here, not left to rich, which may narrow an unwrappable column (an id)
    # to make a table fit: "fits" has already said this one does, whole.
    grid = Table(title=Text(title, style="bold") if title else None, title_justify="left", show_lines=True)
    for f, w in zip(fields, widths(rows, fields)):
        grid.add_column(Text(f.label), no_wrap=f.kind != "text", width=w, overflow="fold")
    for r in rows:
        grid.add_row(*(Text(cell(r.get(f.key))) for f in fields))
    console().print(grid)


def blocks(title: str | None, rows: Sequence[dict[str, Any]], fields: Sequence[Field], *,
           block_title: Any = None) -> None:
    if title:
        heading(title)
    first, *rest = fields
    for r in rows:
        console().print()
        head = block_title(r) if block_title else cell(r.get(first.key))
        console().print(head if isinstance(head, Text) else Text(visible(str(head)), style="bold"))
        body = [f for f in fields if f.in_block] if block_title else rest
        pairs(((f.label, r.get(f.key)) for f in body), indent=BLOCK_INDENT)
