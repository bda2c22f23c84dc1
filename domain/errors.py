"""Domain errors. Each names the rule of DOMAIN.md or CLI.md that refused the command."""

from __future__ import annotations


class DomainError(Exception):
    """A command the record refuses. Nothing is recorded when one is raised."""

    def __init__(self, message: str, *, rule: str = "", fix: str = "", label: object = None) -> None:
        super().__init__(message)
        self.message = message
        self.rule = rule
        self.fix = fix
        # Found only when a batch of many commands was saved: the caller's label for
        # the command refused (see PlanRecords.batch).
        self.label = label


class RuleBroken(DomainError):
    """Refused by a rule of the record (CLI exit code 1)."""


class NotPermitted(RuleBroken):
    """The acting staff member's roles do not allow the command (exit code 1)."""


class Conflict(RuleBroken):
    """Someone else changed the same record meanwhile (exit code 1)."""


class NotFound(DomainError):
    """An id that names nothing in the store (bad input, exit code 2)."""


class BadInput(DomainError):
    """A value that is not one the record can hold (bad input, exit code 2)."""


class Altered(Exception):
    """The record, or something derived from it, was altered outside plantrail: reported, never
    decided on (CLI exit code 3; ``plantrail verify`` says where)."""
