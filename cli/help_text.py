"""Help that reads as written (issue 25, item 9): examples kept one command a line, no word
broken at a hyphen, and a mistyped choice answered with the closest one.

click wraps help with Python's textwrap, which breaks words at hyphens ("--seen-" on one
line, "alone" on the next), and rewraps every paragraph, examples too, so a root help's
three example commands ran together on one line. Every command of the tree is given a
context whose formatter keeps hyphenated words whole, and its examples are laid out as
shell lines (a long one continued with a backslash, so it can be pasted).
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Iterator, Sequence
from typing import Any

import click

_HOLD = "\u2011"  # a non-breaking hyphen stands in for "-" while click wraps
_EXAMPLE = re.compile(r"^Example[s]?:\s*", re.M)
EXAMPLE_WIDTH = 70  # click lays help out at most 80 wide; an example line is indented


class Formatter(click.HelpFormatter):
    """click's formatter, with hyphenated words never broken."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog.replace("-", _HOLD), args.replace("-", _HOLD), prefix)

    def write_text(self, text: str) -> None:
        super().write_text(text.replace("-", _HOLD))

    def write_dl(self, rows: Sequence[tuple[str, str]], col_max: int = 30, col_spacing: int = 2) -> None:
        super().write_dl([(a.replace("-", _HOLD), b.replace("-", _HOLD)) for a, b in rows], col_max, col_spacing)

    def getvalue(self) -> str:
        return super().getvalue().replace(_HOLD, "-")


class Context(click.Context):
    formatter_class = Formatter

    def get_help(self) -> str:
        """The help, its examples laid out as shell lines first (here, where help is asked
        for: laid out for every command at every start, they cost a command 5-13 ms)."""
        command = self.command
        if command.help and not getattr(command, "_examples_as_lines", False):
            command.help = examples_as_lines(command.help)
            command._examples_as_lines = True  # type: ignore[attr-defined]
        return super().get_help()


def walk(group: click.Command, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], click.Command]]:
    yield path, group
    if isinstance(group, click.Group):
        for name, command in group.commands.items():
            yield from walk(command, (*path, name))


def tidy(root: click.Group) -> None:
    """Every command of the tree: the context above (its formatter; its examples as shell
    lines when its help is shown), and its long lists of choices in words."""
    for _, command in walk(root):
        command.context_class = Context
        for param in command.params:
            _choices_in_words(param)


LONGEST_CHOICES = 40  # click shows an option's choices as [a|b|...] on one line: past this, not in 80 columns


def _choices_in_words(param: click.Parameter) -> None:
    """An option whose choices do not fit beside it: named by what it is (AREA), its choices
    listed in its help, which is wrapped."""
    choices = getattr(param.type, "choices", None)
    if not isinstance(param, click.Option) or not choices or param.metavar or param.name is None:
        return
    if len("|".join(map(str, choices))) > LONGEST_CHOICES:
        param.metavar = param.name.upper()
        param.help = f"{param.help or ''} One of: {', '.join(map(str, choices))}.".strip()


def examples_as_lines(text: str) -> str:
    """The paragraph after "Example:" laid out as shell lines: a line starting
    ``plantrail`` starts a command, any other continues the one before; a long command
    is broken between its options with a backslash, so it still pastes."""
    paragraphs = re.split(r"\n\s*\n", inspect.cleandoc(text))
    out = []
    for paragraph in paragraphs:
        lines = [line.strip() for line in paragraph.strip().splitlines()]
        if not lines or not _EXAMPLE.match(lines[0]):
            out.append(paragraph)
            continue
        commands: list[str] = []
        for line in [_EXAMPLE.sub("", lines[0]), *lines[1:]]:
            if line.startswith("plantrail") or not commands:
                commands.append(line)
            else:
                commands[-1] += " " + line
        shown = [_shell_lines(c) for c in commands if c]
        out.append("\b\nExample:\n" + "\n".join(shown))
    return "\n\n".join(out)


def _shell_lines(command: str, width: int = EXAMPLE_WIDTH) -> str:
    """One command, its options kept with their values, in lines of at most ``width``."""
    import shlex  # (here and below: only where help is shown or a choice is mistyped, not at every start)

    try:
        tokens = [shlex.quote(t) if t != "..." else t for t in shlex.split(command)]
    except ValueError:  # not shell words (an unclosed quote): as written
        return "  " + command
    units: list[str] = []
    for token in tokens:
        if units and units[-1].startswith("-") and " " not in units[-1] and not token.startswith("-"):
            units[-1] += " " + token
        else:
            units.append(token)
    lines = [""]
    for unit in units:
        if lines[-1] and len(lines[-1]) + 1 + len(unit) > width:
            lines.append(unit)
        else:
            lines[-1] = f"{lines[-1]} {unit}".strip()
    return "  " + " \\\n      ".join(lines)


class Choice(click.Choice):
    """click's Choice, answering a mistyped value with the closest choice instead of all of them."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        try:
            return super().convert(value, param, ctx)
        except click.BadParameter:
            import difflib

            close = difflib.get_close_matches(str(value).lower(), [str(c) for c in self.choices], n=1, cutoff=0.5)
            hint = f"did you mean '{close[0]}'?" if close else f"one of {', '.join(map(str, self.choices))}"
            if close and len(self.choices) > 6:
                hint += " (--help lists them all)"
            self.fail(f"'{value}' is not a choice here; {hint}", param, ctx)
