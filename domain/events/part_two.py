"""Part Two: the rows of each area's action table, and their amendments."""

from __future__ import annotations

from datetime import date

from pydantic import Field, field_validator

from plantrail.domain.base import Event
from plantrail.domain.events.text import not_blank

# --------------------------------------------------------------------------- plans


class ActionAdded(Event):
    """A row of an area's action table: the six ICS columns and the planned outcomes.

    "Any action and service provided by another agency ... should be discussed and agreed
    with the agency ... before it is included" (seed 000): ``agreed_by`` names who agreed
    it. Outcomes are "progress to be achieved by next review or other specified date"
    (seed 000): ``due`` is that other date (none: by the next review).

    After the plan is agreed, every change to Part Two carries the date and the initials
    of the social worker responsible, and whether it was discussed with the parents and
    other parties (seed 003, "Reviewing the Care Plan").
    """

    action_id: str
    area: str
    need: str
    response: str
    frequency: str
    responsible: str
    starts: date
    outcomes: list[str] = Field(min_length=1)
    discussed_with: str | None = None
    agreed_by: str | None = None
    due: date | None = None

    _blank = field_validator("need", "response", "frequency", "responsible", "agreed_by")(not_blank)


class ActionAmended(Event):
    """An action's columns change; only the fields given change. The margin note rule of
    ActionAdded applies, and the change is listed for the next review."""

    action_id: str
    need: str | None = None
    response: str | None = None
    frequency: str | None = None
    responsible: str | None = None
    starts: date | None = None
    outcomes: list[str] | None = None
    discussed_with: str | None = None
    agreed_by: str | None = None
    due: date | None = None

    _blank = field_validator("need", "response", "frequency", "responsible", "agreed_by")(not_blank)


class ActionEnded(Event):
    """An action stops, with its reason; it stays in the record as ended (seed 003)."""

    action_id: str
    discussed_with: str | None = None
