"""Errors the store raises for the CLI to turn into exit codes and plain messages."""


class StoreUnavailable(Exception):
    """The store cannot be reached or opened (CLI exit code 4)."""


class StandbyRefused(StoreUnavailable):
    """A hot standby asked to do what only a primary can, or further behind than the reader
    allows (exit code 4, one line: the message says where to go instead)."""


class BadStoreURL(ValueError):
    """A store URL that cannot be read: no store can be opened from it (CLI exit code 4)."""


class SystemSchema(BadStoreURL):
    """A URL naming one of PostgreSQL's own schemas: bad input (CLI exit code 2)."""


class BadCheckpoint(ValueError):
    """A checkpoint file that is unreadable or whose signature does not hold (exit code 2)."""


class SigningKeyError(ValueError):
    """No signing key given, or the key file is unreadable (exit code 2)."""


class ChainBroken(Exception):
    """Refused to sign a checkpoint over a log that does not verify (exit code 3)."""

    def __init__(self, report: object) -> None:
        self.report = report
        super().__init__(getattr(report, "detail", None) or "the record has been altered")


def is_store_fault(error: BaseException) -> bool:
    """Whether an error is the database's: the store could not be reached or used (exit 4)."""
    import sqlite3

    import psycopg
    from eventsourcing.persistence import InterfaceError, OperationalError

    return isinstance(error, (InterfaceError, OperationalError, psycopg.OperationalError, sqlite3.OperationalError))
