"""What every command is, and the shapes its fields take."""


from datetime import date
from typing import Annotated, Any, ClassVar
from uuid import UUID

from pydantic import AliasChoices, BaseModel, BeforeValidator, ConfigDict, model_validator

from plantrail.domain.base import check_text, is_plain
from plantrail.domain.errors import BadInput
from plantrail.domain.vocabulary import EARLIEST_DATE, LATEST_DATE


def day(value: Any) -> Any:
    """A date object, or text written YYYY-MM-DD (an import line's JSON has no dates), in
    the years a record can hold (``vocabulary.EARLIEST_DATE`` to ``LATEST_DATE``)."""
    if value is None:
        return value
    if not isinstance(value, (str, date)):
        raise ValueError("write a date as YYYY-MM-DD")
    try:
        when = value if isinstance(value, date) else date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"'{value}' is not a date; write it YYYY-MM-DD") from None
    if not EARLIEST_DATE <= when <= LATEST_DATE:
        raise ValueError(f"{when.isoformat()} is not a date a record can hold; give one between "
                         f"{EARLIEST_DATE.isoformat()} and {LATEST_DATE.isoformat()}")
    return when


def listed(value: Any) -> Any:
    """A list, or one item given alone (``"to": "Ms Hawthorne"``)."""
    return [value] if isinstance(value, str) else value


def db_login(value: Any) -> Any:
    """A database login role's name as PostgreSQL takes one: 1 to 63 characters, printable."""
    if value is None:
        return value
    if not isinstance(value, str) or not 1 <= len(value) <= 63 or not value.isprintable() or value != value.strip():
        raise ValueError("a login is a database role's name: 1 to 63 printable characters, without spaces "
                         "at either end")
    return value


Day = Annotated[date, BeforeValidator(day)]
Login = Annotated[str, BeforeValidator(db_login)]
Texts = Annotated[list[str], BeforeValidator(listed)]
PlanRef = str | UUID  # a plan id, or a unique prefix of at least 8 characters


def also(*names: str) -> Any:
    """A field also given under the CLI's option name (``review`` for ``review_id``)."""
    return AliasChoices(*names)


class Command(BaseModel):
    """What every command is: a frozen value, no fields but its own."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    command: ClassVar[str]
    method: ClassVar[str]
    positional: ClassVar[tuple[str, ...]] = ()

    @model_validator(mode="before")
    @classmethod
    def _underscores(cls, data: Any) -> Any:
        """An import line may write ``review-id`` for ``review_id``: the same name."""
        if isinstance(data, dict) and any("-" in key for key in data if isinstance(key, str)):
            return {key.replace("-", "_") if isinstance(key, str) else key: v for key, v in data.items()}
        return data

    @model_validator(mode="before")
    @classmethod
    def _plain_text(cls, data: Any) -> Any:
        """Text no record may hold (a control character but newline and tab, bytes that are not
        UTF-8, or an overlong value) is bad input as the command is given, before any rule is
        asked: a script that mends one error meets no other behind it. Each value named by its
        field, or by its own name in a field of named values (a correction's); the ends of a text
        left to the events' own check, which stays (``domain.base.check_text``): ids are taken
        with their ends stripped (a plan id read from a file with Windows line ends is the plan's
        id)."""
        if isinstance(data, dict) and not is_plain(data):  # (the fault looked for, and named, only if there is one)
            try:
                for name, value in data.items():
                    for where, item in value.items() if isinstance(value, dict) else ((name, value),):
                        check_text(item.strip() if isinstance(item, str) else item, str(where))
            except ValueError as error:
                raise BadInput(str(error)) from None
        return data

    def given(self, *names: str) -> dict[str, Any]:
        """These fields, by name, where given (not None)."""
        return {n: getattr(self, n) for n in names if getattr(self, n) is not None}


class OnPlan(Command):
    """A command about one plan, named by its id or a unique prefix (every area has some: here,
    so that an area's models are loaded without another's)."""

    positional: ClassVar = ("plan_id",)
    plan_id: PlanRef
