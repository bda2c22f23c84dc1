"""What the user sees when a command is refused: one or two plain lines and the contract's
exit code (CLI.md, "Exit codes"). Tracebacks only with PLANTRAIL_DEBUG=1."""

from __future__ import annotations

import os
import re

import click

REFUSED, BAD_INPUT, ALTERED, UNAVAILABLE = 1, 2, 3, 4
UNEXPECTED = 70  # outside the contract: a fault of plantrail's own, reported as such


# What a message may not show as it is: control characters (an escape sequence echoed from
# hostile input would take over the terminal: ``output.visible``; and a tab, an error being one
# line) and a run of more than LONGEST_RUN characters without a space (a value pasted by
# mistake, echoed whole in "no child ...").
LONGEST_RUN = 200
_LONG_RUN = re.compile(r"\S{%d,}" % (LONGEST_RUN + 1))


def printable(message: str) -> str:
    """``message`` as it may be printed: control characters written as escapes (\\x1b), and an
    overlong run cut to its start and its length."""
    from plantrail.cli.output import visible

    shown = visible(message).replace("\t", "\\t")
    return _LONG_RUN.sub(lambda m: f"{m.group()[:60]}... ({len(m.group()):,} characters)", shown)


def exit_code_for(error: BaseException) -> tuple[int, str]:
    """The exit code and message for an error raised by a command, printable."""
    code, message = _exit_code_for(error)
    return code, printable(message)


def _exit_code_for(error: BaseException) -> tuple[int, str]:
    from pydantic import ValidationError

    from plantrail.domain.errors import Altered, BadInput, DomainError, NotFound
    from plantrail.store.errors import (
        BadCheckpoint,
        BadStoreURL,
        ChainBroken,
        SigningKeyError,
        StandbyRefused,
        StoreUnavailable,
        SystemSchema,
        is_store_fault,
    )
    from plantrail.store.kek import KekProblem

    if isinstance(error, (BadInput, NotFound)):
        return BAD_INPUT, _with_fix("error", error)
    if isinstance(error, DomainError):
        return REFUSED, _with_fix("refused", error)
    if isinstance(error, ValidationError):
        return BAD_INPUT, "error: " + describe_validation(error)
    from plantrail.store.guards import BadRole

    if isinstance(error, (BadCheckpoint, SigningKeyError, SystemSchema, BadRole)):
        return BAD_INPUT, f"error: {error}"
    if isinstance(error, Altered):
        return ALTERED, f"altered: {error}\nRun `plantrail verify` to see where."
    if isinstance(error, ChainBroken):
        return ALTERED, f"altered: {error}\nRun `plantrail verify` to see where."
    if isinstance(error, StandbyRefused):
        return UNAVAILABLE, f"error: {error}"  # says itself where to go instead
    if _read_only_server(error):
        return UNAVAILABLE, ("error: the server refused to write: it is read-only (a hot standby, or a read-only "
                             "session): send writes to the primary (give the primary as --db)")
    if isinstance(error, KekProblem):  # the store is there; its key is not: one line, saying which
        return UNAVAILABLE, f"error: {error}"
    if isinstance(error, (StoreUnavailable, BadStoreURL)):
        return UNAVAILABLE, (f"error: {error}\nCheck --db / PLANTRAIL_DB (and --read-db, where given) "
                             "and that the database server is running.")
    if is_store_fault(error):
        return UNAVAILABLE, f"error: the store cannot be reached or opened: {_first_line(error)}"
    return UNEXPECTED, f"plantrail: unexpected error: {type(error).__name__}: {_first_line(error)}"


def _read_only_server(error: BaseException) -> bool:
    """A write that reached a standby anyway (e.g. one promoted away from under it):
    PostgreSQL's read-only transaction (SQLSTATE 25006) or recovery errors, wrapped or not."""
    seen: BaseException | None = error
    while seen is not None:
        if getattr(seen, "sqlstate", None) == "25006" or "read-only transaction" in str(seen):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def describe_validation(error) -> str:  # type: ignore[no-untyped-def]
    first = error.errors()[0]
    field = ".".join(str(p) for p in first["loc"] if not isinstance(p, int))
    message = first["msg"].removeprefix("Value error, ")
    if not field:  # a check of the whole record (the message names the field itself)
        return message
    return f"--{field.replace('_', '-')}: {message[:1].lower()}{message[1:]}"


def _with_fix(prefix: str, error) -> str:  # type: ignore[no-untyped-def]
    text = f"{prefix}: {error.message}"
    return f"{text}\n{error.fix}" if error.fix else text


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def report(error: BaseException) -> int:
    """Say what went wrong on stderr; return the exit code."""
    code, message = exit_code_for(error)
    if os.environ.get("PLANTRAIL_DEBUG") == "1":
        import traceback

        traceback.print_exception(error)
    click.echo(message, err=True)
    return code
