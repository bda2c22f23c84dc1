"""Who is doing the work, and when: the envelope every command puts on its events."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from plantrail.domain.errors import BadInput


@dataclass(frozen=True)
class Acting:
    """The staff member acting, the margin initials, the effective date and the clock.

    ``on`` is the date the thing happened or was decided; ``at`` is the recording time.
    A record says what has happened, so ``on`` can be back-dated but never in the future.
    Every event carries both the date and non-empty initials, so the margin note that
    changes to Part Two need after approval (seed 003) is never missing.
    """

    staff_id: str
    initials: str
    on: date
    at: datetime
    command_id: str | None = None
    # The acting staff member's own initials, as registered (empty where not known): the
    # margin note of a change to a Care Plan's Part Two is theirs (seed 003).
    own_initials: str = ""
    # The account the command came from (the database login, or the operating-system user
    # on SQLite), recorded beside the staff member on every event.
    login: str = ""

    def __post_init__(self) -> None:
        if self.on > self.at.date():
            raise BadInput(
                f"the date {self.on.isoformat()} is in the future",
                fix="record what has happened: give --on as today or an earlier date",
            )
        if not self.initials.strip():
            raise BadInput("initials must not be empty", fix="give --initials, e.g. --initials MG")

    def envelope(self, *, on: date | None = None, **extra: Any) -> dict[str, Any]:
        """The event fields every command records."""
        return {
            "timestamp": self.at,
            "actor": self.staff_id,
            "initials": self.initials,
            "effective_on": on or self.on,
            "command_id": self.command_id,
            "login": self.login or None,
            **extra,
        }
