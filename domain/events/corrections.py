"""Corrections and voids, the same for every record."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from plantrail.domain.base import Event

# --------------------------------------------------------------------------- corrections


class Corrected(Event):
    """A recording error is fixed by naming the event, the fields and their new values,
    and the reason. The original stays in the record; current views apply the
    correction, history shows both and who made it (DOMAIN.md, "Corrections")."""

    target_version: int
    fields: dict[str, Any] = Field(min_length=1)


class Voided(Event):
    """An entry is withdrawn as recorded in error. It stays in the record, marked, and
    current views leave it out (DOMAIN.md, "Corrections")."""

    target_version: int


# Events a records officer may correct or void. The others are bookkeeping that
# follows from them (a child's plan periods) or corrections themselves.
