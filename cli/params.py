"""Option types shared by the commands: dates, the domain's vocabularies, FIELD=VALUE pairs."""

from __future__ import annotations

import math
from datetime import date, datetime

import click

from plantrail.cli.help_text import Choice, walk
from plantrail.domain import vocabulary as v
from plantrail.domain.text import NOT_UTF8, not_utf8_bytes


class DateType(click.ParamType):
    """A calendar date written YYYY-MM-DD (CLI.md, "Global")."""

    name = "DATE"

    def convert(self, value, param, ctx):  # type: ignore[no-untyped-def]
        try:
            when = value if isinstance(value, date) else date.fromisoformat(value)
        except ValueError:
            self.fail(f"'{value}' is not a date (YYYY-MM-DD)", param, ctx)
        if not v.EARLIEST_DATE <= when <= v.LATEST_DATE:
            # (the years a record can hold: short enough for an 80-column terminal after click's own words)
            self.fail(f"{when.isoformat()} is outside {v.EARLIEST_DATE.year}–{v.LATEST_DATE.year}", param, ctx)
        return when


class SecondsType(click.FloatRange):
    """A number of seconds, 0 or more (``inf``: any); not NaN, which every comparison lets through
    (a standby would never be too far behind)."""

    def __init__(self) -> None:
        super().__init__(min=0)

    def convert(self, value, param, ctx):  # type: ignore[no-untyped-def]
        seconds = super().convert(value, param, ctx)
        if math.isnan(seconds):
            self.fail(f"{value!r} is not a number of seconds", param, ctx)
        return seconds


class TimeType(click.ParamType):
    """An ISO 8601 time; without a zone it is read as UTC (the store's clock)."""

    name = "TIME"

    def convert(self, value, param, ctx):  # type: ignore[no-untyped-def]
        from datetime import timezone

        try:
            when = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            self.fail(f"'{value}' is not a time; write it like 2026-03-01T12:00:00Z", param, ctx)
        if not v.EARLIEST_DATE <= when.date() <= v.LATEST_DATE:
            self.fail(f"{value} is not a time a record can hold", param, ctx)
        return when if when.tzinfo else when.replace(tzinfo=timezone.utc)


class TextType(click.types.StringParamType):
    """Text as given (an option's, an argument's, or the environment variable standing in for
    one): bytes that are not UTF-8 in it (Python reads them as lone surrogates, which no record,
    lookup or access log entry can hold) are bad input naming the option. File names are
    ``click.Path``'s, which takes them as the system gives them."""

    def convert(self, value, param, ctx):  # type: ignore[no-untyped-def]
        text = super().convert(value, param, ctx)
        if isinstance(text, str) and NOT_UTF8.search(text):
            self.fail(f"is not UTF-8 text ({not_utf8_bytes(text)}){_from_environment(param, ctx)}", param, ctx)
        return text


def _from_environment(param: click.Parameter | None, ctx: click.Context | None) -> str:
    """Where the value came from an environment variable, its name: click names the option."""
    if param is None or ctx is None or param.name is None:
        return ""
    from_env = ctx.get_parameter_source(param.name) == click.core.ParameterSource.ENVIRONMENT
    return f" in {param.envvar}" if from_env and isinstance(param.envvar, str) else ""


TEXT = TextType()


class StoreURLType(TextType):
    """A store's URL (``--db``, ``--read-db``): an SQLite store's is a file name, taken as the
    system gives it, whatever its bytes; any other is text."""

    def convert(self, value, param, ctx):  # type: ignore[no-untyped-def]
        if isinstance(value, str) and value.startswith("sqlite:"):
            return value
        return super().convert(value, param, ctx)


STORE_URL = StoreURLType()


def text_is_utf8(root: click.Group) -> None:
    """Every plain text option and argument of every command takes UTF-8 text only (``TEXT``)."""
    for _, command in walk(root):
        for param in command.params:
            if type(param.type) is click.types.StringParamType:
                param.type = TEXT


class PairType(click.ParamType):
    """NAME=VALUE, as in `correct --set` and `review hold --rate`."""

    name = "NAME=VALUE"

    def convert(self, value, param, ctx):  # type: ignore[no-untyped-def]
        value = TEXT.convert(value, param, ctx)
        name, sep, val = value.partition("=")
        if not sep or not name.strip():
            self.fail(f"'{value}' is not NAME=VALUE", param, ctx)
        return name.strip(), val


DATE = DateType()
TIME = TimeType()
PAIR = PairType()
KIND = Choice(v.PLAN_KINDS)
AREA = Choice(v.ALL_AREAS)
ROLE = Choice(v.ROLES)
CATEGORY = Choice(v.CATEGORIES)
REVIEW_KIND = Choice(v.REVIEW_KINDS)
PARTY = Choice(("child", "parent", "carer", "agency", "other"))
AGREES = Choice(("yes", "no", "unstated"))
YES_NO = Choice(("yes", "no"))
AIM_OPTION = click.IntRange(1, 10)
MONTHS = click.IntRange(1, 240)
# The Care Plan Part One aims (seed 003), for the help of the commands that take one.
AIM_OPTIONS_HELP = "\b\nCare Plan Part One overall aims (--aim-option N; 4 needs --aim-months):\n" + "\n".join(
    f"  {n:>2}  {words}" for n, words in v.AIM_OPTIONS.items())

on_option = click.option("--on", type=DATE, help="Date it happened (YYYY-MM-DD). Default: today.")
initials_option = click.option("--initials", help="Margin initials. Default: the acting staff member's.")
command_id_option = click.option(
    "--command-id", help="A client-chosen id; repeating it records nothing new."
)
json_option = click.option("--json", "as_json", is_flag=True, help="Print one JSON document and nothing else.")
