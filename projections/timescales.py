"""The timescales policy (DOMAIN.md, "Timescales") and the calendar arithmetic it needs.

The numbers live in a TOML file so a local authority can set its own; the file
shipped here holds the defaults. Working days skip weekends and the bank holidays
of the child's nation: England and Wales share theirs, Scotland has its own.
"""

from __future__ import annotations

import calendar
import os
import tomllib
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

import holidays

from plantrail.domain.errors import BadInput

DEFAULT_PATH = Path(__file__).with_name("timescales.toml")
ENV = "PLANTRAIL_TIMESCALES"
SUBDIVISION = {"england": "ENG", "wales": "WLS", "scotland": "SCT"}

Policy = dict[str, dict[str, int]]


def read_toml(path: Path, what: str = "the timescales file", env: str | None = ENV) -> dict[str, Any]:
    """A settings file the authority gives (``what``, named by ``env``, or by an option where
    ``env`` is None), as a table; a plain error (exit 2) where it cannot be read or is not TOML."""
    unset = f", or unset {env}" if env else ""
    try:
        with path.open("rb") as f:
            return tomllib.load(f)
    except OSError as e:
        raise BadInput(f"cannot read {what} {path}: {e.strerror or e}",
                       fix=f"give a readable TOML file{unset}") from None
    except tomllib.TOMLDecodeError as e:
        raise BadInput(f"{what} {path} is not valid TOML: {e}") from None
    except RecursionError:  # (tables nested past what the reader can follow)
        raise BadInput(f"{what} {path} is not a settings file: its tables nest too deep") from None
    except UnicodeDecodeError as e:  # (TOML is UTF-8)
        raise BadInput(f"{what} {path} is not UTF-8 text (byte {e.start + 1} is 0x{e.object[e.start]:02x})",
                       fix=f"give a TOML file{unset}") from None


def load_policy(path: str | os.PathLike[str] | None = None) -> Policy:
    """The defaults, overlaid with ``path`` (or $PLANTRAIL_TIMESCALES) when given.

    An unknown table or key is refused rather than ignored: a misspelt setting
    would otherwise leave a default silently in force.
    """
    policy: Policy = {k: dict(v) for k, v in read_toml(DEFAULT_PATH).items()}
    chosen = path if path is not None else os.environ.get(ENV) or None
    if chosen is None:
        return policy
    for table, values in read_toml(Path(chosen), env=ENV if path is None else None).items():
        if table not in policy or not isinstance(values, dict):
            raise BadInput(f"the timescales file {chosen} has an unknown table [{table}]",
                           fix="tables: " + ", ".join(policy))
        for key, value in values.items():
            if key not in policy[table]:
                raise BadInput(f"the timescales file {chosen} has an unknown setting {table}.{key}",
                               fix=f"[{table}] takes: " + ", ".join(policy[table]))
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise BadInput(f"{table}.{key} in {chosen} must be a whole number of days, weeks or months")
            policy[table][key] = value
    return policy


@lru_cache(maxsize=8)
def _bank_holidays(nation: str) -> holidays.HolidayBase:
    return holidays.country_holidays("GB", subdiv=SUBDIVISION.get(nation, "ENG"))


def is_working_day(day: date, nation: str) -> bool:
    return day.weekday() < 5 and day not in _bank_holidays(nation)


def add_working_days(start: date, count: int, nation: str) -> date:
    """The ``count``-th working day after ``start`` (``start`` itself not counted)."""
    day = start
    while count > 0:
        day += timedelta(days=1)
        count -= is_working_day(day, nation)
    return day


def add_months(start: date, months: int) -> date:
    """The same day ``months`` later, or that month's last day (31 Jan + 1 month = 28/29 Feb)."""
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))
