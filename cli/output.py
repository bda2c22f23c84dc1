"""Writing `-o FILE`: never over a file that is there unless `--force` is given, never through
a symbolic link, and readable by its owner only where it holds a child's records. And what a
terminal is shown: ``visible`` text, and ``say``, a message of several clauses within 80 columns."""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

import click

from plantrail.domain.text import CONTROL

force_option = click.option("--force", is_flag=True, help="Replace FILE if it exists.")
# What -o names: a file (or folder) to write, as the system names it, whatever its bytes; not
# asked to be readable (click's path type would refuse a write-only file --force may replace).
OUTPUT = click.Path(readable=False)


def write_file(path: str, content: str | bytes, *, force: bool = False, private: bool = True) -> None:
    """Write ``content`` to ``path``: refused (bad input, exit 2) where the file is there
    and ``force`` is not given, or where the path is a symbolic link (``force`` or not: a
    link could send a child's records anywhere). ``private`` files are mode 0600."""
    from plantrail.domain.errors import BadInput

    target = Path(path)
    if target.parent and not target.parent.is_dir():
        raise BadInput(f"the folder {target.parent} does not exist", fix="give -o a path in an existing folder")
    if target.is_symlink():
        raise BadInput(f"{path} is a symbolic link; plantrail writes only to a file of its own",
                       fix="give -o the path of a file, not a link")
    if target.exists() and not force:
        raise BadInput(f"{path} exists already; nothing was written", fix="give another -o FILE, or --force to replace it")
    flags = os.O_WRONLY | os.O_CREAT | os.O_NOFOLLOW | (os.O_TRUNC if force else os.O_EXCL)
    mode = 0o600 if private else 0o644
    data = content.encode("utf-8") if isinstance(content, str) else content
    try:
        fd = os.open(target, flags, mode)
    except FileExistsError:  # made meanwhile by someone else
        raise BadInput(f"{path} exists already; nothing was written", fix="give --force to replace it") from None
    except OSError as error:
        raise BadInput(f"cannot write {path}: {error.strerror or error}", fix="give -o a file you may write") from None
    with os.fdopen(fd, "wb") as out:
        if private:
            os.fchmod(out.fileno(), 0o600)  # a replaced file keeps its old mode otherwise
        out.write(data)


def say(text: str, *, err: bool = False, indent: str = "  ") -> None:
    """One message, wrapped to 80 columns at spaces (never inside a path, a name or at a
    hyphen), the lines after the first indented by ``indent``: plain text, on stdout or stderr,
    without rich (``layout.say`` lays a line out with rich for the terminal's own width)."""
    click.echo(textwrap.fill(text, 80, subsequent_indent=indent, break_long_words=False, break_on_hyphens=False),
               err=err)


def visible(text: str) -> str:
    """Text as a terminal may show it: a control character (an escape sequence that retitles
    the window or clears the screen; a NUL) printed as a visible code, ``\\x1b``. Text recorded
    now cannot hold one (``domain.base.check_text``); text from before, or put in by hand, and
    hostile input an error names, are shown harmlessly all the same."""
    return CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)
