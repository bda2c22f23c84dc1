"""How long a child's record is kept: the retention schedule (DOMAIN.md, "Keeping records").

A looked-after child's record (a Care Plan) is kept until the 75th birthday, or for 15 years
from the death of a child who dies before 18 (the Care Planning, Placement and Case Review
(England) Regulations 2010, reg. 50). Child in need and child protection records are kept
for a period each local authority sets: plantrail's default is the 25th birthday. An
authority's schedule may instead (or also) keep a kind of record for some years after the
child's last plan of that kind closed; the later date is kept. A child's record is kept
until the latest of its rules, and never ends while a plan is open.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import NamedTuple

from pydantic import ConfigDict, Field

from plantrail.domain.base import Model

# Which rule a plan kind falls under (vocabulary.PLAN_KINDS).
RULE_OF_KIND = {
    "care-plan": "looked-after",
    "child-protection": "child-protection",
    "initial": "child-protection",  # the initial child protection plan
    "child-in-need": "child-in-need",
    "child-in-need-short-breaks": "child-in-need",
    "single-agency": "child-in-need",
    "multi-agency": "child-in-need",
}


class Rule(Model):
    """One kind of record's period: to a birthday, and/or some years after its last plan closed."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    until_age: int | None = Field(default=None, ge=0, le=120)
    years_after_closure: int | None = Field(default=None, ge=0, le=120)
    # A death before ``early_death_before_age``: kept this many years from the death instead.
    years_after_early_death: int | None = Field(default=None, ge=0, le=120)
    early_death_before_age: int = Field(default=18, ge=0, le=120)


class Schedule(Model):
    """A retention schedule, one rule a kind of record (TOML: one table each)."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    # DOMAIN.md's defaults (projections/retention.toml says the same, for an authority to copy)
    looked_after: Rule = Field(alias="looked-after", default_factory=lambda: Rule(
        until_age=75, years_after_early_death=15, early_death_before_age=18))
    child_protection: Rule = Field(alias="child-protection", default_factory=lambda: Rule(until_age=25))
    child_in_need: Rule = Field(alias="child-in-need", default_factory=lambda: Rule(until_age=25))

    def rule(self, name: str) -> Rule:
        return getattr(self, name.replace("-", "_"))


class Period(NamedTuple):
    kind: str
    ended_on: date | None  # None: still open


class Kept(NamedTuple):
    """Until when a child's record is kept, and the rule that decided it (None: a plan is open)."""

    retain_until: date | None
    rule: str


def birthday(born: date, age: int) -> date:
    try:
        return born.replace(year=born.year + age)
    except ValueError:  # born on 29 February: the birthday is 1 March in a common year
        return date(born.year + age, 3, 1)


def retain_until(schedule: Schedule, born: date, died: date | None, periods: Iterable[Period]) -> Kept:
    """The date a child's record may be destroyed after, and why. A child with no plan is kept
    under the child in need rule (a referral, an assessment)."""
    periods = list(periods)
    if any(p.ended_on is None for p in periods):
        return Kept(None, "a plan is open")
    by_rule: dict[str, list[Period]] = {}
    for p in periods:
        by_rule.setdefault(RULE_OF_KIND.get(p.kind, "child-in-need"), []).append(p)
    if not by_rule:
        by_rule["child-in-need"] = []
    candidates = [_until(name, schedule.rule(name), born, died, ps) for name, ps in by_rule.items()]
    return max(candidates, key=lambda kept: kept.retain_until or date.max)


def _until(name: str, rule: Rule, born: date, died: date | None, periods: list[Period]) -> Kept:
    options: list[Kept] = []
    if rule.years_after_early_death is not None and died is not None \
            and died < birthday(born, rule.early_death_before_age):
        return Kept(birthday(died, rule.years_after_early_death),
                    f"{name}: {rule.years_after_early_death} years after a death before the "
                    f"{_ordinal(rule.early_death_before_age)} birthday")
    if rule.until_age is not None:
        options.append(Kept(birthday(born, rule.until_age), f"{name}: {_ordinal(rule.until_age)} birthday"))
    closed = [p.ended_on for p in periods if p.ended_on is not None]
    if rule.years_after_closure is not None and closed:
        options.append(Kept(birthday(max(closed), rule.years_after_closure),
                            f"{name}: {rule.years_after_closure} years after the last plan closed"))
    if not options:  # a rule that names no period keeps the record (a schedule must say)
        return Kept(None, f"{name}: the schedule gives no period")
    return max(options, key=lambda kept: kept.retain_until or date.max)


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"
